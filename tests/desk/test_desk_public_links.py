"""A published claim's desk page links to its public page, and its public
page links back for desk members only; the page readers get from the cache
is the same for everyone and never carries the desk's link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from claims import workflow
from claims.public import page_cache
from claims.workflow import State
from tests.desk.conftest import html

pytestmark = pytest.mark.django_db


def without_nonce(response: Any) -> str:
    return re.sub(r'nonce="[^"]+"', 'nonce=""', html(response))


@pytest.fixture
def stored_pages(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every public page put in the cache from now on (whatever the cache)."""
    pages: list[bytes] = []
    original = page_cache.cache.set

    def keep(key: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, dict) and "content" in value:
            pages.append(value["content"])
        return original(key, value, *args, **kwargs)

    monkeypatch.setattr(page_cache.cache, "set", keep)
    return pages


def test_the_desk_page_of_a_published_claim_links_to_its_public_page(
    publish: Any, client_for: Any, checker: Any
) -> None:
    claim = publish(text="309 people were arrested.")
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    assert f'href="/verdicts/{claim.slug}/" data-testid="public-page"' in page


def test_an_unpublished_claim_has_no_public_page_to_link(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.APPROVED)
    assert 'data-testid="public-page"' not in html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))


@pytest.mark.parametrize("who", ["checker", "editor"])
def test_a_desk_member_sees_the_way_back_to_the_desk(who: str, publish: Any, client_for: Any, request: Any) -> None:
    claim = publish(text="309 people were arrested.")
    response = client_for(request.getfixturevalue(who)).get(f"/verdicts/{claim.slug}/")
    assert response.status_code == 200
    assert f'<a href="/desk/claims/{claim.pk}/" data-testid="on-the-desk">On the desk</a>' in html(response)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_readers_and_outsiders_do_not(publish: Any, client_for: Any, outsider: Any) -> None:
    claim = publish(text="309 people were arrested.")
    for client in (Client(), client_for(outsider)):
        page = html(client.get(f"/verdicts/{claim.slug}/"))
        assert "On the desk" not in page
        assert f"/desk/claims/{claim.pk}/" not in page


def test_a_retracted_verdict_links_back_too(publish: Any, client_for: Any, checker: Any, editor: Any) -> None:
    claim = publish(text="309 people were arrested.")
    claim.transition("retract", by=editor, expected_state="published", params=workflow.Params(note="Wrong."))
    assert "On the desk" in html(client_for(checker).get(f"/verdicts/{claim.slug}/"))


@pytest.mark.parametrize("desk_first", [True, False])
def test_the_cached_page_is_the_same_for_every_reader_whoever_came_first(
    desk_first: bool, publish: Any, client_for: Any, editor: Any, stored_pages: list[bytes]
) -> None:
    claim = publish(text="309 people were arrested.")
    url = f"/verdicts/{claim.slug}/"
    desk = client_for(editor)
    if desk_first:
        assert "On the desk" in html(desk.get(url))
    reader = Client().get(url)
    if not desk_first:
        assert "On the desk" in html(desk.get(url))
    again = Client().get(url)
    assert "On the desk" not in html(reader)
    assert without_nonce(again) == without_nonce(reader)
    # The desk's page is neither served from the cache nor put in it.
    assert len(stored_pages) == 1, "the readers' page is drawn and stored once"
    assert b"On the desk" not in stored_pages[0]
    assert f"/desk/claims/{claim.pk}/".encode() not in stored_pages[0]
    # And a reader's conditional request still gets its 304.
    assert Client().get(url, HTTP_IF_NONE_MATCH=reader["ETag"]).status_code == 304
