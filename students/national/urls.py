from django.urls import path

from students.national import views

urlpatterns = [
    path("schools/<str:code>/onboarding/", views.onboarding_upload, name="onboarding_upload"),
    path("onboarding/<int:pk>/", views.onboarding_job, name="onboarding_job"),
    path("onboarding/<int:pk>/import/", views.onboarding_import, name="onboarding_import"),
]
