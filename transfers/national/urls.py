from django.urls import path

from transfers.national import views

urlpatterns = [
    path("schools/<str:code>/national-export/", views.national_export, name="national_export"),
]
