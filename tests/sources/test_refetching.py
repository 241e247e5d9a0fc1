"""Fetching a source again: what a refetch keeps, and what the claim page shows meanwhile.

A published page that changed keeps its checked copy and is flagged; the same
bytes are not stored, extracted or logged twice; a page that died still offers
its stored copy; the claim page polls until the fetch is over. These call the
worker's code in this thread (`fetch_as_worker`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from claims.models import Activity, Claim, Evidence, Source
from claims.sources.tasks import fetch_sources, refresh_published_sources
from tests.conftest import fetch_as_worker
from tests.pages import Page, article_html, serving
from tests.sources.conftest import cite

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_published_source_that_changes_keeps_its_checked_copy_and_is_flagged(
    site: Any, make_claim: Any, checker: Any, editor: Any
) -> None:
    claim = make_claim(state="published")
    evidence = Evidence.objects.create(claim=claim, source=Source.for_url(site.url("/article")), quote="309")
    first = fetch_as_worker(evidence.source_id)
    Source.objects.filter(pk=first.pk).update(checked_at=first.checked_at - timedelta(days=30))
    site.routes["/article"] = Page(article_html().replace(b"309", b"390"))

    assert refresh_published_sources() == 1
    source = fetch_as_worker(first.pk)

    # The copy the published verdict was checked against stays; the change is flagged.
    assert source.sha256 == first.sha256
    assert source.snapshot.name == first.snapshot.name
    assert source.text == first.text
    assert Evidence.objects.get(pk=evidence.pk).quote_check == "found"
    assert source.changed_at is not None
    assert Activity.objects.filter(claim=claim, action="source_changed").count() == 1
    # Checked now: the next hourly run leaves it alone until the period is over.
    assert refresh_published_sources() == 0
    assert Source.objects.get(pk=first.pk).status == Source.Status.FETCHED


def test_the_claim_page_polls_a_source_until_its_fetch_is_over(
    site: Any, researching: Claim, checker: Any, client_for: Any
) -> None:
    # No worker: the source stays pending, so the evidence item keeps polling.
    evidence = cite(researching, checker, site.url("/article"))
    client = client_for(checker)
    url = f"/desk/claims/{researching.pk}/evidence/{evidence.pk}/"

    pending = client.get(url, HTTP_HX_REQUEST="true")
    assert pending.status_code == 200
    assert b'hx-trigger="every 2s"' in pending.content

    fetch_as_worker(evidence.source_id)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 286  # htmx: stop polling
    assert b"every 2s" not in done.content
    assert b"Fetched" in done.content
    assert client.get(url).status_code == 302  # without htmx: back to the claim page


def test_a_source_that_died_after_it_was_fetched_still_offers_its_stored_copy(
    site: Any, researching: Claim, checker: Any, client_for: Any
) -> None:
    evidence = cite(researching, checker, site.url("/article"))
    fetch_as_worker(evidence.source_id)
    site.routes["/article"] = Page(b"gone", status=404, content_type="text/plain")
    assert Source.objects.get(pk=evidence.source_id).refetch()
    assert fetch_as_worker(evidence.source_id).status == Source.Status.FAILED

    page = client_for(checker).get(researching.get_absolute_url()).content.decode()

    assert f'href="/desk/sources/{evidence.source_id}/snapshot/"' in page
    assert "Retry the fetch" in page


def test_the_same_bytes_again_are_neither_stored_nor_extracted_nor_logged_again(
    settings: Any, researching: Claim, checker: Any
) -> None:
    with serving(settings, {"/article": Page(article_html())}) as server:
        evidence = researching.add_evidence(
            by=checker, url=server.url("/article"), quote="309 people", stance=Evidence.Stance.CONTEXT
        )
        first = fetch_as_worker(evidence.source_id)
        assert first.refetch()
        fetch_sources([first.pk])
        assert server.paths() == ["/article", "/article"]

    again = Source.objects.get(pk=first.pk)
    assert (again.status, again.extracted_at, again.sha256) == (Source.Status.FETCHED, first.extracted_at, first.sha256)
    assert again.checked_at > first.checked_at
    assert Activity.objects.filter(claim=researching, action="source_fetched").count() == 1
