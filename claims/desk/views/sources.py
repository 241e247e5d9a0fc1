"""A cited source on the desk: its fetch record, the claims citing it, its stored copy."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from claims.desk.views.access import desk_member_required
from claims.models import Source
from claims.sources.snapshots import snapshot_response


@desk_member_required
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    citing = source.evidence.select_related("claim", "added_by").order_by("-created_at")[: settings.DESK_RECENT_LIMIT]
    return render(request, "claims/source_detail.html", {"source": source, "citing": citing})


@desk_member_required
def source_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    """The bytes as fetched, as a download, or the extracted text as plain
    text. Never rendered as a live page in our origin: a snapshot is hostile
    content."""
    # Any stored copy, even after a later fetch failed: that is when it is needed.
    return snapshot_response(request, Source.objects.all(), pk)
