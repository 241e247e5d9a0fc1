"""Drill: Redis dies while a fact-checker is citing URLs, and comes back empty.

tests/sources/test_broker_down.py checks one citation against a broker that
was never there; this drill breaks the broker under running workers and a
fetch under way, keeps the fact-checker working through the outage, and
follows every source to its end once Redis is back."""

from __future__ import annotations

import time
from typing import Any

import pytest

from claims.broker import send
from claims.models import Activity, Claim, Evidence, Source
from claims.sources.tasks import sweep_sources
from tests.drills.conftest import HeldPage, RedisServer, settled, until
from tests.pages import Page, article_html, serving

pytestmark = pytest.mark.django_db(transaction=True)

# Citing answers after the broker's 1 s timeouts at worst (README: Cited
# sources); this only catches a request that waits on the dead Redis.
ANSWERS_WITHIN = 5.0


def page(n: int) -> Page:
    """A page of its own bytes, so each source has its own stored copy."""
    return Page(article_html().replace(b"</body>", f"<p>Copy {n}.</p></body>".encode()))


def test_the_desk_keeps_working_while_redis_is_down_and_every_source_is_fetched_once_it_is_back(
    drill_redis: RedisServer, drill_workers: Any, settings: Any, make_claim: Any, checker: Any, client_for: Any
) -> None:
    """Broke: the broker. Redis is SIGKILLed (nothing kept on disk) while a
    worker is mid-fetch, the fact-checker cites three more URLs and reads the
    desk, then Redis is started again on its port, empty: every queued and
    unacknowledged message is gone.

    Checked: each citation answers at once and saves its evidence; the desk
    pages (queue, claim page, the evidence fragments the page polls, the
    source page) answer 200 and show the new sources pending; the fetch under
    way is recorded in the database without the broker. Once Redis is back,
    one sweep (what beat sends every minute) sends every lost job: every
    source is fetched and extracted, each page fetched exactly once, one
    "source fetched" entry each, every quote checked."""
    claim = make_claim(state="researching")
    client = client_for(checker)
    under_way = HeldPage(page(0))
    routes = {"/under-way": under_way, **{f"/cited/{n}": page(n) for n in range(1, 4)}}
    with serving(settings, routes) as site:
        workers = drill_workers(JOB_SWEEP_GRACE="1")
        client.post(f"/desk/claims/{claim.pk}/evidence/", {"url": site.url("/under-way"), "stance": "context"})
        under_way.wait_for_requests(1)

        drill_redis.kill()
        under_way.release()
        for n in range(1, 4):
            # With and without htmx: both paths send the job when the row commits.
            headers = {"HTTP_HX_REQUEST": "true"} if n % 2 else {}
            started = time.monotonic()
            response = client.post(
                f"/desk/claims/{claim.pk}/evidence/",
                {"url": site.url(f"/cited/{n}"), "quote": "309 people", "stance": "context"},
                **headers,
            )
            assert time.monotonic() - started < ANSWERS_WITHIN
            assert response.status_code == (200 if headers else 302)
        evidence = Evidence.objects.filter(claim=claim).select_related("source")
        cited = {item.source.url.rsplit("/", 1)[-1]: item for item in evidence}
        assert len(cited) == 4

        waiting = [cited[str(n)] for n in range(1, 4)]
        for url in ("/desk/", "/desk/claims/", f"/desk/claims/{claim.pk}/"):
            started = time.monotonic()
            response = client.get(url)
            assert time.monotonic() - started < ANSWERS_WITHIN
            assert response.status_code == 200, url
        assert response.content.count(b"Pending") >= 3
        for item in waiting:
            fragment = client.get(f"/desk/claims/{claim.pk}/evidence/{item.pk}/", HTTP_HX_REQUEST="true")
            assert fragment.status_code == 200  # not 286: the page keeps polling
            assert b"Pending" in fragment.content
            assert client.get(f"/desk/sources/{item.source_id}/").status_code == 200
        assert {Source.objects.get(pk=item.source_id).status for item in waiting} == {Source.Status.PENDING}
        # The fetch under way ends in the database, broker or not: within
        # seconds alone, but under a full CI run on two cores the worker once
        # took 19 s, its consumer retrying the dead broker meanwhile.
        until(
            lambda: Source.objects.filter(pk=cited["under-way"].source_id, status=Source.Status.FETCHED).first(),
            45,
            "the fetch under way recorded",
            workers,
        )
        last_write = time.monotonic()

        drill_redis.start()
        # Every row older than JOB_SWEEP_GRACE, as when beat's next sweep comes.
        time.sleep(max(0.0, 1.2 - (time.monotonic() - last_write)))
        until(lambda: send(sweep_sources), 15, "the sweep sent to the restarted Redis")
        sources = until(lambda: settled(claim), 20, "every source fetched and extracted")
        paths = site.paths()

    assert len(sources) == 4
    assert {source.status for source in sources} == {Source.Status.FETCHED}
    assert all(source.title and source.extracted_at for source in sources)
    assert sorted(paths) == ["/cited/1", "/cited/2", "/cited/3", "/under-way"]
    assert Activity.objects.filter(claim=claim, action="source_fetched").count() == 4
    assert set(Evidence.objects.filter(claim=claim).exclude(quote="").values_list("quote_check", flat=True)) == {
        "found"
    }
    assert Claim.objects.get(pk=claim.pk).state == "researching"
