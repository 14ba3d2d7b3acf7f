"""Addresses of printing and the print register (included by registry.urls; names unchanged)."""

from django.urls import path

from archives.printing import views as print_views

urlpatterns = [
    path("archives/<int:pk>/print/", print_views.print_new, name="print_new"),
    path("schools/<str:code>/classes/<int:pk>/print/", print_views.print_class, name="print_class"),
    path("prints/<int:pk>/", print_views.print_job, name="print_job"),
    path("prints/<int:pk>/download/", print_views.print_download, name="print_download"),
    path("schools/<str:code>/archive-register/", print_views.print_register, name="print_register"),
]
