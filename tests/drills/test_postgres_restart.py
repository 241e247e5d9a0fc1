"""Drill: PostgreSQL restarts while the workers are fetching.

Run on a PostgreSQL cluster of the drill's own (tests/drills/conftest.py
`private_postgres`: initdb in a temporary folder, a copy of the test
database), because a restart of the shared server on 5432 would break every
other test running on it. The server is stopped in `fast` mode and started
again, which is what `pg_ctl restart` does, with the test acting in between.
We chose this over cutting the workers' connections with
`pg_terminate_backend` on the shared server: that cuts the connections as a
restart does but leaves the server accepting new ones, so a worker never
meets a server that refuses it, which is where the pool's waiting and the
jobs' recovery are tried."""

from __future__ import annotations

import gzip
import hashlib
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from claims import workflow
from claims.broker import send
from claims.defaults import ensure_defaults
from claims.models import Activity, Claim, Evidence, Rating, Source
from claims.sources.tasks import sweep_sources
from tests.conftest import ClaimFactory, UserFactory
from tests.drills.conftest import HeldPage, PostgresServer, RedisServer, settled, until
from tests.pages import Page, article_html, serving

pytestmark = pytest.mark.django_db(transaction=True)


def page(n: int) -> bytes:
    return article_html().replace(b"</body>", f"<p>Copy {n}.</p></body>".encode())


def test_the_workers_recover_from_a_postgresql_restart_and_no_source_is_left_half_written(
    private_postgres: PostgresServer, drill_redis: RedisServer, drill_workers: Any, settings: Any, tmp_path: Path
) -> None:
    """Broke: the database server, stopped (`fast`: every connection cut, every
    open transaction rolled back) while two fetches wait on their pages, whose
    answers then arrive while it refuses connections, and started again.

    Checked: those two jobs cannot record their outcome nor their retry, and
    their rows stay as the database last had them: `fetching`, no hash, no
    copy, nothing in the activity log. The workers stay up and, with the
    server back, reconnect by themselves: a URL cited after the restart is
    fetched, and beat's sweep takes the two rows back once their lease is
    over and they are fetched again. In the end every source is fetched and
    extracted, its hash is that of its page, its stored copy holds exactly
    those bytes, and each has one "source fetched" entry."""
    ensure_defaults(Rating, Group)
    checker = UserFactory(username="checker", groups=[workflow.CHECKERS_GROUP])
    claim = ClaimFactory()
    for action in ("take", "start"):
        claim = claim.transition(action, by=checker, expected_state=None)
    cut_off = {f"/cut-off/{n}": HeldPage(Page(page(n))) for n in range(2)}
    routes = {**cut_off, "/after": Page(page(2))}
    with serving(settings, routes) as site:
        workers = drill_workers(
            # Short waits for a connection and a short lease, so the drill
            # takes seconds; production waits 10 s and 300 s.
            DB_POOL_TIMEOUT="1",
            JOB_STUCK_AFTER="3",
            JOB_SWEEP_GRACE="1",
        )
        for path in cut_off:
            claim.add_evidence(by=checker, url=site.url(path), stance=Evidence.Stance.CONTEXT)
        for held in cut_off.values():
            held.wait_for_requests(1)

        private_postgres.stop()
        for held in cut_off.values():
            held.release()
        log = tmp_path / "worker-fetch.log"
        until(
            lambda: log.read_text().count("could not record the failure of source") == 2,
            20,
            "both jobs giving up on the database",
        )
        private_postgres.start()
        connection.close()  # this process's connection was cut too

        rows = list(Source.objects.order_by("pk"))
        assert [(row.status, row.attempts, row.sha256, row.snapshot.name) for row in rows] == [
            (Source.Status.FETCHING, 1, "", "")
        ] * 2
        assert not Activity.objects.filter(claim=claim, action__startswith="source_").exists()

        claim.add_evidence(by=checker, url=site.url("/after"), stance=Evidence.Stance.CONTEXT)
        # Beat, every second instead of every minute.
        deadline = time.monotonic() + 30
        while not settled(claim) or Source.objects.count() < 3:
            assert time.monotonic() < deadline, "the sources were not all fetched after the restart"
            send(sweep_sources)
            time.sleep(1)
        requested = site.paths()

    assert all(process.poll() is None for process in workers.processes)
    sources = {Path(source.url).name: source for source in Source.objects.all()}
    assert sorted(requested) == ["/after", "/cut-off/0", "/cut-off/0", "/cut-off/1", "/cut-off/1"]
    assert {name: source.attempts for name, source in sources.items()} == {"0": 2, "1": 2, "after": 1}
    for name, source in sources.items():
        body = page(2 if name == "after" else int(name))
        assert source.status == Source.Status.FETCHED
        assert source.extracted_at is not None
        assert source.sha256 == hashlib.sha256(body).hexdigest()
        with Path(settings.MEDIA_ROOT, source.snapshot.name).open("rb") as stored:
            assert gzip.decompress(stored.read()) == body
    notes = sorted(Activity.objects.filter(claim=claim, action="source_fetched").values_list("note", flat=True))
    assert notes == sorted(f"{source.url}: fetched (HTTP 200)" for source in sources.values())
    assert not Activity.objects.filter(claim=claim, action="source_failed").exists()
    assert Claim.objects.get(pk=claim.pk).state == "researching"
