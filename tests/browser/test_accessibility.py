"""axe-core on the desk's and the readers' main pages, in Chromium: no
violation a screen-reader or keyboard user would be stopped by ("serious" or
"critical"), colour contrast included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from claims.models import Article, Claim, Suggestion
from tests.browser.test_publish_flow import log_in
from tests.conftest import add_research

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def blocking_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations on the page as it is now, each
    with the elements it was found on, short enough to read in a failure."""
    results = Axe().run(page)
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [" ".join(node["target"]) + ": " + node["failureSummary"] for node in violation["nodes"][:5]],
        }
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


def assert_accessible(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = blocking_violations(page)
    assert found == [], f"{url}:\n{json.dumps(found, indent=2)}"


@pytest.fixture
def desk(page: Any, live_server: Any, checker: Any, make_claim: Any) -> dict[str, str]:
    """A checker logged in, and a claim with evidence and a draft verdict on
    an article: the rows every desk page shows something of."""
    base = live_server.url
    article = Article.objects.add(
        by=checker,
        title="No Good or Bad Taliban for Us: Pakistan Army",
        outlet="Sample news story",
        body="The army said 516 soldiers died in the operation. The spokesman said it was the largest ever.",
    )
    claim = make_claim(state="researching", text="516 soldiers died in the operation.", claimant="Asim Bajwa")
    Claim.objects.filter(pk=claim.pk).update(article=article)
    add_research(claim, checker)
    Suggestion.objects.create(
        text="Did the war cost $106.9 billion?", appeared="A talk show", why="Everyone repeats it."
    )
    log_in(page, base, "checker")
    return {
        "base": base,
        "claim": claim.get_absolute_url(),
        "activity": f"{claim.get_absolute_url()}activity/",
        "article": article.get_absolute_url(),
    }


@pytest.mark.parametrize(
    "path",
    [
        "/desk/",
        "/desk/claims/",
        "claim",
        "article",
        "/desk/claims/new/",
        "/desk/suggestions/",
        "activity",
        "/desk/articles/",
        "/desk/claimants/",
    ],
)
def test_desk_pages_have_no_serious_accessibility_violation(page: Any, desk: dict[str, str], path: str) -> None:
    assert_accessible(page, desk["base"] + desk.get(path, path))


@pytest.fixture
def public(live_server: Any, publish: Any) -> dict[str, str]:
    claim = publish(text="We have paid $106.9 billion on this war.", claimant="Lt Gen Asim Bajwa")
    return {
        "base": live_server.url,
        "verdict": f"/verdicts/{claim.slug}/",
        "claimant": claim.speaker.get_absolute_url(),
    }


@pytest.mark.parametrize("path", ["/verdicts/", "verdict", "claimant", "/suggest/"])
def test_public_pages_have_no_serious_accessibility_violation(page: Any, public: dict[str, str], path: str) -> None:
    assert_accessible(page, public["base"] + public.get(path, path))


def test_the_check_sees_a_colour_contrast_failure(page: Any, public: dict[str, str]) -> None:
    """The harness itself: grey on grey in the page is reported, so an empty
    list above means axe looked, colour contrast included."""
    page.goto(public["base"] + "/suggest/")
    page.evaluate("document.querySelector('h1').style.color = '#e0e0e0'")
    assert "color-contrast" in [violation["id"] for violation in blocking_violations(page)]


@pytest.mark.parametrize("path", ["/desk/", "/suggest/"])
def test_the_first_tab_shows_a_skip_link_to_the_content(page: Any, desk: dict[str, str], path: str) -> None:
    page.goto(desk["base"] + path)
    skip = page.locator("a.skip-link")
    assert skip.bounding_box()["y"] < 0  # out of sight until it is needed
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["y"] >= 0
    assert box["height"] > 0
    # A focus ring a keyboard user can see.
    assert skip.evaluate("link => getComputedStyle(link).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.wait_for_url("**#main", timeout=5000)  # the jump lands after the key press returns; fails if it never does


@pytest.fixture
def editor_desk(page: Any, live_server: Any, editor: Any, make_claim: Any) -> str:
    """An editor logged in (two-factor set up on the way), with a claim
    approved: a notification for them and figures for the dashboard."""
    make_claim(state="approved", text="516 soldiers died in the operation.", claimant="Asim Bajwa")
    make_claim(state="researching", text="The war cost $106.9 billion.")
    log_in(page, live_server.url, "editor")
    return live_server.url


@pytest.mark.parametrize("path", ["/desk/dashboard/", "/desk/notifications/", "/desk/me/", "/desk/settings/"])
def test_the_editors_pages_have_no_serious_accessibility_violation(page: Any, editor_desk: str, path: str) -> None:
    assert_accessible(page, editor_desk + path)


def test_the_claim_and_verdict_pages_have_a_main_heading(page: Any, desk: dict[str, str], publish: Any) -> None:
    """axe's moderate "page-has-heading-one": the claim itself is each page's h1."""
    verdict = publish(text="We have paid $106.9 billion on this war.")
    for url in (desk["base"] + desk["claim"], f"{desk['base']}/verdicts/{verdict.slug}/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert "page-has-heading-one" not in [violation["id"] for violation in Axe().run(page).response["violations"]]
        assert "106.9" in page.inner_text("h1") or "516" in page.inner_text("h1")
