"""Stored copies of cited sources, for readers: only of sources a public verdict
cites, and never served as a live page of our site. Sources are really fetched
from a local page server; claims are really published."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from claims import workflow
from claims.models import Claim, Evidence, Rating, Source
from tests.conftest import add_research, fetch_as_worker
from tests.pages import Page, article_html, article_paragraphs, make_pdf, serving

UNPUBLISHED = ["researching", "in_review", "approved"]
# A page that would run script in our origin if it were served as HTML.
HOSTILE = (
    b"<html><head><title>Hostile</title></head>"
    b"<body><script>alert(document.cookie)</script><p>309 people</p></body></html>"
)
PDF = make_pdf([["Pakistan army report", "309 people arrested"]], title="Army report")

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings: Any) -> Iterator[Any]:
    routes = {
        "/article": Page(article_html()),
        "/hostile": Page(HOSTILE),
        "/report.pdf": Page(PDF, content_type="application/pdf"),
        "/later": Page(b"<p>later</p>"),
    }
    with serving(settings, routes) as server:
        yield server


fetch = fetch_as_worker


@pytest.fixture
def cite(make_claim: Any, checker: Any, advance: Any) -> Callable[..., Source]:
    """A claim in `state` citing `url`, the source fetched (unless `fetched=False`)."""

    def make(url: str, state: str = "researching", fetched: bool = True) -> Source:
        claim = make_claim(state="researching")
        item = claim.add_evidence(by=checker, url=url, quote="309 people", stance=Evidence.Stance.SUPPORTS)
        source = fetch(item.source_id) if fetched else Source.objects.get(pk=item.source_id)
        if state != "researching":
            advance(claim, state)
        return source

    return make


@pytest.fixture
def advance(checker: Any, second_checker: Any, editor: Any) -> Callable[[Claim, str], Claim]:
    """Walk a researching claim on to `state` through the real workflow."""
    steps = [
        ("submit", checker, "researching", "in_review"),
        ("approve", second_checker, "in_review", "approved"),
        ("publish", editor, "approved", "published"),
        ("retract", editor, "published", "retracted"),
    ]

    def walk(claim: Claim, state: str) -> Claim:
        add_research(claim, checker, Rating.objects.get(label="False"))
        for action, person, before, after in steps:
            claim = claim.transition(action, by=person, expected_state=before, params=workflow.Params(note="Forged."))
            if after == state:
                break
        assert claim.state == state
        return claim

    return walk


def snapshot_url(source: Source) -> str:
    return f"/sources/{source.pk}/snapshot/"


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_never_live(response: Any) -> None:
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "html" not in response["Content-Type"]


# --- Who may have a copy.


@pytest.mark.parametrize("state", ["published", "retracted"])
def test_a_source_a_public_verdict_cites_is_downloadable_as_fetched(
    state: str, site: Any, cite: Any, client: Client
) -> None:
    source = cite(site.url("/article"), state=state)

    response = client.get(snapshot_url(source))

    assert response.status_code == 200
    content = body(response)
    assert content == article_html()
    assert hashlib.sha256(content).hexdigest() == source.sha256


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_a_source_only_a_draft_cites_is_404(state: str, site: Any, cite: Any, client: Client) -> None:
    source = cite(site.url("/article"), state=state)

    assert client.get(snapshot_url(source)).status_code == 404
    assert client.get(snapshot_url(source), {"as": "text"}).status_code == 404


def test_a_source_a_draft_and_a_published_verdict_cite_is_public(
    site: Any, cite: Any, client: Client, make_claim: Any, checker: Any, advance: Any
) -> None:
    source = cite(site.url("/article"), state="researching")
    assert client.get(snapshot_url(source)).status_code == 404

    published = make_claim(state="researching")
    published.add_evidence(by=checker, url=site.url("/article"), quote="309 people")
    advance(published, "published")

    assert client.get(snapshot_url(source)).status_code == 200


def test_a_source_without_a_stored_copy_is_404(site: Any, cite: Any, client: Client) -> None:
    source = cite(site.url("/later"), state="published", fetched=False)

    assert client.get(snapshot_url(source)).status_code == 404
    assert client.get(snapshot_url(source), {"as": "text"}).status_code == 404


def test_an_unknown_source_is_404(client: Client, desk_defaults: None) -> None:
    assert client.get("/sources/999999/snapshot/").status_code == 404


def test_a_copy_missing_from_storage_is_404(site: Any, cite: Any, client: Client) -> None:
    source = cite(site.url("/article"), state="published")
    Source.objects.filter(pk=source.pk).update(snapshot="snapshots/00/missing.gz")

    assert client.get(snapshot_url(source)).status_code == 404


# --- How it is served.


def test_a_stored_copy_is_an_attachment_that_cannot_run_in_our_origin(site: Any, cite: Any, client: Client) -> None:
    source = cite(site.url("/hostile"), state="published")

    response = client.get(snapshot_url(source))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{source.sha256}.html"'
    assert_never_live(response)
    assert body(response) == HOSTILE


def test_a_pdf_copy_keeps_its_bytes_and_is_named_for_its_type(site: Any, cite: Any, client: Client) -> None:
    source = cite(site.url("/report.pdf"), state="published")

    response = client.get(snapshot_url(source))

    assert response["Content-Disposition"] == f'attachment; filename="{source.sha256}.pdf"'
    assert body(response) == PDF


def test_as_text_serves_the_extracted_text_as_plain_text(site: Any, cite: Any, client: Client) -> None:
    source = cite(site.url("/article"), state="published")

    response = client.get(snapshot_url(source), {"as": "text"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert_never_live(response)
    assert "Content-Disposition" not in response
    text = response.content.decode("utf-8")
    assert article_paragraphs()[0] in text
    assert text == source.text


def test_as_text_of_a_hostile_page_is_inert_text(site: Any, cite: Any, client: Client) -> None:
    source = cite(site.url("/hostile"), state="published")

    response = client.get(snapshot_url(source), {"as": "text"})

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert_never_live(response)


def test_any_other_as_is_still_a_download(site: Any, cite: Any, client: Client) -> None:
    source = cite(site.url("/hostile"), state="published")

    response = client.get(snapshot_url(source), {"as": "html"})

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert_never_live(response)


def test_snapshots_only_read(site: Any, cite: Any, client: Client) -> None:
    source = cite(site.url("/article"), state="published")

    assert client.post(snapshot_url(source)).status_code == 405
    head = client.head(snapshot_url(source))
    assert head.status_code == 200
    assert head["Content-Security-Policy"] == "sandbox; default-src 'none'"


# --- The verdict page.


def test_verdict_page_links_each_stored_copy_with_its_fetch_date(
    site: Any, make_claim: Any, checker: Any, advance: Any, client: Client
) -> None:
    claim = make_claim(state="researching")
    stored = fetch(claim.add_evidence(by=checker, url=site.url("/article"), quote="309 people").source_id)
    unfetched = claim.add_evidence(by=checker, url=site.url("/later"), quote="309 people").source
    claim = advance(claim, "published")

    html = client.get(f"/verdicts/{claim.slug}/").content.decode()

    assert f'<a href="{snapshot_url(stored)}" rel="nofollow" download>stored copy</a>' in html
    assert f'<a href="{snapshot_url(stored)}?as=text" rel="nofollow">text</a>' in html
    assert f'<time datetime="{stored.fetched_at.isoformat()}">' in html
    assert snapshot_url(unfetched) not in html
