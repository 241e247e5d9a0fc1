"""The editor's dashboard, in numbers: how the desk's work stands and flows.

Every figure is one aggregate query, grouped in the database, so the
dashboard asks the same handful of queries on a desk of a hundred claims
and on one of a million. The page is drawn once per state of the desk
(`freshness`, one query) and kept in the cache: at desk size the seven
queries took 50 ms (bench/pages_bench.py measures the page).

Percentiles are PostgreSQL's `percentile_cont`; SQLite has none, so there
the durations are read and the same interpolation is done in Python
(`percentile_cont` below), which agrees with PostgreSQL's."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone

from claims import workflow
from claims.models import claim_counts
from claims.models.activity import Activity
from claims.models.claims import Claim
from claims.models.sources import Evidence, Source
from claims.workflow import State

WEEKS = 12
TIME_TO_PUBLISH_DAYS = 90
LIST_LIMIT = 20  # rows of the failing-sources and changed-verdicts lists
# Actions that close a claim as rejected (claims.workflow).
REJECTING = ("reject", "mark_duplicate")


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """As PostgreSQL's percentile_cont: linear interpolation between the two
    nearest ranks of the sorted values; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass(frozen=True)
class Week:
    start: date
    new: int
    published: int
    rejected: int


@dataclass(frozen=True)
class TimeToPublish:
    """From a claim's first "submit" (for review) to its "publish"."""

    claims: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class Load:
    person: Any
    open: int
    overdue: int
    reviewing: int


@dataclass(frozen=True)
class Listed:
    """A capped list, and how many there are in all."""

    rows: list[Any]
    total: int


def week_start(day: date) -> date:
    """The Monday of `day`'s week (weeks as the database truncates them)."""
    return day - timedelta(days=day.weekday())


def claims_by_state(today: date) -> tuple[list[StateCount], dict[str, int]]:
    """Every state's count now (empty ones too, in workflow order), and the
    open claims nobody is assigned to and those past their due date: the
    counts kept by state (claims.models.claim_counts), and an index-only scan
    of the open claims' due dates (the open queue's partial index)."""
    by_state = claim_counts.by_state()
    states = [StateCount(s.value, s.label, by_state.get(s, (0, 0))[0]) for s in State]
    totals = {
        "open": sum(by_state.get(s, (0, 0))[0] for s in workflow.OPEN_STATES),
        "unassigned": sum(by_state.get(s, (0, 0))[1] for s in workflow.OPEN_STATES),
        "overdue": Claim.objects.overdue(today).count(),
    }
    return states, totals


def _per_week(queryset: QuerySet, field: str, kind: str, since: datetime) -> QuerySet:
    week = Trunc(field, "week", output_field=DateField())
    return (
        queryset.order_by()
        .filter(**{f"{field}__gte": since})
        .annotate(kind=Value(kind), week=week)
        .values("kind", "week")
        .annotate(n=Count("*"))
        .values_list("kind", "week", "n")
    )


def _kept_per_week(since: datetime) -> QuerySet:
    """New and published claims a week, added up from the quarter hours the
    triggers keep (claim_counts.ClaimFlow)."""
    week = Trunc("quarter", "week", output_field=DateField())
    quarters = claim_counts.ClaimFlow.objects.order_by().filter(quarter__gte=since)
    weeks = quarters.annotate(week=week).values("kind", "week")
    return weeks.annotate(n=Sum("claims")).values_list("kind", "week", "n")


def weekly_flow(today: date) -> list[Week]:
    """New, published and rejected claims in each of the last WEEKS weeks (this
    one so far included), oldest first, in one query: new by the claim's
    creation, published by its first publication, rejected by the log (a
    claim may be rejected, reopened and rejected again: each counts)."""
    first = week_start(today) - timedelta(weeks=WEEKS - 1)
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    rejected = _per_week(Activity.objects.filter(action__in=REJECTING), "created_at", "rejected", since)
    if connection.vendor == "postgresql":
        weekly = _kept_per_week(since).union(rejected, all=True)
    else:
        new = _per_week(Claim.objects.all(), "created_at", "new", since)
        published = _per_week(Claim.objects.in_public_states(), "published_at", "published", since)
        weekly = new.union(published, rejected, all=True)
    counts: dict[tuple[str, date], int] = {}
    for kind, week, n in weekly:
        # SQLite hands back the truncated day as a string.
        day = week if isinstance(week, date) else date.fromisoformat(str(week)[:10])
        counts[(kind, day)] = counts.get((kind, day), 0) + n
    starts = [first + timedelta(weeks=i) for i in range(WEEKS)]
    return [
        Week(start, *(counts.get((kind, start), 0) for kind in ("new", "published", "rejected"))) for start in starts
    ]


def time_to_publish(now: datetime) -> TimeToPublish:
    """Median and 90th percentile of the time from a claim's first submission
    for review (`Claim.submitted_at`: a claim sent back and submitted again
    counts from the first time) to its publication, over the claims
    published in the last TIME_TO_PUBLISH_DAYS days. A claim published
    without a submission (imported, say) is left out."""
    # Both times from one index (claim_time_to_publish), with no lookup a
    # claim: looking up each publication's first submission in the log took
    # 150 ms for the 75,000 of a million claims' last 90 days.
    durations = (
        Claim.objects.order_by()
        .filter(published_at__gte=now - timedelta(days=TIME_TO_PUBLISH_DAYS), submitted_at__isnull=False)
        .annotate(took=ExpressionWrapper(F("published_at") - F("submitted_at"), output_field=DurationField()))
        .values_list("took", flat=True)
    )
    if connection.vendor == "postgresql":
        sql, params = durations.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(took), percentile_cont(0.5) WITHIN GROUP (ORDER BY took), "  # noqa: S608 (the ORM's SQL, its values parameters)
                f"percentile_cont(0.9) WITHIN GROUP (ORDER BY took) FROM ({sql}) AS durations (took)",
                params,
            )
            claims, median, p90 = cursor.fetchone()
        return TimeToPublish(claims, median, p90)
    seconds = [took.total_seconds() for took in durations if took is not None]

    def as_duration(value: float | None) -> timedelta | None:
        return None if value is None else timedelta(seconds=value)

    return TimeToPublish(
        len(seconds), as_duration(percentile_cont(seconds, 0.5)), as_duration(percentile_cont(seconds, 0.9))
    )


def load_by_person(today: date) -> list[Load]:
    """Each desk member's open claims (assigned to them), how many of them are
    overdue, and the claims in review asked of them; anyone else still holding
    open claims too (someone who left the desk). Busiest first."""
    people = get_user_model().objects.order_by()
    mine = Claim.objects.open().filter(assignee=OuterRef("pk")).order_by().values("assignee")
    reviewing = Claim.objects.filter(state=State.IN_REVIEW, reviewer=OuterRef("pk")).order_by().values("reviewer")

    def count(claims: QuerySet) -> Coalesce:
        return Coalesce(Subquery(claims.annotate(n=Count("*")).values("n")[:1]), 0, output_field=IntegerField())

    on_desk = Exists(
        Group.objects.filter(name__in=(workflow.CHECKERS_GROUP, workflow.EDITORS_GROUP), user=OuterRef("pk"))
    )
    rows = (
        people.annotate(
            open_n=count(mine),
            overdue_n=count(mine.filter(due_on__lt=today)),
            reviewing_n=count(reviewing),
        )
        .filter(Q(is_active=True) & on_desk | Q(open_n__gt=0) | Q(reviewing_n__gt=0))
        .only("pk", "username", "first_name", "last_name")
        .order_by("-open_n", "-overdue_n", "-reviewing_n", "username")
    )
    return [Load(person, person.open_n, person.overdue_n, person.reviewing_n) for person in rows]


def failing_sources() -> Listed:
    """Cited sources whose last fetch failed or was refused, or that answered
    once and no longer do: newest first, at most LIST_LIMIT, with the total."""
    failing = Source.objects.filter(status__in=(Source.Status.FAILED, Source.Status.BLOCKED))
    newest = failing.only("pk", "url", "status", "http_status", "last_error", "fetched_at", "checked_at", "updated_at")
    # Counted apart (an index-only scan of source_status_updated): counting
    # with the rows, by a window, read every source (5,000 failing of 50,000:
    # 49 ms, against 2 ms for both queries).
    return Listed(list(newest.order_by("-updated_at", "-pk")[:LIST_LIMIT]), failing.count())


def changed_under_verdicts() -> Listed:
    """Standing verdicts citing a source that changed or stopped answering
    after the claim was published (Source.changed_at): each (claim, source)
    once, the latest change first, at most LIST_LIMIT, with the total. A
    retracted verdict is left out: its sources no longer matter."""
    cited = (
        Evidence.objects.filter(
            # Redundant with the comparison, but it lets the planner start
            # from the few changed sources (their partial index).
            source__changed_at__isnull=False,
            claim__state=State.PUBLISHED,
            claim__published_at__isnull=False,
            source__changed_at__gt=F("claim__published_at"),
        )
        .order_by("-source__changed_at", "-pk")
        .select_related("claim", "source")
        .only(
            "pk",
            "claim__id",
            "claim__text",
            "claim__slug",
            "claim__published_at",
            "source__id",
            "source__url",
            "source__status",
            "source__changed_at",
        )
        .annotate(total=Window(Count("pk")))[:LIST_LIMIT]
    )
    rows = list(cited)
    return Listed(rows, rows[0].total if rows else 0)


def freshness(today: date, models: tuple[type[Model], ...] = (Claim, Source)) -> str:
    """What the figures were computed from, in one query of an index lookup
    a model: the last change to any claim (a transition, an assignment, an
    edit: each saves the row; a rejection's log row comes with one; an
    article's edit touches its claims), the last change to any source (a
    fetch, a failure, a change under a verdict), and the day (overdue, the
    weeks and the 90 days move with it). The dashboard is drawn again when
    this changes, the team queue when its claims do; people's names, groups
    and deleted claims wait for the cache's expiry at most."""
    parts = [model.objects.order_by("-updated_at").values("updated_at")[:1].query.sql_with_params() for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(f"({sql})" for sql, _ in parts),  # the ORM's SQL, its values parameters
            [value for _, params in parts for value in params],
        )
        stamps = cursor.fetchone()
    return "|".join([today.isoformat(), *map(str, stamps)])


@dataclass(frozen=True)
class ClaimFigures:
    states: list[StateCount]
    totals: dict[str, int]
    weeks: list[Week]
    time_to_publish: TimeToPublish
    load: list[Load]


@dataclass(frozen=True)
class SourceFigures:
    failing: Listed
    changed: Listed


def claim_figures(now: datetime | None = None) -> ClaimFigures:
    """The dashboard's figures of claims and people: five queries, whatever
    the desk's size."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    states, totals = claims_by_state(today)
    return ClaimFigures(
        states=states,
        totals=totals,
        weeks=weekly_flow(today),
        time_to_publish=time_to_publish(now),
        load=load_by_person(today),
    )


def source_figures() -> SourceFigures:
    """The dashboard's lists of sources: three queries. Apart from the claims'
    figures, as the fetch workers change sources far more often than people
    change claims."""
    return SourceFigures(failing=failing_sources(), changed=changed_under_verdicts())
