"""Addresses of the account pages (included under accounts/ by registry.urls)."""

from django.urls import path

from registry.accounts import views as account_views

urlpatterns = [
    path("two-factor/", account_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
]
