"""Public pages and their counts, kept in the cache under the freshness the
pages already compute for their ETag.

A page changes only when its freshness does (a verdict published, corrected
or retracted, a claimant merged, the scale edited: each moves the ETag), so
a page is drawn once per state of what it shows and then served from the
cache (Redis in production, `CACHE_URL`; a local cache by default). Nothing
is dropped by hand: a new state is a new key, and the old entries expire.
The key holds the language and the query string too, so every filter and page is its own
entry. Only whole 200 answers without cookies are kept; the page's CSP nonce
is stored as a mark and replaced by this request's nonce when served."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cached_property, wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils.translation import get_language

from claims.pagination import DeepPaginator
from claims.search_matches import Search

# Stands for the nonce in stored pages: private-use characters, which no page
# of ours writes.
NONCE_MARK = "\ue000csp-nonce\ue000".encode()


def _key(kind: str, request: HttpRequest, *parts: str) -> str | None:
    freshness = getattr(request, "_freshness", None)
    if freshness is None or not freshness.etag:
        return None
    # A page drawn in one language is not served to a reader of another.
    text = "\n".join((freshness.etag, get_language() or "", request.path, *parts))
    return f"public-{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page from the cache while its freshness holds. Goes
    inside `condition()`, which has computed the freshness (and answered
    304 when the reader has this state already)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = _key("page", request, request.META.get("QUERY_STRING", ""))
        if key is None:
            return view(request, *args, **kwargs)
        stored = cache.get(key)
        if stored is not None:
            return _served(request, stored)
        response = view(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse):
            response.render()  # the sitemaps answer with a template not yet drawn
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, _kept(request, response), settings.PUBLIC_CACHE_SECONDS)
        return response

    return wrapper


def _kept(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    content = response.content
    nonce = getattr(request, "_csp_nonce", None)  # set only if the page used one
    if isinstance(nonce, str):
        content = content.replace(nonce.encode(), NONCE_MARK)
    return {"content": content, "headers": list(response.headers.items())}


def _served(request: HttpRequest, stored: dict[str, Any]) -> HttpResponse:
    content = stored["content"]
    if NONCE_MARK in content:
        # Reading the nonce makes the CSP middleware put it in this answer's policy.
        content = content.replace(NONCE_MARK, str(request.csp_nonce).encode())
    return HttpResponse(content, headers=dict(stored["headers"]))


class FreshPaginator(DeepPaginator):
    """Counts its list once per state of the public site (a count of every
    public claim is the costliest query a list page makes), under the
    request's freshness and its filters; a list with no filter reads the
    count kept by state instead (`kept_count`, claims.models.claim_counts).
    A search (`search`) is not counted but capped, as on the desk: each
    reader's words are their own key, so a cached count would seldom be read
    again."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        request: HttpRequest,
        filters: str = "",
        search: Search | None = None,
        kept_count: Callable[[], int] | None = None,
    ) -> None:
        super().__init__(object_list, per_page, search=search, kept_count=kept_count)
        self._count_key = _key("count", request, filters)

    @cached_property
    def count(self) -> int:
        uncounted = DeepPaginator.count.func  # type: ignore[attr-defined]
        if self._count_key is None or self.count_limit is not None:
            return uncounted(self)
        return cache.get_or_set(self._count_key, lambda: uncounted(self), settings.PUBLIC_CACHE_SECONDS)
