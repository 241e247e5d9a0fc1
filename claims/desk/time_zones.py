"""Each person sees the desk's dates in their own time zone (their Profile),
the desk's TIME_ZONE until they choose one.

The zone is kept in the session, set when they log in and when they change
it, so a page costs no query for it; a session from before (or another
device's, after a change) reads the profile once. Readers' pages keep the
desk's zone: they are the same for everyone, and cached."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from claims.models import Profile

SESSION_KEY = "desk_time_zone"
# URL namespaces whose pages are not the desk's: shown in TIME_ZONE.
PUBLIC_NAMESPACES = frozenset({"public"})


def remember(request: HttpRequest, user: Any, zone_name: str) -> None:
    request.session[SESSION_KEY] = [user.pk, zone_name]


@receiver(user_logged_in)
def _remember_on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request, user, Profile.of(user).zone_name)


def zone_name_for(request: HttpRequest) -> str:
    kept = request.session.get(SESSION_KEY)
    if isinstance(kept, list) and len(kept) == 2 and kept[0] == request.user.pk:
        return kept[1]
    name = Profile.of(request.user).zone_name
    remember(request, request.user, name)
    return name


class TimeZoneMiddleware:
    """After the authentication middleware: activates the person's zone for
    the desk's views, and always ends with the default again (a thread
    serves other people's requests next)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        match = request.resolver_match
        if match is not None and PUBLIC_NAMESPACES.intersection(match.namespaces):
            return
        if request.user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone_name_for(request)))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                # A zone this machine's tz database no longer has: the default.
                timezone.deactivate()
