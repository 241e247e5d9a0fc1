"""Sends a session that still owes its second factor to give it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django_htmx.http import HttpResponseClientRedirect

from claims.accounts import two_factor

# What a person who owes a second factor may still reach: the pages that take
# it, logging out, and files.
_OPEN_URL_NAMES = {"two_factor_check", "two_factor_setup", "logout", "admin:logout"}


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: every page, desk, admin and public,
    waits until the second factor is given."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Cheap first: most requests owe nothing, and need no URL resolved.
        if not two_factor.owes_second_factor(request) or self._is_open(request):
            return self.get_response(request)
        page = "two_factor_check" if two_factor.has_app(request.user) else "two_factor_setup"
        target = f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}"
        if request.htmx:
            # A fragment asked for by the very page where the factor is being
            # given (the bell in the top bar) gets nothing: sending the page
            # there again would start the setup over and lose the way back.
            if _is_open_path(request.htmx.current_url_abs_path or ""):
                return HttpResponse(status=204)
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        return request.path.startswith(settings.STATIC_URL) or _is_open_path(request.path_info)


def _is_open_path(path: str) -> bool:
    try:
        return resolve(path.split("?", 1)[0]).view_name in _OPEN_URL_NAMES
    except Resolver404:
        return False
