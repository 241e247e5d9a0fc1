"""Writes the security log: log-ins, failed log-ins, lock-outs (django-axes),
second-factor checks and refused requests."""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from claims.models import SecurityEvent
from factcheck.client_ip import client_ip

Kind = SecurityEvent.Kind


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def record(kind: str, request: HttpRequest | None, **fields: Any) -> SecurityEvent:
    return SecurityEvent.record(kind, request, ip_address=_address(request), **fields)


@receiver(user_logged_in, dispatch_uid="security_log_logged_in")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(Kind.LOGGED_IN, request, user=user)


@receiver(user_logged_out, dispatch_uid="security_log_logged_out")
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Kind.LOGGED_OUT, request, user=user)


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django has already masked the password in `credentials`; only the name is kept.
    record(Kind.LOGIN_FAILED, request, username=credentials.get("username", ""))


@receiver(user_locked_out, dispatch_uid="security_log_locked_out")
def _locked_out(sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    record(Kind.LOCKED_OUT, request, username=username or "")


def refused(request: HttpRequest, reason: str) -> None:
    record(Kind.REFUSED, request, note=reason)
