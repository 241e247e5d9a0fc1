"""Review: without JavaScript, an action on the outlets, news, repeats or
partners page comes back to the list with its message shown once (not once
in the page's region and again in the list and in every row); with HTMX,
the row it answers with says it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from claims.models import NewsSentence, Outlet, PartnerSource
from tests.monitoring.repeats_helpers import VERDICT, make_repeat
from tests.monitoring.test_desk import spotted_story

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_outlets_page_after_a_plain_pause(client_for: Any, editor: Any) -> None:
    client = client_for(editor)
    outlet = Outlet.objects.watch(by=None, name="Sample Times", url="https://news.example.org/feed")
    client.post(reverse("desk:outlet_act", args=[outlet.pk, "pause"]))

    page = client.get(reverse("desk:outlets")).content.decode()

    assert page.count("Sample Times paused") == 1


def test_news_page_after_a_plain_dismiss(client_for: Any, checker: Any) -> None:
    outlet = Outlet.objects.create(name="Sample Times", url="https://news.example.org/feed")
    for n in range(3):
        spotted_story(outlet, n)
    client = client_for(checker)
    news = NewsSentence.objects.order_by("pk").first()
    client.post(reverse("desk:news_dismiss", args=[news.pk]))

    page = client.get(reverse("desk:news")).content.decode()

    assert page.count("Dismissed: “") == 1


def test_news_row_says_it_in_place(client_for: Any, checker: Any) -> None:
    outlet = Outlet.objects.create(name="Sample Times", url="https://news.example.org/feed")
    spotted_story(outlet, 1)
    news = NewsSentence.objects.order_by("pk").first()
    made = client_for(checker).post(
        reverse("desk:news_claim", args=[news.pk]),
        {"text": news.sentence, "claimant": "", "priority": "2", "sentence": news.sentence},
        **HTMX,
    )

    assert made.content.decode().count("Claim made: “") == 1


def test_repeats_page_after_a_plain_confirm(publish: Any, checker: Any, editor: Any, client_for: Any) -> None:
    verdict = publish(text=VERDICT, rating="False")
    repeats = [
        make_repeat(verdict, by=checker, url=f"https://news.example.com/{n}", title=f"Briefing {n}") for n in range(3)
    ]
    client = client_for(editor)
    client.post(f"/desk/repeats/{repeats[0].pk}/confirm/", {"status": "found", "listed": "all"})

    page = client.get(reverse("desk:repeats") + "?status=all").content.decode()

    assert page.count("Confirmed: the verdict page lists it") == 1


def test_partners_page_after_a_plain_refresh(client_for: Any, editor: Any) -> None:
    source = PartnerSource.objects.create(
        name="PolitiFact", kind=PartnerSource.Kind.VERDICTS_JSON, urls="https://www.politifact.com/verdicts.json"
    )
    client = client_for(editor)
    client.post(reverse("desk:partner_refresh", args=[source.pk]))

    page = client.get(reverse("desk:partners")).content.decode()

    assert page.count("PolitiFact will be read again in a moment") == 1
