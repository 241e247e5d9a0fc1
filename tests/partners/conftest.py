"""A partner's site for the partners' tests: a /verdicts.json-style feed in two
pages, pages carrying ClaimReview JSON-LD (in an @graph, plain, nested,
malformed), hostile answers, and a stand-in for Google Fact Check Tools."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from claims.models import PartnerSource
from tests.pages import Page, serving

CLAIM_ON_ARMY = "The army says more than 3,500 militants were killed in the operation last year."
CLAIM_ON_WHEAT = "Wheat exports doubled in 2023 compared with the year before."
CLAIM_ON_TAXES = "The new sales tax will raise 900 billion rupees in its first year."


def claim_review(
    text: str,
    rating: str,
    url: str,
    organization: str = "PolitiFact",
    claimant: str = "Lt Gen Asim Bajwa",
    published: str = "2024-03-05",
) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": text,
        "datePublished": published,
        "author": {"@type": "Organization", "name": organization},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": claimant}},
        "reviewRating": {"@type": "Rating", "ratingValue": 2, "alternateName": rating},
    }


def json_page(data: Any, content_type: str = "application/json") -> Page:
    return Page(json.dumps(data).encode(), content_type=content_type)


def feed(results: list[Any], next_url: str | None = None, retracted: list[dict[str, str]] | None = None) -> Page:
    return json_page({"count": len(results), "next": next_url, "results": results, "retracted": retracted or []})


def html_with(*scripts: str) -> Page:
    tags = "".join(f'<script type="application/ld+json">{script}</script>' for script in scripts)
    head = f"<head><title>A review</title>{tags}</head>"
    return Page(f"<!doctype html><html>{head}<body><p>Text</p></body></html>".encode())


def google_answer(text: str, review_url: str) -> Page:
    return json_page(
        {
            "claims": [
                {
                    "text": text,
                    "claimant": "A minister",
                    "claimDate": "2023-11-02T00:00:00Z",
                    "claimReview": [
                        {
                            "publisher": {"name": "AFP Fact Check", "site": "factcheck.afp.com"},
                            "url": review_url,
                            "title": "No, exports did not double",
                            "reviewDate": "2024-01-15T00:00:00Z",
                            "textualRating": "False",
                            "languageCode": "en",
                        }
                    ],
                }
            ]
        }
    )


@pytest.fixture
def partner_site(settings: Any) -> Iterator[Any]:
    settings.FETCH_MAX_BYTES = 200_000
    with serving(settings) as server:
        first, second = server.url("/feed/verdicts.json"), server.url("/feed/page2.json")
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "name": "Fact check"},
                {"@type": "Organization", "name": "Soch Fact Check"},
                claim_review(CLAIM_ON_WHEAT, "Mostly false", server.url("/checks/wheat"), "Soch Fact Check"),
            ],
        }
        nested = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "Did the tax raise that much?",
            "review": {**claim_review(CLAIM_ON_TAXES, "Misleading", "", "Dawn Check"), "url": ""},
        }
        server.routes.update(
            {
                "/feed/verdicts.json": feed(
                    [
                        claim_review(CLAIM_ON_ARMY, "Mostly false", server.url("/checks/army")),
                        # No rating: skipped, with the reason in the report.
                        {"@type": "ClaimReview", "claimReviewed": "A claim with no rating", "url": server.url("/x")},
                    ],
                    next_url=second,
                ),
                "/feed/page2.json": feed(
                    [claim_review(CLAIM_ON_WHEAT, "False", server.url("/checks/wheat"))], next_url=first
                ),
                "/pages/graph.html": html_with(json.dumps(graph)),
                "/pages/plain.html": html_with(json.dumps([nested, {"@type": "WebSite", "name": "Dawn"}])),
                "/pages/malformed.html": html_with('{"@type": "ClaimReview", "claimReviewed": "half a', "[1, 2"),
                "/not-json": Page(b"<html><body>Hello</body></html>"),
                "/broken.json": Page(b'{"results": [1, 2,', content_type="application/json"),
                "/no-results.json": json_page({"items": []}),
                "/deep.json": Page(b"[" * 100_000 + b"]" * 100_000, content_type="application/json"),
                "/huge.json": Page(b'{"results": ["' + b"x" * 300_000 + b'"]}', content_type="application/json"),
            }
        )
        yield server


def partner(kind: str, *urls: str, name: str = "PolitiFact", by: Any = None) -> PartnerSource:
    return PartnerSource.objects.create(name=name, kind=kind, urls="\n".join(urls), created_by=by)
