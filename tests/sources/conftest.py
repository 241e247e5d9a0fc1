"""Helpers of the sources' tests: a local site with a page for every path a fetch
can take, a claim being researched, and citing a URL on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from claims.models import Claim, Evidence
from tests.pages import Page, PageHandler, article_html, drip, gzip_bomb, make_pdf, redirect, serving


def fail_then_serve(failures: int, page: Page) -> Callable[[PageHandler], None]:
    """Answer 500 `failures` times, then the page."""
    seen = {"count": 0}

    def send(handler: PageHandler) -> None:
        seen["count"] += 1
        if seen["count"] <= failures:
            handler.send_page(Page(b"overloaded", status=500, content_type="text/plain"))
        else:
            handler.send_page(page)

    return send


@pytest.fixture
def site(settings: Any) -> Iterator[Any]:
    settings.JOB_RETRY_BACKOFF = 0.01
    settings.FETCH_MAX_BYTES = 200_000
    with serving(settings) as server:
        pdf = make_pdf([["Pakistan army report", "309 people arrested", "516 soldiers killed"]], title="Army report")
        server.routes.update(
            {
                "/article": Page(article_html()),
                "/copy": Page(article_html()),
                "/report.pdf": Page(pdf, content_type="application/pdf"),
                "/hop1": redirect("/hop2"),
                "/hop2": redirect("/hop3"),
                "/hop3": redirect("/article"),
                "/gone": Page(b"not here", status=404, content_type="text/plain"),
                "/flaky": fail_then_serve(2, Page(article_html())),
                "/metadata": redirect("http://169.254.169.254/latest/meta-data/"),
                "/huge": Page(b"<p>" + b"x" * 300_000 + b"</p>"),
                "/logo.png": Page(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png"),
                "/bomb": Page(gzip_bomb(50_000_000), headers=[("Content-Encoding", "gzip")]),
                "/drip": drip(every=0.3, total=100),
            }
        )
        yield server


@pytest.fixture
def researching(make_claim: Any) -> Claim:
    return make_claim(state="researching")


def cite(claim: Claim, by: Any, url: str, quote: str = "") -> Evidence:
    return claim.add_evidence(by=by, url=url, quote=quote, stance=Evidence.Stance.CONTEXT)
