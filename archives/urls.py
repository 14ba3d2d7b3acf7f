from django.urls import path

from archives import views

urlpatterns = [
    path("archives/", views.archive_list, name="archive_list"),
    path("archives/<int:pk>/", views.archive_detail, name="archive_detail"),
    path("pupils/<int:pk>/archive/", views.pupil_archive, name="pupil_archive"),
    path("archives/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("archives/documents/<int:pk>/", views.document_download, name="document_download"),
    path("archives/documents/<int:pk>/supersede/", views.document_supersede, name="document_supersede"),
    path("archives/<int:pk>/location/", views.archive_location, name="archive_location"),
    path("archives/<int:pk>/loans/", views.loan_new, name="loan_new"),
    path("archives/loans/<int:pk>/return/", views.loan_return, name="loan_return"),
    path("archives/hand-overs/<int:pk>/sent/", views.hand_over_sent, name="hand_over_sent"),
    path("archives/hand-overs/<int:pk>/received/", views.hand_over_received, name="hand_over_received"),
    path("archives/access/new/", views.access_request_new, name="access_request_new"),
    path("archives/access/<int:pk>/decide/", views.access_decide, name="access_decide"),
]
