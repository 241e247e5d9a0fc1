"""Sends a session that still owes its second factor to give it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

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
        if request.htmx:
            # A fragment a page asked for (the bell, on load and every 30 s):
            # the page goes to give the code, and comes back to itself, not
            # to the fragment. Asked from the second factor's own pages, the
            # fragment is simply not drawn: sending that page to itself again
            # would reload it (and its new key) for ever.
            current = request.htmx.current_url_abs_path or ""
            if self._is_open_path(urlsplit(current).path):
                return HttpResponse(status=204)
            return HttpResponseClientRedirect(
                f"{reverse(page)}?{urlencode({'next': current or reverse('desk:my_queue')})}"
            )
        return HttpResponseRedirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        return TwoFactorMiddleware._is_open_path(request.path, request.path_info)

    @staticmethod
    def _is_open_path(path: str, path_info: str = "") -> bool:
        if not path:
            return False
        if path.startswith(settings.STATIC_URL):
            return True
        try:
            return resolve(path_info or path).view_name in _OPEN_URL_NAMES
        except Resolver404:
            return False
