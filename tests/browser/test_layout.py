"""Layout in Chromium at a laptop's size (1280 x 800): the article page's
tables stay inside their cards, and the page does not scroll sideways."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from claims import workflow
from claims.models import Article, Claim
from tests.browser.test_publish_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).resolve().parents[2] / "claims" / "demo" / "pakistan-army-report-card.txt"

# Each table on the page, the card it sits in, and how far it reaches past
# the card's inner edge (0 when it fits).
OVERFLOW = """() => [...document.querySelectorAll('main table')].map(table => {
  const card = table.closest('section, aside');
  const style = getComputedStyle(card);
  const inner = card.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {table: table.className, card: card.id, overflow: Math.max(0, table.scrollWidth - inner),
          past_card: Math.max(0, table.getBoundingClientRect().right - card.getBoundingClientRect().right)};
})"""


def test_the_article_pages_tables_fit_their_cards_at_1280(page: Any, live_server: Any, checker: Any) -> None:
    article = Article.objects.add(
        by=checker,
        title="No Good or Bad Taliban for Us: Pakistan Army",
        outlet="Sample news story",
        body=SAMPLE.read_text(encoding="utf-8"),
    )
    for text, claimant in [
        ("Pakistani authorities have so far arrested 309 people associated with Islamic State.", "Asim Bajwa"),
        (
            "Since Operation Zarb-e-Azb began in June 2014, 3,500 militants have been killed.",
            "Lieutenant General Asim Bajwa",
        ),
        ("The United States refused to release $300 million in military disbursements.", "Director-General ISPR"),
    ]:
        claim = Claim.objects.add(by=checker, article=article, text=text, claimant=claimant)
        claim.transition("take", by=checker, expected_state=None, params=workflow.Params())
    Claim.objects.filter(article=article).update(due_on=timezone.localdate() - timedelta(days=2), priority=1)

    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server.url, "checker")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.locator("details[data-testid=dropped-lines] summary").click()  # its table laid out too

    tables = page.evaluate(OVERFLOW)

    assert {t["table"] for t in tables} >= {"claims", "dropped-lines"}
    assert [t for t in tables if t["overflow"] > 0 or t["past_card"] > 0] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_dashboard_draws_its_charts_within_the_page_and_the_policy(
    page: Any, live_server: Any, checker: Any, make_claim: Any
) -> None:
    for state in ("submitted", "researching", "rejected"):
        make_claim(state=state)

    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server.url, "checker")
    page.goto(f"{live_server.url}/desk/dashboard/")

    chart = page.get_by_role("img", name="Claims by state now")
    assert chart.is_visible()
    assert chart.bounding_box()["width"] > 300
    # The bars' fills come from app.css (no style attribute is allowed).
    assert page.locator("svg.chart rect.state-bar-researching").evaluate("r => getComputedStyle(r).fill") != "none"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # (The `page` fixture fails the test if the Content-Security-Policy refused anything.)


def test_the_overdue_part_of_a_load_bar_is_hatched(page: Any, live_server: Any, checker: Any, make_claim: Any) -> None:
    late = make_claim(state="researching")
    make_claim(state="researching")
    Claim.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))

    log_in(page, live_server.url, "checker")
    page.goto(f"{live_server.url}/desk/dashboard/")

    overdue = page.locator("svg[data-testid=load-chart] rect.hatched")
    assert overdue.count() == 1
    assert "url(" in overdue.evaluate("r => getComputedStyle(r).fill")  # the pattern, not a flat colour
