"""A quote the worker did not find in its source blocks `submit` until the
researcher checks it by hand, saying why; the reviewer and the editor see who
did and why, readers never see it as a verified quote, and quotes that were
only nearly found, or could not be checked, are listed before publishing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from claims.models import Activity, Claim, Evidence
from claims.sources.quotes import check_quote
from claims.workflow import GuardFailed, NotPermitted, State
from tests.conftest import add_research
from tests.desk.conftest import HX, counts, html
from tests.signoff import cite_fetched
from tests.workflow.conftest import assert_refused

pytestmark = pytest.mark.django_db

FOUND = "309 people associated with the group"
MISSING = "3,500 militants were killed"
CLOSE = "309 people associated with the groups had been arested"
WHY = "The page's table is an image; I read the figure in it on the stored copy."


@pytest.fixture
def missing(claim: Claim, checker: Any) -> Evidence:
    """The claim (researching, with a draft verdict) cites a page whose
    stored text lacks the quote."""
    add_research(claim, checker)
    item = cite_fetched(claim, checker, "https://example.org/report", quote=MISSING)
    assert item.quote_check == Evidence.QuoteCheck.NOT_FOUND
    return item


def hand_check(client: Any, item: Evidence, reason: str = WHY, **headers: Any) -> Any:
    return client.post(f"/desk/claims/{item.claim_id}/evidence/{item.pk}/hand-check/", {"reason": reason}, **headers)


def test_a_quote_not_found_blocks_submit(missing: Evidence, checker: Any, client_for: Any) -> None:
    claim = Claim.objects.get(pk=missing.claim_id)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition("submit", by=checker, expected_state="researching"),
        match="1 quote was not found in the source: check each by hand",
    )
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    assert "disabled" in re.search(r'<button[^>]*value="submit"[^>]*>', page).group(0)
    assert "check each by hand" in page
    assert "Check it by hand</summary>" in page


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_checking_it_by_hand_lets_submit_through(
    headers: dict[str, str], missing: Evidence, checker: Any, second_checker: Any, editor: Any, client_for: Any
) -> None:
    response = hand_check(client_for(checker), missing, **headers)
    assert response.status_code == (200 if headers else 302)
    item = Evidence.objects.get(pk=missing.pk)
    assert (item.hand_checked_by, item.hand_check_reason) == (checker, WHY)
    assert item.hand_checked_at is not None
    assert item.quote_check == Evidence.QuoteCheck.NOT_FOUND  # what the worker found stays on record
    entry = Activity.objects.filter(claim=item.claim).latest("pk")
    assert (entry.actor, entry.action) == (checker, "quote_hand_checked")
    assert WHY in entry.note
    claim = Claim.objects.get(pk=item.claim_id)
    claim = claim.transition("submit", by=checker, expected_state="researching")
    assert claim.state == State.IN_REVIEW
    # The reviewer and the editor see who vouched for it, and why.
    for person in (second_checker, editor):
        page = html(client_for(person).get(f"/desk/claims/{claim.pk}/"))
        assert f"Checked by hand by {checker.get_full_name()}" in page
        assert "The page&#x27;s table is an image" in page


@pytest.mark.parametrize("reason", ["", "   "])
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_hand_check_needs_a_reason(
    reason: str, headers: dict[str, str], missing: Evidence, checker: Any, client_for: Any
) -> None:
    before = counts()
    response = hand_check(client_for(checker), missing, reason=reason, **headers)
    assert response.status_code == 422
    assert "Say how you checked the quote." in html(response)
    assert counts() == before
    assert Evidence.objects.get(pk=missing.pk).hand_checked_at is None


def test_only_the_researcher_or_an_editor_checks_by_hand(
    missing: Evidence, second_checker: Any, outsider: Any, client_for: Any
) -> None:
    before = counts()
    assert hand_check(client_for(second_checker), missing, **HX).status_code == 403
    assert hand_check(client_for(outsider), missing).status_code == 403
    assert counts() == before
    assert Evidence.objects.get(pk=missing.pk).hand_checked_at is None


def test_a_quote_that_was_found_is_not_checked_by_hand(claim: Claim, checker: Any, client_for: Any) -> None:
    item = cite_fetched(claim, checker, "https://example.org/found", quote=FOUND)
    response = hand_check(client_for(checker), item, **HX)
    assert response.status_code == 409
    assert "only a quote not found in its source is checked by hand" in html(response)
    assert Evidence.objects.get(pk=item.pk).hand_checked_at is None


def test_checking_twice_is_refused(missing: Evidence, checker: Any, client_for: Any) -> None:
    client = client_for(checker)
    hand_check(client, missing)
    before = counts()
    response = hand_check(client, missing, reason="Again", **HX)
    assert response.status_code == 409
    assert "already checked this quote by hand" in html(response)
    assert counts() == before


def test_checking_by_hand_is_research(missing: Evidence, editor: Any, checker: Any) -> None:
    """An editor who vouches for a quote has researched the claim: a colleague reviews it."""
    claim = Claim.objects.get(pk=missing.claim_id)
    claim.check_quote_by_hand(by=editor, evidence_id=missing.pk, reason=WHY)
    claim = claim.transition("submit", by=checker, expected_state="researching")
    assert_refused(
        claim, NotPermitted, lambda: claim.transition("approve", by=editor, expected_state="in_review"), "researched"
    )


def test_readers_never_see_a_hand_checked_quote_as_verified(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any, client: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    found = cite_fetched(claim, checker, "https://example.org/found", quote=FOUND)
    missing = cite_fetched(claim, checker, "https://example.org/missing", quote=MISSING)
    claim.check_quote_by_hand(by=checker, evidence_id=missing.pk, reason=WHY)
    claim = claim.transition("submit", by=checker, expected_state="researching")
    claim = claim.transition("approve", by=second_checker, expected_state="in_review")
    claim = claim.transition("publish", by=editor, expected_state="approved")
    page = html(client.get(f"/verdicts/{claim.slug}/"))
    marks = re.findall(r'data-testid="quote-mark">([^<]*)<', page)
    assert marks == ["Found in the stored copy", "Checked by hand by our fact-checkers: not found in the stored copy"]
    # The mark follows each quote it belongs to.
    assert page.index(found.quote) < page.index("Found in the stored copy") < page.index(missing.quote)
    assert WHY not in page  # the desk's note stays on the desk


def test_close_and_uncheckable_quotes_are_listed_before_publishing(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any, client_for: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    cite_fetched(claim, checker, "https://example.org/close", quote=CLOSE)
    cite_fetched(claim, checker, "https://example.org/empty", quote="A quote on an empty page", text="")
    missing = cite_fetched(claim, checker, "https://example.org/missing", quote=MISSING)
    cite_fetched(claim, checker, "https://example.org/found", quote=FOUND)
    claim.check_quote_by_hand(by=checker, evidence_id=missing.pk, reason=WHY)
    claim = claim.transition("submit", by=checker, expected_state="researching")
    claim = claim.transition("approve", by=second_checker, expected_state="in_review")
    page = html(client_for(editor).get(f"/desk/claims/{claim.pk}/"))
    check = page[page.index("Before you publish") :]
    assert f"A quote is only a close match in https://example.org/close: “{CLOSE}”" in check
    assert "A quote cannot be checked against https://example.org/empty" in check
    assert "was not found in https://example.org/missing and was checked by hand" in check
    assert "example.org/found" not in check.split("The ClaimReview")[0]


def test_editing_a_hand_checked_quote_asks_for_a_new_check(missing: Evidence, checker: Any) -> None:
    """A hand check vouched for the words as they were: changed words are
    not vouched for, and submit is blocked again until checked."""
    claim = Claim.objects.get(pk=missing.claim_id)
    claim.check_quote_by_hand(by=checker, evidence_id=missing.pk, reason=WHY)
    claim = Claim.objects.get(pk=claim.pk)
    claim.edit_evidence(
        by=checker,
        evidence_id=missing.pk,
        expected_revision=Evidence.objects.get(pk=missing.pk).revision,
        url="https://example.org/report",
        offline_source="",
        quote="3,600 militants were killed",
        note=missing.note,
        stance=missing.stance,
        check_quote=check_quote,
    )
    edited = Evidence.objects.get(pk=missing.pk)
    assert edited.quote_check == Evidence.QuoteCheck.NOT_FOUND
    assert (edited.hand_checked_by, edited.hand_checked_at, edited.hand_check_reason) == (None, None, "")
    claim = Claim.objects.get(pk=claim.pk)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition("submit", by=checker, expected_state="researching"),
        match="check each by hand",
    )
