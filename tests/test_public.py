"""The public side: verdict pages with ClaimReview, the list, feeds, sitemap and
the partners' JSON. Claims reach `published` through the real workflow."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import extruct
import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from claims import workflow
from claims.models import Claim, Rating, Source, Verdict

SITE = "http://127.0.0.1:8000"
PAYLOADS = [
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
]
UNPUBLISHED = ["submitted", "assigned", "researching", "in_review", "approved", "rejected"]

pytestmark = pytest.mark.django_db


def correct(
    claim: Claim, editor: Any, *, rating: str = "Mostly false", note: str = "We misread the table.", **kw: str
) -> Claim:
    verdict = {"rating": Rating.objects.get(label=rating), "summary": "Revised summary.", "explanation": ""} | kw
    claim.transition(
        "correct", by=editor, expected_state="published", params=workflow.Params(note=note, verdict=verdict)
    )
    return Claim.objects.get(pk=claim.pk)


def retract(claim: Claim, editor: Any, note: str = "We could not stand behind the sourcing.") -> Claim:
    claim.transition("retract", by=editor, expected_state="published", params=workflow.Params(note=note))
    return Claim.objects.get(pk=claim.pk)


def page_url(claim: Claim) -> str:
    return f"/verdicts/{claim.slug}/"


def json_ld(html: str, url: str) -> list[dict[str, Any]]:
    """The page's JSON-LD, read the way crawlers read it."""
    return extruct.extract(html, base_url=SITE + url, syntaxes=["json-ld"])["json-ld"]


def ld_blocks(html: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)


# --- The verdict page.


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
    assert '<a href="https://news.example.com/briefing" rel="nofollow noopener">Army briefing</a>' in html
    assert "Sample Times" in html
    assert ">False</span>" in html
    assert "6 of 7 on our scale" in html
    assert "The army gave no records for the figure." in html
    assert '<a href="https://example.org/report/final" rel="nofollow noopener">The annual report</a>' in html
    assert "Interview with the army press office" in html
    assert f'<link rel="canonical" href="{SITE}{page_url(claim)}">' in html
    assert '<meta property="og:title"' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_claim_review_json_ld_has_every_field_google_asks_for(publish: Any, client: Client, settings: Any) -> None:
    settings.ORGANIZATION_NAME = "Sample Fact Desk"
    settings.ORGANIZATION_URL = "https://desk.example.org/"
    published_on = timezone.localdate() - timedelta(days=3)
    claim = publish(
        rating="False",
        claimant="Lt Gen Asim Bajwa",
        article__url="https://news.example.com/briefing",
        article__published_on=published_on,
    )
    verdict = claim.verdicts.get()

    [review] = json_ld(client.get(page_url(claim)).content.decode(), page_url(claim))

    assert review["@context"] in ("https://schema.org", "http://schema.org")
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"{SITE}{page_url(claim)}"
    assert review["claimReviewed"] == claim.text
    assert review["datePublished"] == claim.published_at.isoformat(timespec="seconds")
    assert review["dateModified"] == verdict.published_at.isoformat(timespec="seconds")
    assert review["author"] == {"@type": "Organization", "name": "Sample Fact Desk", "url": "https://desk.example.org/"}
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 0,
        "bestRating": 5,
        "worstRating": 0,
        "alternateName": "False",
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Lt Gen Asim Bajwa"}
    assert item["datePublished"] == published_on.isoformat()
    [appearance] = item["appearance"]
    assert appearance["@type"] == "CreativeWork"
    assert appearance["url"] == "https://news.example.com/briefing"


def test_a_rating_without_a_value_is_named_but_not_numbered(publish: Any, client: Client) -> None:
    claim = publish(rating="Unproven")

    [review] = json_ld(client.get(page_url(claim)).content.decode(), page_url(claim))

    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}


def test_claim_without_article_url_has_no_appearance(publish: Any, client: Client) -> None:
    claim = publish(article__url="")

    [review] = json_ld(client.get(page_url(claim)).content.decode(), page_url(claim))

    assert "appearance" not in review["itemReviewed"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_claim_cannot_break_out_of_the_json_ld(payload: str, publish: Any, client: Client) -> None:
    claim = publish(text=f"Militants {payload} were killed", claimant=f"Spokesman {payload}")

    html = client.get(page_url(claim)).content.decode()

    [block] = ld_blocks(html)
    assert "</script" not in block
    assert "<" not in block
    assert ">" not in block
    [review] = json_ld(html, page_url(claim))
    assert review["claimReviewed"] == claim.text
    assert review["itemReviewed"]["author"]["name"] == claim.claimant


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


@pytest.mark.parametrize("url", ["/verdicts/", "/verdicts/feed/", "/verdicts.json", "/sitemap.xml"])
def test_public_urls_only_read(url: str, client: Client, desk_defaults: None) -> None:
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_unpublished_claim_is_nowhere_in_public(state: str, make_claim: Any, publish: Any, client: Client) -> None:
    publish()  # something public, so the feeds and lists are not empty
    hidden = make_claim(state=state, text="A secret claim that is not published", claimant="Secret Person")

    assert client.get(page_url(hidden)).status_code == 404
    assert client.get(f"{page_url(hidden)}v/1/").status_code == 404
    for url in (
        "/verdicts/",
        "/verdicts/?q=secret",
        "/verdicts/feed/",
        "/verdicts/atom/",
        "/verdicts.json",
        "/sitemap-verdicts.xml",
    ):
        body = client.get(url).content.decode()
        assert hidden.slug not in body, url
        assert "secret claim" not in body.lower(), url


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


def test_retracted_claim_leaves_the_list_and_feeds_but_not_the_sitemap(
    publish: Any, client: Client, editor: Any
) -> None:
    claim = retract(publish(), editor)

    assert claim.slug not in client.get("/verdicts/").content.decode()
    for url in ("/verdicts/feed/", "/verdicts/atom/"):
        assert feedparser.parse(client.get(url).content).entries == []
    assert claim.slug in client.get("/sitemap-verdicts.xml").content.decode()
    data = client.get("/verdicts.json").json()
    assert data["results"] == []
    assert data["retracted"] == [
        {"url": f"{SITE}{page_url(claim)}", "dateRetracted": claim.retracted_at.isoformat(timespec="seconds")}
    ]


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


# --- Conditional GETs.


@pytest.mark.parametrize(
    "url",
    ["{page}", "{page}v/1/", "/verdicts/", "/verdicts/feed/", "/verdicts/atom/", "/verdicts.json", "/sitemap.xml"],
)
def test_public_urls_answer_conditional_gets_with_304(url: str, publish: Any, client: Client) -> None:
    claim = publish()
    url = url.format(page=page_url(claim))

    first = client.get(url)

    assert first.status_code == 200
    assert first["ETag"]
    assert first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_correction_changes_the_etag_and_last_modified(publish: Any, client: Client, editor: Any) -> None:
    claim = publish()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Claim.objects.filter(pk=claim.pk).update(updated_at=an_hour_ago, published_at=an_hour_ago)
    Verdict.objects.filter(claim=claim).update(published_at=an_hour_ago)
    before = client.get(page_url(claim))

    correct(claim, editor)

    after = client.get(page_url(claim), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert client.get(page_url(claim), HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200


def test_a_fetched_source_changes_the_page_etag(publish: Any, client: Client) -> None:
    claim = publish(urls=("https://example.org/report",))
    before = client.get(page_url(claim))

    Source.objects.update(title="Now with a title", updated_at=timezone.now() + timedelta(seconds=5))

    assert client.get(page_url(claim), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


# --- The list.


def test_list_shows_newest_first_with_claimant_rating_and_summary(publish: Any, client: Client) -> None:
    older = publish(claimant="Older Person")
    newer = publish(claimant="Newer Person", rating="Half true")
    Claim.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=2))

    html = client.get("/verdicts/").content.decode()

    assert html.index(newer.slug) < html.index(older.slug)
    assert "Newer Person" in html
    assert "Half true" in html
    assert "The army gave no records for the figure." in html


def test_list_paginates(publish: Any, client: Client, settings: Any) -> None:
    settings.PUBLIC_PAGE_SIZE = 2
    claims = [publish() for _ in range(3)]

    first = client.get("/verdicts/").content.decode()
    second = client.get("/verdicts/?page=2").content.decode()

    assert sum(c.slug in first for c in claims) == 2
    assert sum(c.slug in second for c in claims) == 1
    assert "Page 1 of 2" in first


def test_list_filters_by_current_rating_and_searches(publish: Any, client: Client, editor: Any) -> None:
    false = publish(rating="False", text="Exports doubled last year", claimant="The minister")
    true = publish(rating="True", text="Inflation fell", claimant="The central bank")
    corrected = correct(publish(rating="False", text="Wages rose"), editor, rating="Half true")
    rating = Rating.objects.get(label="False")

    html = client.get(f"/verdicts/?rating={rating.pk}").content.decode()
    assert false.slug in html
    assert true.slug not in html
    assert corrected.slug not in html  # its current rating is Half true

    assert true.slug in client.get("/verdicts/?q=central+bank").content.decode()
    assert false.slug not in client.get("/verdicts/?q=central+bank").content.decode()
    assert false.slug in client.get("/verdicts/?q=exports").content.decode()
    assert client.get("/verdicts/?rating=nonsense&page=99").status_code == 200


# --- Feeds.


@pytest.mark.parametrize("url", ["/verdicts/feed/", "/verdicts/atom/"])
def test_feeds_carry_an_item_per_published_version(url: str, publish: Any, client: Client, editor: Any) -> None:
    claim = correct(publish(rating="False"), editor, rating="Mostly false", note="Wrong total.")
    other = publish(rating="True")

    response = client.get(url)
    feed = feedparser.parse(response.content)

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version in ("rss20", "atom10")
    ids = [entry.id for entry in feed.entries]
    assert ids == [
        f"{SITE}/verdicts/{other.slug}/v/1/",
        f"{SITE}/verdicts/{claim.slug}/v/2/",
        f"{SITE}/verdicts/{claim.slug}/v/1/",
    ]
    assert feed.feed.link == f"{SITE}/verdicts/"
    assert any(link.get("rel") == "self" and link.href == f"{SITE}{url}" for link in feed.feed.links)
    correction = feed.entries[1]
    assert correction.title.startswith("Corrected: Mostly false:")
    assert correction.link == f"{SITE}{page_url(claim)}"
    assert "Wrong total." in correction.summary
    assert correction.published_parsed is not None


@pytest.mark.parametrize("url", ["/verdicts/feed/", "/verdicts/atom/"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_feeds_escape_payloads(url: str, payload: str, publish: Any, client: Client) -> None:
    claim = publish(text=f"Militants {payload} were killed", claimant=f"Spokesman {payload}")

    raw = client.get(url).content.decode()
    feed = feedparser.parse(raw)

    assert "<script" not in raw
    assert "<img" not in raw
    [entry] = feed.entries
    assert claim.text[:60] in entry.title
    # The description is HTML with the text escaped in it: a reader shows the
    # payload as text instead of running it.
    assert "&lt;" in entry.summary
    assert "<script" not in entry.summary
    assert "<img" not in entry.summary


# --- The JSON for partners.


def test_json_lists_claim_reviews_with_next_links(publish: Any, client: Client, settings: Any) -> None:
    settings.PUBLIC_JSON_PAGE_SIZE = 2
    claims = [publish() for _ in range(3)]

    first = client.get("/verdicts.json").json()

    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] == f"{SITE}/verdicts.json?page=2"
    for review in first["results"]:
        assert review["@type"] == "ClaimReview"
        assert review["reviewRating"]["alternateName"] == "False"
    second = client.get(first["next"].removeprefix(SITE)).json()
    assert second["next"] is None
    urls = {r["url"] for r in first["results"] + second["results"]}
    assert urls == {f"{SITE}{page_url(c)}" for c in claims}
    assert client.get("/verdicts.json?page=3").status_code == 404
    assert client.get("/verdicts.json?page=x").status_code == 400


def test_json_filters_by_rating(publish: Any, client: Client) -> None:
    false = publish(rating="False")
    publish(rating="True")
    rating = Rating.objects.get(label="False")

    data = client.get(f"/verdicts.json?rating={rating.pk}").json()

    assert [r["url"] for r in data["results"]] == [f"{SITE}{page_url(false)}"]
    assert client.get("/verdicts.json?rating=False").status_code == 400


def test_json_modified_since(publish: Any, client: Client, editor: Any) -> None:
    old, recent = publish(), publish()
    retracted = publish()
    long_ago = timezone.now() - timedelta(days=10)
    Claim.objects.filter(pk=old.pk).update(updated_at=long_ago)
    retracted = retract(retracted, editor)
    since = (timezone.now() - timedelta(days=1)).isoformat()

    data = client.get("/verdicts.json", {"modified_since": since}).json()

    assert [r["url"] for r in data["results"]] == [f"{SITE}{page_url(recent)}"]
    assert [r["url"] for r in data["retracted"]] == [f"{SITE}{page_url(retracted)}"]
    # An unescaped "+" in a query string arrives as a space.
    unescaped = client.get(f"/verdicts.json?modified_since={since}").json()
    assert [r["url"] for r in unescaped["results"]] == [f"{SITE}{page_url(recent)}"]
    zulu = client.get("/verdicts.json", {"modified_since": "2000-01-01T00:00:00Z"}).json()
    assert zulu["count"] == 3
    assert client.get("/verdicts.json", {"modified_since": "yesterday"}).status_code == 400


def test_json_escapes_nothing_away(publish: Any, client: Client) -> None:
    claim = publish(text=PAYLOADS[1])

    [review] = client.get("/verdicts.json").json()["results"]

    assert review["claimReviewed"] == claim.text


# --- The sitemap.


def test_sitemap_lists_public_verdict_pages(publish: Any, client: Client, editor: Any) -> None:
    published = publish()
    retracted = retract(publish(), editor)

    index = client.get("/sitemap.xml")
    section = client.get("/sitemap-verdicts.xml")

    assert index.status_code == 200
    assert "/sitemap-verdicts.xml" in index.content.decode()
    xml = section.content.decode()
    assert f"<loc>{SITE}{page_url(published)}</loc>" in xml
    assert f"<loc>{SITE}{page_url(retracted)}</loc>" in xml
    assert "<lastmod>" in xml


# --- Query budgets: counts do not grow with rows.


@pytest.mark.parametrize(
    "url",
    ["/verdicts/", "/verdicts/?q=militants", "/verdicts/feed/", "/verdicts/atom/", "/verdicts.json", "/sitemap.xml"],
)
def test_public_lists_have_bounded_query_counts(
    url: str, publish: Any, editor: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    publish(urls=("https://example.org/a",))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(5):
        claim = publish(urls=(f"https://example.org/{n}",))
        if n % 2:
            correct(claim, editor)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


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


def test_json_ld_is_valid_json_when_read_raw(publish: Any, client: Client) -> None:
    claim = publish(text="Ünïcode “quotes” & ampersands", claimant="O'Brien")

    [block] = ld_blocks(client.get(page_url(claim)).content.decode())

    assert json.loads(block)["claimReviewed"] == claim.text
