"""Addresses of record requests (查询申请) and their extracts (included by registry.urls)."""

from django.urls import path

from archives.record_requests import views

urlpatterns = [
    path("schools/<str:code>/record-requests/", views.request_list, name="record_request_list"),
    path("archives/<int:pk>/record-requests/new/", views.request_new, name="record_request_new"),
    path("record-requests/<int:pk>/", views.request_detail, name="record_request_detail"),
    path("record-requests/<int:pk>/decide/", views.request_decide, name="record_request_decide"),
    path("record-requests/<int:pk>/extract/", views.extract_new, name="record_extract_new"),
    path("record-extracts/<int:pk>/", views.extract_detail, name="record_extract"),
    path("record-extracts/<int:pk>/download/", views.extract_download, name="record_extract_download"),
]
