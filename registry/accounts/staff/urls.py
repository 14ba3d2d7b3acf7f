"""Addresses of the staff pages (included under staff/ by registry.urls)."""

from django.urls import path

from registry.accounts.staff import views

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("new/", views.staff_new, name="staff_new"),
    path("import/", views.staff_import, name="staff_import"),
    path("import/template/", views.staff_import_template, name="staff_import_template"),
    path("<int:pk>/", views.staff_detail, name="staff_detail"),
    path("<int:pk>/grant/", views.staff_grant, name="staff_grant"),
    path("<int:pk>/revoke/", views.staff_revoke, name="staff_revoke"),
    path("<int:pk>/active/", views.staff_active, name="staff_active"),
    path("<int:pk>/password/", views.staff_password, name="staff_password"),
]
