"""One Source per address: spellings of one URL, and the same URL with
tracking parameters, share a row (and a fetch); different pages do not."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Evidence, Source, normalize_url

REPORT = "https://example.org/report?id=5"


@pytest.mark.parametrize(
    "spelling",
    [
        "https://example.org/report?id=5",
        "HTTPS://Example.ORG:443/report?id=5#section-2",
        "https://example.org/report?id=5&utm_source=newsletter&utm_medium=email&utm_campaign=x",
        "https://example.org/report?fbclid=IwAR0abc&id=5",
        "https://example.org/report?id=5&gclid=Cj0KCQ",
        "https://example.org/report?mc_eid=9f2&mc_cid=77&id=5",
        "https://example.org/report?id=5&dclid=1&msclkid=2&igshid=3",
        "https://example.org/report?_ga=2.1&id=5&pk_campaign=x&mtm_source=y",
        "  https://example.org/report?id=5  ",
    ],
)
def test_spellings_and_tracking_parameters_make_one_address(spelling: str) -> None:
    assert normalize_url(spelling) == normalize_url(REPORT)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://example.org/report?id=5", "https://example.org/report?id=6"),
        ("https://example.org/report?id=5", "https://example.org/report"),
        ("https://example.org/report?page=2", "https://example.org/report?page=3"),
        ("http://example.org/report", "https://example.org/report"),
        ("https://parliament.example/debates?session=15", "https://parliament.example/debates?session=16"),
        ("https://example.org:8443/report", "https://example.org/report"),
        ("https://example.org/Report", "https://example.org/report"),
    ],
)
def test_different_pages_stay_different(one: str, other: str) -> None:
    assert normalize_url(one) != normalize_url(other)


@pytest.mark.parametrize(
    "url",
    [
        "https://parliament.example/debates?session=15&sitting=3",
        "https://example.gov/notices?gazette=2024-11&ref=A12",
        "https://example.org/report?source=census&uid=7&cid=3",
        "https://example.org/article?print=&page=2",
    ],
)
def test_parameters_that_choose_the_page_are_kept_as_they_are(url: str) -> None:
    # They are what gets fetched: dropping one would fetch, and cite, another page.
    assert normalize_url(url) == url


@pytest.mark.django_db
def test_citations_with_tracking_parameters_share_one_source(make_claim: Any, checker: Any) -> None:
    claim = make_claim(state="researching")
    for url in (
        "https://example.org/report?id=5&fbclid=IwAR0abc",
        "https://example.org/report?gclid=Cj0KCQ&id=5",
        "https://example.org/report?id=5&utm_source=x",
    ):
        claim.add_evidence(by=checker, url=url, stance=Evidence.Stance.CONTEXT)

    [source] = Source.objects.all()
    assert source.url == "https://example.org/report?id=5"
    assert source.evidence.count() == 3
