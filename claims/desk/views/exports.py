"""CSV downloads for the desk: the team queue with its filters, and the
published verdicts.

Streamed: rows are read from a server-side cursor a chunk at a time
(`iterator(chunk_size=...)`) and written out in blocks, so memory stays flat
whatever the number of rows (bench/csv_bench.py measures it). Every cell
that a spreadsheet would read as a formula is defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.desk.forms import QueueFilterForm
from claims.desk.views.access import desk_member_required
from claims.models import Claim
from claims.public.claimreview import absolute_url

# Rows read from the database at a time, and bytes sent at a time.
CHUNK_ROWS = 2_000
BLOCK_BYTES = 64 * 1024

# A cell starting with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets (OWASP "CSV injection"): claims and claimants are text
# from anyone, so such a cell gets a leading apostrophe, which spreadsheets
# show as text and do not display.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_blocks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text of `header` and `rows`, in blocks of about BLOCK_BYTES.
    Starts with a byte order mark: without it Excel reads UTF-8 as Latin-1."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        if buffer.tell() >= BLOCK_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_blocks(header, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _desk_url(request: HttpRequest) -> str:
    """The claim page's absolute address with "{}" for the number: one
    reverse() for the whole export, not one per row."""
    return request.build_absolute_uri(reverse("desk:claim", args=[987654321])).replace("987654321", "{}")


def queue_rows(claims: Any, desk_url: str) -> Iterator[list[Any]]:
    for claim in claims.iterator(chunk_size=CHUNK_ROWS):
        yield [
            claim.pk,
            claim.text,
            claim.claimant,
            claim.get_state_display(),
            workflow.display_name(claim.assignee, ""),
            workflow.display_name(claim.reviewer, ""),
            claim.get_priority_display(),
            claim.due_on.isoformat() if claim.due_on else "",
            _("yes") if claim.is_overdue else "",
            claim.demand,
            claim.article.title if claim.article else "",
            timezone.localtime(claim.created_at).date().isoformat(),
            desk_url.format(claim.pk),
        ]


QUEUE_HEADER = [
    "Number",
    "Claim",
    "Claimant",
    "State",
    "Assignee",
    "Reviewer",
    "Priority",
    "Due on",
    "Overdue",
    "Readers asking",
    "Article",
    "Added on",
    "Desk page",
]


@desk_member_required
def team_queue_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The team queue as it is filtered on the page, every page of it."""
    filters = QueueFilterForm(request.GET or None)
    claims = filters.filter(Claim.objects.for_list())
    return csv_response("team-queue", QUEUE_HEADER, queue_rows(claims, _desk_url(request)))


def verdict_rows(claims: Any) -> Iterator[list[Any]]:
    # One reverse() for the export: the slug's place in the address.
    public_url = absolute_url(reverse("public:verdict", args=["slug-goes-here"])).replace("slug-goes-here", "{}")
    for claim in claims.iterator(chunk_size=CHUNK_ROWS):
        yield [
            claim.pk,
            claim.text,
            claim.claimant,
            claim.current_rating_label or "",
            claim.current_summary or "",
            public_url.format(claim.slug),
            timezone.localtime(claim.published_at).date().isoformat(),
            workflow.display_name(claim.assignee, ""),
        ]


PERSON_FIELDS = ("username", "first_name", "last_name")
VERDICT_HEADER = ["Number", "Claim", "Claimant", "Rating", "Summary", "Public page", "Published on", "Researcher"]


@desk_member_required
def published_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every verdict that stands (published, not retracted), newest first,
    with its current rating and summary."""
    claims = (
        Claim.objects.standing()
        .with_current_verdict()
        .select_related("assignee")
        .only("pk", "slug", "text", "claimant", "published_at", *(f"assignee__{f}" for f in PERSON_FIELDS))
        .order_by("-published_at", "-pk")
    )
    return csv_response("published-verdicts", VERDICT_HEADER, verdict_rows(claims))
