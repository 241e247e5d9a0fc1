"""The desk triages suggestions in place: a claim made of one (logged with
where it came from), one attached to a claim the desk has (its count of
readers who asked goes up; the team queue sorts by it), one dismissed (the
reader's address deleted); a suggestion is handled once; outsiders can't."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Activity, Claim, Suggestion

pytestmark = pytest.mark.django_db


def suggestion(**fields: Any) -> Suggestion:
    defaults = {"text": "Pakistan has paid $106.9 billion for this war.", "email": "reader@example.org"}
    return Suggestion.objects.create(**{**defaults, **fields})


def act(client: Any, item: Suggestion, action: str, htmx: bool = True, **data: Any) -> Any:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(f"/desk/suggestions/{item.pk}/{action}/", data, **headers)


def test_making_a_claim_of_a_suggestion(checker: Any, client_for: Any) -> None:
    item = suggestion(appeared="A speech in Rawalpindi", url="https://example.org/speech")
    response = act(client_for(checker), item, "make")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()  # the row, in place
    item.refresh_from_db()
    claim = item.claim
    assert (item.status, item.handled_by, claim.text, claim.demand) == ("made", checker, item.text, 1)
    note = Activity.objects.get(claim=claim, action="suggestion").note
    assert "A speech in Rawalpindi" in note
    assert "https://example.org/speech" in note
    assert f'href="/desk/claims/{claim.pk}/"' in response.content.decode()


def test_attaching_counts_another_reader_and_the_queue_sorts_by_it(checker: Any, client_for: Any) -> None:
    asked = Claim.objects.add(by=checker, text="516 soldiers were killed.")
    quiet = Claim.objects.add(by=checker, text="About 25 were foreigners.")
    client = client_for(checker)
    for _ in range(2):
        assert act(client, suggestion(), "attach", claim=asked.pk).status_code == 200
    asked.refresh_from_db()
    assert asked.demand == 2
    assert Activity.objects.filter(claim=asked, action="suggestion").count() == 2
    page = client.get("/desk/claims/", {"sort": "demand"}).content.decode()
    assert page.index(f"/desk/claims/{asked.pk}/") < page.index(f"/desk/claims/{quiet.pk}/")
    assert "2 readers asked" in page


def test_attaching_to_a_claim_that_does_not_exist_changes_nothing(checker: Any, client_for: Any) -> None:
    item = suggestion()
    response = act(client_for(checker), item, "attach", claim=99999999)
    assert response.status_code == 422
    assert "There is no claim number 99999999." in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.claim) == ("new", None)


def test_dismissing_deletes_the_readers_address(checker: Any, client_for: Any) -> None:
    item = suggestion()
    assert act(client_for(checker), item, "dismiss", htmx=False, reason="Opinion, not a claim.").status_code == 302
    item.refresh_from_db()
    assert (item.status, item.dismiss_reason, item.email) == ("dismissed", "Opinion, not a claim.", "")


def test_a_suggestion_is_handled_once(checker: Any, second_checker: Any, client_for: Any) -> None:
    item = suggestion()
    act(client_for(checker), item, "make")
    again = act(client_for(second_checker), item, "dismiss")
    assert again.status_code == 409
    assert "handled already" in again.content.decode()
    item.refresh_from_db()
    assert item.status == "made"
    assert Claim.objects.count() == 1


def test_outsiders_and_unknown_actions_are_refused(outsider: Any, checker: Any, client_for: Any, client: Any) -> None:
    item = suggestion()
    assert act(client_for(outsider), item, "make").status_code == 403
    assert client_for(outsider).get("/desk/suggestions/").status_code == 403
    assert act(client_for(checker), item, "publish").status_code == 404
    assert client.get("/desk/suggestions/").status_code == 302
    item.refresh_from_db()
    assert item.status == "new"


def test_the_list_pages_and_filters_by_status(checker: Any, client_for: Any, settings: Any) -> None:
    settings.DESK_PAGE_SIZE = 2
    for n in range(3):
        suggestion(text=f"Claim number {n} from a reader.")
    suggestion(text="An old dismissed one.", status="dismissed")
    client = client_for(checker)
    first = client.get("/desk/suggestions/").content.decode()
    assert "Page 1 of 2" in first
    assert "An old dismissed one." not in first
    assert "An old dismissed one." in client.get("/desk/suggestions/", {"status": "dismissed"}).content.decode()
