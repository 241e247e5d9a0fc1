"""Outlets polled by real Celery workers on the real broker: the beat's task
takes the due outlet, a fetch worker polls it, the stories are fetched and
extracted by the sources' jobs, and spotted in a job of their own."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from django.core.management import call_command

from claims.models import NewsSentence, Outlet, OutletEntry
from claims.monitoring.tasks import poll_due_outlets
from tests.monitoring.conftest import NewsSite, stories

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(check: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"not done after {seconds} s")


def test_the_beat_polls_a_due_outlet_and_the_workers_store_its_spotted_sentences(
    celery_worker: Any, news_site: NewsSite
) -> None:
    news_site.list(stories(3), format="atom")
    outlet = Outlet.objects.watch(by=None, name="Sample Times", url=news_site.server.url("/feed"))

    poll_due_outlets.delay()

    wait_for(lambda: OutletEntry.objects.filter(spotted_at__isnull=False).count() == 3)
    sentences = NewsSentence.objects.filter(outlet=outlet)
    assert sentences.values("article").distinct().count() == 3
    assert sentences.filter(sentence__contains="309 people").count() == 3
    outlet.refresh_from_db()
    assert outlet.entries_seen == 3
    assert outlet.last_polled_at is not None
    assert outlet.next_poll_at > outlet.last_polled_at

    # Due again with nothing new: the beat's next poll costs a 304.
    Outlet.objects.filter(pk=outlet.pk).update(next_poll_at=outlet.last_polled_at)
    polls = len(news_site.feed_requests())
    poll_due_outlets.delay()
    wait_for(lambda: len(news_site.feed_requests()) == polls + 1)
    wait_for(lambda: Outlet.objects.get(pk=outlet.pk).next_poll_at > outlet.next_poll_at)
    assert news_site.feed_requests()[-1].headers["if-none-match"] == news_site.etag
    assert OutletEntry.objects.count() == 3


def test_poll_outlets_without_sync_leaves_the_polls_to_the_workers(celery_worker: Any, news_site: NewsSite) -> None:
    news_site.list(stories(2), format="json")
    Outlet.objects.watch(by=None, name="Sample Times", url=news_site.server.url("/feed"), every=60)
    out, err = io.StringIO(), io.StringIO()

    call_command("poll_outlets", stdout=out, stderr=err)

    assert out.getvalue() == ""
    assert "1 poll sent" in err.getvalue()
    wait_for(lambda: OutletEntry.objects.filter(spotted_at__isnull=False).count() == 2)
    assert NewsSentence.objects.filter(sentence__contains="309 people").count() == 2
