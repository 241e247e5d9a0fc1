"""One claim from submitted to published through the real UI, in Chromium."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.oath import TOTP

from claims.models import Activity, Claim
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/two-factor/setup/" in page.url:
        set_up_two_factor(page)
    page.wait_for_url(f"{base}/desk/")


def set_up_two_factor(page: Any) -> None:
    """What an editor does the first time: scan (here: read) the key, type the
    app's code, keep the recovery codes."""
    assert page.locator("img.qr-code").evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.inner_text(".secret").replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_code", f"{TOTP(key).token():06d}")
    page.click("button:text-is('Turn on two-factor')")
    page.wait_for_selector(".recovery-codes")
    assert page.locator(".recovery-codes li").count() == 10
    page.click("text=I have kept them: continue")


def log_out(page: Any) -> None:
    page.click(".whoami button")


def act(page: Any, label: str) -> None:
    """Open an action's panel and press its button; HTMX swaps the claim in place."""
    page.click(f".actions summary:text-is('{label}')")
    page.click(f".actions details[open] button:text-is('{label}')")


def test_a_claim_goes_from_submitted_to_published_without_page_reloads(
    page: Any, live_server: Any, checker: Any, second_checker: Any, editor: Any, rating: Any
) -> None:
    base = live_server.url
    claim = Claim.objects.add(by=checker, text="We have paid $106.9 billion on this war.", claimant="Lt Gen Asim Bajwa")
    state = page.locator("[data-testid=state]")

    log_in(page, base, "checker")
    page.goto(f"{base}{claim.get_absolute_url()}")
    # A marker on window survives HTMX swaps but not a full page load.
    page.evaluate("window.__noReload = true")

    act(page, "Take it")
    page.wait_for_selector("[data-testid=state]:text-is('Assigned')")
    act(page, "Start research")
    page.wait_for_selector("[data-testid=state]:text-is('Researching')")

    page.click("summary:text-is('Add evidence')")
    page.fill("#id_offline_source", "Finance ministry budget documents 2002-2016")
    page.fill("#id_quote", "The cost of the war on terror to the economy")
    page.select_option("#id_stance", "contradicts")
    page.click("button:text-is('Add evidence')")
    page.wait_for_selector(".evidence-item:has-text('Finance ministry budget documents')")

    page.select_option("#id_rating", str(rating.pk))
    page.fill("#id_summary", "Official estimates of the cost differ widely from the figure given.")
    page.click("button:text-is('Save draft verdict')")
    page.wait_for_selector(".verdict .rating:text-is('False')")

    act(page, "Submit for review")
    page.wait_for_selector("[data-testid=state]:text-is('In review')")
    assert page.evaluate("window.__noReload") is True
    log_out(page)

    log_in(page, base, "checker2")
    page.goto(f"{base}{claim.get_absolute_url()}")
    act(page, "Approve")
    page.wait_for_selector("[data-testid=state]:text-is('Approved')")
    log_out(page)

    log_in(page, base, "editor")
    page.goto(f"{base}{claim.get_absolute_url()}")
    page.evaluate("window.__noReload = true")
    act(page, "Publish")
    page.wait_for_selector("[data-testid=state]:text-is('Published')")
    assert state.inner_text() == "Published"
    assert page.evaluate("window.__noReload") is True
    assert "publish" in page.locator(".activity li").first.inner_text().lower()

    claim.refresh_from_db()
    assert claim.state == "published"
    assert claim.current_verdict.published_at is not None
    actions = list(Activity.objects.filter(claim=claim).order_by("created_at", "pk").values_list("action", flat=True))
    assert actions == ["created", "take", "start", "evidence_added", "verdict_saved", "submit", "approve", "publish"]
