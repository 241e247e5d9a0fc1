"""The editor's dashboard: its numbers on a small desk made for the purpose,
its charts (inline SVG with a title and the table beside), who may open it,
and its queries, which do not grow with the desk."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import workflow
from claims.desk import charts
from claims.models import Activity, Claim, Evidence, Source, desk_stats
from claims.workflow import State
from tests.conftest import ClaimFactory, UserFactory, add_research
from tests.desk.conftest import HX, html
from tests.test_content_security_policy import assert_obeys_the_policy

pytestmark = pytest.mark.django_db

URL = "/desk/dashboard/"
CELL = r"<t[hd][^>]*>(.*?)</t[hd]>"


def section(page: str, testid: str) -> str:
    """The table with data-testid `testid`."""
    return page.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]


def cells(table: str) -> list[list[str]]:
    """The text of each body row's cells (header cell first)."""
    body = table.split("<tbody>", 1)[1]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    ]


# --- The numbers.


def test_claims_are_counted_by_state_with_the_unassigned_and_overdue_ones(make_claim: Any, checker: Any) -> None:
    for state in (State.SUBMITTED, State.SUBMITTED, State.RESEARCHING, State.IN_REVIEW, State.PUBLISHED):
        make_claim(state=state)
    make_claim(state=State.REJECTED)
    late = make_claim(state=State.RESEARCHING)
    Claim.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    # Past its date but closed: not overdue.
    Claim.objects.filter(state=State.REJECTED).update(due_on=timezone.localdate() - timedelta(days=3))

    states, totals = desk_stats.claims_by_state(timezone.localdate())

    assert {row.state: row.count for row in states} == {
        "submitted": 2,
        "assigned": 0,
        "researching": 2,
        "in_review": 1,
        "approved": 0,
        "published": 1,
        "rejected": 1,
        "retracted": 0,
    }
    assert [row.state for row in states] == list(State.values)  # workflow order, empty states too
    assert totals == {"open": 5, "unassigned": 2, "overdue": 1}


def test_new_published_and_rejected_are_counted_by_week(make_claim: Any, publish: Any, checker: Any) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    this_week = desk_stats.week_start(today)
    made_now = make_claim(state=State.SUBMITTED)
    last_week = make_claim(state=State.SUBMITTED)
    long_ago = make_claim(state=State.SUBMITTED)
    Claim.objects.filter(pk=last_week.pk).update(created_at=now - timedelta(weeks=1))
    Claim.objects.filter(pk=long_ago.pk).update(created_at=now - timedelta(weeks=13))  # outside the 12 weeks
    published = publish()
    Claim.objects.filter(pk=published.pk).update(published_at=now - timedelta(weeks=2), created_at=now)
    rejected = make_claim(state=State.REJECTED)  # rejected now, by the workflow
    # And rejected in an earlier week too (reopened since): the log counts both.
    Activity.objects.create(
        claim=rejected, action="reject", from_state="submitted", created_at=now - timedelta(weeks=3)
    )
    Activity.objects.create(claim=rejected, action="comment", created_at=now - timedelta(weeks=3))

    weeks = desk_stats.weekly_flow(today)

    assert len(weeks) == desk_stats.WEEKS
    assert weeks[-1].start == this_week
    assert [w.start for w in weeks] == [this_week - timedelta(weeks=11 - i) for i in range(12)]
    by_start = {w.start: (w.new, w.published, w.rejected) for w in weeks}
    assert timezone.localdate(made_now.created_at) >= this_week
    # This week: made_now, the published claim (created now), the rejected one; one rejection.
    assert by_start[this_week] == (3, 0, 1)
    assert by_start[desk_stats.week_start((now - timedelta(weeks=1)).date())] == (1, 0, 0)
    assert by_start[desk_stats.week_start((now - timedelta(weeks=2)).date())] == (0, 1, 0)
    assert by_start[desk_stats.week_start((now - timedelta(weeks=3)).date())] == (0, 0, 1)
    assert sum(w.new for w in weeks) == 4  # not the one from 13 weeks ago


def published_after(submitted_hours_ago: float | None, published_hours_ago: float, now: Any) -> Claim:
    """A claim first submitted for review then (None: never, as an imported
    one), and published then."""
    submitted = None if submitted_hours_ago is None else now - timedelta(hours=submitted_hours_ago)
    return ClaimFactory(
        state=State.PUBLISHED, submitted_at=submitted, published_at=now - timedelta(hours=published_hours_ago)
    )


def test_median_and_90th_percentile_from_first_submission_to_publication(desk_defaults: None) -> None:
    now = timezone.now()
    published_after(11, 10, now)  # 1 hour
    published_after(22, 20, now)  # 2 hours
    published_after(33, 30, now)  # 3 hours
    published_after(46, 40, now)  # 6 hours
    published_after(60, 50, now)  # 10 hours
    published_after(24 * 100 + 5, 24 * 100, now)  # published 100 days ago: outside the 90 days
    published_after(None, 5, now)  # never submitted (imported): left out

    took = desk_stats.time_to_publish(now)

    assert took.claims == 5
    assert took.median == timedelta(hours=3)
    # percentile_cont: rank 0.9 * (5 - 1) = 3.6, between 6 h and 10 h.
    assert abs(took.p90 - timedelta(hours=8, minutes=24)) < timedelta(seconds=1)


def test_a_claim_sent_back_counts_from_its_first_submission(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING, researcher=checker)
    add_research(claim, checker)
    claim = claim.transition("submit", by=checker, expected_state=State.RESEARCHING)
    first = Claim.objects.get(pk=claim.pk).submitted_at
    assert first is not None
    claim.transition(
        "request_changes", by=second_checker, expected_state=State.IN_REVIEW, params=workflow.Params(note="Cite it.")
    )
    Claim.objects.get(pk=claim.pk).transition("submit", by=checker, expected_state=State.RESEARCHING)
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.state == State.IN_REVIEW
    assert claim.submitted_at == first  # the resubmission keeps the first time
    claim = claim.transition("approve", by=second_checker, expected_state=State.IN_REVIEW)
    claim.transition("publish", by=editor, expected_state=State.APPROVED)
    claim = Claim.objects.get(pk=claim.pk)

    took = desk_stats.time_to_publish(timezone.now())

    assert took.claims == 1
    assert took.median == claim.published_at - first


def test_no_publication_yet_gives_no_percentiles(desk_defaults: None) -> None:
    took = desk_stats.time_to_publish(timezone.now())
    assert (took.claims, took.median, took.p90) == (0, None, None)


def test_the_python_percentile_interpolates_as_postgresql_does() -> None:
    assert desk_stats.percentile_cont([], 0.5) is None
    assert desk_stats.percentile_cont([4.0], 0.9) == 4.0
    assert desk_stats.percentile_cont([1, 2, 3, 4], 0.5) == 2.5
    assert desk_stats.percentile_cont([10, 1, 6, 3, 2], 0.9) == pytest.approx(8.4)


def test_each_persons_open_load_overdue_and_reviews(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any, outsider: Any
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    mine = [make_claim(state=State.RESEARCHING, researcher=checker) for _ in range(3)]
    Claim.objects.filter(pk__in=[mine[0].pk, mine[1].pk]).update(due_on=yesterday)
    theirs = make_claim(state=State.RESEARCHING, researcher=second_checker)
    add_research(theirs, second_checker)
    theirs.transition("submit", by=second_checker, expected_state=None, params=workflow.Params(person=checker))
    make_claim(state=State.PUBLISHED, researcher=second_checker, reviewer=checker)  # closed: no load
    # Someone who left the desk but still holds a claim is listed; an outsider without one is not.
    former = UserFactory(username="former")
    held = make_claim(state=State.RESEARCHING)
    Claim.objects.filter(pk=held.pk).update(assignee=former)

    load = {
        row.person.username: (row.open, row.overdue, row.reviewing)
        for row in desk_stats.load_by_person(timezone.localdate())
    }

    assert load == {
        "checker": (3, 2, 1),
        "checker2": (1, 0, 0),
        "former": (1, 0, 0),
        "editor": (0, 0, 0),
    }
    assert desk_stats.load_by_person(timezone.localdate())[0].person.username == "checker"  # the busiest first


def test_failing_sources_newest_first_with_the_total(make_claim: Any) -> None:
    claim = make_claim(state=State.RESEARCHING)
    now = timezone.now()
    for i in range(desk_stats.LIST_LIMIT + 3):
        source = Source.objects.create(
            url=f"https://example.org/gone-{i}", status=Source.Status.FAILED, last_error="HTTP 404", updated_at=now
        )
        Source.objects.filter(pk=source.pk).update(updated_at=now - timedelta(minutes=i))
    Source.objects.create(url="https://example.org/fine", status=Source.Status.FETCHED)
    Source.objects.create(url="http://10.0.0.1/", status=Source.Status.BLOCKED, last_error="A private address")
    Evidence.objects.create(claim=claim, source=Source.objects.get(url="https://example.org/gone-0"))

    failing = desk_stats.failing_sources()

    assert failing.total == desk_stats.LIST_LIMIT + 4
    assert len(failing.rows) == desk_stats.LIST_LIMIT
    assert failing.rows[0].url == "http://10.0.0.1/"  # the newest
    assert [row.url for row in failing.rows[1:4]] == [f"https://example.org/gone-{i}" for i in range(3)]


def test_published_verdicts_whose_sources_changed_after_publication(publish: Any, editor: Any) -> None:
    changed = publish(urls=("https://example.org/changed",))
    steady = publish(urls=("https://example.org/steady",))
    retracted = publish(urls=("https://example.org/retracted",))
    retracted.transition("retract", by=editor, expected_state=State.PUBLISHED, params=workflow.Params(note="Wrong."))
    before = publish(urls=("https://example.org/before",))
    later = timezone.now() + timedelta(hours=1)
    Source.objects.filter(url="https://example.org/changed").update(changed_at=later, status=Source.Status.FETCHED)
    Source.objects.filter(url="https://example.org/retracted").update(changed_at=later)
    Source.objects.filter(url="https://example.org/before").update(changed_at=before.published_at - timedelta(days=1))

    listed = desk_stats.changed_under_verdicts()

    assert listed.total == 1
    assert [(item.claim_id, item.source.url) for item in listed.rows] == [(changed.pk, "https://example.org/changed")]
    assert steady.pk not in [item.claim_id for item in listed.rows]


# --- The page.


@pytest.fixture
def desk_with_work(make_claim: Any, publish: Any, checker: Any) -> None:
    make_claim(state=State.SUBMITTED)
    late = make_claim(state=State.RESEARCHING)
    Claim.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    publish()
    make_claim(state=State.REJECTED)


def test_the_page_draws_each_chart_as_svg_with_a_title_and_the_table_beside_it(
    desk_with_work: None, client_for: Any, editor: Any
) -> None:
    response = client_for(editor).get(URL)

    assert response.status_code == 200
    page = html(response)
    for chart in ("states", "flow-new", "flow-published", "flow-rejected", "time", "load"):
        svg = page.split(f'data-testid="{chart}-chart"', 1)[1].split("</svg>", 1)[0]
        opening = page.split(f'data-testid="{chart}-chart"', 1)[0].rsplit("<svg", 1)[1]
        assert 'role="img"' in opening, chart
        assert 'aria-label="' in opening, chart
        assert re.search(r"<title>[^<]+</title>", svg), chart
        assert re.search(r"<desc id=\"[^\"]+\">[^<]+</desc>", svg), chart
    for table in ("states-table", "flow-table", "time-table", "load-table"):
        assert f'data-testid="{table}"' in page
    # Beside: the chart and its table in the same pair.
    pair = page.split('<div class="chart-pair">', 2)[1]
    assert pair.index('data-testid="states-chart"') < pair.index('data-testid="states-table"')
    assert_obeys_the_policy(response)
    assert "<script" not in page.split("<main", 1)[1]


def test_the_tables_carry_the_numbers(desk_with_work: None, client_for: Any, checker: Any) -> None:
    page = html(client_for(checker).get(URL))

    assert "2 open claims: 1 with nobody assigned, 1 past their due date." in page
    states = dict((row[0], row[1]) for row in cells(section(page, "states-table")))
    assert states == {
        "Submitted": "1",
        "Assigned": "0",
        "Researching": "1",
        "In review": "0",
        "Approved": "0",
        "Published": "1",
        "Rejected": "1",
        "Retracted": "0",
    }
    load = {row[0]: row[1:] for row in cells(section(page, "load-table"))}
    assert load[workflow.display_name(checker)] == ["1", "1", "0"]
    # Each bar has its number as text: the chart reads without colour.
    svg = page.split('data-testid="load-chart"', 1)[1].split("</svg>", 1)[0]
    assert "1 open, 1 overdue" in svg
    assert 'fill="url(#load-hatch)"' in svg  # the overdue part is hatched, not only red
    weeks = cells(section(page, "flow-table"))
    assert len(weeks) == desk_stats.WEEKS
    assert weeks[-1][1:] == ["4", "1", "1"]  # this week: 4 new, 1 published, 1 rejected


def test_names_are_escaped_in_the_charts_and_tables(make_claim: Any, client_for: Any, editor: Any) -> None:
    person = UserFactory(first_name="<script>alert(1)</script>", last_name="&", groups=[workflow.CHECKERS_GROUP])
    make_claim(state=State.RESEARCHING, researcher=person)

    page = html(client_for(editor).get(URL))

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_desk_members_may_open_it_and_outsiders_may_not(
    client_for: Any, checker: Any, editor: Any, outsider: Any, client: Any
) -> None:
    assert client_for(checker).get(URL).status_code == 200
    assert client_for(editor).get(URL).status_code == 200
    assert client_for(outsider).get(URL).status_code == 403
    anonymous = client.get(URL)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    # An HTMX request whose session expired loads the log-in page whole.
    assert client.get(URL, **HX)["HX-Redirect"].startswith("/accounts/login/")


def test_the_desk_navigation_links_to_it(client_for: Any, checker: Any) -> None:
    page = html(client_for(checker).get("/desk/"))
    assert f'<a href="{URL}">Dashboard</a>' in page


def test_an_empty_desk_draws_the_page(client_for: Any, editor: Any) -> None:
    page = html(client_for(editor).get(URL))
    assert "Every cited source answered its last fetch." in page
    assert "No source of a standing verdict has changed since it was published." in page


def queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured.captured_queries)


def test_the_page_asks_no_more_queries_as_the_desk_grows(
    make_claim: Any, publish: Any, client_for: Any, editor: Any, checker: Any
) -> None:
    client = client_for(editor)

    def grow(n: int) -> None:
        for i in range(n):
            publish(urls=(f"https://example.org/report-{Claim.objects.count()}",))
            make_claim(state=State.IN_REVIEW)
            make_claim(state=State.REJECTED)
            UserFactory(groups=[workflow.CHECKERS_GROUP])
            Source.objects.create(url=f"https://example.org/failed-{i}-{Source.objects.count()}", status="failed")
        Source.objects.filter(url__startswith="https://example.org/report-").update(
            changed_at=timezone.now() + timedelta(hours=1)
        )

    grow(1)
    small = queries(client)
    grow(4)
    grown = queries(client)

    assert grown <= small
    assert grown <= 12


def open_claims(page: str) -> int:
    found = re.search(r"(\d+) open claims?:", page)
    assert found, "no count of open claims"
    return int(found.group(1))


def test_the_drawn_page_is_kept_until_a_claim_or_source_changes(make_claim: Any, client_for: Any, editor: Any) -> None:
    client = client_for(editor)
    make_claim(state=State.SUBMITTED)
    assert open_claims(html(client.get(URL))) == 1
    cache.clear()
    cold = queries(client)

    # Nothing changed: the page comes from the cache, after one query for the desk's state.
    assert queries(client) == cold - 8

    claim = make_claim(state=State.SUBMITTED)
    assert open_claims(html(client.get(URL))) == 2
    claim.transition("reject", by=editor, expected_state=State.SUBMITTED, params=workflow.Params(note="Not checkable."))
    assert open_claims(html(client.get(URL))) == 1

    Source.objects.create(url="https://example.org/gone", status="failed", last_error="Connection refused")
    # A source changed, no claim: only the sources' lists are drawn again.
    with CaptureQueriesContext(connection) as captured:
        page = html(client.get(URL))
    assert "https://example.org/gone" in page
    assert open_claims(page) == 1
    assert len(captured.captured_queries) == cold - 5


# --- The chart geometry.


def test_bars_scale_to_the_longest_and_keep_their_parts_end_to_end() -> None:
    chart = charts.bars(
        [("A", [(3, "bar"), (1, "bar hatched")], "4", ""), ("B", [(2, "bar")], "2", ""), ("C", [(0, "bar")], "0", "")]
    )
    a, b, c = chart.rows
    assert [part.width for part in a.parts] == [charts.BAR_SPACE * 3 / 4, charts.BAR_SPACE / 4]
    assert a.parts[1].x == a.parts[0].x + a.parts[0].width
    assert a.parts[1].hatched
    assert b.parts[0].width == charts.BAR_SPACE / 2
    assert c.parts == []  # nothing drawn for nothing; its number is still printed
    assert c.text == "0"


def test_columns_stand_on_the_baseline() -> None:
    chart = charts.columns([("1 Jan", 0), ("8 Jan", 5), ("15 Jan", 10)])
    assert [column.height for column in chart.columns] == [0, charts.COLUMN_SPACE / 2, charts.COLUMN_SPACE]
    assert all(column.y + column.height == chart.baseline for column in chart.columns)


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (None, "—"),
        (timedelta(seconds=20), "under a minute"),
        (timedelta(minutes=12), "12 minutes"),
        (timedelta(hours=5, minutes=20), "5 hours 20 minutes"),
        (timedelta(days=1, hours=14, minutes=21), "1 day 14 hours"),
        (timedelta(days=3, minutes=5), "3 days"),
    ],
)
def test_durations_in_words(duration: timedelta | None, words: str) -> None:
    assert charts.duration_words(duration) == words
