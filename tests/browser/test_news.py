"""From the news, in Chromium: a sentence dismissed and a claim made from
another, each in place, with no page load."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Claim, NewsSentence, Outlet
from tests.browser.test_publish_flow import log_in
from tests.monitoring.test_desk import spotted_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_checker_dismisses_one_sentence_and_makes_a_claim_from_another_in_place(
    page: Any, live_server: Any, checker: Any
) -> None:
    base = live_server.url
    outlet = Outlet.objects.create(name="Sample Times", url="https://news.example.org/feed")
    spotted_story(outlet, 1)
    spotted_story(outlet, 2, body="The ministry said 412 schools were damaged in March 2024 at a cost of $3 million.")
    bajwa = NewsSentence.objects.get(sentence__contains="309 people")
    schools = NewsSentence.objects.get(sentence__contains="412 schools")

    log_in(page, base, "checker")
    page.goto(f"{base}/desk/news/")
    page.evaluate("window.__noReload = true")

    dismissed = page.locator(f"li#news-{schools.pk}")
    dismissed.get_by_role("button", name="Dismiss").click()
    dismissed.locator("[data-testid=dismissed]").wait_for()

    entry = page.locator(f"li#news-{bajwa.pk}")
    entry.get_by_text("Make a claim from it").click()
    text = entry.locator("textarea[name=text]")
    text.wait_for()
    assert text.input_value() == bajwa.sentence
    text.fill("309 people linked to Islamic State were arrested.")
    entry.get_by_role("button", name="Save the claim").click()
    entry.locator("[data-testid=claim-made]").wait_for()

    assert "309 people linked to Islamic State were arrested." in entry.inner_text()
    assert page.evaluate("window.__noReload") is True
    assert Claim.objects.get().text == "309 people linked to Islamic State were arrested."
    assert NewsSentence.objects.get(pk=schools.pk).dismissed_by == checker
