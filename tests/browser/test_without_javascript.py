"""The desk with JavaScript off, in Chromium: every form is a plain post
answered by a redirect to the page it changed (no HTMX), and the details
panels open without script."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Activity, Claim
from tests.browser.test_publish_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def post_and_follow(page: Any, button: Any, to: str) -> None:
    """Press a form's button: the browser posts, the desk answers with a
    redirect, and the browser lands on `to`."""
    with page.expect_navigation() as landing:
        button.click()
    response = landing.value
    assert response.status == 200, response.url
    posted = response.request.redirected_from
    assert posted is not None, "the post was not answered by a redirect"
    assert posted.method == "POST"
    assert posted.response().status in (302, 303)
    assert "hx-request" not in {name.lower() for name in posted.headers}
    assert response.url == to


def act(page: Any, label: str, to: str) -> None:
    page.click(f".actions summary:text-is('{label}')")
    post_and_follow(page, page.locator(f".actions details[open] button:text-is('{label}')"), to)


def test_a_claim_is_worked_with_javascript_off(
    new_page: Any, live_server: Any, make_claim: Any, checker: Any, second_checker: Any, rating: Any
) -> None:
    base = live_server.url
    claim = make_claim(text="Pakistani authorities have arested 309 people.")
    url = f"{base}{claim.get_absolute_url()}"
    page = new_page(java_script_enabled=False)
    log_in(page, base, "checker")
    page.goto(url)

    act(page, "Take it", url)
    assert page.inner_text("[data-testid=state]") == "Assigned"
    act(page, "Start research", url)
    assert page.inner_text("[data-testid=state]") == "Researching"

    page.click("summary:text-is('Add evidence')")
    page.fill("#id_offline_source", "Interview with the army press office")
    page.fill("#id_quote", "309 people")
    page.select_option("#id_stance", "context")
    post_and_follow(page, page.locator("button:text-is('Add evidence')"), url)
    assert "Interview with the army press office" in page.inner_text(".evidence")

    page.select_option("#id_rating", str(rating.pk))
    page.fill("#id_summary", "The army gave no records for the figure.")
    post_and_follow(page, page.locator("button:text-is('Save draft verdict')"), url)
    assert page.inner_text(".verdict .rating") == "False"

    page.fill("#timeline textarea", "Asked the press office for the list.")
    post_and_follow(page, page.locator("#timeline button:text-is('Comment')"), url)
    assert "Asked the press office for the list." in page.inner_text(".activity")

    with page.expect_navigation():
        page.click("[data-testid=edit-claim]")
    assert page.url == f"{url}edit/"
    page.fill("textarea[name=text]", "Pakistani authorities have arrested 309 people.")
    post_and_follow(page, page.locator("#claim-head button:text-is('Save')"), url)
    assert page.inner_text(".claim-text") == "“Pakistani authorities have arrested 309 people.”"

    page.click(".actions summary:text-is('Submit for review')")
    page.select_option(".actions details[open] select", str(second_checker.pk))
    post_and_follow(page, page.locator(".actions details[open] button:text-is('Submit for review')"), url)
    assert page.inner_text("[data-testid=state]") == "In review"

    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.state, claim.text, claim.reviewer) == (
        "in_review",
        "Pakistani authorities have arrested 309 people.",
        second_checker,
    )
    actions = set(Activity.objects.filter(claim=claim).values_list("action", flat=True))
    assert {"take", "start", "evidence_added", "verdict_saved", "comment", "edited", "submit"} <= actions
