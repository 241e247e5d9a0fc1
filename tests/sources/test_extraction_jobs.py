"""Extraction jobs: a stored copy that cannot be read, or not in time, is kept without text and sent once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from claims.models import Claim, Evidence, Source
from claims.sources import extraction
from claims.sources.jobs import fetch_source
from claims.sources.tasks import extract_sources, sweep_sources
from tests.pages import Page, article_html, serving

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_unreadable_stored_copy_leaves_the_source_without_text_and_its_quotes_uncheckable(
    settings: Any, researching: Claim, checker: Any
) -> None:
    with serving(settings, {"/article": Page(article_html())}) as server:
        evidence = researching.add_evidence(
            by=checker, url=server.url("/article"), quote="309 people", stance=Evidence.Stance.CONTEXT
        )
        source = Source.objects.get(pk=evidence.source_id)
        assert source.take()
        assert fetch_source(source)
    source.snapshot.storage.delete(source.snapshot.name)

    extract_sources([source.pk])

    source.refresh_from_db()
    assert source.extracted_at is not None
    assert source.text == ""
    assert Evidence.objects.get(pk=evidence.pk).quote_check == Evidence.QuoteCheck.NOT_CHECKABLE
    assert sweep_sources() == 0  # not sent again every minute


def test_a_page_that_takes_the_extraction_jobs_time_is_kept_without_text_and_the_rest_go_on(
    settings: Any, monkeypatch: Any
) -> None:
    real_extract = extraction.extract

    def slow_for_the_first(body: bytes, content_type: str, url: str, charset: str | None = None) -> Any:
        if url.endswith("/page/0"):
            raise SoftTimeLimitExceeded()
        return real_extract(body, content_type, url, charset)

    monkeypatch.setattr(extraction, "extract", slow_for_the_first)
    with serving(settings, {f"/page/{n}": Page(article_html()) for n in range(2)}) as server:
        sources = [Source.objects.create(url=server.url(f"/page/{n}")) for n in range(2)]
        for source in sources:
            assert source.take()
            assert fetch_source(source)

    extract_sources([source.pk for source in sources])

    slow, other = (Source.objects.get(pk=source.pk) for source in sources)
    assert (slow.extracted_at is not None, slow.text) == (True, "")
    assert other.extracted_at is None  # sent to a job of its own


def test_the_sweeper_sends_a_lost_extraction_once_not_every_minute(settings: Any) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    source = Source.objects.create(
        url="https://example.org/report", status=Source.Status.FETCHED, sha256="ab" * 32, updated_at=long_ago
    )
    assert list(Source.objects.awaiting_extraction(timezone.now())) == [source]

    sweep_sources()

    assert not Source.objects.awaiting_extraction(timezone.now()).exists()
