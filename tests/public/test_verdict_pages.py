"""The verdict page: the claim, its rating and sources, escaping, retractions, earlier versions, query count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from claims.models import Source
from tests.public.conftest import PAYLOADS, SITE, correct, json_ld, page_url, retract

pytestmark = pytest.mark.django_db


def test_verdict_page_shows_claim_source_rating_and_sources(publish: Any, client: Client) -> None:
    claim = publish(
        rating="False",
        urls=("https://example.org/report",),
        claimant="Lt Gen Asim Bajwa",
        article__url="https://news.example.com/briefing",
        article__title="Army briefing",
        article__published_on=timezone.localdate() - timedelta(days=3),
    )
    Source.objects.update(final_url="https://example.org/report/final", title="The annual report")

    response = client.get(page_url(claim))

    assert response.status_code == 200
    html = response.content.decode()
    assert claim.text in html
    assert "Lt Gen Asim Bajwa" in html
    assert '<a href="https://news.example.com/briefing" rel="nofollow noopener" dir="auto">Army briefing</a>' in html
    assert "Sample Times" in html
    assert ">False</span>" in html
    assert "6 of 6 on our scale" in html  # Unproven is no point on it (tests/public/test_scale_position.py)
    assert "The army gave no records for the figure." in html
    assert '<a href="https://example.org/report/final" rel="nofollow noopener" dir="auto">The annual report</a>' in html
    assert "Interview with the army press office" in html
    assert f'<link rel="canonical" href="{SITE}{page_url(claim)}">' in html
    assert '<meta property="og:title"' in html
    assert '<meta name="twitter:card" content="summary">' in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_escaped_in_the_page(payload: str, publish: Any, client: Client, editor: Any) -> None:
    claim = publish(text=f"Militants {payload} were killed", claimant=f"Spokesman {payload}")
    claim = correct(claim, editor, explanation=f"First line {payload}\n\nSecond {payload}", note=f"Note {payload}")

    html = client.get(page_url(claim)).content.decode()

    assert html.count("<script") == 1  # the JSON-LD, nothing else
    assert payload not in html
    assert "<img" not in html
    assert f"Militants {escape(payload)} were killed" in html
    assert f"Spokesman {escape(payload)}" in html
    assert f"<p>First line {escape(payload)}</p>" in html
    assert f"Note {escape(payload)}" in html


def test_unsafe_article_and_source_urls_are_not_links(publish: Any, client: Client) -> None:
    claim = publish(article__url="javascript:alert(1)", urls=("https://example.org/report",))
    Source.objects.update(final_url="javascript:alert(2)")

    response = client.get(page_url(claim))
    html = response.content.decode()

    assert response.status_code == 200
    assert escape(claim.article.title) in html  # shown, as text
    assert "javascript:" not in html


def test_unknown_slug_is_404(client: Client, desk_defaults: None) -> None:
    assert client.get("/verdicts/no-such-claim-abc123/").status_code == 404
    assert client.get("/verdicts/no-such-claim-abc123/v/1/").status_code == 404


def test_retracted_verdict_page_stays_with_a_dated_notice(publish: Any, client: Client, editor: Any) -> None:
    claim = retract(publish(), editor, note="The source turned out to be forged.")

    response = client.get(page_url(claim))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Retracted" in html
    assert "The source turned out to be forged." in html
    assert f'<time datetime="{claim.retracted_at.isoformat()}">' in html
    # Search engines must not show a rating we no longer stand behind.
    assert json_ld(html, page_url(claim)) == []


def test_correction_keeps_the_old_version_and_moves_date_modified(publish: Any, client: Client, editor: Any) -> None:
    claim = publish(rating="False")
    first = claim.verdicts.get(version=1)
    claim = correct(claim, editor, rating="Mostly false", summary="It was 3,400, not 3,500.", note="Wrong total.")
    second = claim.verdicts.get(version=2)

    html = client.get(page_url(claim)).content.decode()
    [review] = json_ld(html, page_url(claim))
    assert review["datePublished"] == first.published_at.isoformat(timespec="seconds")
    assert review["dateModified"] == second.published_at.isoformat(timespec="seconds")
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert "It was 3,400, not 3,500." in html
    assert "Wrong total." in html
    assert f'href="/verdicts/{claim.slug}/v/1/"' in html

    old = client.get(f"/verdicts/{claim.slug}/v/1/")
    assert old.status_code == 200
    old_html = old.content.decode()
    assert "The army gave no records for the figure." in old_html
    assert ">False</span>" in old_html
    assert "has since been corrected" in old_html
    assert '<meta name="robots" content="noindex">' in old_html
    assert json_ld(old_html, f"/verdicts/{claim.slug}/v/1/") == []
    assert client.get(f"/verdicts/{claim.slug}/v/3/").status_code == 404
    latest = client.get(f"/verdicts/{claim.slug}/v/2/").content.decode()
    assert "It was 3,400, not 3,500." in latest
    assert "has since been corrected" not in latest
    assert f'<link rel="canonical" href="{SITE}{page_url(claim)}">' in latest
    assert json_ld(latest, f"/verdicts/{claim.slug}/v/2/") == []  # one ClaimReview per claim, on its page


def test_verdict_page_query_count_does_not_grow_with_sources_or_versions(
    publish: Any, editor: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    small = publish(urls=("https://example.org/a",))
    with CaptureQueriesContext(connection) as few:
        client.get(page_url(small))
    big = publish(urls=tuple(f"https://example.org/{n}" for n in range(6)))
    for _ in range(3):
        big = correct(big, editor)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(page_url(big)).status_code == 200
