"""Checked before? Claims that read alike are offered (published verdicts
first, with their rating and how alike), as a claim is typed and on a new
claim's page; one click closes the new claim as a duplicate, and both pages
show the link. Ranked by trigram similarity: pg_trgm on PostgreSQL, the same
measure in Python on SQLite."""

from __future__ import annotations

import re
from typing import Any

import pytest

from claims.models import Activity, Claim

pytestmark = pytest.mark.django_db

ORIGINAL = "Pakistani authorities have so far arrested 309 people associated with Islamic State on its territory."
REWORDED = "Pakistan arrested 309 people linked to Islamic State on its soil."
UNRELATED = "The war on terror cost the economy $106.9 billion over fifteen years."
SAME_NUMBERS = "Pakistan spent 309 million rupees on 309 roads in its territory."


def post_duplicate(client: Any, claim: Claim, original: Any, **headers: str) -> Any:
    data = {
        "mark_duplicate-state": claim.state,
        "mark_duplicate-revision": claim.revision,
        "mark_duplicate-original": original,
    }
    return client.post(f"/desk/claims/{claim.pk}/act/mark_duplicate/", data, **headers)


def test_a_rewording_ranks_above_an_unrelated_claim_with_the_same_numbers(checker: Any) -> None:
    original = Claim.objects.add(by=checker, text=ORIGINAL)
    Claim.objects.add(by=checker, text=UNRELATED)
    Claim.objects.add(by=checker, text=SAME_NUMBERS)
    found = Claim.objects.similar_to(REWORDED)
    assert found[0] == original
    assert found[0].similarity > 0.4
    assert all(claim.text != UNRELATED for claim in found)
    assert [claim.similarity for claim in found] == sorted((c.similarity for c in found), reverse=True)


def test_published_verdicts_come_first_with_their_rating(checker: Any, publish: Any) -> None:
    Claim.objects.add(by=checker, text=REWORDED)  # closer, but only on the desk
    published = publish(text=ORIGINAL, rating="False")
    found = Claim.objects.similar_to(REWORDED + " Many were foreigners.")
    assert found[0] == published
    assert found[0].rating.label == "False"
    assert found[1].rating is None


def test_too_little_text_or_claims_marked_as_duplicates_are_not_offered(checker: Any) -> None:
    original = Claim.objects.add(by=checker, text=ORIGINAL)
    copy = Claim.objects.add(by=checker, text=ORIGINAL)
    copy.transition("mark_duplicate", by=checker, expected_state="submitted", params=_params(original))
    assert Claim.objects.similar_to("309") == []
    assert Claim.objects.similar_to(ORIGINAL) == [original]


def _params(original: Claim) -> Any:
    from claims.workflow import Params

    return Params(original=original)


def test_the_new_claim_form_lists_alike_claims_as_one_types(checker: Any, client_for: Any) -> None:
    original = Claim.objects.add(by=checker, text=ORIGINAL)
    client = client_for(checker)
    form = client.get("/desk/claims/new/").content.decode()
    assert 'hx-get="/desk/claims/similar/"' in form
    fragment = client.get("/desk/claims/similar/", {"text": REWORDED}, HTTP_HX_REQUEST="true").content.decode()
    assert f'href="/desk/claims/{original.pk}/"' in fragment
    assert re.search(r"\d+% alike", fragment)
    assert "<html" not in fragment
    page = client.get("/desk/claims/similar/", {"text": "Nothing like anything else said on the desk."})
    assert "Nothing on the desk reads like this yet." in page.content.decode()
    assert "<html" in page.content.decode()  # without JavaScript: a page of its own


def test_hostile_text_in_an_alike_claim_is_shown_escaped(checker: Any, client_for: Any) -> None:
    Claim.objects.add(by=checker, text=ORIGINAL + " <script>alert(1)</script>")
    page = client_for(checker).get("/desk/claims/similar/", {"text": ORIGINAL}).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


def test_closing_a_repeat_of_a_published_claim_points_to_its_verdict(
    checker: Any, second_checker: Any, publish: Any, client_for: Any
) -> None:
    published = publish(text=ORIGINAL, rating="False")
    repeat = Claim.objects.add(by=second_checker, text=REWORDED)
    client = client_for(second_checker)
    page = client.get(f"/desk/claims/{repeat.pk}/").content.decode()
    assert "Checked before?" in page
    assert "close this one as its repeat" in page

    response = post_duplicate(client, repeat, published.pk, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    repeat.refresh_from_db()
    assert (repeat.state, repeat.duplicate_of) == ("rejected", published)
    entry = Activity.objects.filter(claim=repeat, action="mark_duplicate").get()
    assert entry.note == f"A repeat of claim #{published.pk}, answered by its published verdict."
    assert entry.actor == second_checker
    assert f'href="/verdicts/{published.slug}/"' in response.content.decode()
    original_page = client.get(f"/desk/claims/{published.pk}/").content.decode()
    assert f'href="/desk/claims/{repeat.pk}/"' in original_page
    assert "Said again as" in original_page


@pytest.mark.parametrize(
    ("original", "message"),
    [
        ("self", "A claim cannot be a duplicate of itself."),
        ("", "Choose the claim this one repeats."),
        ("99999999", "There is no claim number 99999999."),
        ("99999999999999999999999", "Ensure this value is less than or equal to"),
        ("duplicate", "is itself a duplicate: point to claim"),
    ],
)
def test_a_wrong_original_is_refused_and_changes_nothing(
    original: str, message: str, checker: Any, client_for: Any
) -> None:
    first = Claim.objects.add(by=checker, text=ORIGINAL)
    copy = Claim.objects.add(by=checker, text=ORIGINAL)
    copy.transition("mark_duplicate", by=checker, expected_state="submitted", params=_params(first))
    claim = Claim.objects.add(by=checker, text=REWORDED)
    value = {"self": claim.pk, "duplicate": copy.pk}.get(original, original)
    response = post_duplicate(client_for(checker), claim, value)
    assert response.status_code in (409, 422)
    assert message in response.content.decode()
    claim.refresh_from_db()
    assert (claim.state, claim.duplicate_of, claim.revision) == ("submitted", None, 0)


def test_reopening_a_duplicate_drops_the_link_and_returns_it_to_the_pool(
    checker: Any, make_claim: Any, client_for: Any
) -> None:
    original = Claim.objects.add(by=checker, text=ORIGINAL)
    claim = make_claim(state="researching")
    claim.transition("mark_duplicate", by=checker, expected_state="researching", params=_params(original))
    claim.transition("reopen", by=checker, expected_state="rejected")
    claim.refresh_from_db()
    assert (claim.state, claim.duplicate_of, claim.assignee) == ("submitted", None, None)


def test_an_outsider_cannot_mark_or_look(outsider: Any, checker: Any, client_for: Any) -> None:
    original = Claim.objects.add(by=checker, text=ORIGINAL)
    claim = Claim.objects.add(by=checker, text=REWORDED)
    client = client_for(outsider)
    assert post_duplicate(client, claim, original.pk).status_code == 403
    assert client.get("/desk/claims/similar/", {"text": ORIGINAL}).status_code == 403
    claim.refresh_from_db()
    assert claim.duplicate_of is None
