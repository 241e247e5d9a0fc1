"""Serving a source's stored copy: hostile content, so never as a page of this
site. Used by the desk (any source) and the public side (sources a public
verdict cites)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from claims import bundle
from claims.models import Source

SNAPSHOT_HEADERS = {"Content-Security-Policy": "sandbox; default-src 'none'", "X-Content-Type-Options": "nosniff"}


def snapshot_response(request: HttpRequest, sources: QuerySet[Source], pk: int) -> HttpResponse:
    """The bytes as fetched, streamed as a download, or with `?as=text` the text
    we extracted, as plain text; 404 when `sources` has no stored copy for `pk`."""
    sources = sources.exclude(snapshot="")
    if request.GET.get("as") == "text":
        source = get_object_or_404(sources, pk=pk)
        response: HttpResponse = HttpResponse(source.text, content_type="text/plain; charset=utf-8")
    else:
        source = get_object_or_404(sources.defer("text"), pk=pk)
        if not default_storage.exists(source.snapshot.name):
            raise Http404("The stored copy is missing.")
        response = StreamingHttpResponse(bundle.original_chunks(source), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, bundle.snapshot_filename(source))
    for name, value in SNAPSHOT_HEADERS.items():
        response[name] = value
    return response
