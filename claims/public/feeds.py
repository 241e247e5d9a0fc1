"""RSS and Atom feeds of published verdicts and their corrections: an item per
published version, so a correction reaches subscribers as news of its own. A
retracted claim's items drop out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from claims.models import Claim, Verdict
from claims.public.claimreview import absolute_url, byline, verdict_path, version_path
from claims.public.views import conditional_on_public


class VerdictsFeed(Feed):
    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # Feed dates its response by its newest item, which a retraction does not
        # move; condition() sets Last-Modified from the clock it answers 304 by.
        response.headers.pop("Last-Modified", None)
        return response

    def title(self) -> str:
        return _("Verdicts · %(organization)s") % {"organization": settings.ORGANIZATION_NAME}

    def description(self) -> str:
        return _("Fact checks published by %(organization)s, and their corrections.") % {
            "organization": settings.ORGANIZATION_NAME
        }

    url_name = "public:feed"

    def link(self) -> str:
        return absolute_url(reverse("public:verdicts"))

    def feed_url(self) -> str:
        return absolute_url(reverse(self.url_name))

    def author_name(self) -> str:
        return settings.ORGANIZATION_NAME

    def author_link(self) -> str:
        return settings.ORGANIZATION_URL

    def items(self) -> QuerySet[Verdict]:
        return (
            Verdict.objects.published()
            .filter(claim__in=Claim.objects.standing())
            .select_related("claim", "rating", "author")
            .order_by("-published_at", "-pk")[: settings.FEED_SIZE]
        )

    def item_title(self, verdict: Verdict) -> str:
        # Plain text: the feed generator escapes it for XML, and readers show it as text.
        claim = Truncator(verdict.claim.text).chars(120)
        label = verdict.rating.label if verdict.rating else "Verdict"
        prefix = "Corrected: " if verdict.version > 1 else ""
        return f"{prefix}{label}: “{claim}”"

    def item_description(self, verdict: Verdict) -> str:
        # Readers treat a description as HTML, so the text is escaped before the
        # feed generator escapes it again for XML.
        parts = []
        if verdict.version > 1 and verdict.correction_note:
            parts.append(f"<p><strong>Correction:</strong> {escape(verdict.correction_note)}</p>")
        claimant = f"{verdict.claim.claimant}: " if verdict.claim.claimant else ""
        parts.append(f"<p>{escape(claimant)}“{escape(verdict.claim.text)}”</p>")
        parts.append(f"<p>{escape(verdict.summary)}</p>")
        return "".join(parts)

    def item_link(self, verdict: Verdict) -> str:
        return absolute_url(verdict_path(verdict.claim))

    def item_guid(self, verdict: Verdict) -> str:
        # One id per version: a correction is a new item, not an edit of the first.
        return absolute_url(version_path(verdict.claim, verdict.version))

    def item_guid_is_permalink(self, verdict: Verdict) -> bool:
        return True

    def item_pubdate(self, verdict: Verdict) -> datetime | None:
        return verdict.published_at

    def item_updateddate(self, verdict: Verdict) -> datetime | None:
        return verdict.published_at

    def item_author_name(self, verdict: Verdict) -> str | None:
        return byline(verdict.author)

    def item_categories(self, verdict: Verdict) -> list[str]:
        return [verdict.rating.label] if verdict.rating else []


class AtomVerdictsFeed(VerdictsFeed):
    feed_type = Atom1Feed
    url_name = "public:atom"

    def subtitle(self) -> str:
        return self.description()


rss = require_safe(conditional_on_public(VerdictsFeed()))
atom = require_safe(conditional_on_public(AtomVerdictsFeed()))
