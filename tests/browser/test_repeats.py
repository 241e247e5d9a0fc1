"""Repeats in Chromium: an editor confirms a repeat in place from the
Repeats list, a second tab's stale form is told and changes nothing, and the
verdict page then lists it under "Also said"."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Repeat
from claims.monitoring.repeats import find_repeats
from tests.browser.test_publish_flow import log_in
from tests.monitoring.repeats_helpers import REWORDED, VERDICT, article_saying

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_confirms_a_repeat_in_place_and_readers_see_it(
    page: Any, live_server: Any, publish: Any, checker: Any, editor: Any
) -> None:
    base = live_server.url
    verdict = publish(text=VERDICT, rating="False")
    article = article_saying(REWORDED, by=checker, url="https://news.example.com/briefing")
    [repeat] = find_repeats(article, article.spotting().candidates)

    log_in(page, base, "editor")
    other = page.context.new_page()  # the same editor's second tab, drawn before the confirmation
    other.goto(f"{base}/desk/repeats/")
    page.goto(f"{base}/desk/notifications/")
    page.get_by_text("repeated a claim we rated False").first.click()
    page.wait_for_url(f"{base}/desk/repeats/")
    page.evaluate("window.__noReload = true")
    row = page.locator(f"#repeat-{repeat.pk}")
    assert REWORDED in row.inner_text()

    row.get_by_role("button", name="Confirm: the same claim").click()
    page.locator(f"#repeat-{repeat.pk} .message.success").wait_for()
    row = page.locator(f"#repeat-{repeat.pk}")
    assert "Confirmed" in row.locator(".state").inner_text()
    assert row.get_by_role("button", name="Confirm: the same claim").count() == 0
    assert page.evaluate("window.__noReload") is True

    # The other tab's Confirm is stale: it is told, in place, and nothing changes.
    other.locator(f"#repeat-{repeat.pk}").get_by_role("button", name="Confirm: the same claim").click()
    refusal = other.locator(f"#repeat-{repeat.pk} .message.error")
    refusal.wait_for()
    assert "This repeat is confirmed now" in refusal.inner_text()
    other.close()
    assert Repeat.objects.get(pk=repeat.pk).decided_by == editor

    page.goto(f"{base}/verdicts/{verdict.slug}/")
    also = page.locator("[data-testid=also-said]")
    assert REWORDED in also.inner_text()
    assert also.get_by_role("link", name=article.title).get_attribute("href") == "https://news.example.com/briefing"
