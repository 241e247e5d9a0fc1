"""Citing a URL reaches a real Celery worker through the real broker."""

from __future__ import annotations

import time
from typing import Any

import pytest

from claims.models import Source


def wait_for(predicate: Any, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_citing_a_url_enqueues_a_fetch_that_a_worker_runs(celery_worker: Any, make_claim: Any, checker: Any) -> None:
    claim = make_claim(state="researching")
    claim.add_evidence(by=checker, url="https://example.org/report?utm_source=x", quote="309", stance="context")
    source = Source.objects.get()
    assert source.url == "https://example.org/report"

    def attempted() -> bool:
        source.refresh_from_db()
        return source.attempts > 0

    assert wait_for(attempted), "the worker never picked up the fetch job"


@pytest.mark.django_db(transaction=True)
def test_citing_the_same_page_twice_shares_one_source(make_claim: Any, checker: Any) -> None:
    first, second = make_claim(state="researching"), make_claim(state="researching")
    first.add_evidence(by=checker, url="HTTPS://Example.org:443/report#top", stance="context")
    second.add_evidence(by=checker, url="https://example.org/report", stance="supports")
    assert Source.objects.count() == 1
    assert Source.objects.get().evidence.count() == 2
