"""Who must give a second factor, and the rules for setting one up and checking it.

A second factor is an authenticator app's six-digit code (TOTP, django-otp)
or, when the phone is lost, one of ten single-use recovery codes. Editors and
admins must have one when TWO_FACTOR_REQUIRED is on (the default with DEBUG
off): they can publish to readers, so a stolen password alone must not be
enough. Anyone else may set one up, and is then asked for it too."""

from __future__ import annotations

import base64
import re
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims import workflow
from claims.accounts import audit
from claims.models import SecurityEvent

Kind = SecurityEvent.Kind
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# Set at log-in, so that asking "has this person set up a second factor?"
# costs no query on every page.
ENROLLED_SESSION_KEY = "two_factor_enrolled"
WRONG_APP_CODE = gettext_lazy(
    "That code is not right. Check that your phone's clock is set automatically, and try the next code."
)
_SEPARATORS = re.compile(r"[\s-]+")


def is_required_of(user: Any) -> bool:
    return settings.TWO_FACTOR_REQUIRED and (user.is_staff or workflow.is_editor(user))


def is_verified(request: HttpRequest) -> bool:
    return bool(request.user.is_verified())


def owes_second_factor(request: HttpRequest) -> bool:
    """Logged in with a password, but not yet with the second factor this
    person must give (or has chosen to give)."""
    user = request.user
    if not user.is_authenticated:
        return False
    if not (request.session.get(ENROLLED_SESSION_KEY) or is_required_of(user)):
        return False
    return not is_verified(request)


def has_app(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_app(user: Any) -> TOTPDevice:
    """The authenticator being set up: one per person, kept until confirmed,
    so that reloading the page does not change the code to scan."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def qr_code(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG data URI (no script, no third party)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=4)


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32 groups of four, for an app that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return _SEPARATORS.sub("", code).lower()


def confirm_app(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the app if the code is right, marks this session as verified
    and returns the new recovery codes; None if the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        if not device.verify_token(_clean(code)):
            audit.record(Kind.SECOND_FACTOR_FAILED, request, note="while setting up the authenticator app")
            return None
        # One authenticator per person: a new phone replaces the old one.
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(request.user)
        audit.record(Kind.SECOND_FACTOR_SET_UP, request)
    otp_login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True
    return codes


def check(request: HttpRequest, code: str) -> str | None:
    """Verifies this session with a code from the app or a recovery code.
    Returns None on success, else why not, in words for the person."""
    code = _clean(code)
    kind = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        devices = [d for d in devices_for_user(request.user, for_verify=True) if isinstance(d, kind)]
        if not devices:
            return gettext("That is not a code we can check: give the six digits from your app, or a recovery code.")
        device = devices[0]
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            audit.record(Kind.SECOND_FACTOR_FAILED, request, note="refused: too many wrong codes")
            return gettext("Too many wrong codes. Wait a few seconds and try again.")
        if not device.verify_token(code):
            audit.record(Kind.SECOND_FACTOR_FAILED, request)
            if kind is TOTPDevice:
                return WRONG_APP_CODE
            return gettext("That recovery code is not right, or it has been used already.")
        left = StaticToken.objects.filter(device__user=request.user).count()
    otp_login(request, device)
    if kind is StaticDevice:
        audit.record(Kind.RECOVERY_CODE_USED, request, note=f"{left} left")
    else:
        audit.record(Kind.SECOND_FACTOR_PASSED, request)
    return None


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def make_recovery_codes(request: HttpRequest) -> list[str]:
    """New codes replace every old one (a lost list stops working)."""
    with transaction.atomic():
        codes = _replace_recovery_codes(request.user)
        audit.record(Kind.RECOVERY_CODES_MADE, request)
    return codes


def _replace_recovery_codes(user: Any) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@receiver(user_logged_in, dispatch_uid="two_factor_remember_enrollment")
def _remember_enrollment(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = user_has_device(user)
