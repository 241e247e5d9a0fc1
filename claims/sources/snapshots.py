"""Serving a source's stored copy: hostile content, so never as a page of this
site. Used by the desk (any source), the public side (sources a public
verdict cites) and the evidence bundle (the file names)."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from claims.models import Source

CHUNK_BYTES = 64 * 1024
# File name endings for the stored copies, by the media types the guard
# accepts. A fixed table, not `mimetypes`: that one reads the host's
# /etc/mime.types, and the name of a file in a bundle must not depend on which
# machine built it.
EXTENSIONS = {
    "text/html": "html",
    "application/xhtml+xml": "xhtml",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "application/json": "json",
    "application/ld+json": "json",
}

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
        response = StreamingHttpResponse(chunks(source), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, filename(source))
    for name, value in SNAPSHOT_HEADERS.items():
        response[name] = value
    return response


def filename(source: Source) -> str:
    """The name a stored copy goes by when a reader downloads it: its hash, so
    two copies of the same bytes have one name, and the file says what to check."""
    media_type = source.content_type.split(";", 1)[0].strip().lower()
    return f"{source.sha256}.{EXTENSIONS.get(media_type, 'bin')}"


def chunks(source: Source) -> Iterator[bytes]:
    """The bytes as fetched, a chunk at a time, for a streaming response. The
    file opens on the first chunk, so a response never sent opens nothing."""
    with source.open_stored_copy() as original:
        while chunk := original.read(CHUNK_BYTES):
            yield chunk
