"""Addresses of the semester roll reconciliation, under the school (and the town office's overview)."""

from django.urls import path

from students.rollcheck import report_views as reports
from students.rollcheck import views

urlpatterns = [
    path("schools/<str:code>/roll-checks/<int:semester>/", views.roll_check, name="roll_check"),
    path("roll-checks/<int:pk>/headcounts/", views.headcounts, name="roll_check_headcounts"),
    path("roll-checks/<int:pk>/absent/", views.absent, name="roll_check_absent"),
    path("roll-checks/<int:pk>/unregistered/", views.unregistered, name="roll_check_unregistered"),
    path("roll-checks/discrepancies/<int:pk>/", views.discrepancy, name="roll_check_discrepancy"),
    path("roll-checks/<int:pk>/step/", views.step, name="roll_check_step"),
    path("roll-checks/<int:pk>/pdf/", reports.roll_check_pdf, name="roll_check_pdf"),
    path("authorities/<int:pk>/roll-checks/", reports.town_roll_checks, name="town_roll_checks"),
    path("authorities/<int:pk>/roll-checks/export/", reports.town_roll_checks_export, name="town_roll_checks_export"),
]
