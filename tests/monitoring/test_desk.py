"""The desk's outlets page (editors manage, the desk reads) and "From the
news" (best first, filter by outlet, dismiss and claim in place), with and
without HTMX."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Article, Claim, NewsSentence, Outlet, OutletEntry, SentenceClaim
from claims.monitoring.news import store_spotted

HTMX = {"HTTP_HX_REQUEST": "true"}
BODY = (
    "Lt Gen Asim Bajwa said 309 people associated with Islamic State were arrested in 2016.\n"
    "The army spent $106.9 billion on the operation, officials said.\n"
    "What a day it was?"
)


def spotted_story(outlet: Outlet, n: int, body: str = BODY) -> Article:
    url = f"https://news.example.org/story-{n}"
    article = Article.objects.create(title=f"Briefing {n}", outlet=outlet.name, url=url, body=body)
    OutletEntry.objects.create(outlet=outlet, url=url, article=article)
    assert store_spotted(article).sentences
    return article


@pytest.fixture
def outlet(desk_defaults: None) -> Outlet:
    return Outlet.objects.create(name="Sample Times", url="https://news.example.org/feed")


@pytest.fixture
def other_outlet(desk_defaults: None) -> Outlet:
    return Outlet.objects.create(name="Daily Other", url="https://other.example.org/feed")


# Outlets -------------------------------------------------------------------------


def test_an_editor_adds_an_outlet_in_place(client_for: Any, editor: Any) -> None:
    data = {"name": "Example News", "url": "https://news.example.org/rss.xml", "every": "30"}

    response = client_for(editor).post(reverse("desk:outlets"), data, **HTMX)

    assert response.status_code == 200
    outlet = Outlet.objects.get()
    assert (outlet.name, outlet.interval_minutes, outlet.created_by) == ("Example News", 30, editor)
    assert b"Example News" in response.content
    assert b"<html" not in response.content


def test_a_private_address_or_an_interval_out_of_bounds_is_refused(client_for: Any, editor: Any) -> None:
    client = client_for(editor)

    private = client.post(reverse("desk:outlets"), {"name": "Intranet", "url": "http://10.0.0.5/feed", "every": "15"})
    often = client.post(reverse("desk:outlets"), {"name": "Fast", "url": "https://a.example.org/f", "every": "1"})

    assert private.status_code == 422
    assert "private network" in private.content.decode()
    assert often.status_code == 422
    assert not Outlet.objects.exists()


def test_a_fact_checker_reads_the_outlets_but_cannot_add_or_change_them(
    client_for: Any, checker: Any, outlet: Outlet
) -> None:
    client = client_for(checker)

    page = client.get(reverse("desk:outlets"))
    added = client.post(reverse("desk:outlets"), {"name": "Mine", "url": "https://mine.example.org/f", "every": "15"})
    paused = client.post(reverse("desk:outlet_act", args=[outlet.pk, "pause"]), **HTMX)
    deleted = client.post(reverse("desk:outlet_act", args=[outlet.pk, "delete"]))

    assert page.status_code == 200
    assert b"Sample Times" in page.content
    assert b"Watch it" not in page.content
    assert (added.status_code, paused.status_code, deleted.status_code) == (403, 403, 403)
    assert list(Outlet.objects.values_list("name", "paused_at")) == [("Sample Times", None)]


def test_outsiders_do_not_see_the_outlets(client_for: Any, outsider: Any, outlet: Outlet) -> None:
    assert client_for(outsider).get(reverse("desk:outlets")).status_code == 403
    assert client_for(outsider).get(reverse("desk:news")).status_code == 403


def test_an_editor_pauses_resumes_and_deletes_in_place(client_for: Any, editor: Any, outlet: Outlet) -> None:
    client = client_for(editor)
    outlet.record_failure("The site had a server error (HTTP 503); it will be tried again.")

    page = client.get(reverse("desk:outlets")).content.decode()
    paused = client.post(reverse("desk:outlet_act", args=[outlet.pk, "pause"]), **HTMX)
    outlet.refresh_from_db()
    assert outlet.paused_at is not None
    resumed = client.post(reverse("desk:outlet_act", args=[outlet.pk, "resume"]), **HTMX)
    outlet.refresh_from_db()
    deleted = client.post(reverse("desk:outlet_act", args=[outlet.pk, "delete"]))

    assert "HTTP 503" in page
    assert "failing" in page
    assert paused.status_code == 200
    assert b"paused" in paused.content
    assert b"Resume" in paused.content
    assert (outlet.paused_at, outlet.failures) == (None, 0)
    assert b"watching" in resumed.content
    assert deleted.status_code == 302
    assert not Outlet.objects.exists()


# From the news -------------------------------------------------------------------


def test_the_news_lists_spotted_sentences_best_first_with_article_outlet_and_time(
    client_for: Any, checker: Any, outlet: Outlet, other_outlet: Outlet
) -> None:
    spotted_story(outlet, 1)
    spotted_story(
        other_outlet, 2, body="The ministry said 412 schools were damaged in March 2024 at a cost of $3 million."
    )

    page = client_for(checker).get(reverse("desk:news")).content.decode()
    only_other = client_for(checker).get(reverse("desk:news"), {"outlet": other_outlet.pk}, **HTMX).content.decode()

    best_first = list(NewsSentence.objects.for_list())
    assert len(best_first) == 2
    assert [s.score for s in best_first] == sorted((s.score for s in best_first), reverse=True)
    positions = [page.index(s.sentence) for s in best_first]
    assert positions == sorted(positions)
    assert "What a day" not in page  # below the threshold: never stored
    assert reverse("desk:article", args=[Article.objects.get(title="Briefing 1").pk]) in page
    assert "Sample Times" in page
    assert "Daily Other" in page
    assert "412 schools" in only_other
    assert "309 people" not in only_other
    assert "<html" not in only_other


def test_dismiss_hides_the_sentence_in_place_and_include_dismissed_shows_it(
    client_for: Any, checker: Any, outlet: Outlet
) -> None:
    spotted_story(outlet, 1)
    news = NewsSentence.objects.get(sentence__contains="309 people")
    client = client_for(checker)

    row = client.post(reverse("desk:news_dismiss", args=[news.pk]), **HTMX)

    assert row.status_code == 200
    assert b'data-testid="dismissed"' in row.content
    news.refresh_from_db()
    assert (news.dismissed_by, news.dismissed_at is not None) == (checker, True)
    assert "309 people" not in client.get(reverse("desk:news")).content.decode()
    shown = client.get(reverse("desk:news"), {"dismissed": "1"}).content.decode()
    assert "309 people" in shown
    assert "Dismissed by" in shown


def test_a_claim_is_made_from_a_news_sentence_in_place(client_for: Any, checker: Any, outlet: Outlet) -> None:
    article = spotted_story(outlet, 1)
    news = NewsSentence.objects.get(sentence__contains="309 people")
    client = client_for(checker)
    url = reverse("desk:news_claim", args=[news.pk])

    form = client.get(url, **HTMX).content.decode()
    assert 'name="sentence"' in form
    assert "Lt Gen Asim Bajwa" in form  # the claimant guessed from the attribution
    made = client.post(
        url,
        {
            "text": "309 people linked to Islamic State were arrested.",
            "claimant": "Lt Gen Asim Bajwa",
            "priority": "2",
            "sentence": news.sentence,
        },
        **HTMX,
    )

    assert made.status_code == 200
    claim = Claim.objects.get()
    assert claim.article == article
    assert b'data-testid="claim-made"' in made.content
    news.refresh_from_db()
    assert news.claim == claim
    assert SentenceClaim.objects.get().start == news.start  # the article's page shows it done
    again = client.post(url, {"text": "Again.", "claimant": "", "priority": "2", "sentence": news.sentence})
    assert again.status_code == 409
    assert Claim.objects.count() == 1


def test_without_htmx_a_claim_sends_the_browser_to_it(client_for: Any, checker: Any, outlet: Outlet) -> None:
    spotted_story(outlet, 1)
    news = NewsSentence.objects.get(sentence__contains="309 people")

    page = client_for(checker).get(reverse("desk:news_claim", args=[news.pk]))
    made = client_for(checker).post(
        reverse("desk:news_claim", args=[news.pk]),
        {"text": news.sentence, "claimant": "", "priority": "2", "sentence": news.sentence},
    )

    assert page.status_code == 200
    assert b"<html" in page.content
    assert made.status_code == 302
    assert made["Location"] == Claim.objects.get().get_absolute_url()


def test_the_news_page_costs_the_same_queries_for_many_rows(
    client_for: Any, checker: Any, outlet: Outlet, django_assert_max_num_queries: Any
) -> None:
    client: Client = client_for(checker)
    spotted_story(outlet, 1)
    client.get(reverse("desk:news"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("desk:news"))
    for n in range(2, 12):
        spotted_story(outlet, n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("desk:news"))
    with django_assert_max_num_queries(12):
        client.get(reverse("desk:outlets"))


def test_a_claim_made_on_the_articles_page_shows_on_the_news(client_for: Any, checker: Any, outlet: Outlet) -> None:
    article = spotted_story(outlet, 1)
    news = NewsSentence.objects.get(sentence__contains="309 people")
    claim = article.claim_sentence(by=checker, start=news.start, sentence=news.sentence, text=news.sentence)

    page = client_for(checker).get(reverse("desk:news")).content.decode()

    row = page.split(f'id="news-{news.pk}"')[1].split('id="news-')[0]
    assert reverse("desk:claim", args=[claim.pk]) in row
    assert "Make a claim from it" not in row


def test_each_news_sentence_asks_whether_it_was_checked_before_by_us_or_others(
    client_for: Any, checker: Any, outlet: Outlet, publish: Any
) -> None:
    verdict = publish(text="309 people associated with Islamic State were arrested in Pakistan in 2016.")
    spotted_story(outlet, 1)
    news = NewsSentence.objects.get(sentence__contains="309 people")
    client = client_for(checker)

    page = client.get(reverse("desk:news")).content.decode()
    asked = html.unescape(page.split(f'id="news-{news.pk}"', 1)[1].split("</ol>", 1)[0])  # its row, the only one
    similar_url = asked.split('class="checked-before"', 1)[1].split('hx-get="', 1)[1].split('"', 1)[0]
    assert 'hx-trigger="revealed"' in asked
    answer = client.get(similar_url, **HTMX).content.decode()

    assert verdict.text in answer
    assert reverse("desk:claim", args=[verdict.pk]) in answer
    client.post(reverse("desk:news_dismiss", args=[news.pk]), **HTMX)
    shown = client.get(reverse("desk:news"), {"dismissed": "1"}).content.decode()
    assert "Checked before?" not in shown.split(f'id="news-{news.pk}"', 1)[1].split("</ol>", 1)[0]
