from django.urls import path

from transfers.information import views

urlpatterns = [
    path("pupils/<int:pk>/information/", views.information_change, name="information_change"),
    path("authorities/<int:pk>/information-changes/", views.information_policy, name="information_policy"),
]
