from django.urls import path

from students.problems import views

urlpatterns = [
    path("problems/", views.problem_records, name="problem_records"),
    path("problems/pupils/<int:pk>/<str:kind>/keep/", views.problem_keep, name="problem_keep"),
    path("problems/pupils/<int:pk>/remove/", views.problem_remove, name="problem_remove"),
]
