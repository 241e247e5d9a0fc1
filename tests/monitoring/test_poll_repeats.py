"""`poll_outlets --sync` matches each new story against the published
verdicts, as the workers do: a story repeating one prints a "repeat" line
with the verdict's public URL and raises its alert once, however often the
outlet is polled again."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from claims.models import Notification, Outlet, Repeat
from tests.monitoring.conftest import NewsSite, stories

pytestmark = pytest.mark.django_db

# The sample story says: "Pakistani authorities have so far arrested 309
# people associated with Islamic State (IS) on its territory, he said."
CHECKED = "Pakistani authorities have arrested 309 people associated with Islamic State on its territory."
UNRELATED = "The national cricket team has won 309 matches on its own territory since independence."


def poll_sync() -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("poll_outlets", "--sync", stdout=out, stderr=io.StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_story_repeating_a_verdict_prints_it_and_alerts_once(
    news_site: NewsSite, publish: Any, editor: Any, checker: Any
) -> None:
    verdict = publish(text=CHECKED, claimant="Asim Bajwa")
    unrelated = publish(text=UNRELATED)
    Outlet.objects.watch(by=None, name="Sample Times", url=news_site.server.url("/feed"))
    news_site.list(stories(1))

    lines = poll_sync()

    repeats = [line for line in lines if line["kind"] == "repeat"]
    assert [line["verdict_url"] for line in repeats] == [f"{settings.SITE_URL}/verdicts/{verdict.slug}/"]
    assert "arrested 309 people" in repeats[0]["sentence"]
    assert settings.REPEAT_MATCH_THRESHOLD <= repeats[0]["score"] <= 1
    assert repeats[0]["url"] == news_site.server.url("/news/story-1")
    assert not Repeat.objects.filter(claim=unrelated).exists()
    alerts = Notification.objects.filter(kind=Notification.Kind.REPEAT, claim=verdict)
    assert set(alerts.values_list("recipient", flat=True)) >= {editor.pk, checker.pk}
    sent = alerts.count()

    news_site.list(stories(2))  # the outlet polled again, one more story
    again = poll_sync()

    assert [line for line in again if line["kind"] == "repeat" and "story-1" in line["url"]] == []
    assert Repeat.objects.filter(claim=verdict, article__url=news_site.server.url("/news/story-1")).count() == 1
    story_1_alerts = Notification.objects.filter(kind=Notification.Kind.REPEAT, claim=verdict).count()
    # Story 2 is the same page under another title: its own repeat, its own alerts.
    assert story_1_alerts == 2 * sent
