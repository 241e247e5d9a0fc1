"""An article given by its URL: a worker fetches the page through the same
guard as cited sources, and fills in what the desk left blank."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest

from claims.models import Article, Evidence, Source
from tests.conftest import fetch_as_worker
from tests.desk.conftest import counts, field_errors, html
from tests.pages import Page, article_html, article_paragraphs, serving

TITLE = "No Good or Bad Taliban for Us: Pakistan Army"
HX_TEXT = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "article-text"}


def add_article(client: Any, **fields: str) -> Any:
    return client.post("/desk/articles/new/", {"title": "", **fields})


@pytest.mark.django_db(transaction=True)
def test_an_article_given_only_its_url_is_filled_from_the_page_by_the_worker(
    celery_worker: Any, settings: Any, client_for: Any, checker: Any
) -> None:
    with serving(settings, {"/story": Page(article_html())}) as server:
        url = server.url("/story")
        response = add_article(client_for(checker), url=url)
        article = Article.objects.get()
        assert response.status_code == 302
        assert (article.title, article.body, article.source.url) == (url, "", url)

        deadline = time.monotonic() + 30
        while Article.objects.get().title == url and time.monotonic() < deadline:
            time.sleep(0.05)

    article = Article.objects.select_related("source").get()
    assert article.title == TITLE
    assert (article.outlet, article.author, article.published_on) == ("Sample Times", "Reuters", date(2016, 10, 6))
    assert article_paragraphs()[0] in article.body
    assert "Cheap flights" not in article.body  # the advert is not the article
    assert article.source.status == Source.Status.FETCHED
    page = client_for(checker).get(article.get_absolute_url()).content.decode()
    assert f'<h1 dir="auto">{TITLE}</h1>' in page
    assert "every 2s" not in page


@pytest.mark.django_db
def test_what_the_desk_typed_is_kept_and_only_the_blanks_are_filled(
    settings: Any, client_for: Any, checker: Any
) -> None:
    with serving(settings, {"/story": Page(article_html())}) as server:
        add_article(client_for(checker), title="Army briefing, 6 October", outlet="Dawn", url=server.url("/story"))
        article = Article.objects.get()
        fetch_as_worker(article.source_id)

    article.refresh_from_db()
    assert (article.title, article.outlet, article.author) == ("Army briefing, 6 October", "Dawn", "Reuters")
    assert article_paragraphs()[1] in article.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"body": "Some text."}, "Give a title, or the article&#x27;s URL to take it from the page."),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "private network"),
    ],
)
def test_an_article_without_a_title_or_a_fetchable_url_is_refused_and_nothing_saved(
    fields: dict[str, str], error: str, client_for: Any, checker: Any
) -> None:
    response = add_article(client_for(checker), **fields)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not Article.objects.exists()
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_the_article_text_polls_until_the_page_is_read_then_stops(settings: Any, client_for: Any, checker: Any) -> None:
    client = client_for(checker)
    with serving(settings, {"/story": Page(article_html())}) as server:
        add_article(client, url=server.url("/story"))
        article = Article.objects.get()

        waiting = client.get(article.get_absolute_url(), **HX_TEXT)
        assert waiting.status_code == 200
        assert 'hx-trigger="every 2s"' in waiting.content.decode()
        assert 'data-testid="source-status">Pending' in waiting.content.decode()
        assert "Add a claim" not in waiting.content.decode()  # only the text, not the claim form

        fetch_as_worker(article.source_id)
    done = client.get(article.get_absolute_url(), **HX_TEXT)

    assert done.status_code == 286  # htmx: stop polling
    assert "every 2s" not in done.content.decode()
    assert f'<h1 dir="auto">{TITLE}</h1>' in done.content.decode()


@pytest.mark.django_db
def test_a_failed_article_page_shows_why_and_can_be_fetched_again(
    settings: Any, client_for: Any, checker: Any, outsider: Any
) -> None:
    with serving(settings, {"/gone": Page(b"not here", status=404, content_type="text/plain")}) as server:
        add_article(client_for(checker), url=server.url("/gone"))
        article = Article.objects.get()
        fetch_as_worker(article.source_id)

    page = client_for(checker).get(article.get_absolute_url()).content.decode()
    assert "404" in page
    assert "Retry the fetch" in page

    refused = client_for(outsider).post(f"/desk/articles/{article.pk}/refetch/", HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    assert Source.objects.get(pk=article.source_id).status == Source.Status.FAILED

    retried = client_for(checker).post(f"/desk/articles/{article.pk}/refetch/", **HX_TEXT)
    assert retried.status_code == 200
    assert 'hx-trigger="every 2s"' in retried.content.decode()
    assert Source.objects.get(pk=article.source_id).status == Source.Status.PENDING


@pytest.mark.django_db
def test_a_page_a_claim_already_cites_fills_the_article_at_once(
    settings: Any, client_for: Any, checker: Any, make_claim: Any
) -> None:
    claim = make_claim(state="researching")
    with serving(settings, {"/story": Page(article_html())}) as server:
        url = server.url("/story")
        evidence = claim.add_evidence(by=checker, url=url, quote="", stance=Evidence.Stance.CONTEXT)
        fetch_as_worker(evidence.source_id)
        requests_before = len(server.requests)

        add_article(client_for(checker), url=url)

        assert len(server.requests) == requests_before
    article = Article.objects.get(url=url)
    assert (article.source_id, article.title) == (evidence.source_id, TITLE)


@pytest.mark.django_db
def test_markup_in_the_fetched_page_is_shown_as_text(settings: Any, client_for: Any, checker: Any) -> None:
    markup = b"&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; "
    hostile = article_html().replace(b"<title>No Good", b"<title>" + markup + b"No Good")
    hostile = hostile.replace(b"<h1>No Good", b"<h1>" + markup + b"No Good")
    hostile = hostile.replace(b'content="No Good', b'content="' + markup + b"No Good")
    with serving(settings, {"/story": Page(hostile)}) as server:
        add_article(client_for(checker), url=server.url("/story"))
        article = Article.objects.get()
        fetch_as_worker(article.source_id)

    article.refresh_from_db()
    assert "<script>" in article.title  # kept as the page wrote it
    page = client_for(checker).get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_five_megabyte_article_paste_is_refused(client_for: Any, checker: Any, desk_defaults: None) -> None:
    before = counts()
    response = client_for(checker).post("/desk/articles/new/", {"title": "Huge", "body": "x" * (5 * 1024 * 1024)})
    assert response.status_code == 422
    errors = field_errors(html(response), "body")
    assert "5,242,880 characters long" in errors
    assert "the limit is 200,000" in errors
    assert counts() == before
