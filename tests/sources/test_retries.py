"""Retries: a source's retry budget and backoff, a refetch that refills the budget, two retry clicks at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claims.models import Claim, Evidence, Source
from claims.sources.tasks import fetch_sources
from tests.pages import Page, article_html, serving

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refetch_refills_the_retry_budget(settings: Any, researching: Claim, checker: Any) -> None:
    settings.JOB_MAX_RETRIES, settings.JOB_RETRY_BACKOFF = 2, 60
    with serving(settings, {"/busy": Page(b"busy", status=503, content_type="text/plain")}) as server:
        url = server.url("/busy")
        researching.add_evidence(by=checker, url=url, quote="", stance=Evidence.Stance.CONTEXT)
        # Fetched many times over the weeks; then one 503 on the next check.
        Source.objects.filter(url=url).update(status=Source.Status.FETCHED, attempts=9, retries=0)
        assert Source.objects.get(url=url).refetch()
        fetch_sources([Source.objects.get(url=url).pk])

    source = Source.objects.get(url=url)
    assert (source.status, source.attempts, source.retries) == (Source.Status.PENDING, 10, 1)
    assert source.retry_at > timezone.now()
    assert "gave up" not in source.last_error


def test_a_source_gives_up_after_its_retry_budget(settings: Any, researching: Claim, checker: Any) -> None:
    settings.JOB_MAX_RETRIES = 2
    with serving(settings, {"/busy": Page(b"busy", status=503, content_type="text/plain")}) as server:
        evidence = researching.add_evidence(
            by=checker, url=server.url("/busy"), quote="", stance=Evidence.Stance.CONTEXT
        )
        for _ in range(3):
            Source.objects.filter(pk=evidence.source_id).update(retry_at=None)  # its backoff is over
            fetch_sources([evidence.source_id])

    source = Source.objects.get(pk=evidence.source_id)
    assert (source.status, source.retries, source.attempts) == (Source.Status.FAILED, 0, 3)
    assert "gave up after 3 attempts" in source.last_error


def test_a_copy_that_arrives_before_the_retry_time_leaves_it(settings: Any) -> None:
    with serving(settings, {"/article": Page(article_html())}) as server:
        source = Source.objects.create(url=server.url("/article"), retry_at=timezone.now() + timedelta(minutes=1))
        fetch_sources([source.pk])
        assert server.paths() == []
        Source.objects.filter(pk=source.pk).update(retry_at=timezone.now())
        fetch_sources([source.pk])
        assert server.paths() == ["/article"]
    assert Source.objects.get(pk=source.pk).status == Source.Status.FETCHED


def test_two_retry_clicks_at_once_queue_one_fetch(settings: Any) -> None:
    source = Source.objects.create(url="https://example.org/gone", status=Source.Status.FAILED, retries=3)
    assert Source.objects.get(pk=source.pk).refetch() is True
    assert Source.objects.get(pk=source.pk).refetch() is False
    fresh = Source.objects.get(pk=source.pk)
    assert (fresh.status, fresh.retries) == (Source.Status.PENDING, 0)
