"""Drill: a fetch worker is killed in the middle of a fetch.

tests/sources/test_fetching_by_workers.py checks that such a source is fetched
in the end; this drill also lets the broker deliver the dead worker's job
again, as Redis does with a job never acknowledged, and checks that the two
ways the source comes back add up to one fetch and one record."""

from __future__ import annotations

import gzip
import hashlib
import time
from pathlib import Path
from typing import Any

import pytest

from claims.broker import send
from claims.models import Activity, Evidence, Source
from claims.sources.tasks import sweep_sources
from tests.drills.conftest import HeldPage, RedisServer, kill_worker, settled, until
from tests.pages import Page, article_html, serving

pytestmark = pytest.mark.django_db(transaction=True)

STUCK_AFTER = 2  # JOB_STUCK_AFTER of the workers: the lease of a taken row
VISIBILITY = 3.0  # seconds before Redis hands an unacknowledged job out again


def test_a_source_whose_fetch_worker_is_killed_mid_fetch_is_fetched_once_more_and_recorded_once(
    drill_redis: RedisServer, drill_workers: Any, settings: Any, make_claim: Any, checker: Any
) -> None:
    """Broke: the fetch worker, SIGKILLed while the page server holds the
    response open: no warm shutdown, nothing recorded, the job never
    acknowledged.

    Checked: the row stays `fetching`, taken once. A new worker gets it done:
    beat's sweep takes the row back once its lease (JOB_STUCK_AFTER) is over,
    and Redis delivers the dead worker's job again (visibility timeout, an hour
    in production, 3 s here), so two jobs race for one row and the
    compare-and-set lets one fetch. The page is requested twice in all; the
    source is fetched with attempts 2, one "source fetched" entry on the
    claim, one stored copy holding exactly the page's bytes (nothing
    half-written beside it), extracted; and the broker is left with no job
    unacknowledged or waiting."""
    body = article_html()
    held = HeldPage(Page(body))
    claim = make_claim(state="researching")
    workers_env = {"JOB_STUCK_AFTER": str(STUCK_AFTER), "DRILL_VISIBILITY_TIMEOUT": str(VISIBILITY)}
    with serving(settings, {"/report": held}) as site:
        doomed = drill_workers(**workers_env)
        evidence = claim.add_evidence(by=checker, url=site.url("/report"), stance=Evidence.Stance.CONTEXT)
        held.wait_for_requests(1)
        kill_worker(doomed, "fetch")
        held.release()  # the next request is answered at once
        taken = Source.objects.get(pk=evidence.source_id)
        assert (taken.status, taken.attempts) == (Source.Status.FETCHING, 1)

        drill_workers(**workers_env)
        # Beat's sweep, once the lease is over: it takes the row back and sends a job.
        time.sleep(max(0.0, STUCK_AFTER + 0.2 - (time.time() - taken.updated_at.timestamp())))
        until(lambda: send(sweep_sources), 10, "the sweep sent")
        sources = until(lambda: settled(claim), 20, "the source fetched and extracted")
        broker = drill_redis.client()
        until(
            lambda: broker.hlen("unacked") == 0 and broker.llen("fetch") == 0,
            15,
            "the dead worker's job delivered again and done",
        )
        requests = held.requests

    [source] = sources
    assert source.status == Source.Status.FETCHED
    assert source.attempts == 2
    assert source.extracted_at is not None
    assert requests == 2
    assert Activity.objects.filter(claim=claim, action="source_fetched").count() == 1
    assert not Activity.objects.filter(claim=claim, action__in=["source_failed", "source_changed"]).exists()
    stored = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert [path.relative_to(settings.MEDIA_ROOT).as_posix() for path in stored] == [source.snapshot.name]
    assert source.sha256 == hashlib.sha256(body).hexdigest()
    assert gzip.decompress(stored[0].read_bytes()) == body
