"""Refreshing a partner source: fetch it through the guard, read its
ClaimReviews, store them as external verdicts.

Two kinds of source. A `/verdicts.json`-style feed (ours is one): a JSON object
whose `results` are ClaimReview objects, paged by `next`, with `retracted`
entries to take down. Pages carrying ClaimReview JSON-LD, read with extruct
(JSON-LD only: the syntax Google's fact-check markup uses), one script at a
time so one broken script does not hide the others.

Everything a partner sends is bounded (the guard's size and time limits,
PARTNER_MAX_FEED_PAGES, PARTNER_MAX_PAGE_URLS, PARTNER_MAX_ENTRIES) and
checked: an answer that is not what the kind promises refuses the refresh
(`Refused`, whose message is recorded on the source for editors); an entry
that cannot be read is skipped, and the report says which and why."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import lxml.etree
from django.conf import settings
from django.utils.translation import gettext as _
from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_html

from claims.models.partners import ExternalVerdict, PartnerSource, ReviewEntry
from claims.partners.reviews import Skipped, claim_reviews, entry_from
from claims.sources import guard

JSON_TYPES = frozenset({"application/json", "application/ld+json"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Skipped entries named in the report; the rest are counted.
REPORTED_SKIPS = 20


class Refused(Exception):
    """The source as a whole is not read: its message says why."""


@dataclass
class Harvest:
    """What one refresh read: entries to store, review URLs to take down, and
    the entries skipped with their reasons."""

    entries: list[ReviewEntry] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return len(self.entries) >= settings.PARTNER_MAX_ENTRIES

    def add(self, review: Any, where: str, **context: str) -> None:
        try:
            self.entries.append(entry_from(review, **context))
        except Skipped as why:
            self.skipped.append(f"{where}: {why}")


def refresh(partner: PartnerSource) -> str:
    """Read `partner` now and store what it holds; the report for editors.
    Raises Refused, guard.BlockedURL or guard.FetchError when nothing is read."""
    if partner.kind == PartnerSource.Kind.VERDICTS_JSON:
        harvest = read_feed(partner)
    elif partner.kind == PartnerSource.Kind.CLAIMREVIEW_PAGES:
        harvest = read_pages(partner)
    else:
        raise Refused(_("This source is asked once per new claim, not refreshed."))
    added, updated = ExternalVerdict.objects.upsert(partner, harvest.entries)
    withdrawn = ExternalVerdict.objects.withdraw(partner, harvest.withdrawn) if harvest.withdrawn else 0
    return report(added, updated, withdrawn, harvest.skipped)


def refresh_and_record(partner: PartnerSource) -> bool:
    """Refresh `partner` and record the outcome on its row; whether it went through."""
    try:
        partner.record_refresh(refresh(partner))
    except (Refused, guard.BlockedURL, guard.FetchError) as refused:
        partner.record_failure(str(refused))
        return False
    return True


def report(added: int, updated: int, withdrawn: int, skipped: list[str]) -> str:
    counts = _("%(added)d added, %(updated)d updated, %(withdrawn)d withdrawn, %(skipped)d skipped.") % {
        "added": added,
        "updated": updated,
        "withdrawn": withdrawn,
        "skipped": len(skipped),
    }
    return "\n".join([counts, *skipped[:REPORTED_SKIPS]])


# --- A /verdicts.json-style feed.


def read_feed(partner: PartnerSource) -> Harvest:
    urls = partner.url_list
    if not urls:
        raise Refused(_("The source has no address to read."))
    harvest = Harvest()
    url: str | None = urls[0]
    seen: set[str] = set()
    while url and url not in seen:
        if len(seen) == settings.PARTNER_MAX_FEED_PAGES:
            stopped = _("stopped after %(pages)d pages (PARTNER_MAX_FEED_PAGES)")
            harvest.skipped.append(stopped % {"pages": len(seen)})
            break
        if harvest.full:
            harvest.skipped.append(_("stopped at %(limit)d entries") % {"limit": settings.PARTNER_MAX_ENTRIES})
            break
        seen.add(url)
        page = read_json(url)
        results = page.get("results")
        if not isinstance(results, list):
            raise Refused(_("%(url)s is not a verdicts.json-style feed: it has no list of results.") % {"url": url})
        room = settings.PARTNER_MAX_ENTRIES - len(harvest.entries)
        for number, item in enumerate(results[:room], start=1):
            harvest.add(item, f"{url} #{number}", organization=partner.name)
        retracted = page.get("retracted")
        for item in retracted[: settings.PARTNER_MAX_ENTRIES] if isinstance(retracted, list) else []:
            if isinstance(item, dict) and isinstance(item.get("url"), str):
                harvest.withdrawn.append(item["url"])
        if len(results) > room:
            harvest.skipped.append(_("stopped at %(limit)d entries") % {"limit": settings.PARTNER_MAX_ENTRIES})
            break
        following = page.get("next")
        url = following if isinstance(following, str) else None
    return harvest


def read_json(url: str) -> dict[str, Any]:
    """One page of a feed, which must be a JSON object."""
    fetched = guard.fetch(url, headers={"accept": "application/json"})
    if fetched.content_type not in JSON_TYPES:
        not_json = _("%(url)s answered %(type)s, not JSON.")
        raise Refused(not_json % {"url": url, "type": fetched.content_type or _("content with no type")})
    try:
        data = json.loads(fetched.body.decode(fetched.charset or "utf-8"))
    # LookupError: a charset Python knows that is no text encoding ("rot13").
    except (ValueError, RecursionError, LookupError) as bad:
        raise Refused(_("%(url)s is not valid JSON (%(error)s).") % {"url": url, "error": str(bad)[:200]}) from None
    if not isinstance(data, dict):
        raise Refused(_("%(url)s is JSON but not an object with results.") % {"url": url})
    return data


# --- Pages carrying ClaimReview JSON-LD.


def read_pages(partner: PartnerSource) -> Harvest:
    """Each page of the source; a page that cannot be read is skipped with its
    reason, and the source refused only when none could be."""
    urls = partner.url_list
    if not urls:
        raise Refused(_("The source has no address to read."))
    harvest = Harvest()
    failures: list[str] = []
    for url in urls[: settings.PARTNER_MAX_PAGE_URLS]:
        if harvest.full:
            harvest.skipped.append(_("stopped at %(limit)d entries") % {"limit": settings.PARTNER_MAX_ENTRIES})
            break
        try:
            read_page(url, partner.name, harvest)
        except (Refused, guard.BlockedURL, guard.FetchError) as refused:
            failures.append(f"{url}: {refused}")
    if failures and len(failures) == len(urls[: settings.PARTNER_MAX_PAGE_URLS]):
        raise Refused(" ".join(failures[:3]))
    harvest.skipped[:0] = failures
    return harvest


def read_page(url: str, organization: str, harvest: Harvest) -> None:
    fetched = guard.fetch(url)
    if fetched.content_type not in HTML_TYPES:
        raise Refused(_("%(url)s answered %(type)s, not a web page.") % {"url": url, "type": fetched.content_type})
    try:
        tree = parse_html(fetched.body, encoding=fetched.charset or "utf-8")
    except (lxml.etree.LxmlError, ValueError, LookupError) as bad:
        raise Refused(_("%(url)s could not be read as HTML (%(error)s).") % {"url": url, "error": bad}) from None
    extractor = JsonLdExtractor()
    scripts = tree.xpath('//script[@type="application/ld+json"]')
    found = broken = 0
    for number, script in enumerate(scripts, start=1):
        try:
            documents = extractor.extract_items(script)
        except (ValueError, RecursionError):
            broken += 1
            not_json = _("%(url)s script %(number)d: not valid JSON-LD")
            harvest.skipped.append(not_json % {"url": url, "number": number})
            continue
        for review in claim_reviews(documents):
            if harvest.full:
                return
            found += 1
            harvest.add(review, f"{url} #{found}", page_url=fetched.final_url, organization=organization)
    if not found and not broken:
        harvest.skipped.append(_("%(url)s: no ClaimReview markup") % {"url": url})
