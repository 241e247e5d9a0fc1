"""Confirmed repeats on the public side: the verdict page lists them under
"Also said" (where, when, a link to the article), its ClaimReview carries
them as further appearances, and so does the partners' JSON. Confirming or
dismissing one shows at once to a reader served from the page cache (the
verdict's freshness moves). Found or dismissed ones are not shown; what
people wrote is escaped and reads in its own direction."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Claim, Repeat
from tests.monitoring.repeats_helpers import REWORDED, VERDICT, make_repeat
from tests.public.conftest import PAYLOADS, json_ld, page_url
from tests.test_text_direction import assert_in_own_direction

pytestmark = pytest.mark.django_db

ARTICLE_URL = "https://news.example.com/2026/briefing"


@pytest.fixture
def verdict(publish: Any) -> Claim:
    return publish(text=VERDICT, rating="False", article__url="https://first.example.com/said")


@pytest.fixture
def repeat(verdict: Claim, checker: Any) -> Repeat:
    return make_repeat(
        verdict, by=checker, url=ARTICLE_URL, title="Army briefing", outlet="Dawn", published_on=date(2026, 5, 3)
    )


def test_a_confirmed_repeat_is_listed_as_also_said(repeat: Repeat, verdict: Claim, editor: Any) -> None:
    page = Client().get(page_url(verdict)).content.decode()
    assert "Also said" not in page  # found, not yet confirmed
    repeat.confirm(by=editor, expected="found")
    page = Client().get(page_url(verdict)).content.decode()
    assert "Also said" in page
    assert f'<a href="{ARTICLE_URL}" rel="nofollow noopener" dir="auto">Army briefing</a>' in page
    assert '<time datetime="2026-05-03">3 May 2026</time>' in page
    assert REWORDED in page
    assert "Lt Gen Asim Bajwa" in page


def test_the_claim_review_carries_it_as_a_further_appearance(
    repeat: Repeat, verdict: Claim, editor: Any, client: Client
) -> None:
    repeat.confirm(by=editor, expected="found")
    [review] = json_ld(client.get(page_url(verdict)).content.decode(), page_url(verdict))
    first, again = review["itemReviewed"]["appearance"]
    assert first["url"] == "https://first.example.com/said"
    assert again == {
        "@type": "CreativeWork",
        "url": ARTICLE_URL,
        "headline": "Army briefing",
        "publisher": {"@type": "Organization", "name": "Dawn"},
        "datePublished": "2026-05-03",
    }
    [result] = client.get("/verdicts.json").json()["results"]
    assert result["itemReviewed"]["appearance"][1]["url"] == ARTICLE_URL


def test_an_article_without_a_date_is_dated_by_when_the_repeat_was_found(
    verdict: Claim, checker: Any, editor: Any, client: Client
) -> None:
    make_repeat(verdict, by=checker, url=ARTICLE_URL).confirm(by=editor, expected="found")
    [review] = json_ld(client.get(page_url(verdict)).content.decode(), page_url(verdict))
    assert review["itemReviewed"]["appearance"][1]["datePublished"] == timezone.localdate().isoformat()


def test_a_repeat_without_a_safe_link_is_listed_but_not_linked(
    publish: Any, checker: Any, editor: Any, client: Client
) -> None:
    verdict = publish(text=VERDICT)  # its article has no URL: no appearance of its own
    make_repeat(verdict, by=checker, url="javascript:alert(1)", title="Pasted transcript").confirm(
        by=editor, expected="found"
    )
    html = client.get(page_url(verdict)).content.decode()
    assert "Pasted transcript" in html
    assert "javascript:" not in html
    [review] = json_ld(html, page_url(verdict))
    assert "appearance" not in review["itemReviewed"]


def test_confirming_and_dismissing_drop_the_cached_page(repeat: Repeat, verdict: Claim, editor: Any) -> None:
    reader = Client()
    first = reader.get(page_url(verdict))
    assert "Also said" not in first.content.decode()
    assert "Also said" not in Client().get(page_url(verdict)).content.decode()  # served from the cache
    repeat.confirm(by=editor, expected="found")
    confirmed = reader.get(page_url(verdict), HTTP_IF_NONE_MATCH=first["ETag"])
    assert confirmed.status_code == 200
    assert confirmed["ETag"] != first["ETag"]
    assert "Also said" in confirmed.content.decode()
    assert '"count": 1' in Client().get("/verdicts.json").content.decode()
    assert ARTICLE_URL in Client().get("/verdicts.json").content.decode()
    repeat.dismiss(by=editor, expected="confirmed")
    dismissed = Client().get(page_url(verdict))
    assert "Also said" not in dismissed.content.decode()
    assert ARTICLE_URL not in Client().get("/verdicts.json").content.decode()


def test_a_found_or_dismissed_repeat_does_not_move_the_page(repeat: Repeat, verdict: Claim, editor: Any) -> None:
    before = Client().get(page_url(verdict))["ETag"]
    repeat.dismiss(by=editor, expected="found")
    assert Client().get(page_url(verdict))["ETag"] == before


@pytest.mark.parametrize("payload", PAYLOADS)
def test_what_people_wrote_is_escaped(payload: str, verdict: Claim, checker: Any, editor: Any) -> None:
    sentence = f"Officials said more than 3,500 militants have been killed in the operation {payload}."
    made = make_repeat(verdict, by=checker, sentence=sentence, title=payload, outlet=payload, url=ARTICLE_URL)
    made.confirm(by=editor, expected="found")
    html = Client().get(page_url(verdict)).content.decode()
    assert payload not in html
    [review] = json_ld(html, page_url(verdict))
    assert review["itemReviewed"]["appearance"][1]["headline"] == payload


def test_arabic_reads_in_its_own_direction(verdict: Claim, checker: Any, editor: Any) -> None:
    sentence = "قال الجنرال إن أكثر من ٣٥٠٠ مسلح قتلوا في العملية."
    made = make_repeat(verdict, by=checker, sentence=sentence, title="بيان الجيش", outlet="صحيفة", url=ARTICLE_URL)
    made.confirm(by=editor, expected="found")
    html = Client().get(page_url(verdict)).content.decode()
    assert_in_own_direction(html, sentence[:-1], "بيان الجيش", "صحيفة")


def test_the_page_asks_no_more_as_repeats_grow(verdict: Claim, checker: Any, editor: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(page_url(verdict)).status_code == 200
        return len(captured.captured_queries)

    make_repeat(verdict, by=checker, url=ARTICLE_URL).confirm(by=editor, expected="found")
    few = queries()
    for i in range(5):
        make_repeat(verdict, by=checker, url=f"{ARTICLE_URL}/{i}").confirm(by=editor, expected="found")
    assert queries() <= few
