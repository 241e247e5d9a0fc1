"""The claim page: what it shows, the actions and forms it offers each person, and its query count."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils.html import escape

from claims import workflow
from claims.models import Claim, Evidence, Rating, Source
from claims.workflow import State
from tests.desk.conftest import HX, counts, desk_person, html, state_shown


def test_claim_page_shows_the_claim(client_for: Any, checker: Any, claim: Claim) -> None:
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    assert claim.text in page
    assert state_shown(page) == "Researching"
    assert escape(claim.article.title) in page


def test_missing_claim_is_404(client_for: Any, checker: Any) -> None:
    assert client_for(checker).get("/desk/claims/999999/").status_code == 404


def action_urls(page: str) -> set[str]:
    """The actions whose button may be pressed (a sign-off rule draws some disabled, with its reason)."""
    enabled = {
        name for name, attrs in re.findall(r'<button[^>]*value="([a-z_]+)"([^>]*)>', page) if "disabled" not in attrs
    }
    return set(re.findall(r'action="/desk/claims/\d+/act/([a-z_]+)/"', page)) & enabled


@pytest.mark.parametrize(
    ("state", "persona", "offered"),
    [
        (State.SUBMITTED, "checker", {"take", "assign", "reject", "mark_duplicate"}),
        (State.ASSIGNED, "checker", {"reassign", "start", "mark_duplicate"}),
        (State.ASSIGNED, "second_checker", {"reassign", "mark_duplicate"}),
        (State.IN_REVIEW, "checker", set()),
        (State.IN_REVIEW, "second_checker", {"approve", "request_changes"}),
        (State.APPROVED, "editor", {"publish", "send_back"}),
        (State.APPROVED, "checker", set()),
        (State.APPROVED, "second_checker", set()),
        (State.PUBLISHED, "editor", {"correct", "retract"}),
        (State.PUBLISHED, "second_checker", set()),
        (State.REJECTED, "second_checker", {"reopen"}),
    ],
)
def test_claim_page_offers_only_permitted_actions(
    state: str, persona: str, offered: set[str], make_claim: Any, client_for: Any, request: Any
) -> None:
    claim = make_claim(state=state)
    page = html(client_for(request.getfixturevalue(persona)).get(f"/desk/claims/{claim.pk}/"))
    assert action_urls(page) == offered
    if not offered and "disabled" not in page:
        assert "No action is yours to take on this claim now." in page


def test_researcher_sees_approve_disabled_with_the_reason(
    make_claim: Any, client_for: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state=State.IN_REVIEW)
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    approve = re.search(r'<button[^>]*value="approve"[^>]*>', page).group(0)
    assert "disabled" in approve
    assert "You researched this claim; a colleague must review it." in page
    page = html(client_for(second_checker).get(f"/desk/claims/{claim.pk}/"))
    assert "disabled" not in re.search(r'<button[^>]*value="approve"[^>]*>', page).group(0)
    assert "a colleague must review it" not in page


def test_not_ready_action_is_shown_disabled_with_the_reason(claim: Claim, client_for: Any, checker: Any) -> None:
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    submit = re.search(r'<button[^>]*value="submit"[^>]*>', page).group(0)
    assert "disabled" in submit
    assert "Write the draft verdict (rating and summary) first." in page


def test_research_forms_only_for_the_researcher(
    claim: Claim, client_for: Any, checker: Any, second_checker: Any
) -> None:
    assert f'action="/desk/claims/{claim.pk}/evidence/"' in html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    page = html(client_for(second_checker).get(f"/desk/claims/{claim.pk}/"))
    assert f'action="/desk/claims/{claim.pk}/evidence/"' not in page
    assert f'action="/desk/claims/{claim.pk}/verdict/"' not in page
    # And the server refuses what the page does not offer.
    before = counts()
    response = client_for(second_checker).post(
        f"/desk/claims/{claim.pk}/evidence/", {"offline_source": "A call", "stance": "context"}
    )
    assert response.status_code == 403
    assert counts() == before


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_claim_page_query_count_does_not_grow(
    headers: dict[str, str],
    claim: Claim,
    client_for: Any,
    checker: Any,
    django_assert_max_num_queries: Any,
    settings: Any,
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            # Each row by someone else, so a lookup per row would show.
            i = Evidence.objects.count()
            claim.add_evidence(
                by=desk_person(workflow.EDITORS_GROUP), url=f"https://example.org/report-{i}", stance="context"
            )
            claim.comment(by=desk_person(), text=f"Comment {i}")

    settings.DESK_EVIDENCE_SHOWN = 20  # every piece drawn: a query per piece would show
    client = client_for(checker)
    add(3)
    with django_assert_max_num_queries(16) as few:
        page = html(client.get(f"/desk/claims/{claim.pk}/", **headers))
    assert page.count('class="evidence-item') == 3
    add(17)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(client.get(f"/desk/claims/{claim.pk}/", **headers))
    assert page.count('class="evidence-item') == 20
    assert page.count('<li class="activity-') == settings.DESK_ACTIVITY_PAGE_SIZE  # the newest; older on asking
    assert "Older activity" in page


def test_older_activity_loads_in_place_a_page_at_a_time(
    claim: Claim, client_for: Any, checker: Any, settings: Any
) -> None:
    settings.DESK_ACTIVITY_PAGE_SIZE = 4
    for n in range(9):
        claim.comment(by=checker, text=f"Comment number {n}")
    client = client_for(checker)
    shown = html(client.get(f"/desk/claims/{claim.pk}/"))
    assert "Comment number 8" in shown
    assert "Comment number 4" not in shown
    older = html(client.get(f"/desk/claims/{claim.pk}/activity/?page=2", HTTP_HX_REQUEST="true"))
    assert "<html" not in older
    assert "Comment number 4" in older
    assert "Comment number 8" not in older
    assert f'hx-get="/desk/claims/{claim.pk}/activity/?page=3"' in older
    page = html(client.get(f"/desk/claims/{claim.pk}/activity/?page=nonsense"))
    assert "<html" in page  # without JavaScript, a page of its own
    assert "Comment number 8" in page


def test_published_claim_page_query_count_does_not_grow_with_versions(
    make_claim: Any, client_for: Any, editor: Any, django_assert_max_num_queries: Any
) -> None:
    claim = make_claim(state=State.PUBLISHED)
    ratings = list(Rating.objects.all())

    def correct(n: int) -> None:
        for i in range(n):
            claim.transition(
                "correct",
                by=desk_person(workflow.EDITORS_GROUP),
                expected_state="published",
                params=workflow.Params(
                    note=f"Correction {i}", verdict={"rating": ratings[i % len(ratings)], "summary": f"Summary {i}"}
                ),
            )

    client = client_for(editor)
    correct(2)
    with django_assert_max_num_queries(16) as few:
        client.get(f"/desk/claims/{claim.pk}/")
    correct(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(client.get(f"/desk/claims/{claim.pk}/"))
    assert "Correction 14" in page


def test_a_long_list_of_evidence_shows_the_first_until_asked_for_all(
    claim: Claim, client_for: Any, checker: Any, settings: Any
) -> None:
    settings.DESK_EVIDENCE_SHOWN = 3
    for n in range(5):
        claim.add_evidence(by=checker, offline_source=f"Interview number {n}", stance="context")
    client = client_for(checker)
    page = html(client.get(f"/desk/claims/{claim.pk}/"))
    assert page.count('class="evidence-item') == 3
    assert "Show the other 2 pieces of evidence" in page
    everything = html(client.get(f"/desk/claims/{claim.pk}/?evidence=all", HTTP_HX_REQUEST="true"))
    assert everything.lstrip().startswith('<div id="claim-main"')
    assert everything.count('class="evidence-item') == 5
    assert "Show the other" not in everything


def test_the_check_before_publishing_reads_the_evidence_the_page_does_not_draw(
    make_claim: Any, client_for: Any, editor: Any, checker: Any, settings: Any
) -> None:
    settings.DESK_EVIDENCE_SHOWN = 1
    claim = make_claim(state=State.APPROVED)
    Evidence.objects.create(claim=claim, offline_source="An interview", added_by=checker)
    Evidence.objects.create(claim=claim, offline_source="A second interview", added_by=checker)
    client = client_for(editor)
    assert "No evidence comes from a fetched source" in html(client.get(f"/desk/claims/{claim.pk}/"))
    source = Source.objects.create(url="https://example.org/report", status=Source.Status.FETCHED)
    Evidence.objects.create(claim=claim, source=source, added_by=checker)
    page = html(client.get(f"/desk/claims/{claim.pk}/"))
    assert page.count('class="evidence-item') == 1
    assert f"Show the other {claim.evidence.count() - 1} pieces of evidence" in page
    assert "Before you publish" in page
    assert "No evidence comes from a fetched source" not in page  # the third piece, not drawn, counts
