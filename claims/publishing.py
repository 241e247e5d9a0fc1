"""The public side of published verdicts: which claims a reader may see, and the
schema.org ClaimReview that describes each one to search engines and partners.

Every public surface (pages, feeds, sitemap, JSON, claimant pages, stored
copies of sources, bundles) starts from `public_claims()` or `current_claims()`,
so a claim the desk has not published cannot leak through one of them."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from claims.models import Claim, Claimant, ClaimQuerySet, Evidence, Rating, Source, Verdict
from claims.workflow import PUBLIC_STATES, State

# A retracted verdict's page stays up with its notice; anything else is 404.

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# The same escapes as Django's json_script: inside <script>, "</script>" or
# "<!--" in claim text would otherwise end or confuse the element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


# --- Which claims and verdicts are public.


def published_verdicts() -> QuerySet[Verdict]:
    return Verdict.objects.filter(published_at__isnull=False)


def public_claims() -> ClaimQuerySet:
    """Claims a reader may open: published or retracted, with a published verdict."""
    has_verdict = Exists(published_verdicts().filter(claim=OuterRef("pk")))
    return Claim.objects.filter(state__in=PUBLIC_STATES).filter(has_verdict)


def current_claims() -> ClaimQuerySet:
    """Public claims whose verdict stands: what the list and the feeds offer."""
    return public_claims().filter(state=State.PUBLISHED)


def with_verdicts(claims: ClaimQuerySet) -> ClaimQuerySet:
    """`claims` with their article and, as `claim.published_verdicts`, their
    published versions newest first: two queries however many rows."""
    return claims.select_related("article").prefetch_related(
        Prefetch("verdicts", queryset=_versions(), to_attr="published_verdicts")
    )


def _versions() -> QuerySet[Verdict]:
    return published_verdicts().select_related("rating", "author").order_by("-version")


def _current_rating_id() -> Subquery:
    """For a claim (OuterRef "pk"): the rating of its latest published verdict."""
    return Subquery(published_verdicts().filter(claim=OuterRef("pk")).order_by("-version").values("rating_id")[:1])


def rated(claims: ClaimQuerySet, rating_id: int) -> ClaimQuerySet:
    """Claims whose latest published verdict has this rating (not an earlier version's)."""
    return claims.annotate(current_rating_id=_current_rating_id()).filter(current_rating_id=rating_id)


def versions_of(claim: Claim) -> list[Verdict]:
    """The claim's published verdicts, newest first (prefetched by
    `with_verdicts`, else read once and kept on the claim)."""
    if getattr(claim, "published_verdicts", None) is None:
        claim.published_verdicts = list(_versions().filter(claim=claim))
    return claim.published_verdicts


def latest_verdict(claim: Claim) -> Verdict | None:
    versions = versions_of(claim)
    return versions[0] if versions else None


def first_published(claim: Claim) -> datetime | None:
    versions = versions_of(claim)
    return claim.published_at or (versions[-1].published_at if versions else None)


def public_evidence(claim: Claim) -> list[Evidence]:
    return list(claim.evidence.select_related("source").defer("source__text").order_by("created_at", "pk"))


def public_sources() -> QuerySet[Source]:
    """Sources a reader may download a stored copy of: those a public claim
    cites. A source only a draft cites stays on the desk: what a fact-checker
    is looking into is not yet ours to show."""
    cited = Evidence.objects.filter(source=OuterRef("pk"), claim__in=public_claims())
    return Source.objects.filter(Exists(cited))


# --- Claimants: one speaker's record.


def claimant_claims(claimant: Claimant) -> ClaimQuerySet:
    """The claimant's verdicts that stand (a retracted one leaves their record)."""
    return current_claims().filter(speaker=claimant)


def claimants_with_pages() -> QuerySet[Claimant]:
    """Every claimant with a page (a verdict that stands; merged spellings
    redirect), with `last_verdict_at`, when their newest public claim changed."""
    return (
        Claimant.objects.filter(merged_into=None, claims__in=current_claims())
        .annotate(last_verdict_at=Max("claims__updated_at"))
        .order_by("pk")
    )


def has_public_page(claimant: Claimant) -> bool:
    """Whether `claimant` has a page: a verdict that stands. Someone whose
    claims are all on the desk, or all retracted, gets no page about them."""
    return claimant_claims(claimant).exists()


# --- The rating scale, as readers and ClaimReview see it.


@dataclass(frozen=True)
class Scale:
    """Every rating, in order: one query serves a page or a whole JSON page."""

    ratings: tuple[Rating, ...]

    def steps(self, current: Rating | None = None) -> list[Rating]:
        """The scale a reader sees: ratings still in use, plus `current` if it was retired since."""
        return [r for r in self.ratings if not r.retired or (current is not None and r.pk == current.pk)]

    def position(self, rating: Rating) -> tuple[int, int]:
        """(n, total) for "3 of 7"."""
        steps = self.steps(rating)
        return next(n for n, r in enumerate(steps, start=1) if r.pk == rating.pk), len(steps)

    @property
    def bounds(self) -> tuple[int, int] | None:
        """(bestRating, worstRating): the highest and lowest numeric values on the scale."""
        values = [r.value for r in self.ratings if r.value is not None]
        return (max(values), min(values)) if values else None

    def digest(self) -> str:
        """Changes whenever an editor changes the scale, which every public page shows."""
        parts = [(r.pk, r.label, r.order, r.colour, r.value, r.retired) for r in self.ratings]
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def load_scale() -> Scale:
    return Scale(tuple(Rating.objects.all()))


@dataclass(frozen=True)
class RatingCount:
    """One bar of a claimant's record: how many of their verdicts stand at `rating`."""

    rating: Rating
    count: int
    share: float  # of the rated verdicts, 0..100
    colour: str


def rating_distribution(claims: ClaimQuerySet, scale: Scale) -> list[RatingCount]:
    """How many of `claims` have each rating as their current verdict, in scale
    order: one query, grouped in the database, however many claims there are.
    Every step in use is listed, empty ones too, so the bars read against the
    whole scale; a retired rating only when a verdict still carries it."""
    counts = dict(
        claims.order_by()
        .annotate(current_rating_id=_current_rating_id())
        .values("current_rating_id")
        .annotate(n=Count("pk"))
        .values_list("current_rating_id", "n")
    )
    total = sum(n for rating_id, n in counts.items() if rating_id is not None)
    return [
        RatingCount(
            rating=rating,
            count=counts.get(rating.pk, 0),
            share=round(100 * counts.get(rating.pk, 0) / total, 1) if total else 0.0,
            colour=safe_colour(rating.colour),
        )
        for rating in scale.ratings
        if not rating.retired or counts.get(rating.pk)
    ]


def safe_colour(colour: str) -> str:
    # The model validates colours in forms, not on save; a style attribute must never carry anything else.
    return colour if _COLOUR.match(colour or "") else "#777777"


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
    """The claim as said: who said it, when, and where it appeared."""
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant:
        # We do not record whether a claimant is a person or a body; most are people.
        item["author"] = {"@type": "Person", "name": claim.claimant}
    article = claim.article
    if article is None:
        return item
    if article.published_on:
        item["datePublished"] = article.published_on.isoformat()
    url = safe_url(article.url)
    if url:
        work: dict[str, Any] = {"@type": "CreativeWork", "url": url}
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
    verdict = verdict or latest_verdict(claim)
    if verdict is None:
        raise ValueError(f"Claim {claim.pk} has no published verdict.")
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute_url(verdict_path(claim)),
        "claimReviewed": claim.text,
        "datePublished": iso(first_published(claim)),
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


# --- Freshness, for ETag / Last-Modified.


@dataclass(frozen=True)
class Freshness:
    last_modified: datetime | None
    etag: str | None


def _etag(*parts: Any) -> str:
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def claim_freshness(slug: str, scale: Scale) -> Freshness:
    """When the public page of `slug` last changed: its claim row (every transition,
    a correction or retraction, saves it), its verdicts, its cited sources (the
    worker fills in titles and stores copies), and the scale, article and
    claimant page it shows (a merge moves the claim to another page)."""
    row = (
        public_claims()
        .filter(slug=slug)
        .annotate(verdicts_at=Max("verdicts__published_at"), sources_at=Max("evidence__source__updated_at"))
        .values(
            "pk",
            "updated_at",
            "retracted_at",
            "verdicts_at",
            "sources_at",
            "article__title",
            "article__outlet",
            "article__url",
            "article__published_on",
            "speaker__slug",
        )
        .first()
    )
    if row is None:
        return Freshness(None, None)
    moments = [row[key] for key in ("updated_at", "retracted_at", "verdicts_at", "sources_at") if row[key]]
    last = max(moments)
    return Freshness(last, _etag(sorted(row.items()), scale.digest()))


def public_freshness(scale: Scale) -> Freshness:
    """When anything public last changed: a claim published, corrected or retracted
    saves its row, so the newest `updated_at` among public claims moves."""
    last = Claim.objects.filter(state__in=PUBLIC_STATES).aggregate(last=Max("updated_at"))["last"]
    return Freshness(last, _etag(last, scale.digest()))


def claimant_freshness(slug: str, scale: Scale) -> Freshness:
    """When the page of the claimant at `slug` last changed. Retracting a verdict
    saves its claim, so the newest `updated_at` among the claimant's public
    claims (retracted ones included) moves forward even when a verdict leaves
    the page; the count and the sum of ids change when claims join or leave
    it (a merge moves claims without saving them), and the name with a rename."""
    claimant = Claimant.objects.filter(slug=slug, merged_into=None).values("pk", "name", "created_at").first()
    if claimant is None:
        return Freshness(None, None)
    standing = Q(state=State.PUBLISHED)
    row = (
        public_claims()
        .filter(speaker_id=claimant["pk"])
        .aggregate(last=Max("updated_at"), count=Count("pk", filter=standing), ids=Sum("pk", filter=standing))
    )
    if not row["count"]:
        return Freshness(None, None)
    return Freshness(row["last"], _etag(sorted(claimant.items()), sorted(row.items()), scale.digest()))
