"""Parts of desk pages drawn once per state of what they show, then read
from the cache (Redis in production, `CACHE_URL`; a local cache by default).

A part is kept under its state (`claims.models.desk_stats.freshness`: the
last change to the claims it lists, and the day), the language and the
person's time zone, which every date in it is shown in; a new state is a new
key, and nothing is dropped by hand. What a part cannot be keyed on (a
person renamed or added to a group) shows when it expires. A part holds
nothing of one request's (no messages; a slot where each request puts its
CSRF token), and one person's only under a state naming them (my queue,
the claim page)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import cache as once
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


def drawn(kind: str, state: str, draw: Callable[[], str], seconds: int) -> str:
    """The part `kind` for `state`: from the cache, or `draw()` and kept for
    `seconds`."""
    text = "\n".join((state, get_language() or "", timezone.get_current_timezone_name()))
    key = f"desk-{kind}:{hashlib.sha256(text.encode()).hexdigest()}"
    part = cache.get(key)
    if part is None:
        part = draw()
        cache.set(key, part, seconds)
    return part


@once
def _csrf_slot() -> str:
    """Where a drawn part's forms take the request's CSRF token: a word no one
    can type into a claim without the secret key."""
    return "csrf-slot-" + salted_hmac("claims.desk.drawn", "csrf-slot").hexdigest()[:24]


def draw_forms(template: str, context: Mapping[str, Any], request: HttpRequest) -> str:
    """`template` drawn for any request like this one: its forms hold a slot
    for the CSRF token, and it shows no messages (the page around it does)."""
    return render_to_string(template, {**context, "csrf_token": _csrf_slot(), "messages": ()}, request)


def with_token(request: HttpRequest, part: str) -> SafeString:
    """A part from `draw_forms`, its slots filled with this request's token."""
    return mark_safe(part.replace(_csrf_slot(), get_token(request)))  # noqa: S308 - drawn by a template; a token is [A-Za-z0-9]
