"""CSV exports: the team queue as filtered on the page, and the published
verdicts; streamed, for desk members only, with every cell a spreadsheet
would run as a formula defused."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone

from claims import workflow
from claims.desk.views.exports import safe_cell
from claims.models import Rating
from claims.workflow import State
from tests.conftest import ClaimFactory
from tests.desk.conftest import html

pytestmark = pytest.mark.django_db

QUEUE = "/desk/claims/export.csv"
PUBLISHED = "/desk/verdicts.csv"


def rows(response: Any) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "expected"), [("Militants", "Militants"), ("", ""), (None, ""), (12, "12"), ("a=b", "a=b")]
)
def test_other_cells_are_left_alone(value: Any, expected: str) -> None:
    assert safe_cell(value) == expected


def test_the_team_queue_export_streams_its_rows(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.ASSIGNED, text="309 people were arrested, “Islamic State” says.", claimant="Bajwa")
    response = client_for(checker).get(QUEUE)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="team-queue-')
    assert "no-store" in response["Cache-Control"]
    [only] = rows(response)
    assert only["Number"] == str(claim.pk)
    assert only["Claim"] == claim.text
    assert only["Claimant"] == "Bajwa"
    assert only["State"] == "Assigned"
    assert only["Assignee"] == checker.get_full_name()
    assert only["Priority"] == "Normal"
    assert only["Desk page"] == f"http://testserver/desk/claims/{claim.pk}/"


def test_formulas_in_claims_and_claimants_are_defused_in_the_file(client_for: Any, checker: Any) -> None:
    ClaimFactory(text='=HYPERLINK("http://evil.example","Click")', claimant="@SUM(1+1)")
    ClaimFactory(text="-10% of people", claimant="+44 Speaker")
    exported = {row["Claim"]: row["Claimant"] for row in rows(client_for(checker).get(QUEUE))}
    assert exported == {
        '\'=HYPERLINK("http://evil.example","Click")': "'@SUM(1+1)",
        "'-10% of people": "'+44 Speaker",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"open one", "researching one"}),
        ("?state=published", {"published one"}),
        ("?q=one", {"open one", "researching one", "published one"}),
        ("?q=one&state=researching", {"researching one"}),
        ("?claimant=zardari", {"researching one"}),
        ("?priority=1", {"open one"}),
    ],
)
def test_the_export_has_the_queue_filters(
    query: str, expected: set[str], make_claim: Any, client_for: Any, checker: Any
) -> None:
    make_claim(state=State.SUBMITTED, text="open one", priority=1)
    make_claim(state=State.RESEARCHING, text="researching one", claimant="Asif Zardari")
    make_claim(state=State.PUBLISHED, text="published one")
    assert {row["Claim"] for row in rows(client_for(checker).get(QUEUE + query))} == expected


def test_the_queue_page_links_to_the_export_of_its_filters(make_claim: Any, client_for: Any, checker: Any) -> None:
    make_claim(state=State.SUBMITTED)
    page = html(client_for(checker).get("/desk/claims/?state=submitted&claimant=Bajwa&page=1"))
    assert 'href="/desk/claims/export.csv?state=submitted&amp;claimant=Bajwa"' in page
    assert 'href="/desk/verdicts.csv"' in page


def test_the_published_verdicts_export(
    publish: Any, make_claim: Any, client_for: Any, checker: Any, editor: Any
) -> None:
    first = publish(text="309 people were arrested.", claimant="Asim Bajwa", rating="False")
    corrected = publish(text="516 soldiers died.", claimant="=cmd|' /C calc'!A0")
    corrected.transition(
        "correct",
        by=editor,
        expected_state="published",
        params=workflow.Params(
            note="New figures.",
            verdict={"rating": Rating.objects.get(label="Mostly true"), "summary": "Close enough.", "explanation": ""},
        ),
    )
    retracted = publish(text="Withdrawn claim.")
    retracted.transition("retract", by=editor, expected_state="published", params=workflow.Params(note="Wrong."))
    make_claim(state=State.APPROVED, text="Not out yet.")
    response = client_for(checker).get(PUBLISHED)
    assert response["Content-Disposition"].startswith('attachment; filename="published-verdicts-')
    exported = {row["Claim"]: row for row in rows(response)}
    assert set(exported) == {first.text, corrected.text}
    row = exported[first.text]
    assert row["Claimant"] == "Asim Bajwa"
    assert row["Rating"] == "False"
    assert row["Summary"] == "The army gave no records for the figure."
    assert row["Public page"] == f"{settings.SITE_URL}/verdicts/{first.slug}/"
    assert row["Published on"] == timezone.localtime(first.published_at).date().isoformat()
    assert row["Researcher"] == checker.get_full_name()
    # The current version, not the first; and the claimant defused.
    assert (exported[corrected.text]["Rating"], exported[corrected.text]["Summary"]) == ("Mostly true", "Close enough.")
    assert exported[corrected.text]["Claimant"] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize("url", [QUEUE, PUBLISHED])
def test_exports_are_for_desk_members(url: str, client_for: Any, outsider: Any, client: Any) -> None:
    assert client_for(outsider).get(url).status_code == 403
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/") or "login" in response.url


@pytest.mark.parametrize("url", [QUEUE + "?q=militants", PUBLISHED])
def test_export_query_count_does_not_grow_with_rows(
    url: str, publish: Any, client_for: Any, checker: Any, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            publish(text="Militants were killed.", article__title=f"Article {i}")

    client = client_for(checker)
    add(2)
    with django_assert_max_num_queries(10) as few:
        assert len(rows(client.get(url))) == 2
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(rows(client.get(url))) == 10
