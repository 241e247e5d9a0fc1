"""The sitemaps of verdict and claimant pages, for search engines. Retracted
verdicts stay in it: their pages stay up with the notice."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from claims.models import Claim, Claimant
from claims.public.claimreview import verdict_path

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from claims.models import ClaimQuerySet


class PublicSitemap(Sitemap):
    # Entries carry the public address from settings, like the canonical links
    # and ClaimReview urls, not whatever host the request came in on.
    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class VerdictSitemap(PublicSitemap):
    # Sections of 5,000 pages (search engines take up to 50,000): a section is
    # drawn in bounded memory and time, once per state of the site
    # (claims.public.page_cache), whatever the number of verdicts.
    limit = 5_000

    def items(self) -> ClaimQuerySet:
        # By pk, so an entry keeps its page of the sitemap as new verdicts appear.
        return Claim.objects.public().only("slug", "updated_at").order_by("pk")

    def location(self, claim: Claim) -> str:
        return verdict_path(claim)

    def lastmod(self, claim: Claim) -> datetime:
        return claim.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # The base class loads every item to find the newest; one aggregate does.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ClaimantSitemap(PublicSitemap):
    """One speaker's record: the claimants with a verdict that stands."""

    limit = 5_000

    def items(self) -> QuerySet[Claimant]:
        return Claimant.objects.with_pages().only("slug")

    def location(self, claimant: Claimant) -> str:
        return claimant.get_absolute_url()

    def lastmod(self, claimant: Claimant) -> datetime:
        return claimant.last_verdict_at

    def get_latest_lastmod(self) -> datetime | None:
        return Claim.objects.standing().filter(speaker__isnull=False).aggregate(latest=Max("updated_at"))["latest"]


sitemaps = {"verdicts": VerdictSitemap, "claimants": ClaimantSitemap}
