from django.urls import path

from students.school_numbers import views

urlpatterns = [
    path("schools/<str:code>/school-numbers/", views.school_number_format, name="school_number_format"),
    path("schools/<str:code>/classes/<int:pk>/school-numbers/", views.class_renumber, name="class_renumber"),
]
