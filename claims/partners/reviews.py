"""A schema.org ClaimReview, as a partner wrote it, to one checked entry.

Partners write ClaimReview in many shapes: a list of them, an `@graph`, one
nested in an Article's `review` or `mainEntity`, `author` as an object, a
list or a string, a rating as `alternateName` or only a `ratingValue`. What
cannot be read as a claim, a rating and an http(s) review address is skipped,
with the reason, rather than stored half-known."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from claims.models.partners import MAX_CLAIM_CHARS, MAX_NAME_CHARS, MAX_URL_CHARS, ReviewEntry
from claims.sources import guard

# How deep a JSON-LD document is walked looking for ClaimReviews: real markup
# nests two or three levels; a deeper one is not searched further.
MAX_DEPTH = 8


class Skipped(Exception):
    """This entry is not a ClaimReview we can use; the message says why."""


def claim_reviews(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every ClaimReview object in a JSON-LD document: at its top, in lists,
    in `@graph` and nested in the values of other types."""
    if depth > MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from claim_reviews(item, depth + 1)
    elif isinstance(data, dict):
        if "ClaimReview" in _types(data):
            yield data
            return
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from claim_reviews(value, depth + 1)


def entry_from(review: Any, *, page_url: str = "", organization: str = "") -> ReviewEntry:
    """The entry a ClaimReview describes; `page_url` is the review's address
    when it gives none (markup on the review's own page), `organization` the
    partner's name when it names no author."""
    if not isinstance(review, dict):
        raise Skipped(_("not a ClaimReview object"))
    claim_text = _text(review.get("claimReviewed")) or _name(review.get("itemReviewed"))
    if not claim_text:
        raise Skipped(_("no claimReviewed (the claim's text)"))
    rating = _rating(review.get("reviewRating"))
    if not rating:
        raise Skipped(_("no reviewRating with an alternateName or ratingValue"))
    # A relative address is the page's own link to the review.
    url = urljoin(page_url, _text(review.get("url"))) if page_url else _text(review.get("url"))
    if not _is_web_address(url):
        raise Skipped(_("no http(s) url for the review"))
    try:
        # The desk follows this link: never into our own network.
        guard.check_url(url)
    except guard.BlockedURL as refused:
        raise Skipped(_("the review's url is refused: %(reason)s") % {"reason": refused}) from None
    item = review.get("itemReviewed")
    claimant = _name(item.get("author")) if isinstance(item, dict) else ""
    return ReviewEntry(
        claim_text=claim_text[:MAX_CLAIM_CHARS],
        rating=rating[:MAX_NAME_CHARS],
        review_url=url,
        organization=(_name(review.get("author")) or _name(review.get("publisher")) or organization)[:MAX_NAME_CHARS],
        claimant=claimant[:MAX_NAME_CHARS],
        reviewed_on=read_date(review.get("datePublished")),
    )


def read_date(value: Any) -> date | None:
    """A date from ISO 8601 text ("2024-05-03" or a date-time); None for anything else."""
    text = _text(value)[:40]
    try:
        moment = parse_datetime(text)
        return moment.date() if moment else parse_date(text[:10])
    except ValueError:
        return None


def _types(data: dict[str, Any]) -> set[str]:
    kinds = data.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    # "schema:ClaimReview" and "http://schema.org/ClaimReview" name it too.
    return {kind.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for kind in kinds if isinstance(kind, str)}


def _text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _name(value: Any) -> str:
    """A person's or organization's name from a string, an object or a list of them."""
    if isinstance(value, list):
        return next((name for name in map(_name, value[:10]) if name), "")
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _rating(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, dict):
        return ""
    return _text(value.get("alternateName")) or _text(value.get("name")) or _text(value.get("ratingValue"))


def _is_web_address(url: str) -> bool:
    # Counted in bytes: the database indexes the address with the source.
    if not url or len(url.encode()) > MAX_URL_CHARS:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)
