"""Limits on costly requests: citing and re-fetching URLs (each one is work
for the fetch workers and a request to someone else's site) and the partners'
JSON. Counted in the cache with django-ratelimit: per person on the desk, per
address on the public side; shared by every process when the cache is Redis
(`CACHE_URL`), per process with the default local cache."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from django_ratelimit.core import is_ratelimited

from factcheck.client_ip import client_ip


def _client_key(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def over_limit(request: HttpRequest, group: str) -> bool:
    """Count this request against `group`'s limit (settings.RATE_LIMITS);
    True when it is one too many."""
    key = "user_or_ip" if request.user.is_authenticated else _client_key
    return is_ratelimited(request, group=group, key=key, rate=settings.RATE_LIMITS[group], increment=True)


def refusal(group: str) -> str:
    limit, _, period = settings.RATE_LIMITS[group].partition("/")
    # Whole sentences, so a translator is not asked to agree "a" with a unit.
    sentences = {
        "s": gettext("That is more than %(limit)s in a second; wait a moment and try again. Nothing was changed."),
        "m": gettext("That is more than %(limit)s in a minute; wait a moment and try again. Nothing was changed."),
        "h": gettext("That is more than %(limit)s in an hour; wait a moment and try again. Nothing was changed."),
        "d": gettext("That is more than %(limit)s in a day; wait a moment and try again. Nothing was changed."),
    }
    if period not in sentences:  # a rate such as "5/15m"
        return gettext(
            "That is more than %(limit)s per %(period)s; wait a moment and try again. Nothing was changed."
        ) % {"limit": limit, "period": period}
    return sentences[period] % {"limit": limit}
