"""Who may take an action, whether the claim is ready for it, and what it
changes besides the state: the rules the actions' table (claims.workflow)
is made of. Each rule returns None when allowed, or the reason it is not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claims.workflow.basics import (
    Params,
    display_name,
    is_checker,
    is_editor,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models import Claim


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
    claim.publish_draft(by=user)


def correct(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.add_verdict_version(corrected_by=user, correction_note=params.note, **(params.verdict or {}))


def retract(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.retract(params.note)
