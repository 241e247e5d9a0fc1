"""CSV downloads for the desk: the team queue with its filters, and the
published verdicts.

Streamed: rows are read from a server-side cursor a chunk at a time
(`iterator(chunk_size=...)`) and written out in blocks, so memory stays flat
whatever the number of rows (bench/csv_bench.py measures it). On
PostgreSQL outside a transaction Django declares the cursor WITH HOLD, so
the server works out the whole result before the first row (its memory or
temporary files, not this process's). Every cell that a spreadsheet would
read as a formula is defused."""

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
from claims.workflow import State

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


def desk_url_template(request: HttpRequest) -> str:
    """The claim page's absolute address with "{}" for the number: one
    reverse() for the whole export, not one per row."""
    return request.build_absolute_uri(reverse("desk:claim", args=[987654321])).replace("987654321", "{}")


def _person(first: str | None, last: str | None, username: str | None) -> str:
    """`workflow.display_name` from the columns (the rows are tuples)."""
    return f"{first or ''} {last or ''}".strip() or (username or "")


def _person_columns(relation: str) -> list[str]:
    return [f"{relation}__{name}" for name in ("first_name", "last_name", "username")]


# Tuples, not model instances: a claim built per row cost three times the
# rest of the row (measured by bench/csv_bench.py).
QUEUE_COLUMNS = [
    "pk",
    "text",
    "claimant",
    "state",
    *_person_columns("assignee"),
    *_person_columns("reviewer"),
    "priority",
    "due_on",
    "demand",
    "article__title",
    "created_at",
]


def queue_rows(claims: Any, desk_url: str) -> Iterator[list[Any]]:
    states, priorities = dict(State.choices), dict(Claim.Priority.choices)
    today, zone, overdue = timezone.localdate(), timezone.get_current_timezone(), _("yes")
    rows = claims.values_list(*QUEUE_COLUMNS).iterator(chunk_size=CHUNK_ROWS)
    for pk, text, claimant, state, *people, priority, due_on, demand, article, created_at in rows:
        yield [
            pk,
            text,
            claimant,
            states.get(state, state),
            _person(*people[:3]),
            _person(*people[3:]),
            priorities.get(priority, priority),
            due_on.isoformat() if due_on else "",
            overdue if due_on and due_on < today and state in workflow.OPEN_STATES else "",
            demand,
            article or "",
            created_at.astimezone(zone).date().isoformat(),
            desk_url.format(pk),
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
    return csv_response("team-queue", QUEUE_HEADER, queue_rows(claims, desk_url_template(request)))


def verdict_rows(claims: Any) -> Iterator[list[Any]]:
    # One reverse() for the export: the slug's place in the address.
    public_url = absolute_url(reverse("public:verdict", args=["slug-goes-here"])).replace("slug-goes-here", "{}")
    zone = timezone.get_current_timezone()
    columns = ["pk", "slug", "text", "claimant", "current_rating_label", "current_summary", "published_at"]
    rows = claims.values_list(*columns, *_person_columns("assignee")).iterator(chunk_size=CHUNK_ROWS)
    for pk, slug, text, claimant, rating, summary, published_at, *researcher in rows:
        yield [
            pk,
            text,
            claimant,
            rating or "",
            summary or "",
            public_url.format(slug),
            published_at.astimezone(zone).date().isoformat(),
            _person(*researcher),
        ]


VERDICT_HEADER = ["Number", "Claim", "Claimant", "Rating", "Summary", "Public page", "Published on", "Researcher"]


@desk_member_required
def published_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every verdict that stands (published, not retracted), newest first,
    with its current rating and summary."""
    return csv_response("published-verdicts", VERDICT_HEADER, verdict_rows(published_verdicts()))


def published_verdicts() -> Any:
    return Claim.objects.standing().with_current_verdict().order_by("-published_at", "-pk")
