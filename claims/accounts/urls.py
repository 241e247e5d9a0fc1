from __future__ import annotations

from django.urls import path

from claims.accounts import views

urlpatterns = [
    path("two-factor/", views.check, name="two_factor_check"),
    path("two-factor/setup/", views.setup, name="two_factor_setup"),
    path("security/", views.security, name="security"),
]
