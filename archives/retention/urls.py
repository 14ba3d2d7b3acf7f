"""Addresses of archive retention (included by registry.urls)."""

from django.urls import path

from archives.retention import views

urlpatterns = [
    path("schools/<str:code>/retention/", views.school_retention, name="school_retention"),
    path("schools/<str:code>/retention/request/", views.disposal_new, name="disposal_new"),
    path("authorities/<int:pk>/retention/", views.town_retention, name="town_retention"),
    path("authorities/<int:pk>/retention/policy/", views.retention_policy, name="retention_policy"),
    path("retention/<int:pk>/decide/", views.disposal_decide, name="disposal_decide"),
]
