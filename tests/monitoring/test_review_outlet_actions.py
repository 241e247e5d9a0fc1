"""Review: an editor's second click on an outlet (or a click from a stale page)
changes nothing and says so in the row it answers with; the message of an
action done in place is shown there, not left for another page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Outlet
from claims.models.outlets import OutletQuerySet, OutletRefused

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def outlet() -> Outlet:
    return Outlet.objects.watch(by=None, name="Sample Times", url="https://news.example.org/feed")


def act(client: Client, outlet: Outlet, action: str, **extra: Any) -> Any:
    return client.post(reverse("desk:outlet_act", args=[outlet.pk, action]), **extra)


def test_a_second_pause_changes_nothing_and_says_so(client_for: Any, editor: Any, outlet: Outlet) -> None:
    client = client_for(editor)
    first = act(client, outlet, "pause", **HTMX)
    outlet.refresh_from_db()
    paused_at = outlet.paused_at

    second = act(client, outlet, "pause", **HTMX)

    assert first.status_code == 200
    assert "Sample Times paused" in first.content.decode()
    assert second.status_code == 409
    assert "was paused already; nothing was changed" in second.content.decode()
    outlet.refresh_from_db()
    assert outlet.paused_at == paused_at


def test_resume_on_a_watched_outlet_changes_nothing(client_for: Any, editor: Any, outlet: Outlet) -> None:
    outlet.record_failure("The site had a server error (HTTP 503).")
    before = Outlet.objects.values("failures", "next_poll_at", "last_error").get(pk=outlet.pk)

    answer = act(client_for(editor), outlet, "resume", **HTMX)

    assert answer.status_code == 409
    assert "is watched already; nothing was changed" in answer.content.decode()
    assert Outlet.objects.values("failures", "next_poll_at", "last_error").get(pk=outlet.pk) == before


def test_a_second_delete_says_it_is_gone(client_for: Any, editor: Any, outlet: Outlet) -> None:
    client = client_for(editor)
    first = act(client, outlet, "delete", **HTMX)
    second = act(client, outlet, "delete", **HTMX)

    assert "Sample Times is no longer watched" in first.content.decode()
    assert second.status_code == 200
    assert "no longer watched already" in second.content.decode()
    assert not Outlet.objects.exists()


def test_an_unknown_action_is_not_found_and_changes_nothing(client_for: Any, editor: Any, outlet: Outlet) -> None:
    answer = act(client_for(editor), outlet, "flag", **HTMX)

    assert answer.status_code == 404
    outlet.refresh_from_db()
    assert (outlet.paused_at, outlet.flagged_at) == (None, None)


def test_the_full_page_shows_each_message_once(client_for: Any, editor: Any, outlet: Outlet) -> None:
    client = client_for(editor)
    Outlet.objects.watch(by=None, name="Daily Other", url="https://other.example.org/feed")
    act(client, outlet, "pause")

    page = client.get(reverse("desk:outlets")).content.decode()

    assert page.count("Sample Times paused") == 1


def test_an_address_added_by_another_editor_meanwhile_is_refused_not_a_500(monkeypatch: Any) -> None:
    """Two editors adding one feed at once: both pass the "already watched"
    check, the database's unique address refuses the second row."""
    Outlet.objects.create(name="First", url="https://news.example.org/rss.xml")
    real_filter = OutletQuerySet.filter

    def nothing_there_yet(self: Any, *args: Any, **kwargs: Any) -> Any:
        found = real_filter(self, *args, **kwargs)
        return found.none() if "url" in kwargs else found

    monkeypatch.setattr(OutletQuerySet, "filter", nothing_there_yet)

    with pytest.raises(OutletRefused, match="already watched"):
        Outlet.objects.watch(by=None, name="Second", url="https://news.example.org/rss.xml")
    monkeypatch.undo()
    assert list(Outlet.objects.values_list("name", flat=True)) == ["First"]
