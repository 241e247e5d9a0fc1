"""The second-factor pages: check a code, set up the app, see and renew recovery codes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from claims.accounts import two_factor
from claims.accounts.forms import CodeForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("desk:my_queue")


def _to(page: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(page)}?{urlencode({'next': _next(request)})}")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if not two_factor.owes_second_factor(request):
        return redirect(_next(request))
    if not two_factor.has_app(request.user):
        return _to("two_factor_setup", request)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        problem = two_factor.check(request, form.cleaned_data["code"])
        if problem is None:
            return redirect(_next(request))
        form.add_error("code", problem)
    return render(request, "registration/two_factor_check.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    # Replacing an app that is set up takes a session that gave it: a password
    # alone must not be enough to move someone's second factor to a new phone.
    if two_factor.has_app(request.user) and not two_factor.is_verified(request):
        return _to("two_factor_check", request)
    device = two_factor.pending_app(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm_app(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", two_factor.WRONG_APP_CODE)
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": two_factor.qr_code(device),
        "secret": two_factor.secret_for_typing(device),
        "replacing": two_factor.has_app(request.user),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    has_app = two_factor.has_app(request.user)
    if request.method == "POST":
        if not (has_app and two_factor.is_verified(request)):
            raise PermissionDenied(_("Set up the authenticator app, and give its code, before making recovery codes."))
        codes = two_factor.make_recovery_codes(request)
        return render(request, "registration/recovery_codes.html", {"codes": codes, "next": reverse("security")})
    context = {
        "has_app": has_app,
        "required": two_factor.is_required_of(request.user),
        "codes_left": two_factor.recovery_codes_left(request.user),
    }
    return render(request, "registration/security.html", context)
