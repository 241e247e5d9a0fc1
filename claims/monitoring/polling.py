"""Polling one watched outlet: its new entries become articles, fetched and
extracted by the sources' jobs (the same Source sharing, the same stored
copies) and then spotted. The caller holds the outlet (a lease taken with
`Outlet.objects.take_due` or `lease`); the outcome is recorded on its row:
due again after its interval, or after a backoff when the poll failed, and
flagged after OUTLET_FLAG_AFTER failures in a row.

`poll_inline` does all of it in the calling process, for
`manage.py poll_outlets --sync`: the same functions the workers run."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims.models import Article, Outlet, OutletEntry, Source, normalize_url
from claims.models.outlets import announce_news
from claims.monitoring import feeds
from claims.monitoring.news import Spotted, store_spotted
from claims.sources import guard
from claims.sources.jobs import extract_source, fetch_source

# The length of the URL fields an entry's link lands in.
MAX_URL_CHARS = 2000


def poll(outlet: Outlet, *, inline: bool = False) -> list[Article]:
    """Read the outlet and make an article of each entry not seen before; the
    new articles. `inline`: their new sources are taken by this caller, to
    fetch itself (no worker gets them)."""
    try:
        polled = feeds.read_outlet(outlet.url, etag=outlet.etag, last_modified=outlet.last_modified)
    except (guard.BlockedURL, guard.FetchError) as error:
        outlet.record_failure(str(error))
        return []
    except feeds.FeedRefused as refused:
        outlet.record_failure(refused.message)
        return []
    if polled.not_modified:
        outlet.record_polled(kind=outlet.kind, etag=polled.etag, last_modified=polled.last_modified, new_entries=0)
        return []
    articles, refusals = _add_entries(outlet, polled.entries, inline=inline)
    note = ""
    if refusals:
        skipped = ngettext(
            "%(count)d link skipped: %(reason)s", "%(count)d links skipped; the first: %(reason)s", len(refusals)
        )
        note = skipped % {"count": len(refusals), "reason": refusals[0]}
    outlet.record_polled(
        kind=polled.kind,
        etag=polled.etag,
        last_modified=polled.last_modified,
        new_entries=len(articles) + len(refusals),
        note=note,
    )
    return articles


def _add_entries(outlet: Outlet, entries: list[feeds.Entry], *, inline: bool) -> tuple[list[Article], list[str]]:
    """An OutletEntry for each entry not seen before, and an article for each
    whose link the guard accepts (the reason for each it refused)."""
    by_url = {normalize_url(entry.url): entry for entry in reversed(entries)}  # the first listing wins
    seen = set(OutletEntry.objects.filter(outlet=outlet, url__in=list(by_url)).values_list("url", flat=True))
    articles, refusals = [], []
    for url, entry in by_url.items():
        if url in seen:
            continue
        refusal = _link_refusal(url)
        try:
            with transaction.atomic():
                row = OutletEntry.objects.create(
                    outlet=outlet,
                    url=url[:MAX_URL_CHARS],
                    title=entry.title[:300],
                    published_at=entry.published_at,
                    refusal=refusal,
                )
                if not refusal:
                    row.article = _new_article(outlet, url, entry, inline=inline)
                    row.save(update_fields=["article"])
        except IntegrityError:
            continue  # another poll of this outlet recorded it meanwhile
        if refusal:
            refusals.append(refusal)
        else:
            articles.append(row.article)
    return articles, refusals


def _link_refusal(url: str) -> str:
    if len(url) > MAX_URL_CHARS:
        return _("The link is longer than %(limit)d characters; it was not followed.") % {"limit": MAX_URL_CHARS}
    try:
        guard.check_url(url)
    except guard.BlockedURL as refused:
        return str(refused)
    return ""


def _new_article(outlet: Outlet, url: str, entry: feeds.Entry, *, inline: bool) -> Article:
    """The article for a new entry (inside the entry's transaction, so the
    entry exists before its page can be extracted)."""
    published = timezone.localdate(entry.published_at) if entry.published_at else None
    article = Article.objects.add(
        by=None, url=url, outlet=outlet.name[:200], title=entry.title[:300], published_on=published
    )
    source = article.source
    if source.extracted_at is not None:
        # A page some claim or outlet already had: its text is in now.
        announce_news([article.pk])
    elif inline:
        source.take()  # a new source: its job, once sent, finds it taken
    return article


def poll_inline(outlet: Outlet) -> list[tuple[Article, Spotted]]:
    """Poll now and fetch, extract and spot each new story here, as the
    workers would; for an outlet this caller holds."""
    found = []
    for article in poll(outlet, inline=True):
        source = article.source
        if source.status == Source.WORKING:
            _fetch_and_extract(source)
        found.append((article, store_spotted(Article.objects.get(pk=article.pk))))
    return found


def _fetch_and_extract(source: Source) -> None:
    try:
        fetched = fetch_source(source)
    except guard.FetchError as error:
        # The worker would retry it later; so will the sweeper.
        source.record_transient_failure(str(error))
        return
    if fetched:
        extract_source(Source.objects.get(pk=source.pk))


def lease_all() -> list[Outlet]:
    """Every watched outlet, due or not, held by this caller (a compare-and-set
    each: two callers at once poll it once)."""
    now = timezone.now()
    outlets = Outlet.objects.watched().order_by("pk")
    return [outlet for outlet in outlets if Outlet.objects.filter(pk=outlet.pk).lease(outlet.next_poll_at, now)]
