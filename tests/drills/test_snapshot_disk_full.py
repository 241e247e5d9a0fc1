"""Drill: the disk the stored copies go to fills up under the fetch worker.

A real refusal from the kernel, no stand-in for the storage: the fetch
worker's file-size limit (RLIMIT_FSIZE) is lowered below the size of one
page's copy, so writing it fails with EFBIG part-way, as a full disk fails
with ENOSPC part-way. CPython ignores SIGXFSZ, so the write fails rather than
the process dying."""

from __future__ import annotations

import gzip
import hashlib
import os
import resource
import signal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from claims.models import Activity, Evidence, Source
from tests.drills.conftest import RedisServer, ignores_signal, settled, until
from tests.pages import Page, article_html, serving

pytestmark = pytest.mark.django_db(transaction=True)

MiB = 1024 * 1024


def bytes_written_elsewhere(log_dir: Path) -> int:
    """The largest file the fetch worker writes besides stored copies: its log
    and, on SQLite, the database and its write-ahead log. The limit must stay
    above them, or the drill breaks the database instead of the disk."""
    files = list(log_dir.glob("worker-*.log"))
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        files += [Path(name), Path(f"{name}-wal"), Path(f"{name}-journal")]
    return max((path.stat().st_size for path in files if path.exists()), default=0)


def test_a_full_snapshot_disk_fails_the_source_clearly_and_leaves_nothing_half_written(
    drill_redis: RedisServer,
    drill_workers: Any,
    settings: Any,
    tmp_path: Path,
    make_claim: Any,
    checker: Any,
    client_for: Any,
) -> None:
    """Broke: the snapshot disk. The fetch worker may write no file past a
    size limit, and one cited page's copy is larger than that.

    Checked: that source ends `failed` with a reason a fact-checker
    understands ("Could not store the copy of the page: no space left on the
    server"), after its retries, with no hash, no copy and no fetch date on
    its row, and one "source failed" entry on the claim; no file, whole or
    partial, is left for its bytes (one that was would pass for the copy of
    every later fetch of them); a page cited beside it is fetched, stored and
    extracted as usual. Once there is room again, "Retry the fetch" on the
    claim page stores it whole."""
    claim = make_claim(state="researching")
    workers = drill_workers(JOB_MAX_RETRIES="2", FETCH_MAX_BYTES=str(64 * MiB))
    fetch_worker = workers.processes[0].pid
    assert ignores_signal(fetch_worker, signal.SIGXFSZ)
    limit = bytes_written_elsewhere(tmp_path) + 4 * MiB
    # Random bytes: gzip cannot make the copy smaller than the limit.
    big = b"<html><body><p>309 people</p><pre>" + os.urandom(limit + MiB).hex().encode() + b"</pre></body></html>"
    small = article_html()
    hard = resource.prlimit(fetch_worker, resource.RLIMIT_FSIZE)[1]
    resource.prlimit(fetch_worker, resource.RLIMIT_FSIZE, (limit, hard))

    with serving(settings, {"/big": Page(big), "/small": Page(small)}) as site:
        too_big = claim.add_evidence(by=checker, url=site.url("/big"), stance=Evidence.Stance.CONTEXT)
        beside = claim.add_evidence(by=checker, url=site.url("/small"), stance=Evidence.Stance.CONTEXT)
        sources = {source.pk: source for source in until(lambda: settled(claim), 30, "both sources settled")}
        failed, fetched = sources[too_big.source_id], sources[beside.source_id]

        assert failed.status == Source.Status.FAILED
        assert failed.last_error == (
            "Could not store the copy of the page: no space left on the server. (gave up after 3 attempts)"
        )
        assert (failed.sha256, failed.snapshot.name, failed.fetched_at) == ("", "", None)
        assert failed.attempts == 3
        notes = list(Activity.objects.filter(claim=claim, action="source_failed").values_list("note", flat=True))
        assert notes == [f"{failed.url}: {failed.last_error}"]
        stored = sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())
        assert stored == [Path(settings.MEDIA_ROOT) / fetched.snapshot.name]

        assert fetched.status == Source.Status.FETCHED
        assert fetched.extracted_at is not None
        assert gzip.decompress(stored[0].read_bytes()) == small

        # Room again: the fact-checker's retry stores the copy whole.
        resource.prlimit(fetch_worker, resource.RLIMIT_FSIZE, (hard, hard))
        client = client_for(checker)
        response = client.post(f"/desk/claims/{claim.pk}/evidence/{too_big.pk}/refetch/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        until(lambda: Source.objects.get(pk=failed.pk).is_settled, 30, "the retry settled")

    retried = Source.objects.get(pk=failed.pk)
    assert retried.status == Source.Status.FETCHED
    assert retried.sha256 == hashlib.sha256(big).hexdigest()
    with retried.open_stored_copy() as copy:
        assert copy.read() == big
