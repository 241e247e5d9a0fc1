"""Parts of desk pages drawn once per state of what they show, then read
from the cache (Redis in production, `CACHE_URL`; a local cache by default).

A part is kept under its state (`claims.models.desk_stats.freshness`: the
last change to the claims it lists, and the day), the language and the
person's time zone, which every date in it is shown in; a new state is a new
key, and nothing is dropped by hand. What a part cannot be keyed on (a
person renamed or added to a group) shows when it expires. A part holds
nothing of one request's (no CSRF token, no messages), and one person's
only under a state naming them (my queue)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone
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
