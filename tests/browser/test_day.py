"""A day on the desk, in Chromium, against the live server, real Celery
workers on the broker and a local page server: an article and two claims,
one taken and one assigned, a cited page fetched while the researcher
watches, a typo corrected, a review with changes asked and made, the
approval, the editor's publication, the public byline and the dashboard."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Activity, Claim
from tests.browser.test_publish_flow import act, log_in, log_out
from tests.pages import Page, article_html, article_paragraphs, serving

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPO = "Pakistani authorities have arested 309 people associated with Islamic State."
FIXED = "Pakistani authorities have arrested 309 people associated with Islamic State."
OTHER = "Since Operation Zarb-e-Azb began in June 2014, 3,500 militants have been killed."
# Long enough for a worker's fetch, extraction and quote check on a busy machine.
WORKER_WAIT = 60_000


def act_naming(page: Any, label: str, person: Any) -> None:
    """Open an action's panel, choose the person it asks for, press its button."""
    page.click(f".actions summary:text-is('{label}')")
    page.select_option(".actions details[open] select", str(person.pk))
    page.click(f".actions details[open] button:text-is('{label}')")


def act_saying(page: Any, label: str, note: str) -> None:
    """Open an action's panel, write why, press its button."""
    page.click(f".actions summary:text-is('{label}')")
    page.fill(".actions details[open] textarea", note)
    page.click(f".actions details[open] button:text-is('{label}')")


def published_count(page: Any, base: str) -> int:
    page.goto(f"{base}/desk/dashboard/")
    row = page.locator("[data-testid=states-table] tr:has(th a[href$='state=published']) td")
    return int(row.inner_text()) if row.count() else 0


def no_reload_since_marked(page: Any) -> bool:
    return page.evaluate("window.__noReload") is True


def test_a_day_on_the_desk(
    page: Any,
    live_server: Any,
    celery_worker: Any,
    settings: Any,
    checker: Any,
    second_checker: Any,
    editor: Any,
    rating: Any,
) -> None:
    base = live_server.url
    quote = article_paragraphs()[0]
    with serving(settings, {"/briefing": Page(article_html())}) as site:
        # The researcher: an article, two claims in it.
        log_in(page, base, "checker")
        published_before = published_count(page, base)
        page.goto(f"{base}/desk/articles/new/")
        page.fill("#id_title", "No Good or Bad Taliban for Us: Pakistan Army")
        page.fill("#id_outlet", "Sample Times")
        page.fill("#id_body", f"{FIXED} {OTHER}")
        page.click("button:text-is('Add article')")
        page.wait_for_selector("#article-claims")
        page.evaluate("window.__noReload = true")
        adding = page.locator("#article-claims form")
        for text in (TYPO, OTHER):
            adding.locator("textarea[name=text]").fill(text)
            adding.locator("input[name=claimant]").fill("Lt Gen Asim Bajwa")
            adding.locator("button:text-is('Add claim')").click()
            page.wait_for_selector(f"#article-claim-rows a:has-text('{text[:40]}')")
        assert no_reload_since_marked(page)
        mine, other = Claim.objects.get(text=TYPO), Claim.objects.get(text=OTHER)

        # The second claim goes to a colleague.
        page.click(f"#article-claim-rows a:has-text('{OTHER[:40]}')")
        page.wait_for_url(f"{base}{other.get_absolute_url()}")
        page.evaluate("window.__noReload = true")
        act_naming(page, "Assign", second_checker)
        page.wait_for_selector("[data-testid=state]:text-is('Assigned')")
        assert second_checker.get_full_name() in page.locator(".facts").inner_text()
        assert no_reload_since_marked(page)

        # The first is the researcher's own.
        page.goto(f"{base}{mine.get_absolute_url()}")
        page.evaluate("window.__noReload = true")
        act(page, "Take it")
        page.wait_for_selector("[data-testid=state]:text-is('Assigned')")
        act(page, "Start research")
        page.wait_for_selector("[data-testid=state]:text-is('Researching')")

        # A page cited: the worker fetches it while the claim page shows its state.
        page.click("summary:text-is('Add evidence')")
        page.fill("#id_url", site.url("/briefing"))
        page.fill("#id_quote", quote)
        page.select_option("#id_stance", "supports")
        page.click("button:text-is('Add evidence')")
        status = page.locator(".evidence-item [data-testid=source-status]")
        status.wait_for()
        page.wait_for_selector(".evidence-item [data-testid=source-status]:text-is('Fetched')", timeout=WORKER_WAIT)
        page.wait_for_selector(".evidence-item [data-testid=quote-check]:text-is('Found in source')")
        assert "/briefing" in site.paths()
        assert no_reload_since_marked(page)

        # A typo in the claim, corrected in place.
        page.click("[data-testid=edit-claim]")
        text = page.locator("#claim-head textarea[name=text]")
        text.wait_for()
        assert text.input_value() == TYPO
        text.fill(FIXED)
        page.click("#claim-head button:text-is('Save')")
        page.wait_for_selector(f".claim-text:has-text('{FIXED}')")

        # The draft verdict, and the review asked of the colleague.
        page.select_option("#id_rating", str(rating.pk))
        page.fill("#id_summary", "The army gave no records for the figure.")
        page.click("button:text-is('Save draft verdict')")
        page.wait_for_selector(".verdict .rating:text-is('False')")
        act_naming(page, "Submit for review", second_checker)
        page.wait_for_selector("[data-testid=state]:text-is('In review')")
        assert no_reload_since_marked(page)
        log_out(page)

        # The reviewer: told by the bell, asks for changes.
        log_in(page, base, "checker2")
        count = page.locator("#bell .count")
        count.wait_for()
        assert int(count.inner_text()) > 0
        page.click("#bell a")
        told = page.locator("ul.notifications li.unread", has_text=FIXED[:40])
        told.wait_for()
        told.locator("a").first.click()
        page.wait_for_url(f"{base}{mine.get_absolute_url()}")
        page.evaluate("window.__noReload = true")
        act_saying(page, "Request changes", "Say where the 309 comes from in the summary.")
        page.wait_for_selector("[data-testid=state]:text-is('Researching')")
        assert no_reload_since_marked(page)
        log_out(page)

        # The researcher: sees it in their queue, fixes, submits again.
        log_in(page, base, "checker")
        research = page.locator("#queue-researching tr", has_text=FIXED[:40])
        assert "Changes requested" in research.inner_text()
        research.locator("a").first.click()
        page.wait_for_url(f"{base}{mine.get_absolute_url()}")
        page.evaluate("window.__noReload = true")
        page.click("summary:text-is('Edit the draft verdict')")
        page.fill("#id_summary", "The army gave no records for the figure of 309, given at its briefing.")
        page.click("button:text-is('Save draft verdict')")
        page.wait_for_selector(".verdict:has-text('given at its briefing')")
        act_naming(page, "Submit for review", second_checker)
        page.wait_for_selector("[data-testid=state]:text-is('In review')")
        assert no_reload_since_marked(page)
        log_out(page)

        # The reviewer approves.
        log_in(page, base, "checker2")
        page.goto(f"{base}{mine.get_absolute_url()}")
        page.evaluate("window.__noReload = true")
        act(page, "Approve")
        page.wait_for_selector("[data-testid=state]:text-is('Approved')")
        assert no_reload_since_marked(page)
        log_out(page)

        # The editor: finds it waiting in their queue, publishes.
        log_in(page, base, "editor")
        waiting = page.locator("#queue-to_publish tr", has_text=FIXED[:40])
        assert "Approved" in waiting.inner_text()
        waiting.locator("a").first.click()
        page.wait_for_url(f"{base}{mine.get_absolute_url()}")
        page.evaluate("window.__noReload = true")
        act(page, "Publish")
        page.wait_for_selector("[data-testid=state]:text-is('Published')")
        assert no_reload_since_marked(page)

        # Readers see the researcher credited; the dashboard counts it.
        page.click("[data-testid=public-page]")
        page.wait_for_selector("[data-testid=author]")
        assert page.inner_text("[data-testid=author]") == checker.get_full_name()
        assert FIXED in page.inner_text("main")
        assert published_count(page, base) == published_before + 1

    actions = list(Activity.objects.filter(claim=mine).order_by("created_at", "pk").values_list("action", flat=True))
    assert actions[:3] == ["created", "take", "start"]
    assert {"source_fetched", "edited", "request_changes", "approve", "publish"} <= set(actions)
