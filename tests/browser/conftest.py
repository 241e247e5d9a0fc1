"""Playwright driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "True":
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI runs these tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django refuses
    # ORM calls from such a thread unless told the test knows what it does
    # (only while the browser runs: other tests keep Django's guard).
    with mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}), sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Any) -> Iterator[Any]:
    profile = tempfile.mkdtemp(prefix="factcheck-chromium-")
    context = playwright_session.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 1280, "height": 900},
    )
    yield context
    context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium(playwright_session: Any) -> Iterator[Any]:
    """A second Chromium whose contexts share nothing (cookies, storage):
    one per person when a test has several at once, or one with options
    of its own (no JavaScript, a phone's screen)."""
    launched = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield launched
    launched.close()


def _refusals(page: Any) -> list[str]:
    """What the Content-Security-Policy refused on `page` (Chromium logs each refusal)."""
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    return refused


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Callable[..., Any]]:
    """`new_page(**context_options)`: a tab in a context of its own; the
    test fails if any of them reports what the Content-Security-Policy refused."""
    opened: list[tuple[Any, list[str]]] = []

    def make(**options: Any) -> Any:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium.new_context(**options)
        page = context.new_page()
        opened.append((context, _refusals(page)))
        return page

    yield make
    for context, _ in opened:
        context.close()
    assert [text for _, refused in opened for text in refused] == []


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A tab; the test fails if the page reports anything the
    Content-Security-Policy refused (Chromium logs each refusal)."""
    page = browser.new_page()
    refused = _refusals(page)
    yield page
    page.close()
    browser.clear_cookies()
    assert refused == [], refused
