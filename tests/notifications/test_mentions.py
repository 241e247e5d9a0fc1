"""`@username` in a comment tells that desk member and, on the claim page,
links to their claims; the comment is escaped first, so HTML or script in it
stays text; a name nobody has, or an outsider's, tells nobody and links
nowhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from claims.models import Notification
from claims.models.people import mentioned_names
from claims.templatetags.desk import mentions
from tests.desk.conftest import HX

pytestmark = pytest.mark.django_db


def test_a_mention_tells_the_desk_member_and_nobody_else(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any, outsider: Any
) -> None:
    claim = make_claim()
    claim.comment(by=checker, text="@checker2 and @editor: see this. @outsider @nobody @checker, mail a@checker2.org")
    rows = Notification.objects.filter(kind="mention").order_by("recipient__username")
    assert [row.recipient for row in rows] == [second_checker, editor]
    assert all(row.actor == checker for row in rows)
    assert "mentioned you" in rows[0].text


def test_a_comment_posted_on_the_page_mentions_too(
    make_claim: Any, checker: Any, second_checker: Any, client_for: Any
) -> None:
    claim = make_claim()
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/comment/", {"text": "Over to you, @checker2."}, **HX)
    assert response.status_code == 200
    assert Notification.objects.get(kind="mention").recipient == second_checker
    body = response.content.decode()
    assert '<a class="mention" href="/desk/people/checker2/">@checker2</a>.' in body


def test_the_names_found() -> None:
    text = "@ann, (@bob.smith). email@x.org @@ @ c@d @carol_9!"
    assert mentioned_names(text) == ["ann", "bob.smith", "carol_9"]


def test_a_comment_is_escaped_and_only_desk_names_are_linked(
    make_claim: Any, checker: Any, second_checker: Any, outsider: Any, client_for: Any
) -> None:
    claim = make_claim()
    claim.comment(
        by=checker,
        text='<script>alert("x")</script> @checker2<img src=x onerror=alert(1)>\n@outsider @nobody "@checker2"',
    )
    body = client_for(checker).get(f"/desk/claims/{claim.pk}/").content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    link = '<a class="mention" href="/desk/people/checker2/">@checker2</a>'
    assert f"{link}&lt;img src=x onerror=alert(1)&gt;<br>@outsider @nobody &quot;{link}&quot;" in body


def test_the_filter_escapes_a_name_that_looks_like_markup(checker: Any, second_checker: Any) -> None:
    cache.clear()
    assert str(mentions("@checker2's <b>")) == (
        '<a class="mention" href="/desk/people/checker2/">@checker2</a>&#x27;s &lt;b&gt;'
    )
    assert str(mentions("no one & <i>")) == "no one &amp; &lt;i&gt;"


def test_a_mention_leads_to_the_persons_open_claims(
    make_claim: Any, checker: Any, second_checker: Any, client_for: Any
) -> None:
    client = client_for(checker)
    response = client.get("/desk/people/checker2/")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/claims/?assignee={second_checker.pk}"
    assert client.get(response["Location"]).status_code == 200


def test_nobody_by_that_name(outsider: Any, checker: Any, client_for: Any) -> None:
    client = client_for(checker)
    assert client.get("/desk/people/nobody/").status_code == 404
    assert client.get("/desk/people/outsider/").status_code == 404  # not on the desk
    assert client_for(outsider).get("/desk/people/checker/").status_code == 403
