"""The review workflow: states, actions, who may take them and their guards.

This module is the one place that decides what is allowed. `Claim.transition()`
applies an action inside a transaction with the claim row locked; views only
ask `available_actions()` what to offer and call `transition()`. It imports no
model: it is the bottom layer, and the models build on it.

    submitted --assign/take--> assigned --start--> researching --submit--> in_review
    in_review --approve--> approved --publish--> published
    in_review --request_changes--> researching     approved --send_back--> researching
    submitted --reject--> rejected --reopen--> submitted
    submitted/assigned/researching --mark_duplicate--> rejected (pointing at the original)
    published --correct--> published (new verdict version)
    published --retract--> retracted
    reassign: the assignee changes, the state stays
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models import Claim

CHECKERS_GROUP = "Fact-checkers"
EDITORS_GROUP = "Editors"


class State(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    ASSIGNED = "assigned", "Assigned"
    RESEARCHING = "researching", "Researching"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    RETRACTED = "retracted", "Retracted"


# States in which a claim is still work for the desk (queues show these).
OPEN_STATES = (State.SUBMITTED, State.ASSIGNED, State.RESEARCHING, State.IN_REVIEW, State.APPROVED)
# States in which readers see the claim's verdict (with a notice, once retracted).
PUBLIC_STATES = (State.PUBLISHED, State.RETRACTED)
# States in which the researcher gathers evidence and drafts the verdict.
RESEARCH_STATES = (State.ASSIGNED, State.RESEARCHING)


class WorkflowError(Exception):
    """An action that cannot happen; `message` is for the person who tried."""

    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(WorkflowError):
    """This user may not take this action on this claim (HTTP 403)."""

    status = 403


class StaleState(WorkflowError):
    """The claim moved since the page was drawn, or the action does not apply
    to its state (HTTP 409). Nothing was changed."""

    status = 409


class GuardFailed(WorkflowError):
    """The action is permitted but the claim is not ready for it (HTTP 422)."""

    status = 422


def _group_names(user: AbstractBaseUser) -> frozenset[str]:
    # Cached on the user object: a page asks for every action and every row.
    names = getattr(user, "_workflow_groups", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True)) if user.is_authenticated else frozenset()
        user._workflow_groups = names
    return names


def is_editor(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and (user.is_superuser or EDITORS_GROUP in _group_names(user))


def is_checker(user: AbstractBaseUser) -> bool:
    """Anyone who works on the desk: fact-checkers and editors."""
    return is_editor(user) or CHECKERS_GROUP in _group_names(user)


def display_name(user: AbstractBaseUser | None, empty: str = "nobody") -> str:
    """A user's full name, else their username; `empty` for nobody."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Params:
    """What an action's form supplies."""

    note: str = ""
    person: AbstractBaseUser | None = None  # assignee (assign) or requested reviewer (submit)
    verdict: dict[str, Any] | None = None  # rating, summary, explanation (correct)
    original: Claim | None = None  # the claim this one repeats (mark_duplicate)


Rule = Callable[["Claim", "AbstractBaseUser", Params], "str | None"]


# --- Who may act. Each returns None when allowed, or the reason it is refused.


def desk_member(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if is_checker(user):
        return None
    return "Only fact-checkers and editors work on claims."


def editor(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if is_editor(user):
        return None
    return "Only an editor may do this."


def researcher(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if not is_checker(user):
        return desk_member(claim, user, params)
    if is_editor(user) or claim.assignee_id == user.pk:
        return None
    return f"Only the claim's researcher ({display_name(claim.assignee)}) or an editor may do this."


def reviewer(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if not is_checker(user):
        return desk_member(claim, user, params)
    if claim.assignee_id == user.pk:
        return "You researched this claim; a colleague must review it."
    if claim.reviewer_id and claim.reviewer_id != user.pk and not is_editor(user):
        return f"This claim waits for {display_name(claim.reviewer)}'s review."
    return None


# --- Guards: is the claim ready? Same shape as the rules above.


def has_draft_verdict(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    verdict = claim.draft
    if verdict is None or not verdict.rating_id or not verdict.summary.strip():
        return "Write the draft verdict (rating and summary) first."
    return None


def has_evidence(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if not claim.evidence.exists():
        return "Add at least one piece of evidence first."
    return None


def person_on_desk(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if params.person is None or not is_checker(params.person):
        return "Choose a fact-checker or editor."
    return None


def reviewer_is_not_researcher(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if params.person is None:
        return None
    if not is_checker(params.person):
        return "The reviewer must be a fact-checker or editor."
    if params.person.pk == claim.assignee_id:
        return "The reviewer must be someone other than the researcher."
    return None


def has_note(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    return None if params.note.strip() else "Say why, in the note."


def names_an_original(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    original = params.original
    if original is None:
        return "Choose the claim this one repeats."
    if original.pk == claim.pk:
        return "A claim cannot be a duplicate of itself."
    if original.duplicate_of_id:
        return f"Claim #{original.pk} is itself a duplicate: point to claim #{original.duplicate_of_id} instead."
    return None


def has_new_verdict(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    verdict = params.verdict or {}
    if not verdict.get("rating") or not str(verdict.get("summary", "")).strip():
        return "A correction needs a rating and a summary."
    return None


# --- Effects: what an action changes besides the state. The caller holds the
# row lock and saves the claim afterwards.


def set_assignee(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.assignee = params.person


def take(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.assignee = user


def request_reviewer(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    # A resubmission goes back to whoever asked for the changes, unless the
    # researcher names someone else.
    claim.reviewer = params.person or claim.reviewer


def set_reviewer(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.reviewer = user


def set_original(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.duplicate_of = params.original


def back_to_the_pool(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    # A claim closed as a duplicate mid-research had people on it; reopened,
    # it waits to be taken like any new claim.
    claim.duplicate_of = None
    claim.assignee = None
    claim.reviewer = None


def publish(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.publish_draft()


def correct(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.add_verdict_version(author=user, correction_note=params.note, **(params.verdict or {}))


def retract(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.retract(params.note)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[State, ...]
    target: State | None  # None: the state stays
    may: Rule
    guards: tuple[Rule, ...] = ()  # is the claim ready?
    checks: tuple[Rule, ...] = ()  # is the form's input right?
    effect: Callable[[Claim, AbstractBaseUser, Params], None] | None = None
    asks_note: bool = False
    asks_person: str = ""  # "" or the label of the person field
    asks_original: bool = False  # the claim this one repeats
    danger: bool = False
    event: str = ""  # what partners' webhooks are told, for actions readers see

    def refusal(self, claim: Claim, user: AbstractBaseUser, params: Params | None = None) -> WorkflowError | None:
        """Why `user` cannot take this action on `claim` now, or None."""
        params = params or Params()
        if claim.state not in self.sources:
            return StaleState(f"“{self.label}” is not possible: the claim is {claim.get_state_display().lower()}.")
        reason = self.may(claim, user, params)
        if reason:
            return NotPermitted(reason)
        for rule in self.guards + self.checks:
            reason = rule(claim, user, params)
            if reason:
                return GuardFailed(reason)
        return None

    def not_ready_reason(self, claim: Claim, user: AbstractBaseUser) -> str:
        """The first guard that fails, to show beside the button ("" when ready)."""
        return next((reason for guard in self.guards if (reason := guard(claim, user, Params()))), "")


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("take", "Take it", (State.SUBMITTED,), State.ASSIGNED, desk_member, effect=take),
        Action(
            "assign",
            "Assign",
            (State.SUBMITTED,),
            State.ASSIGNED,
            desk_member,
            checks=(person_on_desk,),
            effect=set_assignee,
            asks_person="Assign to",
        ),
        Action(
            "reassign",
            "Reassign",
            (State.ASSIGNED, State.RESEARCHING),
            None,
            desk_member,
            checks=(person_on_desk,),
            effect=set_assignee,
            asks_person="Reassign to",
        ),
        Action(
            "reject",
            "Reject",
            (State.SUBMITTED,),
            State.REJECTED,
            desk_member,
            checks=(has_note,),
            asks_note=True,
            danger=True,
        ),
        # A claim the desk had already closes, pointing at it; when that one
        # is published, its verdict is the answer and no research is needed.
        Action(
            "mark_duplicate",
            "Mark as a duplicate",
            (State.SUBMITTED, State.ASSIGNED, State.RESEARCHING),
            State.REJECTED,
            desk_member,
            checks=(names_an_original,),
            effect=set_original,
            asks_original=True,
        ),
        Action("reopen", "Reopen", (State.REJECTED,), State.SUBMITTED, desk_member, effect=back_to_the_pool),
        Action("start", "Start research", (State.ASSIGNED,), State.RESEARCHING, researcher),
        Action(
            "submit",
            "Submit for review",
            (State.RESEARCHING,),
            State.IN_REVIEW,
            researcher,
            guards=(has_draft_verdict, has_evidence),
            checks=(reviewer_is_not_researcher,),
            effect=request_reviewer,
            asks_person="Reviewer (optional)",
        ),
        Action(
            "request_changes",
            "Request changes",
            (State.IN_REVIEW,),
            State.RESEARCHING,
            reviewer,
            checks=(has_note,),
            effect=set_reviewer,
            asks_note=True,
        ),
        Action(
            "approve",
            "Approve",
            (State.IN_REVIEW,),
            State.APPROVED,
            reviewer,
            guards=(has_draft_verdict, has_evidence),
            effect=set_reviewer,
        ),
        Action(
            "publish",
            "Publish",
            (State.APPROVED,),
            State.PUBLISHED,
            editor,
            guards=(has_draft_verdict,),
            effect=publish,
            event="published",
        ),
        Action(
            "send_back",
            "Send back",
            (State.APPROVED,),
            State.RESEARCHING,
            editor,
            checks=(has_note,),
            asks_note=True,
        ),
        Action(
            "correct",
            "Correct",
            (State.PUBLISHED,),
            None,
            editor,
            checks=(has_note, has_new_verdict),
            effect=correct,
            asks_note=True,
            event="corrected",
        ),
        Action(
            "retract",
            "Retract",
            (State.PUBLISHED,),
            State.RETRACTED,
            editor,
            checks=(has_note,),
            effect=retract,
            asks_note=True,
            danger=True,
            event="retracted",
        ),
    )
}


def default_note(params: Params) -> str:
    """What the activity log says of an action taken without a note."""
    if params.person is not None:
        return f"To {display_name(params.person)}."
    original = params.original
    if original is not None:
        if original.state in PUBLIC_STATES:
            return f"A repeat of claim #{original.pk}, answered by its published verdict."
        return f"A duplicate of claim #{original.pk}."
    return ""


def available_actions(claim: Claim, user: AbstractBaseUser) -> list[tuple[Action, str]]:
    """The actions to offer `user` on `claim`: those from its state that the user
    may take, each with the reason it is not ready yet ("" when it is)."""
    return [
        (action, action.not_ready_reason(claim, user))
        for action in ACTIONS.values()
        if claim.state in action.sources and not action.may(claim, user, Params())
    ]


# --- Research and conversation: not transitions, but rules all the same.


def research_refusal(claim: Claim, user: AbstractBaseUser) -> WorkflowError | None:
    """Why `user` cannot add or change evidence and the draft verdict now."""
    if claim.state not in RESEARCH_STATES:
        return StaleState(
            f"Evidence and the draft verdict change only while the claim is assigned or researching; "
            f"it is {claim.get_state_display().lower()}."
        )
    reason = researcher(claim, user, Params())
    return NotPermitted(reason) if reason else None


def comment_refusal(claim: Claim, user: AbstractBaseUser) -> WorkflowError | None:
    reason = desk_member(claim, user, Params())
    return NotPermitted(reason) if reason else None


def editor_refusal(user: AbstractBaseUser) -> WorkflowError | None:
    """Desk settings (claimant merges, the scale, webhooks) are for editors."""
    return None if is_editor(user) else NotPermitted("Only an editor may do this.")
