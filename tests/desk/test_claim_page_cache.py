"""A claim's page is drawn once per state of the claim and the person, then
read from the cache: whatever changes the claim, its evidence, sources, log,
repeats or original, the policy or the person's role shows on the next
request; each request's forms carry its own CSRF token, and no message or
form error is kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import workflow
from claims.desk.drawn import _csrf_slot
from claims.models import Claim, Evidence, Rating, Source
from claims.workflow import State
from tests.conftest import log_in
from tests.desk.conftest import HX, html, state_shown
from tests.signoff import set_policy

pytestmark = pytest.mark.django_db


def url(claim: Claim) -> str:
    return f"/desk/claims/{claim.pk}/"


def tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))


def without_tokens(page: str) -> str:
    """The page with its CSRF tokens, masked anew for each request, blanked."""
    return re.sub(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", page)


def said_again(page: str) -> str:
    """The claims that repeat this one ("Said again as: ...")."""
    found = re.search(r'<p class="duplicates">.*?</p>', page)
    return found.group(0) if found else ""


def test_a_second_look_is_read_from_the_cache_and_looks_the_same(
    make_claim: Any, client_for: Any, checker: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING, text="The army arrested 309 people.")
    client = client_for(checker)
    with CaptureQueriesContext(connection) as first:
        drawn = html(client.get(url(claim)))
    with CaptureQueriesContext(connection) as second:
        again = html(client.get(url(claim)))
    # The person, their session and second factor, and the claim's row.
    assert len(second) <= 4 < len(first)
    assert without_tokens(again) == without_tokens(drawn)
    assert tokens(again).isdisjoint(tokens(drawn))
    assert "309 people" in again
    assert _csrf_slot() not in again


def test_each_request_has_its_own_token_and_it_works(make_claim: Any, checker: Any, second_checker: Any) -> None:
    claim = make_claim(state=State.RESEARCHING)
    first = log_in(Client(enforce_csrf_checks=True), checker)
    second = log_in(Client(enforce_csrf_checks=True), second_checker)
    first.get(url(claim))
    first_page, second_page = html(first.get(url(claim))), html(second.get(url(claim)))
    first_token, second_token = min(tokens(first_page)), min(tokens(second_page))
    comment = f"{url(claim)}comment/"
    refused = second.post(comment, {"text": "Whose token?", "csrfmiddlewaretoken": first_token})
    assert refused.status_code == 403
    accepted = second.post(comment, {"text": "Checked the ministry's figures.", "csrfmiddlewaretoken": second_token})
    assert accepted.status_code == 302
    assert "Checked the ministry" in html(first.get(url(claim)))


def test_a_comment_and_evidence_by_another_person_show_on_the_next_request(
    make_claim: Any, client_for: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    client = client_for(second_checker)
    client.get(url(claim))
    claim.comment(by=checker, text="The ministry answered our call.")
    assert "The ministry answered our call." in html(client.get(url(claim)))
    claim.add_evidence(by=checker, offline_source="Interview with the district officer", stance="supports")
    assert "Interview with the district officer" in html(client.get(url(claim)))


def test_a_source_changed_by_a_worker_shows_on_the_next_request(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.RESEARCHING)
    item = claim.add_evidence(by=checker, url="https://news.example.org/briefing", stance="supports")
    client = client_for(checker)
    client.get(url(claim))
    # No log entry: only the source's own row says it changed.
    Source.objects.filter(pk=item.source_id).update(title="Army briefing, 3 June", updated_at=timezone.now())
    assert "Army briefing, 3 June" in html(client.get(url(claim)))


def test_a_draft_a_transition_and_a_conflict_show_on_the_next_request(
    make_claim: Any, client_for: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    client = client_for(second_checker)
    client.get(url(claim))
    unproven = Rating.objects.get(label="Unproven")
    claim.save_draft_verdict(by=checker, rating=unproven, summary="Twice the record.", explanation="", based_on=None)
    assert "Twice the record." in html(client.get(url(claim)))
    claim = make_claim(state=State.IN_REVIEW)
    client.get(url(claim))
    claim.transition(
        "request_changes", by=second_checker, expected_state=State.IN_REVIEW, params=workflow.Params(note="Cite it.")
    )
    assert state_shown(html(client.get(url(claim)))) == State.RESEARCHING.label
    Claim.objects.get(pk=claim.pk).declare_conflict(by=second_checker, reason="My brother is the spokesman.")
    assert "My brother is the spokesman." in html(client.get(url(claim)))


def test_a_change_to_the_row_alone_shows_on_the_next_request(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.RESEARCHING)
    client = client_for(checker)
    client.get(url(claim))
    Claim.objects.filter(pk=claim.pk).update(priority=Claim.Priority.HIGH)  # no log entry, no updated_at
    assert re.search(r"<dt>Priority</dt><dd>High</dd>", html(client.get(url(claim))))


def test_a_repeat_and_its_original_show_on_the_next_request(
    make_claim: Any, client_for: Any, checker: Any, editor: Any
) -> None:
    original = make_claim(state=State.RESEARCHING, text="The war cost 1.9 billion rupees.")
    repeat = make_claim(state=State.SUBMITTED, text="The war cost nearly two billion rupees.")
    client = client_for(editor)
    client.get(url(original))
    client.get(url(repeat))
    repeat.transition(
        "mark_duplicate", by=editor, expected_state=State.SUBMITTED, params=workflow.Params(original=original)
    )
    assert f'href="/desk/claims/{repeat.pk}/"' in said_again(html(client.get(url(original))))
    page = html(client.get(url(repeat)))
    assert "A duplicate of" in page
    Claim.objects.filter(pk=original.pk).update(text="The war cost 2.1 billion rupees.", updated_at=timezone.now())
    assert "2.1 billion" in html(client.get(url(repeat)))
    Claim.objects.get(pk=repeat.pk).transition("reopen", by=editor, expected_state=State.REJECTED)
    assert said_again(html(client.get(url(original)))) == ""


def test_the_policy_and_the_persons_role_show_on_the_next_request(
    make_claim: Any, client_for: Any, checker: Any, editor: Any
) -> None:
    claim, approved = make_claim(state=State.IN_REVIEW), make_claim(state=State.APPROVED)
    client = client_for(checker)
    assert "of 1 approval" in html(client.get(url(claim)))
    set_policy(editor, approvals_needed=2)
    assert "of 2 approvals" in html(client.get(url(claim)))
    assert 'value="publish"' not in html(client.get(url(approved)))
    checker.groups.add(Group.objects.get(name=workflow.EDITORS_GROUP))
    client = client_for(type(checker).objects.get(pk=checker.pk))  # an editor gives the second factor
    assert 'value="publish"' in html(client.get(url(approved)))


def test_no_message_and_no_form_error_is_kept(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.RESEARCHING)
    client = client_for(checker)
    client.get(url(claim))
    refused = client.post(f"{url(claim)}evidence/", {"url": "not a url", "stance": "supports"}, **HX)
    assert refused.status_code == 422
    assert 'class="field has-error"' in html(refused)
    page = html(client.get(url(claim)))
    assert "has-error" not in page
    client.post(f"{url(claim)}comment/", {"text": "Asked the ministry again."})
    shown = html(client.get(url(claim)))
    assert "Comment added." in shown
    assert "Comment added." not in html(client.get(url(claim)))
    assert Evidence.objects.count() == 0


def test_html_in_a_claim_and_a_comment_stays_text_from_the_cache(
    make_claim: Any, client_for: Any, checker: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING, text='<script>alert("claim")</script> 309 people')
    claim.comment(by=checker, text='<img src=x onerror=alert("comment")>')
    client = client_for(checker)
    for _ in range(2):  # drawn, then from the cache
        page = html(client.get(url(claim)))
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(&quot;claim&quot;)&lt;/script&gt; 309 people" in page
        assert "&lt;img src=x onerror=alert(&quot;comment&quot;)&gt;" in page
