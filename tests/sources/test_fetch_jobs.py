"""Fetch jobs: several sources to a job, each taken with a compare-and-set on
its row, and an outcome written only while the job still holds the row."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claims.models import Activity, Claim, Evidence, Source
from claims.models import sources as source_models
from claims.sources.guard import fetch
from claims.sources.jobs import fetch_source
from claims.sources.tasks import batches, enqueue_fetches, fetch_sources, sweep_sources
from tests.pages import Page, article_html, serving

pytestmark = pytest.mark.django_db(transaction=True)


def settle(ids: list[int], seconds: float = 30) -> list[Source]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sources = list(Source.objects.filter(pk__in=ids).order_by("pk"))
        if all(source.is_settled for source in sources):
            return sources
        time.sleep(0.05)
    raise AssertionError(f"not settled after {seconds} s: {[(s.pk, s.status) for s in sources]}")


def pending_sources(server: Any, count: int) -> list[int]:
    """`count` pending sources the server has pages for, not yet enqueued."""
    for n in range(count):
        server.routes[f"/page/{n}"] = Page(article_html())
    sources = Source.objects.bulk_create(Source(url=server.url(f"/page/{n}")) for n in range(count))
    return [source.pk for source in sources]


def test_many_sources_go_out_in_batches_and_every_one_is_fetched_once_and_logged(
    celery_worker: Any, settings: Any, researching: Claim, checker: Any
) -> None:
    settings.FETCH_SLOTS, settings.FETCH_BATCH_SIZE = 2, 3  # jobs of 3, 3 and 1
    with serving(settings) as server:
        ids = pending_sources(server, 7)
        Evidence.objects.bulk_create(Evidence(claim=researching, source_id=pk, added_by=checker) for pk in ids)
        enqueue_fetches(ids)
        sources = settle(ids)
        requests = sorted(server.paths())

    assert [source.status for source in sources] == [Source.Status.FETCHED] * 7
    assert all(source.text and source.extracted_at for source in sources)
    assert requests == sorted(f"/page/{n}" for n in range(7))  # once each
    assert Activity.objects.filter(claim=researching, action="source_fetched").count() == 7


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(1, [1]), (3, [1, 1, 1]), (8, [2, 2, 2, 2]), (9, [3, 3, 3]), (20, [3, 3, 3, 3, 3, 3, 2])],
)
def test_a_backlog_fills_every_fetch_slot_before_a_job_gets_a_second_source(
    settings: Any, count: int, sizes: list[int]
) -> None:
    settings.FETCH_SLOTS, settings.FETCH_BATCH_SIZE = 4, 3
    jobs = list(batches(range(count)))
    assert [len(job) for job in jobs] == sizes
    assert [pk for job in jobs for pk in job] == list(range(count))


def test_the_sweeper_sends_a_backlog_and_it_is_all_fetched(celery_worker: Any, settings: Any) -> None:
    settings.FETCH_SLOTS, settings.FETCH_BATCH_SIZE = 3, 4  # jobs of 4, 4 and 2
    with serving(settings) as server:
        ids = pending_sources(server, 10)
        Source.objects.filter(pk__in=ids).update(updated_at=timezone.now() - timedelta(hours=1))  # their jobs were lost
        assert sweep_sources() == 10
        sources = settle(ids)

    assert {source.status for source in sources} == {Source.Status.FETCHED}


def test_a_job_skips_a_source_another_job_has_taken(settings: Any) -> None:
    with serving(settings) as server:
        [source_id] = pending_sources(server, 1)
        other_job = Source.objects.get(pk=source_id)
        assert other_job.take()

        fetch_sources([source_id])

        assert server.paths() == []
    source = Source.objects.get(pk=source_id)
    assert (source.status, source.attempts) == (Source.Status.FETCHING, 1)


def test_two_copies_of_a_row_cannot_both_take_its_job(settings: Any) -> None:
    source = Source.objects.create(url="https://example.org/report")
    first, second = Source.objects.get(pk=source.pk), Source.objects.get(pk=source.pk)

    assert first.take()
    assert not second.take()
    assert not Source.objects.get(pk=source.pk).take()  # fetching, not stuck yet
    assert Source.objects.get(pk=source.pk).attempts == 1


def test_a_finished_source_is_not_taken_again(settings: Any) -> None:
    source = Source.objects.create(url="https://example.org/report", status=Source.Status.FETCHED)
    assert not source.take()
    assert Source.objects.get(pk=source.pk).status == Source.Status.FETCHED


def late_job(server: Any, claim: Claim, checker: Any) -> tuple[Source, Any]:
    """A job that took the source citing the server's /article and fetched the
    page, but has not recorded it yet: it is about to overrun."""
    evidence = claim.add_evidence(by=checker, url=server.url("/article"), quote="", stance=Evidence.Stance.CONTEXT)
    late = Source.objects.get(pk=evidence.source_id)
    assert late.take()
    fetched = fetch(late.url)
    Source.objects.filter(pk=late.pk).update(updated_at=timezone.now() - timedelta(minutes=5))  # looks stuck
    return late, fetched


def test_a_job_that_lost_its_stuck_row_to_another_job_does_not_overwrite_that_jobs_outcome(
    settings: Any, researching: Claim, checker: Any
) -> None:
    settings.JOB_STUCK_AFTER = 60
    with serving(settings, {"/article": Page(article_html())}) as server:
        late, fetched = late_job(server, researching, checker)
    # Another job takes the stuck row, and fails.
    new = Source.objects.get(pk=late.pk)
    assert new.take()
    new.record_failure(Source.Status.FAILED, "The site answered 410.")

    assert late.record_fetched(fetched) is False
    late.record_failure(Source.Status.BLOCKED, "too late")
    assert late.schedule_retry("too late") is None

    source = Source.objects.get(pk=late.pk)
    assert (source.status, source.last_error, source.attempts) == (Source.Status.FAILED, "The site answered 410.", 2)
    assert source.sha256 == ""
    actions = list(
        Activity.objects.filter(claim=researching, action__startswith="source_").values_list("action", "note")
    )
    assert actions == [("source_failed", f"{source.url}: The site answered 410.")]


def test_a_source_cited_twice_by_one_claim_logs_the_fetch_once_on_it(
    settings: Any, researching: Claim, checker: Any, make_claim: Any
) -> None:
    other = make_claim(state="researching")
    with serving(settings, {"/article": Page(article_html())}) as server:
        url = server.url("/article")
        for claim in (researching, researching, other):
            claim.add_evidence(by=checker, url=url, quote="", stance=Evidence.Stance.CONTEXT)
        source = Source.objects.get(url=url)
        assert source.take()
        assert fetch_source(source)

    fetched = Activity.objects.filter(action="source_fetched", note__startswith=url)
    assert sorted(fetched.values_list("claim_id", flat=True)) == sorted([researching.pk, other.pk])
    assert {entry.actor_id for entry in fetched} == {None}


def test_a_job_whose_row_the_sweeper_took_back_does_not_overwrite_the_next_fetch(
    settings: Any, researching: Claim, checker: Any
) -> None:
    settings.JOB_STUCK_AFTER = 60
    with serving(settings, {"/article": Page(article_html())}) as server:
        late, fetched = late_job(server, researching, checker)
        # The sweeper takes the row back and a new job fetches it.
        sweep_sources()
        new = Source.objects.get(pk=late.pk)
        assert (new.status, new.attempts) == (Source.Status.PENDING, 1)
        assert new.take()
        server.routes["/article"] = Page(b"gone", status=410, content_type="text/plain")
        assert fetch_source(new) is False

    assert late.record_fetched(fetched) is False
    source = Source.objects.get(pk=late.pk)
    assert (source.status, source.http_status, source.sha256) == (Source.Status.FAILED, 410, "")


def test_one_sources_surprise_does_not_cost_the_rest_of_its_batch(settings: Any, monkeypatch: Any) -> None:
    real_store = source_models.store_snapshot

    def disk_full_for_the_first(body: bytes, sha256: str) -> str:
        if b"Report 0" in body:
            raise OSError(28, "No space left on device")
        return real_store(body, sha256)

    monkeypatch.setattr(source_models, "store_snapshot", disk_full_for_the_first)
    pages = {f"/page/{n}": Page(f"<html><title>Report {n}</title><p>Report {n}</p></html>".encode()) for n in range(3)}
    with serving(settings, pages) as server:
        ids = [Source.objects.create(url=server.url(f"/page/{n}")).pk for n in range(3)]
        fetch_sources(ids)

    first, *rest = Source.objects.filter(pk__in=ids).order_by("pk")
    assert (first.status, first.retries) == (Source.Status.PENDING, 1)
    assert first.last_error == "Something went wrong on our side."
    assert [source.status for source in rest] == [Source.Status.FETCHED] * 2


def test_a_job_past_its_soft_limit_sends_the_rest_to_a_new_job(settings: Any) -> None:
    settings.FETCH_DEADLINE, settings.FETCH_BATCH_SIZE = 2, 1  # a soft limit of 2 s

    def slow(handler: Any) -> None:
        time.sleep(1.2)
        handler.send_page(Page(article_html()))

    with serving(settings, {f"/page/{n}": slow for n in range(3)}) as server:
        ids = [Source.objects.create(url=server.url(f"/page/{n}")).pk for n in range(3)]
        fetch_sources(ids)
        requested = server.paths()

    assert requested == ["/page/0", "/page/1"]
    statuses = list(Source.objects.filter(pk__in=ids).order_by("pk").values_list("status", flat=True))
    assert statuses == [Source.Status.FETCHED, Source.Status.FETCHED, Source.Status.PENDING]
