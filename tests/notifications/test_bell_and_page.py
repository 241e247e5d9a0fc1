"""The bell (the unread count, a fragment the top bar asks for) and the
notifications page: one's own only, newest first, paged; marking one read in
place (HTMX) or by a plain post, all at once, or by opening its claim."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Notification
from claims.models.notifications import notify
from tests.desk.conftest import HX

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_claim: Any, checker: Any, editor: Any) -> list[Notification]:
    claims = [make_claim(text=f"Claim {i}: {300 + i} people were arrested.") for i in range(3)]
    return [
        notify("assigned", claim, [checker], actor=editor, text=f"Editor assigned you claim {i} <b>now</b>")[0]
        for i, claim in enumerate(claims)
    ]


def test_the_bell_is_a_fragment_with_the_unread_count(three: Any, checker: Any, client_for: Any) -> None:
    client = client_for(checker)
    Notification.objects.filter(pk=three[0].pk).update(read_at=three[0].created_at)
    for headers in ({}, HX):
        response = client.get("/desk/notifications/count/", **headers)
        assert response.status_code == 200
        body = response.content.decode()
        assert "<html" not in body
        assert re.search(r'class="count">2<', body)
        assert 'href="/desk/notifications/"' in body


def test_the_top_bar_asks_for_the_bell_after_the_page_and_names_the_time_zone(checker: Any, client_for: Any) -> None:
    body = client_for(checker).get("/desk/").content.decode()
    bell = re.search(r'<span id="bell"[^>]*>', body).group(0)
    assert 'aria-live="polite"' in bell
    assert 'hx-get="/desk/notifications/count/"' in bell
    assert "every 30s" in bell
    assert "notifications-changed from:body" in bell
    assert 'href="/desk/me/"' in body  # the person's name leads to their settings
    assert "Times in UTC" in body


def test_no_unread_no_number(checker: Any, client_for: Any) -> None:
    body = client_for(checker).get("/desk/notifications/count/").content.decode()
    assert "count" not in body


def test_an_outsider_has_no_bell_and_cannot_ask_for_one(outsider: Any, client_for: Any) -> None:
    client = client_for(outsider)
    assert 'id="bell"' not in client.get("/accounts/security/").content.decode()
    assert client.get("/desk/notifications/count/").status_code == 403
    assert client.get("/desk/notifications/").status_code == 403


def test_the_page_lists_ones_own_newest_first_escaped(
    three: Any, make_claim: Any, checker: Any, second_checker: Any, editor: Any, client_for: Any
) -> None:
    notify("assigned", make_claim(), [second_checker], actor=editor, text="Not for the checker")
    body = client_for(checker).get("/desk/notifications/").content.decode()
    assert body.index("claim 2") < body.index("claim 1") < body.index("claim 0")
    assert "Not for the checker" not in body
    assert "&lt;b&gt;now&lt;/b&gt;" in body
    assert "<b>now</b>" not in body


def test_the_page_is_paged(make_claim: Any, checker: Any, editor: Any, client_for: Any, settings: Any) -> None:
    settings.DESK_PAGE_SIZE = 2
    claim = make_claim()
    for i in range(5):
        notify("mention", claim, [checker], actor=editor, text=f"Mention number {i}")
    client = client_for(checker)
    first = client.get("/desk/notifications/").content.decode()
    assert "Mention number 4" in first
    assert "Mention number 2" not in first
    assert "Page 1 of 3" in first
    last = client.get("/desk/notifications/?page=3").content.decode()
    assert "Mention number 0" in last
    assert client.get("/desk/notifications/?page=banana").status_code == 200


def test_marking_one_read_in_place(three: Any, checker: Any, client_for: Any) -> None:
    client = client_for(checker)
    target = three[1]
    response = client.post(f"/desk/notifications/{target.pk}/read/", **HX)
    assert response.status_code == 200
    assert "notifications-changed" in json.loads(response["HX-Trigger"])  # the bell asks again
    body = response.content.decode()
    assert body.strip().startswith(f'<li id="notification-{target.pk}"')
    assert "Mark read" not in body
    assert Notification.objects.get(pk=target.pk).read_at is not None
    assert Notification.objects.filter(read_at=None).count() == 2


def test_marking_one_read_without_javascript(three: Any, checker: Any, client_for: Any) -> None:
    response = client_for(checker).post(f"/desk/notifications/{three[0].pk}/read/", {"page": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/desk/notifications/?page=2"
    assert Notification.objects.get(pk=three[0].pk).read_at is not None


def test_someone_elses_notification_is_not_there(three: Any, second_checker: Any, client_for: Any) -> None:
    client = client_for(second_checker)
    target = three[0]
    assert client.post(f"/desk/notifications/{target.pk}/read/", **HX).status_code == 404
    assert client.post(f"/desk/notifications/{target.pk}/read/").status_code == 404
    assert client.get(f"/desk/notifications/{target.pk}/").status_code == 404
    assert Notification.objects.get(pk=target.pk).read_at is None


def test_reading_needs_a_post(three: Any, checker: Any, client_for: Any) -> None:
    assert client_for(checker).get(f"/desk/notifications/{three[0].pk}/read/").status_code == 405
    assert Notification.objects.get(pk=three[0].pk).read_at is None


def test_marking_all_read(three: Any, checker: Any, second_checker: Any, editor: Any, client_for: Any) -> None:
    others = notify("mention", three[0].claim, [second_checker], actor=editor, text="Yours")
    client = client_for(checker)
    response = client.post("/desk/notifications/read/", **HX)
    assert response.status_code == 200
    assert "notifications-changed" in json.loads(response["HX-Trigger"])
    assert "3 marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=checker, read_at=None).exists()
    assert Notification.objects.get(pk=others[0].pk).read_at is None  # not someone else's
    response = client.post("/desk/notifications/read/")
    assert response.status_code == 302


def test_opening_a_notification_goes_to_its_claim_and_marks_it_read(three: Any, checker: Any, client_for: Any) -> None:
    target = three[2]
    response = client_for(checker).get(f"/desk/notifications/{target.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/claims/{target.claim_id}/"
    assert Notification.objects.get(pk=target.pk).read_at is not None
    assert Notification.objects.filter(read_at=None).count() == 2


def test_the_bell_and_the_page_cost_the_same_however_many(
    make_claim: Any, checker: Any, editor: Any, client_for: Any
) -> None:
    client = client_for(checker)
    claim = make_claim()

    def cost(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    notify("mention", claim, [checker], actor=editor, text="One")
    small = (cost("/desk/notifications/count/"), cost("/desk/notifications/"))
    for i in range(30):
        notify("mention", claim, [checker], actor=editor, text=f"More {i}")
    assert (cost("/desk/notifications/count/"), cost("/desk/notifications/")) <= small
    assert small[0] <= 5


def test_a_whole_page_asks_no_query_for_the_bell(make_claim: Any, checker: Any, editor: Any, client_for: Any) -> None:
    client = client_for(checker)
    claim = make_claim()
    with CaptureQueriesContext(connection) as before:
        client.get("/desk/")
    notify("assigned", claim, [checker], actor=editor, text="x")
    with CaptureQueriesContext(connection) as after:
        client.get("/desk/")
    assert not any("claims_notification" in query["sql"] for query in after.captured_queries)
    assert len(after.captured_queries) <= len(before.captured_queries)
