"""A claim made from a spotted sentence of an article, in Chromium: the
highlights, one click, an edit, saved in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claims.models import Article, Claim
from tests.browser.test_publish_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).resolve().parents[2] / "claims" / "demo" / "pakistan-army-report-card.txt"


def test_a_checker_makes_a_claim_from_a_highlighted_sentence_without_a_reload(
    page: Any, live_server: Any, checker: Any
) -> None:
    base = live_server.url
    article = Article.objects.add(
        by=checker,
        title="No Good or Bad Taliban for Us: Pakistan Army",
        outlet="Sample news story",
        body=SAMPLE.read_text(encoding="utf-8"),
    )
    [said] = [c for c in article.spotting().candidates if "516 soldiers" in c.sentence]

    log_in(page, base, "checker")
    page.goto(f"{base}{article.get_absolute_url()}")
    # A marker on window survives HTMX swaps but not a full page load.
    page.evaluate("window.__noReload = true")

    mark = page.locator(f"mark#sentence-{said.start}")
    assert mark.is_visible()
    assert "516 soldiers" in mark.inner_text()
    assert mark.locator(".spot-score").inner_text() == str(said.score)
    assert page.locator("mark.spot").count() == sum(c.score >= 30 for c in article.spotting().candidates)
    entry = page.locator(f"li#candidate-{said.start}")
    assert "a count of people: 516 soldiers (+30)" in entry.inner_text()

    entry.get_by_text("Make a claim from it").click()
    text = entry.locator("textarea[name=text]")
    text.wait_for()
    assert text.input_value() == said.sentence
    assert entry.locator("input[name=claimant]").input_value() == "Lt General Asim Bajwa"
    text.fill("516 soldiers have been killed in the operation.")
    entry.get_by_role("button", name="Save the claim").click()

    made = entry.locator("[data-testid=claim-made]")
    made.wait_for()
    assert "516 soldiers have been killed in the operation." in made.inner_text()
    assert entry.locator("[data-testid=claimant]").inner_text() == "Lt General Asim Bajwa"
    assert "516 soldiers have been killed in the operation." in page.locator("#article-claim-rows").inner_text()
    assert page.evaluate("window.__noReload") is True
    claim = Claim.objects.get()
    assert (claim.text, claim.claimant, claim.article_id) == (
        "516 soldiers have been killed in the operation.",
        "Lt General Asim Bajwa",
        article.pk,
    )
