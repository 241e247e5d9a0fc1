"""Filters and searches on the desk: whatever is typed, the page answers,
shows what it could not use, and uses the rest."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "article=99999999999999999999999",
        "article=-5",
        "article=%00",
        "assignee=99999999999999999999",
        "q=%00",
        "q=a%00b",
        "claimant=%00",
        "state=%00",
        "priority=99999999999999999999",
        "overdue=%00",
        "page=99999999999999999999",
    ],
)
def test_the_team_queue_answers_any_filter(query: str, make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state="submitted", text="We have paid $106.9 billion on this war.")
    response = client_for(checker).get(f"/desk/claims/?{query}")
    assert response.status_code == 200
    if query.startswith(("article", "assignee", "q=", "claimant", "state", "priority")):
        # The filter it could not read is left out, and the rest still lists the claim.
        assert claim.text in response.content.decode()


def test_an_impossible_article_filter_is_shown_as_an_error(make_claim: Any, client_for: Any, checker: Any) -> None:
    response = client_for(checker).get("/desk/claims/?article=99999999999999999999999")
    assert "Ensure this value is less than or equal to" in response.content.decode()


@pytest.mark.parametrize("query", ["q=%00", "q=Baj%00wa", "page=%00"])
def test_the_claimant_list_answers_any_search(query: str, make_claim: Any, client_for: Any, checker: Any) -> None:
    make_claim(state="submitted", claimant="Lt Gen Asim Bajwa")
    response = client_for(checker).get(f"/desk/claimants/?{query}")
    assert response.status_code == 200
    assert "Lt Gen Asim Bajwa" in response.content.decode()


@pytest.mark.parametrize("number", ["0", "9223372036854775808", "99999999999999999999999"])
def test_a_claim_number_no_claim_has_is_not_found(number: str, make_claim: Any, client_for: Any, checker: Any) -> None:
    make_claim(state="researching")
    client = client_for(checker)
    assert client.get(f"/desk/claims/{number}/").status_code == 404
    assert client.post(f"/desk/claims/{number}/comment/", {"text": "Anyone?"}).status_code == 404
