"""Review: validators an outlet answered with are sent back as they came;
one the HTTP client cannot send (not ASCII) must not break every poll."""

from __future__ import annotations

import pytest
from django.utils import timezone

from claims.models import Outlet, OutletEntry
from claims.monitoring import polling
from tests.monitoring.conftest import NewsSite, rss, stories
from tests.pages import Page

pytestmark = pytest.mark.django_db


def poll(outlet: Outlet) -> Outlet:
    outlet.refresh_from_db()
    assert Outlet.objects.filter(pk=outlet.pk).lease(outlet.next_poll_at, timezone.now())
    polling.poll(outlet)
    outlet.refresh_from_db()
    return outlet


def test_a_validator_that_is_not_ascii_does_not_fail_the_next_polls(news_site: NewsSite) -> None:
    news_site.list(stories(1))
    body = rss(news_site.server, stories(1))
    headers = [("ETag", '"caf\xe9"'), ("Last-Modified", "Mon, 30 Nov 2026 09:00:00 GMT\xe9")]
    news_site.server.routes["/feed"] = Page(body, content_type="application/rss+xml", headers=headers)
    outlet = Outlet.objects.watch(by=None, name="Sample Times", url=news_site.server.url("/feed"))

    first = poll(outlet)
    assert (first.failures, OutletEntry.objects.count()) == (0, 1)
    Outlet.objects.filter(pk=outlet.pk).update(next_poll_at=timezone.now())
    second = poll(outlet)

    assert second.failures == 0, second.last_error
