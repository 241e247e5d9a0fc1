"""The team queue's search looks in every state (a claim published or
rejected last year is what people search for); the state filter still
narrows it, and without a search the queue is the open work."""

from __future__ import annotations

from typing import Any

import pytest

from claims import pagination
from claims.models import Claim
from claims.workflow import State
from tests.desk.conftest import HX, html

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_state(make_claim: Any) -> dict[str, Any]:
    return {
        state: make_claim(state=state, text=f"Militants {state} claim.", claimant=f"Speaker {state}")
        for state in (State.SUBMITTED, State.RESEARCHING, State.PUBLISHED, State.REJECTED, State.RETRACTED)
    }


def found(response: Any) -> set[str]:
    return {claim.state for claim in response.context["page"].object_list}


def test_a_search_finds_claims_in_every_state(every_state: dict[str, Any], client_for: Any, checker: Any) -> None:
    response = client_for(checker).get("/desk/claims/?q=militants")
    assert found(response) == set(every_state)
    page = html(response)
    assert "5 claims" in page
    # By claimant too, closed or not.
    assert found(client_for(checker).get("/desk/claims/?q=speaker+rejected")) == {State.REJECTED}


def test_the_state_filter_still_narrows_a_search(every_state: dict[str, Any], client_for: Any, checker: Any) -> None:
    assert found(client_for(checker).get("/desk/claims/?q=militants&state=published")) == {State.PUBLISHED}
    assert found(client_for(checker).get("/desk/claims/?q=militants&state=submitted", **HX)) == {State.SUBMITTED}


def test_without_a_search_the_queue_is_the_open_work(
    every_state: dict[str, Any], client_for: Any, checker: Any
) -> None:
    assert found(client_for(checker).get("/desk/claims/")) == {State.SUBMITTED, State.RESEARCHING}
    # A search of nothing but spaces is no search.
    assert found(client_for(checker).get("/desk/claims/?q=+++")) == {State.SUBMITTED, State.RESEARCHING}


def test_one_result_is_one_claim(every_state: dict[str, Any], client_for: Any, checker: Any) -> None:
    page = html(client_for(checker).get("/desk/claims/?q=militants+retracted"))
    assert "1 claim\n" in page or "1 claim " in page
    assert "1 claims" not in page


def test_a_search_lists_its_matches_in_the_queues_order_across_pages(
    make_claim: Any, client_for: Any, checker: Any, settings: Any
) -> None:
    settings.DESK_PAGE_SIZE = 2
    low, high, normal = (
        make_claim(text=f"Militants {n} claim.", priority=priority)
        for n, priority in (("one", Claim.Priority.LOW), ("two", Claim.Priority.HIGH), ("three", Claim.Priority.NORMAL))
    )
    make_claim(text="Something else entirely.")
    client = client_for(checker)
    first = client.get("/desk/claims/?q=militants")
    assert [claim.pk for claim in first.context["page"].object_list] == [high.pk, normal.pk]
    assert "3 claims" in html(first)
    second = client.get("/desk/claims/?q=militants&page=2")
    assert [claim.pk for claim in second.context["page"].object_list] == [low.pk]


def test_a_search_matching_more_than_the_limit_says_so_and_lists_the_first(
    make_claim: Any, client_for: Any, checker: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(pagination, "SEARCH_COUNT_LIMIT", 2)
    for n in range(3):
        make_claim(text=f"Militants claim number {n}.")
    response = client_for(checker).get("/desk/claims/?q=militants")
    page = html(response)
    assert "More than 2 claims: the first 2 are listed; narrow the search for the others" in page
    assert len(response.context["page"].object_list) == 2
    # Without a search, the queue is counted whole.
    assert "3 claims" in html(client_for(checker).get("/desk/claims/"))
