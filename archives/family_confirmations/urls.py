"""Addresses of the families' confirmation forms (included by registry.urls)."""

from django.urls import path

from archives.family_confirmations import views

urlpatterns = [
    path("schools/<str:code>/classes/<int:pk>/confirmations/", views.class_confirmations, name="class_confirmations"),
    path("schools/<str:code>/classes/<int:pk>/confirmations/print/", views.print_new, name="confirmation_print_new"),
    path("schools/<str:code>/classes/<int:pk>/confirmations/scan/", views.class_scan_new, name="class_scan_new"),
    path("confirmation-scans/<int:pk>/pages/<int:page>/", views.class_scan_page, name="class_scan_page"),
    path("confirmation-prints/<int:pk>/", views.print_detail, name="confirmation_print"),
    path("confirmation-prints/<int:pk>/download/", views.print_download, name="confirmation_print_download"),
    path("pupils/<int:pk>/confirmation/", views.record_return, name="confirmation_return"),
]
