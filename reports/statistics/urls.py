"""Addresses of the statistics (included under statistics/ by registry.urls)."""

from django.urls import path

from reports.statistics import views

urlpatterns = [
    path("", views.statistics_index, name="statistics"),
    path("schools/<str:code>/", views.school_statistics, name="school_statistics"),
    path("schools/<str:code>/export/<slug:table>/", views.school_statistics_export, name="school_statistics_export"),
    path("authorities/<int:pk>/", views.authority_statistics, name="authority_statistics"),
    path(
        "authorities/<int:pk>/export/<slug:table>/",
        views.authority_statistics_export,
        name="authority_statistics_export",
    ),
    path("authorities/<int:pk>/summary.pdf", views.authority_statistics_pdf, name="authority_statistics_pdf"),
]
