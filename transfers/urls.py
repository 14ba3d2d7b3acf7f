from django.urls import path

from transfers import views

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
    path("requests/", views.approval_queue, name="approval_queue"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/amend/", views.registration_amend, name="registration_amend"),
    path("requests/<int:pk>/approve/", views.approve, name="approve_request"),
    path("requests/<int:pk>/reject/", views.reject, name="reject_request"),
]
