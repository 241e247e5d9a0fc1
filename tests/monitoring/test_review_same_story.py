"""Review: the same story reached twice (its outlet's feed and sitemap both
watched, or an outlet stopped and watched again) is a new article each time;
its repeat of a verdict is still alerted once, and a sentence the desk
dismissed stays hidden."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from claims.models import NewsSentence, Notification, Outlet, Repeat
from tests.monitoring.conftest import NewsSite, stories
from tests.monitoring.test_poll_repeats import CHECKED, poll_sync

pytestmark = pytest.mark.django_db


def test_a_story_listed_by_two_outlets_raises_one_alert(
    news_site: NewsSite, publish: Any, editor: Any, checker: Any
) -> None:
    verdict = publish(text=CHECKED, claimant="Asim Bajwa")
    news_site.list(stories(1))
    Outlet.objects.watch(by=None, name="Sample Times", url=news_site.server.url("/feed"))
    poll_sync()
    alerts = Notification.objects.filter(kind=Notification.Kind.REPEAT, claim=verdict)
    sent = alerts.count()
    assert sent >= 2  # the editor and the researcher

    Outlet.objects.watch(by=None, name="Sample Times (all)", url=news_site.server.url("/feed?section=all"))
    lines = poll_sync()

    assert [line for line in lines if line["kind"] == "repeat"] == []
    assert Repeat.objects.filter(claim=verdict).count() == 1
    assert alerts.count() == sent


def test_a_dismissed_sentence_stays_hidden_when_its_outlet_is_watched_again(
    news_site: NewsSite, client_for: Any, checker: Any, editor: Any
) -> None:
    news_site.list(stories(1))
    outlet = Outlet.objects.watch(by=None, name="Sample Times", url=news_site.server.url("/feed"))
    poll_sync()
    spotted = list(NewsSentence.objects.all())
    assert spotted
    client = client_for(checker)
    for news in spotted:
        assert client.post(reverse("desk:news_dismiss", args=[news.pk])).status_code == 302
    assert client_for(editor).post(reverse("desk:outlet_act", args=[outlet.pk, "delete"])).status_code == 302

    Outlet.objects.watch(by=None, name="Sample Times", url=news_site.server.url("/feed"))
    poll_sync()

    assert NewsSentence.objects.filter(dismissed_at=None).count() == 0
    page = client.get(reverse("desk:news")).content.decode()
    assert spotted[0].sentence not in page
