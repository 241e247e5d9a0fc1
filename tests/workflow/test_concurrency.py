"""Two people acting on one claim at once: one wins, the other is told, and
nothing is half-done.

Each racer runs in its own thread with its own database connection, so the
row lock (`select_for_update` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite) is
what keeps them apart, not the test's transaction."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction

from claims import workflow
from claims.models import Activity, Claim, Rating, Verdict
from claims.workflow import Params, StaleState, State, WorkflowError
from tests.conftest import UserFactory, add_research

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Outcome:
    name: str
    result: Any = None
    error: BaseException | None = None
    finished_at: float = 0.0

    @property
    def won(self) -> bool:
        return self.error is None


def race(calls: dict[str, Callable[[], Any]], *, timeout: float = 60) -> dict[str, Outcome]:
    """Run each call in its own thread, all released at once by a barrier."""
    barrier = threading.Barrier(len(calls))
    outcomes = {name: Outcome(name) for name in calls}

    def run(name: str, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes[name].result = call()
        except BaseException as error:  # the test reports it; a thread must not swallow it
            outcomes[name].error = error
        finally:
            outcomes[name].finished_at = time.monotonic()
            connection.close()

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a racer hung"
    return outcomes


def one_winner(outcomes: dict[str, Outcome], refusals: tuple[type[WorkflowError], ...] = (StaleState,)) -> Outcome:
    """Exactly one call succeeded; every other was refused with a workflow
    error (not a database error, not a crash)."""
    winners = [o for o in outcomes.values() if o.won]
    losers = [o for o in outcomes.values() if not o.won]
    assert len(winners) == 1, {o.name: o.error for o in outcomes.values()}
    for loser in losers:
        assert isinstance(loser.error, refusals), f"{loser.name}: {loser.error!r}"
        assert loser.error.message
    return winners[0]


def log_of(claim: Claim) -> list[tuple[str, str, str]]:
    return list(Activity.objects.filter(claim=claim).order_by("pk").values_list("action", "from_state", "to_state"))


@pytest.fixture
def editor2(desk_defaults: None) -> Any:
    return UserFactory(username="editor2", groups=[workflow.EDITORS_GROUP])


# --- Conflicting transitions, released together


@pytest.mark.parametrize("repeat", range(3))
def test_two_checkers_take_the_same_claim(repeat: int, make_claim: Any, checker: Any, second_checker: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    before = log_of(claim)
    people = {"checker": checker, "second_checker": second_checker}
    outcomes = race(
        {
            name: (
                lambda user=user: Claim.objects.get(pk=claim.pk).transition("take", by=user, expected_state="submitted")
            )
            for name, user in people.items()
        }
    )
    winner = one_winner(outcomes)
    claim.refresh_from_db()
    assert (claim.state, claim.assignee) == (State.ASSIGNED, people[winner.name])
    assert log_of(claim) == [*before, ("take", "submitted", "assigned")]
    assert Activity.objects.get(claim=claim, action="take").actor == people[winner.name]


def test_take_against_assign(make_claim: Any, checker: Any, second_checker: Any, editor: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    before = log_of(claim)
    outcomes = race(
        {
            "take": lambda: Claim.objects.get(pk=claim.pk).transition("take", by=checker, expected_state="submitted"),
            "assign": lambda: Claim.objects.get(pk=claim.pk).transition(
                "assign", by=second_checker, expected_state="submitted", params=Params(person=editor)
            ),
        }
    )
    winner = one_winner(outcomes)
    claim.refresh_from_db()
    assert claim.state == State.ASSIGNED
    assert claim.assignee == (checker if winner.name == "take" else editor)
    assert log_of(claim) == [*before, (winner.name, "submitted", "assigned")]


def test_take_against_reject(make_claim: Any, checker: Any, second_checker: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    before = log_of(claim)
    outcomes = race(
        {
            "take": lambda: Claim.objects.get(pk=claim.pk).transition("take", by=checker, expected_state="submitted"),
            "reject": lambda: Claim.objects.get(pk=claim.pk).transition(
                "reject", by=second_checker, expected_state="submitted", params=Params(note="Opinion, not fact.")
            ),
        }
    )
    winner = one_winner(outcomes)
    claim.refresh_from_db()
    expected = {"take": (State.ASSIGNED, checker.pk), "reject": (State.REJECTED, None)}[winner.name]
    assert (claim.state, claim.assignee_id) == expected
    assert log_of(claim) == [*before, (winner.name, "submitted", expected[0])]


@pytest.mark.parametrize("repeat", range(3))
def test_approve_against_request_changes(repeat: int, make_claim: Any, second_checker: Any, editor: Any) -> None:
    claim = make_claim(state=State.IN_REVIEW)
    before = log_of(claim)
    outcomes = race(
        {
            "approve": lambda: Claim.objects.get(pk=claim.pk).transition(
                "approve", by=second_checker, expected_state="in_review"
            ),
            "request_changes": lambda: Claim.objects.get(pk=claim.pk).transition(
                "request_changes", by=editor, expected_state="in_review", params=Params(note="Cite the report.")
            ),
        }
    )
    winner = one_winner(outcomes)
    claim.refresh_from_db()
    if winner.name == "approve":
        assert (claim.state, claim.reviewer) == (State.APPROVED, second_checker)
    else:
        assert (claim.state, claim.reviewer) == (State.RESEARCHING, editor)
    assert log_of(claim) == [*before, (winner.name, "in_review", claim.state)]


def test_two_reviewers_approve_at_once(make_claim: Any, second_checker: Any, editor: Any) -> None:
    claim = make_claim(state=State.IN_REVIEW)
    before = log_of(claim)
    people = {"second_checker": second_checker, "editor": editor}
    outcomes = race(
        {
            name: (
                lambda user=user: Claim.objects.get(pk=claim.pk).transition(
                    "approve", by=user, expected_state="in_review"
                )
            )
            for name, user in people.items()
        }
    )
    winner = one_winner(outcomes)
    claim.refresh_from_db()
    assert (claim.state, claim.reviewer) == (State.APPROVED, people[winner.name])
    assert log_of(claim) == [*before, ("approve", "in_review", "approved")]


def test_publish_against_send_back(make_claim: Any, editor: Any, editor2: Any) -> None:
    claim = make_claim(state=State.APPROVED)
    before = log_of(claim)
    outcomes = race(
        {
            "publish": lambda: Claim.objects.get(pk=claim.pk).transition(
                "publish", by=editor, expected_state="approved"
            ),
            "send_back": lambda: Claim.objects.get(pk=claim.pk).transition(
                "send_back", by=editor2, expected_state="approved", params=Params(note="Needs a second source.")
            ),
        }
    )
    winner = one_winner(outcomes)
    claim.refresh_from_db()
    verdict = Verdict.objects.get(claim=claim)
    if winner.name == "publish":
        assert claim.state == State.PUBLISHED
        assert claim.published_at is not None
        assert verdict.published_at is not None
    else:
        assert claim.state == State.RESEARCHING
        assert claim.published_at is None
        assert verdict.published_at is None  # nothing half-published
    assert log_of(claim) == [*before, (winner.name, "approved", claim.state)]


def test_two_corrections_at_once_make_a_version_each(make_claim: Any, editor: Any, editor2: Any) -> None:
    claim = make_claim(state=State.PUBLISHED)
    ratings = {"editor": Rating.objects.get(label="Mostly false"), "editor2": Rating.objects.get(label="Misleading")}
    people = {"editor": editor, "editor2": editor2}

    def correct(name: str) -> Any:
        # Both read the page while it showed version 1: the version number is
        # computed under the lock, so they cannot both write version 2.
        return Claim.objects.get(pk=claim.pk).transition(
            "correct",
            by=people[name],
            expected_state="published",
            params=Params(note=f"Correction by {name}", verdict={"rating": ratings[name], "summary": name}),
        )

    outcomes = race({name: (lambda name=name: correct(name)) for name in people})
    # Both win (a correction keeps the state, so neither page is stale), and
    # each makes its own version, in order, with no crash.
    assert all(outcome.won for outcome in outcomes.values()), outcomes
    versions = list(Verdict.objects.filter(claim=claim).order_by("version").values_list("version", flat=True))
    assert versions == [1, 2, 3]
    assert Activity.objects.filter(claim=claim, action="correct").count() == 2


def test_submit_against_removing_the_last_evidence(make_claim: Any, checker: Any, editor: Any) -> None:
    """Nothing half-done: never a claim in review with no evidence."""
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    evidence = claim.evidence.get()
    outcomes = race(
        {
            "submit": lambda: Claim.objects.get(pk=claim.pk).transition(
                "submit", by=checker, expected_state="researching"
            ),
            "remove": lambda: Claim.objects.get(pk=claim.pk).remove_evidence(by=editor, evidence_id=evidence.pk),
        }
    )
    winner = one_winner(outcomes, refusals=(WorkflowError,))
    claim.refresh_from_db()
    if winner.name == "submit":
        assert claim.state == State.IN_REVIEW
        assert claim.evidence.exists()
        assert isinstance(outcomes["remove"].error, StaleState)
    else:
        assert claim.state == State.RESEARCHING
        assert not claim.evidence.exists()
        assert isinstance(outcomes["submit"].error, workflow.GuardFailed)


def test_two_people_save_the_draft_verdict_at_once(make_claim: Any, checker: Any, editor: Any, rating: Rating) -> None:
    claim = make_claim(state=State.RESEARCHING)
    people = {"checker": checker, "editor": editor}
    outcomes = race(
        {
            name: (
                lambda name=name, user=user: Claim.objects.get(pk=claim.pk).save_draft_verdict(
                    by=user, rating=rating, summary=f"Summary by {name}", explanation="", based_on=None
                )
            )
            for name, user in people.items()
        }
    )
    winner = one_winner(outcomes)
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.summary, verdict.author, verdict.revision) == (f"Summary by {winner.name}", people[winner.name], 1)
    assert Activity.objects.filter(claim=claim, action="verdict_saved").count() == 1


# --- The lock itself, made to overlap on purpose


def test_second_writer_waits_for_the_first_and_is_told(make_claim: Any, checker: Any, second_checker: Any) -> None:
    """The first taker holds the row (its transaction is still open) when the
    second tries. The second must wait for the first to commit and then be
    refused; without the lock it would read the old state, pass every check,
    and overwrite the first assignment."""
    claim = make_claim(state=State.SUBMITTED)
    before = log_of(claim)
    first_holds_the_row = threading.Event()
    hold = 0.5

    def first() -> Any:
        with transaction.atomic():
            taken = Claim.objects.get(pk=claim.pk).transition("take", by=checker, expected_state="submitted")
            first_holds_the_row.set()
            time.sleep(hold)  # the second racer starts and has to wait for this commit
        return taken

    def second() -> Any:
        assert first_holds_the_row.wait(timeout=30)
        started = time.monotonic()
        try:
            return Claim.objects.get(pk=claim.pk).transition("take", by=second_checker, expected_state="submitted")
        finally:
            second_waited.append(time.monotonic() - started)

    second_waited: list[float] = []
    outcomes = race({"first": first, "second": second})
    assert outcomes["first"].won, repr(outcomes["first"].error)
    assert isinstance(outcomes["second"].error, StaleState), repr(outcomes["second"].error)
    assert second_waited[0] >= hold * 0.5  # it really did wait for the lock
    claim.refresh_from_db()
    assert (claim.state, claim.assignee) == (State.ASSIGNED, checker)
    assert log_of(claim) == [*before, ("take", "submitted", "assigned")]
