"""What each person on the desk sets for themself: the time zone the desk
shows them dates in, and the kinds of notification they want no email for.

One row per user, made only when they first change something: until then
`Profile.of(user)` is the defaults, unsaved, and reading it writes nothing."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache as shared_cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims import workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# `@username` in a comment: Django's username characters, starting with a
# letter or digit, not after a word character (so an email address mentions
# nobody), and not ending in a dot (the end of a sentence).
MENTION = re.compile(r"(?<![\w@.+-])@(\w(?:[\w.@+-]*[\w@+-])?)")
# Desk members' usernames, shared by every process for this long: a comment
# page links the names it finds without a query of its own.
DESK_NAMES_SECONDS = 60


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value and value not in time_zones():
        raise ValidationError(
            _("“%(value)s” is not a time zone we know. Choose one from the list, for example Asia/Karachi."),
            params={"value": value[:80]},
            code="unknown_time_zone",
        )


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(
        max_length=64, blank=True, validators=[validate_time_zone], help_text=_("Empty: the desk's own (TIME_ZONE).")
    )
    # Kinds of Notification (Notification.Kind values) not to email.
    email_off = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(_("Profile of %(user)s")) % {"user": self.user_id}

    @classmethod
    def of(cls, user: AbstractBaseUser) -> Profile:
        """The person's settings: their row, or the defaults (unsaved)."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    @property
    def zone_name(self) -> str:
        return self.time_zone or settings.TIME_ZONE

    def wants_email(self, kind: str) -> bool:
        return kind not in self.email_off


def desk_people() -> models.QuerySet:
    """Active fact-checkers, editors and admins: the people one may mention."""
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name__in=[workflow.CHECKERS_GROUP, workflow.EDITORS_GROUP]) | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
    )


def mentioned_names(text: str) -> list[str]:
    """The `@usernames` in `text`, each once, in order."""
    return list(dict.fromkeys(MENTION.findall(text)))


def desk_usernames() -> frozenset[str]:
    """Every desk member's username, from the cache (a minute old at most)."""
    return shared_cache.get_or_set(
        "desk-usernames", lambda: frozenset(desk_people().values_list("username", flat=True)), DESK_NAMES_SECONDS
    )
