"""The team queue's search looks in every state (a claim published or
rejected last year is what people search for); the state filter still
narrows it, and without a search the queue is the open work."""

from __future__ import annotations

from typing import Any

import pytest

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
