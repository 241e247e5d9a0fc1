"""The desk and the public pages on a phone (390 x 844, as an iPhone 12 to
14 draws pages): nothing scrolls sideways, and the main action of each page
is on the screen and works."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Claim
from tests.browser.test_publish_flow import log_in
from tests.conftest import add_research

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 390
PHONE = {"viewport": {"width": WIDTH, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
LONG = (
    "Since Operation Zarb-e-Azb began in June 2014, 3,500 militants have been killed and 992 of their hideouts "
    "destroyed, while 516 soldiers have lost their lives; the army says https://www.ispr.gov.pk/press-release-"
    "detail.php?id=3476&lang=en gives the full breakdown by district."
)
# What is wider than the screen: the page, and (to say why) the elements
# reaching past the screen's right edge, but those a scroller of their own holds.
OVERFLOW = """width => ({
  scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth,
  past: [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll'))
    .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + (e.id ? '#' + e.id : '')),
})"""


def assert_fits(page: Any) -> None:
    found = page.evaluate(OVERFLOW, WIDTH)
    # A phone's browser zooms out to show a page wider than the screen, which
    # widens innerWidth too: hold it to the screen's width as well.
    assert found["inner"] == WIDTH, f"{page.url} is zoomed out: {found}"
    assert found["scroll"] <= found["inner"], f"{page.url} scrolls sideways: {found}"


def on_screen(page: Any, locator: Any) -> bool:
    """Visible and wholly within the screen's width (scrolled into view)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return locator.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1


@pytest.fixture
def phone(new_page: Any) -> Any:
    return new_page(**PHONE)


def test_my_queue_fits_a_phone_and_opens_a_claim(phone: Any, live_server: Any, make_claim: Any, checker: Any) -> None:
    claim = make_claim(state="researching", text=LONG, claimant="Lieutenant General Asim Saleem Bajwa, ISPR")
    make_claim(state="submitted", text=LONG.replace("3,500", "3,400"))
    log_in(phone, live_server.url, "checker")

    assert_fits(phone)
    link = phone.locator("#queue-researching a", has_text="Since Operation Zarb-e-Azb").first
    assert on_screen(phone, link)
    link.click()
    phone.wait_for_url(f"{live_server.url}{claim.get_absolute_url()}")


def test_a_claim_page_fits_a_phone_and_its_actions_work(
    phone: Any, live_server: Any, make_claim: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state="researching", text=LONG)
    add_research(claim, checker)
    claim.add_evidence(by=checker, url="https://www.ispr.gov.pk/press-release-detail.php?id=3476&lang=en", quote="")
    log_in(phone, live_server.url, "checker")
    phone.goto(f"{live_server.url}{claim.get_absolute_url()}")

    assert_fits(phone)
    for summary in ("Submit for review", "Add evidence", "Edit the draft verdict"):
        assert on_screen(phone, phone.locator(f"summary:text-is('{summary}')")), summary
    assert on_screen(phone, phone.locator("[data-testid=edit-claim]"))
    assert on_screen(phone, phone.locator("#timeline button:text-is('Comment')"))

    phone.locator(".actions summary:text-is('Submit for review')").tap()
    phone.select_option(".actions details[open] select", str(second_checker.pk))
    button = phone.locator(".actions details[open] button:text-is('Submit for review')")
    assert on_screen(phone, button)
    assert_fits(phone)
    button.tap()
    phone.wait_for_selector("[data-testid=state]:text-is('In review')")
    assert_fits(phone)
    assert Claim.objects.get(pk=claim.pk).state == "in_review"


def test_a_public_verdict_fits_a_phone(phone: Any, live_server: Any, publish: Any) -> None:
    claim = publish(text=LONG, urls=("https://www.ispr.gov.pk/press-release-detail.php?id=3476&lang=en",))
    phone.goto(f"{live_server.url}/verdicts/{claim.slug}/")

    assert_fits(phone)
    assert on_screen(phone, phone.locator("[data-testid=author]"))
    assert on_screen(phone, phone.locator("main .rating").first)
    phone.locator("main a[href^='https://www.ispr.gov.pk']").first.scroll_into_view_if_needed()
    assert on_screen(phone, phone.locator("main a[href^='https://www.ispr.gov.pk']").first)
