from django.urls import path

from students import views

urlpatterns = [
    path("", views.pupil_list, name="pupil_list"),
    path("export/", views.pupil_export, name="pupil_export"),
    path("<int:pk>/", views.pupil_detail, name="pupil_detail"),
    path("<int:pk>/reveal/", views.reveal_id_numbers, name="reveal_id_numbers"),
]
