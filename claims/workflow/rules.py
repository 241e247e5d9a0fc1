"""Who may take an action, whether the claim is ready for it, and what it
changes besides the state: the rules the actions' table (claims.workflow)
is made of. Each rule returns None when allowed, or the reason it is not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims.workflow.basics import (
    Params,
    Shown,
    display_name,
    is_checker,
    is_editor,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models import Claim


# --- Who may act. Each returns None when allowed, or the reason it is refused.
# A `Shown` reason is drawn beside the action's disabled button; any other
# leaves the action off the page.


def desk_member(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if is_checker(user):
        return None
    return _("Only fact-checkers and editors work on claims.")


def _conflict(claim: Claim, user: AbstractBaseUser) -> str | None:
    if user.pk in claim.conflicted:
        return Shown(_("You declared a conflict of interest on this claim; a colleague must act on it."))
    return None


def at_work(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    """Anyone on the desk but a person who declared a conflict on the claim."""
    return desk_member(claim, user, params) or _conflict(claim, user)


def editor(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if not is_editor(user):
        return _("Only an editor may do this.")
    return _conflict(claim, user)


def researcher(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if not is_checker(user):
        return desk_member(claim, user, params)
    if not is_editor(user) and claim.assignee_id != user.pk:
        return _("Only the claim's researcher (%(name)s) or an editor may do this.") % {
            "name": display_name(claim.assignee)
        }
    return _conflict(claim, user)


def _own_work(claim: Claim, user: AbstractBaseUser) -> str | None:
    """Four eyes by what people did, not by who is assigned now."""
    if user.pk in claim.deeds.researchers:
        return Shown(_("You researched this claim; a colleague must review it."))
    if user.pk in claim.deeds.writers:
        return Shown(_("You wrote its draft verdict; a colleague must review it."))
    return None


def reviewer(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if not is_checker(user):
        return desk_member(claim, user, params)
    refusal = _conflict(claim, user) or _own_work(claim, user)
    if refusal:
        return refusal
    # The requested reviewer looks first; once they approved (or can no
    # longer: a conflict declared), any colleague may add the approvals the
    # policy asks for.
    if (
        claim.reviewer_id
        and claim.reviewer_id != user.pk
        and not is_editor(user)
        and claim.reviewer_id not in claim.approvers
        and claim.reviewer_id not in claim.conflicted
    ):
        return _("This claim waits for %(name)s's review.") % {"name": display_name(claim.reviewer)}
    return None


def approver(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    refusal = reviewer(claim, user, params)
    if refusal:
        return refusal
    if user.pk in claim.approvers:
        missing = claim.approvals_needed - len(claim.approvers)
        return Shown(
            ngettext(
                "You approved it already; it needs %(count)d more approval from colleagues.",
                "You approved it already; it needs %(count)d more approvals from colleagues.",
                missing,
            )
            % {"count": missing}
        )
    return None


def publisher(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    refusal = editor(claim, user, params)
    if refusal:
        return refusal
    if user.pk in claim.contributors and not claim.policy.editor_may_publish_own:
        return Shown(_("You researched or wrote this claim; the desk's policy asks another editor to publish it."))
    return None


# --- Guards: is the claim ready? Same shape as the rules above.


def has_draft_verdict(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    verdict = claim.draft
    if verdict is None or not verdict.rating_id or not verdict.summary.strip():
        return _("Write the draft verdict (rating and summary) first.")
    return None


def has_evidence(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if not claim.evidence_facts.sourced:
        return _("Add at least one piece of evidence first.")
    return None


def meets_evidence_checklist(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    """The desk policy's evidence checklist."""
    facts, policy = claim.evidence_facts, claim.policy
    if facts.sourced < policy.min_evidence:
        wanted = policy.min_evidence
        return ngettext(
            "Add at least %(wanted)d piece of evidence with a source first (the desk's policy; %(have)d so far).",
            "Add at least %(wanted)d pieces of evidence with a source first (the desk's policy; %(have)d so far).",
            wanted,
        ) % {"wanted": wanted, "have": facts.sourced}
    if len(facts.sites) < policy.min_sites:
        return _("Cite at least %(wanted)d different sites (the desk's policy); the evidence cites %(have)d.") % {
            "wanted": policy.min_sites,
            "have": len(facts.sites),
        }
    if policy.needs_fetched_copy and not facts.fetched:
        return _("The desk's policy asks for at least one cited page fetched and stored; none is yet.")
    return None


def quotes_checked(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    missing = claim.evidence_facts.quotes_to_check
    if missing:
        return ngettext(
            "%(count)d quote was not found in the source: check each by hand (saying why) or remove it.",
            "%(count)d quotes were not found in the source: check each by hand (saying why) or remove it.",
            missing,
        ) % {"count": missing}
    return None


def person_on_desk(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    if params.person is None or not is_checker(params.person):
        return _("Choose a fact-checker or editor.")
    if params.person.pk in claim.conflicted:
        return _("%(name)s declared a conflict of interest on this claim.") % {"name": display_name(params.person)}
    return None


def reviewer_is_not_researcher(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    person = params.person
    if person is None:
        return None
    if not is_checker(person):
        return _("The reviewer must be a fact-checker or editor.")
    if person.pk in claim.contributors or person.pk == user.pk:
        return _("The reviewer must be someone other than the researcher: %(name)s researched or wrote this claim.") % {
            "name": display_name(person)
        }
    if person.pk in claim.conflicted:
        return _("%(name)s declared a conflict of interest on this claim.") % {"name": display_name(person)}
    return None


# --- Whom a person field may not offer.


def unfit_to_review(claim: Claim, user: AbstractBaseUser) -> frozenset[int]:
    return claim.contributors | claim.conflicted | {user.pk}


def unfit_to_research(claim: Claim, user: AbstractBaseUser) -> frozenset[int]:
    return claim.conflicted


# --- The approvals the policy asks for.


def approvals_with(claim: Claim, user: AbstractBaseUser) -> tuple[int, int]:
    """(approvals counting this one, approvals needed)."""
    return len(set(claim.approvers) | {user.pk}), claim.approvals_needed


def has_note(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    return None if params.note.strip() else _("Say why, in the note.")


def names_an_original(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    original = params.original
    if original is None:
        return _("Choose the claim this one repeats.")
    if original.pk == claim.pk:
        return _("A claim cannot be a duplicate of itself.")
    if original.duplicate_of_id:
        return _("Claim #%(number)s is itself a duplicate: point to claim #%(original)s instead.") % {
            "number": original.pk,
            "original": original.duplicate_of_id,
        }
    return None


def has_new_verdict(claim: Claim, user: AbstractBaseUser, params: Params) -> str | None:
    verdict = params.verdict or {}
    if not verdict.get("rating") or not str(verdict.get("summary", "")).strip():
        return _("A correction needs a rating and a summary.")
    return None


# --- Effects: what an action changes besides the state. The caller holds the
# row lock and saves the claim afterwards.


def set_assignee(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.assignee = params.person


def take(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    claim.assignee = user


def submit(claim: Claim, user: AbstractBaseUser, params: Params) -> None:
    # A resubmission goes back to whoever asked for the changes, unless the
    # researcher names someone else; it keeps the time of the first.
    claim.reviewer = params.person or claim.reviewer
    claim.submitted_at = claim.submitted_at or timezone.now()


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
