"""Publishing stamps the verdict; a correction makes a new version; a retraction keeps the verdict, says why."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from claims.models import Activity, Claim, Rating, Verdict
from claims.workflow import GuardFailed, Params, State
from tests.workflow.conftest import assert_refused


def test_publish_stamps_the_verdict_and_the_claim(make_claim: Any, editor: Any) -> None:
    claim = make_claim(state=State.APPROVED)
    before = timezone.now()
    claim.transition("publish", by=editor, expected_state="approved")
    claim = Claim.objects.get(pk=claim.pk)
    verdict = claim.current_verdict
    assert claim.state == State.PUBLISHED
    assert claim.published_at >= before
    assert verdict.published_at >= before
    assert verdict.version == 1


@pytest.fixture
def published(make_claim: Any) -> Claim:
    return make_claim(state=State.PUBLISHED)


def test_correct_makes_a_new_version_and_keeps_the_old(published: Claim, editor: Any) -> None:
    old = Verdict.objects.get(claim=published)
    old_row = Verdict.objects.filter(pk=old.pk).values().get()
    new_rating = Rating.objects.get(label="Mostly false")
    published.transition(
        "correct",
        by=editor,
        expected_state="published",
        params=Params(
            note="The figure was 3,400, not 3,500.",
            verdict={"rating": new_rating, "summary": "Corrected: mostly false.", "explanation": "See the report."},
        ),
    )
    claim = Claim.objects.get(pk=published.pk)
    assert claim.state == State.PUBLISHED
    assert Verdict.objects.filter(pk=old.pk).values().get() == old_row
    current = claim.current_verdict
    assert current.pk != old.pk
    assert (current.version, current.rating, current.summary, current.explanation) == (
        2,
        new_rating,
        "Corrected: mostly false.",
        "See the report.",
    )
    assert current.correction_note == "The figure was 3,400, not 3,500."
    # The byline stays the researcher's; the editor is credited for the correction.
    assert current.author == old.author
    assert [entry["user"] for entry in current.credits if entry["role"] == "corrected"] == [editor.pk]
    assert current.published_at is not None
    entry = Activity.objects.filter(claim=claim).first()
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == (
        "correct",
        "published",
        "published",
        editor,
    )


@pytest.mark.parametrize(
    "verdict",
    [
        None,
        {"rating": None, "summary": "Corrected.", "explanation": ""},
        {"rating": "Mostly false", "summary": "  ", "explanation": ""},
    ],
    ids=["no-verdict", "no-rating", "blank-summary"],
)
def test_correct_needs_a_rating_and_summary(verdict: dict[str, Any] | None, published: Claim, editor: Any) -> None:
    if verdict and verdict["rating"]:
        verdict = {**verdict, "rating": Rating.objects.get(label=verdict["rating"])}
    assert_refused(
        published,
        GuardFailed,
        lambda: published.transition(
            "correct", by=editor, expected_state="published", params=Params(note="Fixing.", verdict=verdict)
        ),
        match="rating and a summary",
    )


def test_correct_needs_a_note(published: Claim, editor: Any, rating: Rating) -> None:
    assert_refused(
        published,
        GuardFailed,
        lambda: published.transition(
            "correct",
            by=editor,
            expected_state="published",
            params=Params(note="", verdict={"rating": rating, "summary": "Corrected.", "explanation": ""}),
        ),
    )


def test_retract_keeps_the_verdict_and_records_why(published: Claim, editor: Any) -> None:
    verdicts = list(Verdict.objects.filter(claim=published).values())
    published.transition(
        "retract", by=editor, expected_state="published", params=Params(note="The source was fabricated.")
    )
    claim = Claim.objects.get(pk=published.pk)
    assert claim.state == State.RETRACTED
    assert claim.retraction_note == "The source was fabricated."
    assert claim.retracted_at is not None
    assert list(Verdict.objects.filter(claim=claim).values()) == verdicts
