"""The sitemaps of verdict and claimant pages, for search engines. Retracted
verdicts stay in it: their pages stay up with the notice."""

from __future__ import annotations

from datetime import datetime
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.http import http_date

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
        before, after = self._around
        return f"{before}{claim.slug}{after}"

    @cached_property
    def _around(self) -> tuple[str, str]:
        """verdict_path's answer for one slug, split where the slug goes:
        reverse() for each of 5,000 entries was a third of a section's time."""
        return _verdict_path_around(get_script_prefix())

    def lastmod(self, claim: Claim) -> datetime:
        return claim.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # The base class loads every item to find the newest; one aggregate does.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ClaimantSitemap(PublicSitemap):
    """One speaker's record: the claimants with a verdict that stands."""

    limit = 5_000

    def items(self) -> QuerySet[Claimant]:
        # As Claimant.objects.with_pages(), by EXISTS and a subquery a claimant
        # rather than a join of every standing claim: the index counts these
        # (5,000 claimants, 60,000 verdicts: 350 -> a few ms).
        newest = Claim.objects.standing().filter(speaker=OuterRef("pk")).order_by("-updated_at").values("updated_at")
        return (
            Claimant.objects.filter(merged_into=None)
            .with_page_flag()
            .filter(has_page=True)
            .annotate(last_verdict_at=Subquery(newest[:1]))
            .only("slug")
            .order_by("pk")
        )

    def location(self, claimant: Claimant) -> str:
        return claimant.get_absolute_url()

    def lastmod(self, claimant: Claimant) -> datetime:
        return claimant.last_verdict_at

    def get_latest_lastmod(self) -> datetime | None:
        return Claim.objects.standing().filter(speaker__isnull=False).aggregate(latest=Max("updated_at"))["latest"]


sitemaps = {"verdicts": VerdictSitemap, "claimants": ClaimantSitemap}


# A slug no claim has (slugs are lowercase), to find where the slug goes.
_SLUG_MARK = "SLUG"


@cache
def _verdict_path_around(script_prefix: str) -> tuple[str, str]:
    before, after = verdict_path(Claim(slug=_SLUG_MARK)).split(_SLUG_MARK)
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
    try:
        items = site.paginator.page(request.GET.get("p", 1)).object_list
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such page of the sitemap") from error
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
