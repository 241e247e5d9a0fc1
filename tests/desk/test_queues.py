"""My queue and the team queue: sections, filters, sorting, paging and query counts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claims import workflow
from claims.models import Claim
from claims.workflow import State
from tests.conftest import ArticleFactory, ClaimFactory, add_research
from tests.desk.conftest import HX, desk_person, html


def section(response: Any, key: str) -> list[Claim]:
    """The claims of my queue's section `key` as the page was drawn (drawn
    anew here: each test starts with an empty cache, and adds claims)."""
    return next((found.claims for found in response.context["sections"] if found.key == key), [])


def table_rows(page: str) -> int:
    """Claim rows in the (first) claims table of `page`."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, flags=re.DOTALL)
    return body.group(1).count("<tr") if body else 0


@pytest.fixture
def two_claims(make_claim: Any, checker: Any, desk_defaults: None) -> tuple[Claim, Claim]:
    today = timezone.localdate()
    first = make_claim(
        state=State.ASSIGNED,
        text="Inflation fell to four percent last year.",
        claimant="Imran Khan",
        article=ArticleFactory(title="Budget speech"),
        priority=Claim.Priority.HIGH,
        due_on=today - timedelta(days=1),
    )
    second = make_claim(
        state=State.SUBMITTED,
        text="Unemployment doubled since 2018.",
        claimant="Nawaz Sharif",
        article=ArticleFactory(title="Rally transcript"),
        priority=Claim.Priority.LOW,
        due_on=today + timedelta(days=3),
    )
    return first, second


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {0, 1}),
        ("state=assigned", {0}),
        ("state=submitted", {1}),
        ("assignee={checker}", {0}),
        ("claimant=imran", {0}),
        ("claimant=SHARIF", {1}),
        ("article={article0}", {0}),
        ("article={article1}", {1}),
        ("priority=1", {0}),
        ("priority=3", {1}),
        ("overdue=on", {0}),
        ("q=inflation", {0}),
        ("q=nawaz", {1}),
        ("q=nobody+said+this", set()),
        ("state=assigned&priority=3", set()),
    ],
)
def test_team_queue_filters(
    query: str, expected: set[int], two_claims: tuple[Claim, Claim], client_for: Any, checker: Any
) -> None:
    query = query.format(checker=checker.pk, article0=two_claims[0].article_id, article1=two_claims[1].article_id)
    response = client_for(checker).get(f"/desk/claims/?{query}")
    assert response.status_code == 200
    page = html(response)
    shown = {i for i, claim in enumerate(two_claims) if claim.text in page}
    assert shown == expected
    assert {c.pk for c in response.context["page"].object_list} == {two_claims[i].pk for i in expected}


def test_team_queue_shows_only_open_claims_unless_asked(make_claim: Any, client_for: Any, editor: Any) -> None:
    published = make_claim(state=State.PUBLISHED, text="A claim already published.")
    client = client_for(editor)
    assert published.text not in html(client.get("/desk/claims/"))
    assert published.text in html(client.get("/desk/claims/?state=published"))


def test_team_queue_filter_over_htmx_returns_only_the_results(
    two_claims: tuple[Claim, Claim], client_for: Any, checker: Any
) -> None:
    response = client_for(checker).get("/desk/claims/?q=inflation", **HX)
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page
    assert "<form" not in page  # the filter form stays where it is
    assert two_claims[0].text in page
    assert two_claims[1].text not in page


def test_my_queue_sections(make_claim: Any, client_for: Any, checker: Any, second_checker: Any, editor: Any) -> None:
    mine = make_claim(state=State.RESEARCHING, text="Mine to research.")
    to_review = make_claim(state=State.IN_REVIEW, researcher=editor, text="Theirs, waiting for anyone.")
    unassigned = make_claim(state=State.SUBMITTED, text="Nobody has it yet.")
    someone_elses = make_claim(state=State.RESEARCHING, researcher=second_checker, text="Research by another checker.")
    published = make_claim(state=State.PUBLISHED, text="Long done.")
    response = client_for(checker).get("/desk/")
    assert [c.pk for c in section(response, "researching")] == [mine.pk]
    assert [c.pk for c in section(response, "needing_reviewer")] == [to_review.pk]
    assert [c.pk for c in section(response, "unassigned")] == [unassigned.pk]
    page = html(response)
    assert someone_elses.text not in page
    assert published.text not in page
    # The researcher does not see their own claim as needing a reviewer.
    assert to_review.pk not in [c.pk for c in section(client_for(editor).get("/desk/"), "needing_reviewer")]


def test_each_section_shows_its_first_claims_overdue_first(
    client_for: Any, checker: Any, desk_defaults: None, settings: Any
) -> None:
    """More claims than a section shows: its first ones, the overdue before
    the rest, each part in the queue's order, as the whole section sorted."""
    settings.DESK_QUEUE_LIMIT = 4
    today = timezone.localdate()
    high, normal, low = Claim.Priority.HIGH, Claim.Priority.NORMAL, Claim.Priority.LOW
    for priority, due in [
        (high, None),
        (high, today + timedelta(days=3)),
        (low, today - timedelta(days=2)),
        (normal, today + timedelta(days=1)),
        (normal, today - timedelta(days=9)),
        (low, None),
        (high, today),
    ]:
        ClaimFactory(state=State.SUBMITTED, priority=priority, due_on=due)
    whole = list(Claim.objects.unassigned().overdue_first(today))
    shown = section(client_for(checker).get("/desk/"), "unassigned")
    assert [c.pk for c in shown] == [c.pk for c in whole[:4]]
    assert [c.due_on for c in shown[:2]] == [today - timedelta(days=9), today - timedelta(days=2)]


def test_team_queue_pages_by_25(client_for: Any, checker: Any, desk_defaults: None) -> None:
    ClaimFactory.create_batch(30)
    client = client_for(checker)
    first = client.get("/desk/claims/")
    assert len(first.context["page"].object_list) == 25
    page = html(first)
    assert table_rows(page) == 25
    assert "30 claims" in page
    assert 'href="?page=2"' in page
    assert "Next" in page
    second = client.get("/desk/claims/?page=2")
    assert len(second.context["page"].object_list) == 5
    page = html(second)
    assert table_rows(page) == 5
    assert 'href="?page=1"' in page
    assert "page=3" not in page
    # The rows of the two pages are all the claims, once each.
    shown = {c.pk for c in first.context["page"].object_list} | {c.pk for c in second.context["page"].object_list}
    assert shown == set(Claim.objects.values_list("pk", flat=True))


def test_pager_keeps_the_filters(client_for: Any, checker: Any, desk_defaults: None) -> None:
    ClaimFactory.create_batch(27, claimant="Imran Khan")
    ClaimFactory.create_batch(3, claimant="Someone else")
    page = html(client_for(checker).get("/desk/claims/?claimant=imran"))
    assert "27 claims" in page
    assert 'href="?claimant=imran&amp;page=2"' in page


def test_team_queue_sorts_by_priority_then_due_date(client_for: Any, checker: Any, desk_defaults: None) -> None:
    today = timezone.localdate()
    high, normal, low = Claim.Priority.HIGH, Claim.Priority.NORMAL, Claim.Priority.LOW
    made = {
        "low, no date": (low, None),
        "high, in 5 days": (high, today + timedelta(days=5)),
        "normal, tomorrow": (normal, today + timedelta(days=1)),
        "high, in 2 days": (high, today + timedelta(days=2)),
        "high, no date": (high, None),
        "normal, no date": (normal, None),
        "low, yesterday": (low, today - timedelta(days=1)),
    }
    for text, (priority, due_on) in made.items():
        ClaimFactory(text=text, priority=priority, due_on=due_on)
    expected = [
        "high, in 2 days",
        "high, in 5 days",
        "high, no date",
        "normal, tomorrow",
        "normal, no date",
        "low, yesterday",
        "low, no date",
    ]
    response = client_for(checker).get("/desk/claims/")
    assert [c.text for c in response.context["page"].object_list] == expected
    page = html(response)
    positions = [page.index(f">{text}</a>") for text in expected]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "url", ["/desk/claims/", "/desk/claims/?state=assigned&q=militants", "/desk/claims/?overdue=on"]
)
def test_team_queue_query_count_does_not_grow(
    url: str, make_claim: Any, client_for: Any, checker: Any, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            # Each row with its own assignee and article, so a lookup per row would show.
            make_claim(
                state=State.ASSIGNED,
                researcher=desk_person(),
                due_on=timezone.localdate() - timedelta(days=1 + i),
            )

    client = client_for(checker)
    add(3)
    with django_assert_max_num_queries(10) as few:
        assert table_rows(html(client.get(url))) == 3
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert table_rows(html(client.get(url))) == 25


def test_my_queue_query_count_does_not_grow(
    make_claim: Any, client_for: Any, checker: Any, editor: Any, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            other = desk_person()
            make_claim(state=State.RESEARCHING, researcher=checker)
            make_claim(state=State.IN_REVIEW, researcher=other)  # needs a reviewer
            claim = make_claim(state=State.RESEARCHING, researcher=other)
            add_research(claim, other)
            claim.transition("submit", by=other, expected_state="researching", params=workflow.Params(person=checker))
            ClaimFactory()  # unassigned

    client = client_for(checker)
    add(1)
    with django_assert_max_num_queries(10) as few:
        response = client.get("/desk/")
    rows = sum(len(section(response, key)) for key in ("researching", "reviewing", "needing_reviewer", "unassigned"))
    assert rows == 4
    add(9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/desk/")
    rows = sum(len(section(response, key)) for key in ("researching", "reviewing", "needing_reviewer", "unassigned"))
    assert rows == 40
