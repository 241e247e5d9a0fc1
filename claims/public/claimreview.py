"""The schema.org ClaimReview that describes a published verdict to search
engines and partners, and the public addresses it points at."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from claims.models import Claim, Rating, Repeat, Verdict
from claims.public.scale import Scale, load_scale

# The same escapes as Django's json_script: inside <script>, "</script>" or
# "<!--" in claim text would otherwise end or confuse the element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


# --- Addresses.


def absolute_url(path: str) -> str:
    """An absolute address on the public site; there is no request in feeds, JSON or tasks to build it from."""
    return f"{settings.SITE_URL}{path}"


def verdict_path(claim: Claim) -> str:
    return reverse("public:verdict", args=[claim.slug])


def version_path(claim: Claim, version: int) -> str:
    return reverse("public:verdict_version", args=[claim.slug, version])


def safe_url(url: str) -> str:
    """`url` if it is an http(s) address, else "": cited URLs come from people, and
    a `javascript:` link must not reach a reader."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return url.strip()


# --- ClaimReview.


def iso(moment: datetime | None) -> str | None:
    """A moment as the JSON we publish writes it: ISO 8601 to the second."""
    return moment.isoformat(timespec="seconds") if moment else None


def byline(user: Any) -> str:
    """The name readers see for a desk member: their full name, or the
    organization's (a login name is internal)."""
    return (user.get_full_name() if user is not None else "") or settings.ORGANIZATION_NAME


def organization() -> dict[str, str]:
    return {"@type": "Organization", "name": settings.ORGANIZATION_NAME, "url": settings.ORGANIZATION_URL}


def review_rating(rating: Rating, scale: Scale) -> dict[str, Any]:
    result: dict[str, Any] = {"@type": "Rating"}
    bounds = scale.bounds
    # A rating outside the numeric scale ("Unproven") is described by its name alone.
    if rating.value is not None and bounds is not None:
        result["ratingValue"] = rating.value
        result["bestRating"], result["worstRating"] = bounds
    result["alternateName"] = rating.label
    return result


def claim_item(claim: Claim) -> dict[str, Any]:
    """The claim as said: who said it, when, and where it appeared; the
    claim's own date and appearance when the desk gave them, else the
    article's; then where an editor confirmed it was said again."""
    item = _first_appearance(claim)
    repeats = [work for work in map(repeat_appearance, claim.also_said) if work]
    if repeats:
        item["appearance"] = [*item.get("appearance", []), *repeats]
    return item


def repeat_appearance(repeat: Repeat) -> dict[str, Any] | None:
    """A confirmed repeat as a further appearance: the article it was said
    in, dated by the article or else by when it was found; None without a
    link to give."""
    article = repeat.article
    url = safe_url(article.url)
    if not url:
        return None
    work: dict[str, Any] = {"@type": "CreativeWork", "url": url}
    if article.title:
        work["headline"] = article.title
    if article.outlet:
        work["publisher"] = {"@type": "Organization", "name": article.outlet}
    work["datePublished"] = (article.published_on or localtime(repeat.found_at).date()).isoformat()
    return work


def _first_appearance(claim: Claim) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant:
        # We do not record whether a claimant is a person or a body; most are people.
        item["author"] = {"@type": "Person", "name": claim.claimant}
    article = claim.article
    said_on = claim.said_on or (article.published_on if article else None)
    if said_on:
        item["datePublished"] = said_on.isoformat()
    url = safe_url(claim.appearance_url)
    if url or claim.appearance:
        work: dict[str, Any] = {"@type": "CreativeWork"}
        if url:
            work["url"] = url
        if claim.appearance:
            work["name"] = claim.appearance
        if claim.said_on:
            work["datePublished"] = claim.said_on.isoformat()
        item["appearance"] = [work]
        return item
    url = safe_url(article.url) if article else ""
    if url:
        work = {"@type": "CreativeWork", "url": url}
        if article.title:
            work["headline"] = article.title
        if article.outlet:
            work["publisher"] = {"@type": "Organization", "name": article.outlet}
        if article.published_on:
            work["datePublished"] = article.published_on.isoformat()
        item["appearance"] = [work]
    return item


def claim_review(claim: Claim, verdict: Verdict | None = None, *, scale: Scale | None = None) -> dict[str, Any]:
    """The schema.org ClaimReview for `claim` (its latest published verdict unless
    `verdict` is given), with the properties Google's fact-check markup asks for.
    Pass `scale` when describing many claims, to load the rating scale once."""
    verdict = verdict or claim.current_verdict
    if verdict is None:
        raise ValueError(f"Claim {claim.pk} has no published verdict.")
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute_url(verdict_path(claim)),
        "claimReviewed": claim.text,
        "datePublished": iso(claim.first_published_at),
        "dateModified": iso(verdict.published_at),
        "author": organization(),
        "itemReviewed": claim_item(claim),
    }
    if verdict.rating is not None:
        review["reviewRating"] = review_rating(verdict.rating, scale or load_scale())
    return review


def json_ld(data: dict[str, Any]) -> SafeString:
    """`data` as JSON that is safe inside <script type="application/ld+json">."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - every <, > and & is escaped above
