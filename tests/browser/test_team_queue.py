"""The team queue's bulk form in Chromium, with JavaScript and without: the
form comes drawn from the cache with this request's CSRF token filled in,
and the ticked rows join it by the form attribute; the browser sends both
either way."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Claim
from claims.workflow import State
from tests.browser.test_publish_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_ticked_claims_get_a_priority(
    javascript: bool, new_page: Any, live_server: Any, make_claim: Any, checker: Any
) -> None:
    claims = [make_claim(state=State.SUBMITTED, text=f"The army arrested {300 + n} people.") for n in range(3)]
    base = live_server.url
    page = new_page(java_script_enabled=javascript)
    log_in(page, base, "checker")
    page.goto(f"{base}/desk/claims/")
    page.goto(f"{base}/desk/claims/")  # the second time from the cache
    for claim in claims[:2]:
        page.check(f"input[form=bulk][value^='{claim.pk}:']")
    page.select_option("#bulk select[name=action]", "priority")
    page.select_option("#bulk select[name=priority]", str(Claim.Priority.HIGH))
    page.click("#bulk button[type=submit]")
    page.wait_for_selector(".messages li")
    assert "2 claims" in page.inner_text(".messages")
    priorities = {claim.pk: Claim.objects.get(pk=claim.pk).priority for claim in claims}
    assert priorities == {
        claims[0].pk: Claim.Priority.HIGH,
        claims[1].pk: Claim.Priority.HIGH,
        claims[2].pk: claims[2].priority,
    }
    # The listing drawn after the change shows it.
    page.goto(f"{base}/desk/claims/?priority={Claim.Priority.HIGH}")
    assert page.locator("table.claims tbody tr").count() == 2
