"""The sitemaps of verdict and claimant pages, for search engines. Retracted
verdicts stay in it: their pages stay up with the notice."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.db.models import Max, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.http import http_date

from claims.models import Claim, Claimant, claim_counts
from claims.pagination import DeepPaginator
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
    # Sections of 2,000 pages (search engines take up to 50,000): a section is
    # drawn in bounded memory and time (under 50 ms at a desk's size), once
    # per state of the site (claims.public.page_cache), whatever the number
    # of verdicts.
    limit = 2_000

    def items(self) -> ClaimQuerySet:
        # By pk, so an entry keeps its page of the sitemap as new verdicts appear.
        # Rows, not models: making 5,000 Claims was half of a section's time.
        return Claim.objects.public().order_by("pk").values_list("slug", "updated_at", named=True)

    @property
    def paginator(self) -> DeepPaginator:
        # The index's count of its pages: the public claims' count is kept.
        return DeepPaginator(self._items(), self.limit, kept_count=claim_counts.public)

    def location(self, claim: Any) -> str:
        before, after = _around(get_script_prefix(), "verdict")
        return f"{before}{claim.slug}{after}"

    def lastmod(self, claim: Any) -> datetime:
        return claim.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # The base class loads every item to find the newest; one aggregate does.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ClaimantSitemap(PublicSitemap):
    """One speaker's record: the claimants with a verdict that stands."""

    limit = 2_000

    def items(self) -> QuerySet[Claimant]:
        # Whether each has a page is kept (claims.models.claim_counts), and
        # their newest verdict is one index probe each.
        newest = Claim.objects.standing().filter(speaker=OuterRef("pk")).order_by("-updated_at").values("updated_at")
        return (
            Claimant.objects.filter(merged_into=None)
            .with_page_flag()
            .filter(has_page=True)
            .annotate(last_verdict_at=Subquery(newest[:1]))
            .order_by("pk")
            .values_list("slug", "last_verdict_at", named=True)
        )

    @property
    def paginator(self) -> DeepPaginator:
        # The index's count of its pages: the claimants with a page are kept
        # (counting them probed each of 50,000 claimants: 175 ms).
        return DeepPaginator(self._items(), self.limit, kept_count=claim_counts.claimant_pages)

    def location(self, claimant: Any) -> str:
        before, after = _around(get_script_prefix(), "claimant")
        return f"{before}{claimant.slug}{after}"

    def lastmod(self, claimant: Any) -> datetime:
        return claimant.last_verdict_at

    def get_latest_lastmod(self) -> datetime | None:
        return Claim.objects.standing().filter(speaker__isnull=False).aggregate(latest=Max("updated_at"))["latest"]


sitemaps = {"verdicts": VerdictSitemap, "claimants": ClaimantSitemap}


# A slug nothing has (slugs are lowercase), to find where the slug goes.
_SLUG_MARK = "SLUG"


@cache
def _around(script_prefix: str, page: str) -> tuple[str, str]:
    """A verdict's or claimant's path, split where the slug goes: reverse()
    for each entry was a third of a section's time. Per script prefix, which
    reverse() puts in front."""
    path = verdict_path(Claim(slug=_SLUG_MARK)) if page == "verdict" else Claimant(slug=_SLUG_MARK).get_absolute_url()
    before, after = path.split(_SLUG_MARK)
    return before, after


HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


@x_robots_tag  # as Django's view: the sitemap itself is not a page to index
def section(request: HttpRequest, section: str) -> HttpResponse:
    """One section of the sitemap (?p= its page): Django's sitemap view, with
    the entries written here rather than through its template, which took
    most of the quarter second a section of 5,000 entries cost to draw."""
    if section not in sitemaps:
        raise Http404(f"No sitemap available for section: {section!r}")
    site = sitemaps[section]()
    number = request.GET.get("p", "1")
    if not (number.isascii() and number.isdigit()) or int(number) < 1:
        raise Http404("No such page of the sitemap")
    # The page's slice, without counting every entry as the paginator would
    # (the claimants with a verdict that stands: a third of the section's time).
    bottom = (int(number) - 1) * site.limit
    items = list(site.items()[bottom : bottom + site.limit])
    if not items and int(number) > 1:
        raise Http404("No such page of the sitemap")
    root = f"{site.get_protocol()}://{site.get_domain()}"
    zone = timezone.get_current_timezone()  # the day as the template's |date gave it
    lines, latest = [HEAD], None
    for item in items:
        lastmod = site.lastmod(item)
        if lastmod is not None and (latest is None or lastmod > latest):
            latest = lastmod
        day = f"<lastmod>{lastmod.astimezone(zone).date().isoformat()}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(root + site.location(item))}</loc>{day}</url>\n")
    lines.append("</urlset>\n")
    headers = {"Last-Modified": http_date(latest.timestamp())} if latest else {}
    return HttpResponse("".join(lines), content_type="application/xml", headers=headers)
