"""Who may correct what, in which state: a claim's wording and planning, its
evidence, and the articles claims appeared in. `Claim.edit`,
`Claim.edit_evidence` and `Article.edit` ask here under the row lock; the desk
asks the same functions what to offer.

A claim's fields, by state:

    state                  text, claimant, when and where    priority, due date
    submitted              any desk member                   any desk member
    assigned, researching  its researcher or an editor       any desk member
    in_review, approved    nobody: request changes or send   any desk member
                           it back first (the review is of
                           this wording)
    published              an editor, as a correction with   -
                           a note readers see
    rejected               nobody: reopen it first           -
    retracted              nobody: the notice stands         -

Evidence changes like the draft verdict does (assigned or researching, by the
researcher or an editor), and after publication as a correction (an editor,
with a note). An article changes by any desk member while none of its claims
is public; once one is, by an editor with a correction note, which corrects
every published claim in it.

A correction of what readers see publishes a new verdict version with the same
rating and summary and the note, so the public page lists it among its
corrections and partners are told."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from claims.workflow.basics import (
    OPEN_STATES,
    PUBLIC_STATES,
    RESEARCH_STATES,
    GuardFailed,
    NotPermitted,
    Params,
    StaleState,
    State,
    WorkflowError,
    is_checker,
    is_editor,
)
from claims.workflow.rules import researcher

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models import Claim

# What readers see of a claim (after publication, changed only by a correction).
CLAIM_WORDING = ("text", "claimant", "said_on", "appearance", "appearance_url")
# The desk's planning: never shown to readers.
CLAIM_PLANNING = ("priority", "due_on")
CLAIM_FIELDS = CLAIM_WORDING + CLAIM_PLANNING
EVIDENCE_FIELDS = ("url", "offline_source", "quote", "note", "stance")
ARTICLE_FIELDS = ("title", "outlet", "url", "author", "published_on", "body")


def draft_conflict(message: str, draft: Any) -> StaleState:
    """Someone saved the draft verdict since the form was drawn: a StaleState
    that carries the version saved (`draft`), so the desk can show the text
    that lost beside it."""
    error = StaleState(message)
    error.draft = draft
    return error


def _not_on_desk(user: AbstractBaseUser) -> WorkflowError | None:
    return None if is_checker(user) else NotPermitted(_("Only fact-checkers and editors work on claims."))


def _as_correction(user: AbstractBaseUser, correction_note: str) -> WorkflowError | None:
    if not is_editor(user):
        return NotPermitted(_("After publication only an editor may change what readers see, as a correction."))
    if not correction_note.strip():
        return GuardFailed(_("Say what was corrected, in the correction note: readers see it."))
    return None


def wording_refusal(claim: Claim, user: AbstractBaseUser, correction_note: str = "") -> WorkflowError | None:
    """Why `user` cannot change the claim's text, claimant, date or
    appearance now, or None."""
    state = claim.state
    if state == State.SUBMITTED:
        return None
    if state in RESEARCH_STATES:
        reason = researcher(claim, user, Params())
        return NotPermitted(reason) if reason else None
    if state == State.IN_REVIEW:
        return StaleState(_("The claim is in review: request changes first, then edit its wording."))
    if state == State.APPROVED:
        return StaleState(_("The claim is approved: an editor sends it back first, then its wording can change."))
    if state == State.PUBLISHED:
        return _as_correction(user, correction_note)
    if state == State.REJECTED:
        return StaleState(_("The claim is rejected: reopen it first."))
    return StaleState(_("The verdict was retracted; its claim no longer changes."))


def planning_refusal(claim: Claim, user: AbstractBaseUser) -> WorkflowError | None:
    if claim.state not in OPEN_STATES:
        return StaleState(
            _("Priority and due date change only while the claim is open; it is %(state)s.")
            % {"state": claim.get_state_display().lower()}
        )
    return None


def claim_edit_refusal(
    claim: Claim, user: AbstractBaseUser, fields: Iterable[str], correction_note: str = ""
) -> WorkflowError | None:
    """Why `user` cannot change these fields of `claim` now, or None."""
    refusal = _not_on_desk(user)
    if refusal:
        return refusal
    fields = set(fields)
    if fields & set(CLAIM_WORDING):
        refusal = wording_refusal(claim, user, correction_note)
        if refusal:
            return refusal
    if fields & set(CLAIM_PLANNING):
        return planning_refusal(claim, user)
    return None


def editable_claim_fields(claim: Claim, user: AbstractBaseUser) -> tuple[str, ...]:
    """The fields `user` may change on `claim` now (a correction note still
    to be given, after publication): what the edit form offers."""
    if _not_on_desk(user):
        return ()
    fields: tuple[str, ...] = ()
    if not wording_refusal(claim, user, correction_note="(asked)"):
        fields += CLAIM_WORDING
    if not planning_refusal(claim, user):
        fields += CLAIM_PLANNING
    return fields


def is_correction(state: str) -> bool:
    """Edits in this state change what readers see: each is a correction."""
    return state == State.PUBLISHED


def evidence_edit_refusal(claim: Claim, user: AbstractBaseUser, correction_note: str = "") -> WorkflowError | None:
    """Why `user` cannot change a piece of `claim`'s evidence now, or None."""
    refusal = _not_on_desk(user)
    if refusal:
        return refusal
    if claim.state in RESEARCH_STATES:
        reason = researcher(claim, user, Params())
        return NotPermitted(reason) if reason else None
    if claim.state == State.PUBLISHED:
        return _as_correction(user, correction_note)
    if claim.state in (State.IN_REVIEW, State.APPROVED):
        return StaleState(_("Evidence changes while the claim is researched: request changes or send it back first."))
    return StaleState(
        _("Evidence changes only while the claim is assigned or researching; it is %(state)s.")
        % {"state": claim.get_state_display().lower()}
    )


def article_edit_refusal(
    user: AbstractBaseUser, claim_states: Iterable[str], correction_note: str = ""
) -> WorkflowError | None:
    """Why `user` cannot change an article whose claims are in
    `claim_states`, or None. Readers see an article with its claims' verdicts."""
    refusal = _not_on_desk(user)
    if refusal:
        return refusal
    if any(state in PUBLIC_STATES for state in claim_states):
        return _as_correction(user, correction_note)
    return None
