"""Two people on the same draft verdict at once, in two browsers: the one
who saves second sees both texts side by side, and can save theirs over
the other knowingly. Neither text is lost."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Activity, Verdict
from tests.browser.test_publish_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "The army gave no records for the figure."
RESEARCHERS = "The army's own report gives 309, not 390: the claim misreads it."
EDITORS = "Neither the army nor the ministry has published records of the arrests."


def open_the_draft(page: Any, base: str, username: str, url: str) -> None:
    log_in(page, base, username)
    page.goto(f"{base}{url}")
    page.evaluate("window.__noReload = true")
    page.click("summary:text-is('Edit the draft verdict')")


def test_the_second_to_save_sees_both_texts_and_can_save_theirs(
    new_page: Any, live_server: Any, make_claim: Any, checker: Any, editor: Any, rating: Any
) -> None:
    base = live_server.url
    claim = make_claim(state="researching")
    claim.save_draft_verdict(by=checker, rating=rating, summary=FIRST, explanation="", based_on=None)
    researcher, chief = new_page(), new_page()
    open_the_draft(researcher, base, "checker", claim.get_absolute_url())
    open_the_draft(chief, base, "editor", claim.get_absolute_url())

    # Both edit the same version; the researcher saves first.
    researcher.fill("#id_summary", RESEARCHERS)
    chief.fill("#id_summary", EDITORS)
    chief.fill("#id_explanation", "Asked both on Monday.")
    researcher.click("button:text-is('Save draft verdict')")
    researcher.locator(".verdict p", has_text=RESEARCHERS).wait_for()

    # The editor saves second: nothing is overwritten, both texts are shown.
    chief.click("button:text-is('Save draft verdict')")
    conflict = chief.locator("[data-testid=draft-conflict]")
    conflict.wait_for()
    assert RESEARCHERS in conflict.locator("[data-testid=conflict-saved]").inner_text()
    assert checker.get_full_name() in conflict.locator("[data-testid=conflict-saved]").inner_text()
    yours = conflict.locator("[data-testid=conflict-yours]").inner_text()
    assert EDITORS in yours
    assert "Asked both on Monday." in yours
    assert Verdict.objects.get(claim=claim).summary == RESEARCHERS

    # Theirs, re-applied knowingly from the form beside the two texts.
    assert conflict.locator("#mine-summary").input_value() == EDITORS
    conflict.locator("button:text-is('Save mine over the saved version')").click()
    chief.wait_for_selector("[data-testid=draft-conflict]", state="detached")
    chief.locator(".verdict p", has_text=EDITORS).wait_for()
    assert chief.evaluate("window.__noReload") is True
    assert researcher.evaluate("window.__noReload") is True

    # One is the draft now; the other stays in the claim's log, for all to read.
    draft = Verdict.objects.get(claim=claim)
    assert (draft.summary, draft.explanation, draft.author) == (EDITORS, "Asked both on Monday.", editor)
    notes = list(Activity.objects.filter(claim=claim, action="verdict_saved").values_list("note", flat=True))
    assert any(RESEARCHERS in note for note in notes)
    assert any(EDITORS in note for note in notes)
    researcher.reload()
    assert RESEARCHERS in researcher.locator(".activity").inner_text()
    assert EDITORS in researcher.locator(".verdict").inner_text()
