"""What readers see: the list of verdicts, a verdict's page and its earlier
versions, a claimant's record, a verdict's evidence bundle, stored copies of
cited sources, and the ClaimReview JSON for partners. No login; nothing here
changes anything. Every page answers conditional GETs with 304."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import condition, require_safe

from claims import limits, params, workflow
from claims.models import Claim, Claimant, Source, Verdict, claim_counts
from claims.models.stored_copies import stream_from_storage
from claims.public import bundle, freshness
from claims.public.claimreview import absolute_url, claim_review, iso, json_ld, safe_url, verdict_path, version_path
from claims.public.freshness import Freshness
from claims.public.page_cache import FreshPaginator, cached_page
from claims.public.scale import Scale, load_scale, rating_distribution
from claims.search_matches import Search
from claims.sources.snapshots import snapshot_response

# --- Freshness, computed once per request: condition() asks for the ETag and
# the Last-Modified separately.


def _scale(request: HttpRequest) -> Scale:
    """The scale, read when first used: a cached verdict page knows from its
    freshness row whether the scale changed, and reads no more of it."""
    if not hasattr(request, "_public_scale"):
        request._public_scale = SimpleLazyObject(load_scale)
    return request._public_scale


def _freshness(request: HttpRequest, compute: Callable[..., Freshness], *args: Any) -> Freshness:
    """`compute(*args, scale)`, once per request."""
    if not hasattr(request, "_freshness"):
        request._freshness = compute(*args, _scale(request))
    return request._freshness


def conditional_on(compute: Callable[..., Freshness]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`condition()` with the ETag and Last-Modified of `compute` (a
    `freshness.*_freshness`), given the view's slug if it has one, and the
    page kept in the cache for that state (claims.public.page_cache)."""

    def fresh(request: HttpRequest, *args: Any, slug: str | None = None, **kwargs: Any) -> Freshness:
        return _freshness(request, compute, *([slug] if slug is not None else []))

    conditional = condition(
        etag_func=lambda request, *args, **kwargs: fresh(request, *args, **kwargs).etag,
        last_modified_func=lambda request, *args, **kwargs: fresh(request, *args, **kwargs).last_modified,
    )
    # Inside the condition: a reader with this state gets a 304; anyone else
    # the page drawn once for this state.
    return lambda view: conditional(cached_page(view))


# Every page of the public site changes with the set of public claims or the scale.
conditional_on_public = conditional_on(freshness.public_freshness)
conditional_on_claim = conditional_on(freshness.claim_freshness)
conditional_on_claimant = conditional_on(freshness.claimant_freshness)
conditional_on_scale = conditional_on(freshness.scale_freshness)


# --- Helpers.


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context.setdefault("organization_name", settings.ORGANIZATION_NAME)
    context.setdefault("organization_url", settings.ORGANIZATION_URL)
    return render(request, template, context)


def _rows(page: Any) -> list[tuple[Claim, Verdict]]:
    """(claim, its current verdict) for a page of claims loaded `with_verdicts()`."""
    return [(claim, claim.current_verdict) for claim in page]


# --- Pages.


@require_safe
@conditional_on_public
def verdict_list(request: HttpRequest) -> HttpResponse:
    scale = _scale(request)
    q = params.search_text(request.GET.get("q"))
    rating_id = params.positive_id(request.GET.get("rating"))
    claims = Claim.objects.standing()
    if rating_id:
        claims = claims.rated(rating_id)
    claims = claims.with_verdicts().order_by("-published_at", "-pk")
    search = Search(claims, q) if q else None
    query = urlencode({k: v for k, v in (("q", q), ("rating", rating_id or "")) if v})
    # The whole list's count is kept (claims.models.claim_counts).
    kept = None if q or rating_id else claim_counts.standing
    paginator = FreshPaginator(
        search.found if search else claims,
        settings.PUBLIC_PAGE_SIZE,
        request=request,
        filters=query,
        search=search,
        kept_count=kept,
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = _rows(page)
    return _render(
        request,
        "public/verdict_list.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "rating_id": rating_id,
            "ratings": scale.steps(),
            "query": query,
            "canonical": absolute_url(request.path),
        },
    )


def _public_claim(slug: str) -> Claim:
    claims = Claim.objects.public().with_verdicts().with_also_said().select_related("speaker")
    return get_object_or_404(claims, slug=slug)


@require_safe
def verdict_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The verdict's page. A desk member gets it drawn for them, with a link
    to the claim on the desk, outside the cache and the ETag: never served
    from the cache nor put in it, so the page readers get stays the same for
    everyone and carries nothing of anyone's."""
    if workflow.is_checker(request.user):
        claim = _public_claim(slug)
        response = _render_verdict(request, claim, claim.current_verdict, permalink=False, on_the_desk=True)
        patch_cache_control(response, private=True, no_store=True)
        return response
    return _verdict_for_readers(request, slug=slug)


@conditional_on_claim
def _verdict_for_readers(request: HttpRequest, slug: str) -> HttpResponse:
    claim = _public_claim(slug)
    return _render_verdict(request, claim, claim.current_verdict, permalink=False)


@require_safe
@conditional_on_claim
def verdict_version(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    claim = _public_claim(slug)
    verdict = next((v for v in claim.versions if v.version == version), None)
    if verdict is None:
        raise Http404("No such version.")
    return _render_verdict(request, claim, verdict, permalink=True)


def _render_verdict(
    request: HttpRequest, claim: Claim, verdict: Verdict, *, permalink: bool, on_the_desk: bool = False
) -> HttpResponse:
    """The verdict page, or with `permalink` the page of one version, which
    shows that version for good and leaves indexing to the verdict page."""
    scale = _scale(request)
    versions = claim.versions
    is_current = verdict.pk == versions[0].pk
    retracted = claim.is_retracted
    position = scale.position(verdict.rating) if verdict.rating else None
    steps = scale.steps(verdict.rating)
    evidence = [
        (item, safe_url(item.source.final_url or item.source.url) if item.source_id else "")
        for item in claim.evidence.with_sources()
    ]
    article = claim.article
    # A version's permalink shows the same as the verdict page while it is current.
    page_path = verdict_path(claim) if is_current else version_path(claim, verdict.version)
    return _render(
        request,
        "public/verdict_detail.html",
        {
            "claim": claim,
            "verdict": verdict,
            "is_current": is_current,
            "permalink": permalink,
            "current": versions[0],
            "history": list(reversed(versions)),
            "retracted": retracted,
            "position": position,
            "steps": steps,
            "evidence": evidence,
            "article": article,
            "article_url": safe_url(article.url) if article else "",
            # Where and when it was said: the claim's own, else its article's.
            "appearance_url": safe_url(claim.appearance_url),
            # Where an editor confirmed it was said again, with a safe link.
            "also_said": [(repeat, safe_url(repeat.article.url)) for repeat in claim.also_said],
            "said_on": claim.said_on or (article.published_on if article else None),
            # A retracted verdict is off its claimant's page, which may then not exist.
            "claimant_url": claim.speaker.get_absolute_url() if claim.speaker and not retracted else "",
            "first_published": claim.first_published_at,
            "canonical": absolute_url(page_path),
            # Search engines get one ClaimReview per claim: the current verdict's,
            # and none once it is retracted.
            "json_ld": json_ld(claim_review(claim, verdict, scale=scale)) if not permalink and not retracted else "",
            # Only in the page drawn for a desk member (verdict_detail).
            "desk_url": claim.get_absolute_url() if on_the_desk else "",
        },
    )


@require_safe
@conditional_on_claim
def verdict_bundle(request: HttpRequest, slug: str) -> FileResponse:
    """The verdict with its evidence and the stored copies of its sources, as a
    ZIP: built once for each state of the verdict, then served from storage."""
    claim = _public_claim(slug)
    name = bundle.stored_bundle(claim, _freshness(request, freshness.claim_freshness, slug).etag)
    response = FileResponse(
        stream_from_storage(name),
        as_attachment=True,
        filename=f"{claim.slug}-bundle.zip",
        content_type="application/zip",
    )
    if not response.has_header("Content-Length"):
        # An object store's body cannot seek, so FileResponse could not measure it.
        response["Content-Length"] = default_storage.size(name)
    return response


@require_safe
@conditional_on_claimant
def claimant_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One speaker's record: their verdicts that stand, newest first, and how they were rated."""
    claimant = get_object_or_404(Claimant.objects.select_related("merged_into"), slug=slug)
    if claimant.merged_into is not None:
        # The address of a spelling an editor merged away: send readers and
        # search engines to the person's page for good, if it is public; a
        # redirect to an unpublished name would tell what the desk is checking.
        survivor = claimant.merged_into
        if not claimant.was_public or not survivor.has_public_page:
            raise Http404("No public verdicts.")
        return HttpResponsePermanentRedirect(survivor.get_absolute_url())
    claims = claimant.claims.standing()
    paginator = FreshPaginator(
        claims.with_verdicts().order_by("-published_at", "-pk"),
        settings.PUBLIC_PAGE_SIZE,
        request=request,
        kept_count=lambda: claim_counts.standing_of(claimant.pk),  # kept by claimant
    )
    if not paginator.count:
        raise Http404("No public verdicts.")
    page = paginator.get_page(request.GET.get("page"))
    return _render(
        request,
        "public/claimant_detail.html",
        {
            "claimant": claimant,
            "page": page,
            "rows": _rows(page),
            "distribution": rating_distribution(claims, _scale(request)),
            "canonical": absolute_url(claimant.get_absolute_url()),
        },
    )


@require_safe
def source_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored copy of a source a public verdict cites, never as a page of
    this site: a download by default, or with `?as=text` the text we extracted."""
    return snapshot_response(request, Source.objects.public(), pk)


@require_safe
@conditional_on_scale
def rating_styles(request: HttpRequest) -> HttpResponse:
    """Each rating's colour as a class (`rating-<id>`), for desk and public
    pages alike: the Content-Security-Policy allows no inline styles, and the
    scale is the editors' to change. The database holds only #rrggbb colours."""
    rules = "".join(f".rating-{rating.pk} {{ --rating: {rating.colour}; }}\n" for rating in _scale(request).ratings)
    return HttpResponse(rules, content_type="text/css; charset=utf-8")


# --- JSON for partners.


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _limited_json(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Counted before the cache and the 304: every request costs the same to send."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if limits.over_limit(request, "public_json"):
            response = _json_error(limits.refusal("public_json"), status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
@_limited_json
@conditional_on_public
def verdicts_json(request: HttpRequest) -> JsonResponse:
    """ClaimReview objects of published verdicts, most recently changed first.

    `modified_since` (ISO 8601) keeps claims changed since then, retracted ones
    included, as entries of `retracted` so a partner can take them down.
    `rating` (a rating id) keeps claims whose current verdict has it."""
    claims = Claim.objects.public()
    since = request.GET.get("modified_since", "")
    if since:
        moment = params.moment(since)
        if moment is None:
            return _json_error("modified_since must be an ISO 8601 date-time, like 2025-01-31T09:00:00Z.")
        claims = claims.filter(updated_at__gte=moment)
    if "rating" in request.GET:
        rating_id = params.positive_id(request.GET["rating"])
        if rating_id is None:
            return _json_error("rating must be a rating id.")
        claims = claims.rated(rating_id)
    claims = claims.with_verdicts().with_also_said().order_by("-updated_at", "-pk")
    filters = urlencode([(k, v) for k, v in request.GET.items() if k != "page"])
    kept = None if since or "rating" in request.GET else claim_counts.public
    paginator = FreshPaginator(
        claims, settings.PUBLIC_JSON_PAGE_SIZE, request=request, filters=filters, kept_count=kept
    )
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return _json_error("page must be a number.")
    except EmptyPage:
        return _json_error("There is no such page.", status=404)

    scale = _scale(request)
    results, retracted = [], []
    for claim in page:
        if claim.is_retracted:
            retracted.append(
                {
                    "url": absolute_url(verdict_path(claim)),
                    "dateRetracted": iso(claim.retracted_at),
                }
            )
        else:
            results.append(claim_review(claim, scale=scale))

    def page_url(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return absolute_url(f"{request.path}?{params.urlencode()}")

    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "results": results,
            "retracted": retracted,
        },
        json_dumps_params={"ensure_ascii": False},
    )
