"""The team queue's forms and listing are drawn once per state of the claims
and read from the cache after: whatever changes a claim shows on the next
request, and nothing of one person's (the CSRF token, their messages) is
ever served to another."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from claims import workflow
from claims.models import Claim
from claims.workflow import State
from tests.conftest import UserFactory, log_in
from tests.desk.conftest import HX, html

pytestmark = pytest.mark.django_db

URL = "/desk/claims/"


def token(page: str) -> str:
    found = re.search(r'<form id="bulk".*?name="csrfmiddlewaretoken" value="([^"]+)".*?</form>', page, re.DOTALL)
    assert found, "the bulk form's CSRF token is on the page"
    return found.group(1)


def test_a_transition_shows_on_the_next_request(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.SUBMITTED, text="The army arrested 309 people.")
    client = client_for(checker)
    assert "Submitted" in html(client.get(URL))
    client.get(URL)  # from the cache now
    claim.transition("take", by=checker, expected_state=State.SUBMITTED)
    page = html(client.get(URL))
    assert "Assigned" in page
    assert checker.get_full_name() in page


def test_an_edit_to_a_claim_or_its_article_shows_on_the_next_request(
    make_claim: Any, client_for: Any, checker: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING, text="The war cost 1.9 billion rupees.")
    client = client_for(checker)
    assert "1.9 billion" in html(client.get(URL))
    claim.edit(by=checker, text="The war cost 2.1 billion rupees.")
    assert "2.1 billion" in html(client.get(URL))
    article = Claim.objects.get(pk=claim.pk).article
    article.edit(by=checker, title="Corrected briefing title")
    assert "Corrected briefing title" in html(client.get(URL))


def test_a_new_claim_shows_and_filters_are_kept_apart(make_claim: Any, client_for: Any, checker: Any) -> None:
    make_claim(state=State.SUBMITTED, text="Inflation fell to four percent.")
    client = client_for(checker)
    assert "Inflation" in html(client.get(URL, {"q": "inflation"}))
    assert "Inflation" not in html(client.get(URL, {"q": "unemployment"}))
    make_claim(state=State.SUBMITTED, text="Unemployment doubled since 2018.")
    assert "Unemployment doubled" in html(client.get(URL, {"q": "unemployment"}))
    assert "Unemployment doubled" not in html(client.get(URL, {"q": "inflation"}))


def test_no_persons_token_is_served_to_another(make_claim: Any, checker: Any, second_checker: Any) -> None:
    make_claim(state=State.SUBMITTED)
    first = log_in(Client(enforce_csrf_checks=True), checker)
    second = log_in(Client(enforce_csrf_checks=True), second_checker)
    first_page, second_page = html(first.get(URL)), html(second.get(URL))
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # Each page's token is its own session's: the other's is refused.
    claim = Claim.objects.get()
    row = f"{claim.pk}:{claim.state}:{claim.revision}"
    form = {"row": [row], "action": "priority", "priority": Claim.Priority.HIGH, "return_to": ""}
    refused = second.post(f"{URL}bulk/", {**form, "csrfmiddlewaretoken": token(first_page)})
    assert refused.status_code == 403
    assert Claim.objects.get().priority != Claim.Priority.HIGH
    accepted = second.post(f"{URL}bulk/", {**form, "csrfmiddlewaretoken": token(second_page)})
    assert accepted.status_code == 302
    assert Claim.objects.get().priority == Claim.Priority.HIGH


def test_a_message_is_shown_once_and_only_to_its_person(
    make_claim: Any, client_for: Any, checker: Any, editor: Any
) -> None:
    claim = make_claim(state=State.SUBMITTED)
    mine, theirs = client_for(checker), client_for(editor)
    theirs.get(URL)
    row = f"{claim.pk}:{claim.state}:{claim.revision}"
    answer = mine.post(f"{URL}bulk/", {"row": [row], "action": "priority", "priority": 1, "return_to": ""}, **HX)
    summary = re.search(r'<li class="message [^"]*">([^<]+)</li>', html(answer))
    assert summary, "the bulk action says what it did"
    assert "1 claim" in summary.group(1)
    assert summary.group(1) not in html(mine.get(URL))  # shown once
    assert summary.group(1) not in html(theirs.get(URL))  # never to another


def test_an_htmx_request_gets_the_listing_alone(make_claim: Any, client_for: Any, checker: Any) -> None:
    make_claim(state=State.SUBMITTED, text="The army arrested 309 people.")
    client = client_for(checker)
    whole = html(client.get(URL))
    fragment = html(client.get(URL, **HX))
    assert fragment.lstrip().startswith('<div id="results"')
    assert "<form" not in fragment
    assert "309 people" in fragment
    assert "309 people" in whole
    assert '<form id="bulk"' in whole


def test_each_language_has_its_own(make_claim: Any, client_for: Any, checker: Any, settings: Any) -> None:
    make_claim(state=State.SUBMITTED)
    client = client_for(checker)
    english = html(client.get(URL, HTTP_ACCEPT_LANGUAGE="en"))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            expected = translation.gettext("Team queue")
        assert f"<h1>{expected}</h1>" in html(client.get(URL, HTTP_ACCEPT_LANGUAGE=code))
    assert "<h1>Team queue</h1>" in english


def test_people_in_the_drop_downs_wait_for_the_expiry_at_most(
    make_claim: Any, client_for: Any, checker: Any, settings: Any
) -> None:
    make_claim(state=State.SUBMITTED)
    settings.DESK_QUEUE_CACHE_SECONDS = 0  # nothing kept: each request draws the page
    client = client_for(checker)
    client.get(URL)
    newcomer = UserFactory(first_name="Zainab", last_name="Newcomer")
    newcomer.groups.add(Group.objects.get(name=workflow.CHECKERS_GROUP))
    assert "Zainab Newcomer" in html(client.get(URL))


def test_a_cached_page_costs_the_person_and_the_freshness(
    make_claim: Any, client_for: Any, checker: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        make_claim(state=State.SUBMITTED)
    client = client_for(checker)
    client.get(URL)
    # Session, person with groups, the claims' freshness; nothing per row.
    with django_assert_max_num_queries(3):
        assert client.get(URL).status_code == 200


def test_my_queue_is_each_persons_own_and_moves_with_the_claims(
    make_claim: Any, client_for: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    mine = make_claim(state=State.RESEARCHING, researcher=checker, text="Mine: 309 arrested.")
    theirs = make_claim(state=State.RESEARCHING, researcher=second_checker, text="Theirs: 516 killed.")
    me, them = client_for(checker), client_for(second_checker)
    for _ in range(2):  # drawn, then from the cache
        my_page, their_page = html(me.get("/desk/")), html(them.get("/desk/"))
        assert mine.text in my_page
        assert theirs.text not in my_page
        assert theirs.text in their_page
        assert mine.text not in their_page
    mine.transition(
        "reassign", by=editor, expected_state=State.RESEARCHING, params=workflow.Params(person=second_checker)
    )
    assert mine.text not in html(me.get("/desk/"))
    assert mine.text in html(them.get("/desk/"))
