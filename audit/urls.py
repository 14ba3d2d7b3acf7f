from django.urls import path

from audit import views

urlpatterns = [
    path("audit/", views.audit_search, name="audit_search"),
    path("audit/export/", views.audit_export, name="audit_export"),
]
