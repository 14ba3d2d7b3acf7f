from django.urls import include, path

from transfers import views
from transfers.bulk import views as bulk_views
from transfers.changes import views as change_views
from transfers.slip import views as slip_views

urlpatterns = [
    path("schools/<str:code>/registrations/new/", views.registration_new, name="registration_new"),
    path("schools/<str:code>/registrations/import/", views.registration_import, name="registration_import"),
    path(
        "schools/<str:code>/registrations/import/template/",
        views.registration_template,
        name="registration_template",
    ),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("transfer-forms/<int:pk>/", slip_views.transfer_form, name="transfer_form"),
    path(
        "transfer-forms/<int:pk>/download/",
        slip_views.transfer_form_download,
        name="transfer_form_download",
    ),
    path("verify/", slip_views.transfer_form_verify, name="transfer_form_verify"),
    path("requests/", views.approval_queue, name="approval_queue"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/amend/", views.registration_amend, name="registration_amend"),
    path("requests/<int:pk>/approve/", views.approve, name="approve_request"),
    path("requests/<int:pk>/reject/", views.reject, name="reject_request"),
    path("requests/<int:pk>/withdraw/", change_views.withdraw, name="withdraw_request"),
    path("pupils/<int:pk>/changes/<str:kind>/", change_views.change_new, name="change_new"),
    path("schools/<str:code>/incoming/<str:kind>/", change_views.incoming_new, name="incoming_new"),
    path("schools/<str:code>/transfers/in-external/", views.transfer_in_external_new, name="transfer_in_external_new"),
    path("schools/<str:code>/graduation/", bulk_views.graduation, name="graduation"),
    path("schools/<str:code>/graduation/approve/", bulk_views.graduation_approve, name="graduation_approve"),
    path("schools/<str:code>/promotion/", bulk_views.promotion, name="promotion"),
    path("schools/<str:code>/class-changes/", bulk_views.class_moves, name="class_moves"),
    path("schools/<str:code>/class-changes/intake/", bulk_views.intake_classes, name="intake_classes"),
    path("", include("transfers.information.urls")),
]
