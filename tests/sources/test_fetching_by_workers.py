"""Cited sources fetched by real Celery workers: every path a source can take, as a user sees it.

The workers consume the configured broker and fetch from pages a local server serves."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from claims.models import Activity, Claim, Evidence, Source
from claims.sources.tasks import sweep_sources
from tests.pages import Page, PageHandler, article_html, article_paragraphs, serving
from tests.sources.conftest import cite

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def settle(source_id: int, seconds: float = 30) -> Source:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        source = Source.objects.get(pk=source_id)
        if source.is_settled:
            return source
        time.sleep(0.05)
    raise AssertionError(f"source {source_id} still {source.status} after {seconds} s")


def test_an_article_is_fetched_extracted_snapshotted_and_its_quotes_checked(
    celery_worker: Any, site: Any, researching: Claim, checker: Any
) -> None:
    url = site.url("/article")
    sentence = article_paragraphs()[0]
    found = cite(researching, checker, url, quote=sentence.upper())
    close = cite(researching, checker, url, quote=sentence.replace("Thursday", "Friday"))
    missing = cite(researching, checker, url, quote="The army said nothing about arrests at all.")

    source = settle(found.source_id)

    assert source.status == Source.Status.FETCHED
    assert source.http_status == 200
    assert source.final_url == url
    assert source.title
    assert sentence in source.text
    assert "Subscribe to our newsletter" not in source.text
    with source.snapshot.open("rb") as stored:
        assert gzip.decompress(stored.read()) == article_html()
    assert len(source.sha256) == 64
    marks = {e.pk: e.quote_check for e in Evidence.objects.all()}
    assert marks == {found.pk: "found", close.pk: "close", missing.pk: "not_found"}
    assert Activity.objects.filter(claim=researching, action="source_fetched").exists()


def test_the_same_bytes_fetched_from_two_addresses_are_stored_once(
    celery_worker: Any, site: Any, researching: Claim, checker: Any
) -> None:
    first = settle(cite(researching, checker, site.url("/article")).source_id)
    second = settle(cite(researching, checker, site.url("/copy")).source_id)
    assert first.pk != second.pk
    assert first.snapshot.name == second.snapshot.name


def test_a_pdf_gives_its_title_and_text(celery_worker: Any, site: Any, researching: Claim, checker: Any) -> None:
    source = settle(cite(researching, checker, site.url("/report.pdf"), quote="516 soldiers killed").source_id)
    assert source.status == Source.Status.FETCHED
    assert source.content_type == "application/pdf"
    assert source.title == "Army report"
    assert "309 people arrested" in source.text
    assert Evidence.objects.get().quote_check == "found"


def test_a_redirect_chain_is_followed_and_recorded(
    celery_worker: Any, site: Any, researching: Claim, checker: Any
) -> None:
    source = settle(cite(researching, checker, site.url("/hop1")).source_id)
    assert source.status == Source.Status.FETCHED
    assert source.final_url == site.url("/article")
    assert source.redirects == [site.url("/hop1"), site.url("/hop2"), site.url("/hop3")]


def test_a_transient_failure_is_retried_until_the_page_answers(
    celery_worker: Any, site: Any, researching: Claim, checker: Any
) -> None:
    source = settle(cite(researching, checker, site.url("/flaky")).source_id)
    assert source.status == Source.Status.FETCHED
    assert source.attempts == 3
    assert site.paths().count("/flaky") == 3


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/gone", Source.Status.FAILED, "404"),
        ("/metadata", Source.Status.BLOCKED, "169.254.169.254"),
        ("/huge", Source.Status.FAILED, "large"),
        ("/logo.png", Source.Status.FAILED, "image/png"),
        ("/bomb", Source.Status.FAILED, "large"),
    ],
)
def test_a_permanent_failure_is_recorded_with_its_reason_and_not_retried(
    celery_worker: Any, site: Any, researching: Claim, checker: Any, path: str, status: str, message: str
) -> None:
    source = settle(cite(researching, checker, site.url(path)).source_id)
    assert source.status == status
    assert message in source.last_error
    assert source.attempts == 1
    assert site.paths().count(path) == 1
    assert Activity.objects.filter(claim=researching, action="source_failed").exists()


def test_a_page_that_drips_is_cut_off_at_the_deadline_retried_then_given_up(
    start_workers: Any, site: Any, settings: Any, researching: Claim, checker: Any
) -> None:
    settings.FETCH_DEADLINE = 1
    settings.JOB_MAX_RETRIES = 1
    start_workers(FETCH_DEADLINE="1", JOB_MAX_RETRIES="1")
    source = settle(cite(researching, checker, site.url("/drip")).source_id)
    assert source.status == Source.Status.FAILED
    assert "gave up after 2 attempts" in source.last_error
    assert site.paths().count("/drip") == 2


def test_a_failed_source_can_be_fetched_again_from_the_claim_page(
    celery_worker: Any, site: Any, researching: Claim, checker: Any, client_for: Any
) -> None:
    evidence = cite(researching, checker, site.url("/gone"))
    assert settle(evidence.source_id).status == Source.Status.FAILED
    site.routes["/gone"] = Page(article_html())

    response = client_for(checker).post(
        f"/desk/claims/{researching.pk}/evidence/{evidence.pk}/refetch/", HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert b"Retry the fetch" not in response.content
    # The worker may already have it by the time the fragment is drawn.
    assert any(label in response.content for label in (b"Pending", b"Fetching", b"Fetched"))
    assert settle(evidence.source_id).status == Source.Status.FETCHED


def worker_process(port: int) -> subprocess.Popen:
    """A separate worker process on the test database, so the test can kill it."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        database = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    else:
        database = f"sqlite:///{settings_dict['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "FETCH_ALLOW_LOOPBACK": "True",
        "FETCH_ALLOWED_PORTS": str(port),
        "FETCH_STUCK_AFTER": "1",
    }
    # The pool production fetch workers run (README: Deploying).
    command = [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "-Q", "celery,fetch", "--pool", "gevent"]
    command += ["--concurrency", "2", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def test_a_source_whose_worker_dies_mid_fetch_is_still_fetched(settings: Any, researching: Claim, checker: Any) -> None:
    settings.JOB_STUCK_AFTER = 1
    first_request = threading.Event()

    def hang_once(handler: PageHandler) -> None:
        if not first_request.is_set():
            first_request.set()
            handler.stopping(60)  # hold the connection until the worker is killed
            return
        handler.send_page(Page(article_html()))

    with serving(settings, {"/slow": hang_once}) as server:
        doomed = worker_process(server.port)
        try:
            evidence = cite(researching, checker, server.url("/slow"))
            assert first_request.wait(60), "the worker never started the fetch"
        finally:
            os.killpg(doomed.pid, signal.SIGKILL)  # mid-fetch, or whatever went wrong
            doomed.wait(30)
        assert Source.objects.get(pk=evidence.source_id).status == Source.Status.FETCHING

        rescuer = worker_process(server.port)
        try:
            time.sleep(1.5)  # older than FETCH_STUCK_AFTER
            assert sweep_sources() == 1
            source = settle(evidence.source_id, seconds=60)
        finally:
            rescuer.terminate()
            try:
                rescuer.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(rescuer.pid, signal.SIGKILL)
                rescuer.wait(30)

    assert source.status == Source.Status.FETCHED
    assert source.attempts == 2
