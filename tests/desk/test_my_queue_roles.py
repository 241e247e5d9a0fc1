"""My queue shows what waits on me, whatever my role: my research (with the
claims sent back to me marked), reviews asked of me, claims in review that
nobody reviews yet (not my own), for editors the approved claims waiting to
be published, and the unassigned claims; overdue work first in each list,
each section with its count, and a constant number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claims import workflow
from claims.models import Claim
from claims.workflow import State
from tests.conftest import ClaimFactory, add_research
from tests.desk.conftest import desk_person, html

pytestmark = pytest.mark.django_db


def listed(response: Any, key: str) -> list[Any]:
    """The claims of the section `key` as the page was drawn (each test
    starts with an empty cache, and changes claims between requests)."""
    return next((section.claims for section in response.context["sections"] if section.key == key), [])


def shown(response: Any, key: str) -> list[int]:
    return [claim.pk for claim in listed(response, key)]


def count_shown(page: str, key: str) -> str:
    marker = f'data-testid="count-{key}">'
    start = page.index(marker) + len(marker)
    return page[start : page.index("<", start)]


def review_asked_of(person: Any, researcher: Any, make_claim: Any, **fields: Any) -> Claim:
    claim = make_claim(state=State.RESEARCHING, researcher=researcher, **fields)
    add_research(claim, researcher)
    return claim.transition(
        "submit", by=researcher, expected_state="researching", params=workflow.Params(person=person)
    )


def test_research_shows_assigned_and_researching_and_marks_changes_requested(
    make_claim: Any, client_for: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    assigned = make_claim(state=State.ASSIGNED, text="Assigned to me, not started.")
    plain = make_claim(state=State.RESEARCHING, text="Researching, nothing asked.")
    sent_back_by_reviewer = make_claim(state=State.IN_REVIEW, text="Reviewer wants more.")
    sent_back_by_reviewer.transition(
        "request_changes", by=second_checker, expected_state="in_review", params=workflow.Params(note="More sources.")
    )
    sent_back_by_editor = make_claim(state=State.APPROVED, text="Editor sent it back.")
    sent_back_by_editor.transition(
        "send_back", by=editor, expected_state="approved", params=workflow.Params(note="Check the date.")
    )
    response = client_for(checker).get("/desk/")
    assert set(shown(response, "researching")) == {
        assigned.pk,
        plain.pk,
        sent_back_by_reviewer.pk,
        sent_back_by_editor.pk,
    }
    marked = {claim.pk for claim in listed(response, "researching") if claim.changes_requested}
    assert marked == {sent_back_by_reviewer.pk, sent_back_by_editor.pk}
    page = html(response)
    assert page.count("Changes requested") == 2
    assert count_shown(page, "researching") == "4"


def test_changes_requested_no_longer_shows_once_resubmitted_and_sent_back_to_research_again(
    make_claim: Any, client_for: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state=State.IN_REVIEW)
    claim = claim.transition(
        "request_changes", by=second_checker, expected_state="in_review", params=workflow.Params(note="More.")
    )
    claim = claim.transition("submit", by=checker, expected_state="researching")
    response = client_for(checker).get("/desk/")
    assert claim.pk not in shown(response, "researching")
    assert "Changes requested" not in html(response)


def test_reviews_asked_of_me_and_claims_needing_a_reviewer(
    make_claim: Any, client_for: Any, checker: Any, second_checker: Any
) -> None:
    asked = review_asked_of(checker, second_checker, make_claim, text="Please review this one.")
    asked_of_someone_else = review_asked_of(desk_person(), second_checker, make_claim, text="For another.")
    open_to_anyone = make_claim(state=State.IN_REVIEW, researcher=second_checker, text="Anyone may review.")
    my_own = make_claim(state=State.IN_REVIEW, researcher=checker, text="My own research.")
    response = client_for(checker).get("/desk/")
    assert shown(response, "reviewing") == [asked.pk]
    assert shown(response, "needing_reviewer") == [open_to_anyone.pk]
    page = html(response)
    assert asked_of_someone_else.text not in page
    # My own research in review is not offered to me to review.
    assert my_own.pk not in shown(response, "needing_reviewer")


def test_editors_see_approved_claims_waiting_to_be_published(
    make_claim: Any, client_for: Any, checker: Any, editor: Any
) -> None:
    approved = make_claim(state=State.APPROVED, text="Ready to go out.")
    make_claim(state=State.PUBLISHED, text="Already out.")
    as_editor = client_for(editor).get("/desk/")
    assert shown(as_editor, "to_publish") == [approved.pk]
    page = html(as_editor)
    assert "Approved, waiting to be published" in page
    assert count_shown(page, "to_publish") == "1"
    as_checker = client_for(checker).get("/desk/")
    assert "to_publish" not in as_checker.context
    assert "waiting to be published" not in html(as_checker)


def test_overdue_work_comes_first_in_each_list(make_claim: Any, client_for: Any, checker: Any) -> None:
    today = timezone.localdate()
    urgent_not_late = make_claim(state=State.RESEARCHING, priority=Claim.Priority.HIGH, due_on=today + timedelta(2))
    low_but_late = make_claim(state=State.ASSIGNED, priority=Claim.Priority.LOW, due_on=today - timedelta(1))
    normal = make_claim(state=State.RESEARCHING, priority=Claim.Priority.NORMAL)
    new_urgent = ClaimFactory(priority=Claim.Priority.HIGH)
    new_late = ClaimFactory(priority=Claim.Priority.LOW, due_on=today - timedelta(3))
    response = client_for(checker).get("/desk/")
    assert shown(response, "researching") == [low_but_late.pk, urgent_not_late.pk, normal.pk]
    assert shown(response, "unassigned") == [new_late.pk, new_urgent.pk]


def test_every_section_has_its_count_and_an_empty_one_says_so(
    make_claim: Any, client_for: Any, checker: Any, settings: Any
) -> None:
    settings.DESK_QUEUE_LIMIT = 2
    for _ in range(3):
        make_claim(state=State.RESEARCHING)
    response = client_for(checker).get("/desk/")
    page = html(response)
    assert len(listed(response, "researching")) == 2
    assert count_shown(page, "researching") == "3"
    assert "The first 2 of 3" in page
    for key in ("reviewing", "needing_reviewer", "unassigned"):
        assert count_shown(page, key) == "0"
    assert "Nobody has asked you to review a claim." in page
    assert "No claim of a colleague waits for a reviewer." in page
    assert "Every submitted claim has been triaged." in page


def test_an_outsider_has_no_queue(client_for: Any, outsider: Any) -> None:
    assert client_for(outsider).get("/desk/").status_code == 403


@pytest.mark.parametrize("role", ["checker", "editor"])
def test_my_queue_query_count_does_not_grow_with_rows(
    role: str,
    make_claim: Any,
    client_for: Any,
    checker: Any,
    second_checker: Any,
    editor: Any,
    django_assert_max_num_queries: Any,
) -> None:
    me = {"checker": checker, "editor": editor}[role]

    def add(n: int) -> None:
        for _ in range(n):
            other = desk_person()
            make_claim(state=State.RESEARCHING, researcher=me, due_on=timezone.localdate() - timedelta(1))
            sent_back = make_claim(state=State.IN_REVIEW, researcher=me, reviewer=other)
            sent_back.transition(
                "request_changes", by=other, expected_state="in_review", params=workflow.Params(note="More.")
            )
            make_claim(state=State.IN_REVIEW, researcher=other)
            review_asked_of(me, other, make_claim)
            make_claim(state=State.APPROVED, researcher=other, reviewer=desk_person())
            ClaimFactory()

    client = client_for(me)
    add(1)
    with django_assert_max_num_queries(14) as few:
        response = client.get("/desk/")
    sections = response.context["sections"]
    assert sum(len(section.claims) for section in sections) == (6 if role == "editor" else 5)
    add(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/desk/")
    assert sum(len(section.claims) for section in response.context["sections"]) == (30 if role == "editor" else 25)
