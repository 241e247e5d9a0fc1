"""The review workflow: states, actions, who may take them and their guards.

This module is the one place that decides what is allowed. `Claim.transition()`
applies an action inside a transaction with the claim row locked; views only
ask `available_actions()` what to offer and call `transition()`. It imports no
model: it is the bottom layer, and the models build on it.

    submitted --assign/take--> assigned --start--> researching --submit--> in_review
    in_review --approve--> approved --publish--> published
        (approve moves on once as many distinct colleagues as the desk policy
        asks approved; before that each approval is logged, the state stays)
    in_review --request_changes--> researching     approved --send_back--> researching
    submitted --reject--> rejected --reopen--> submitted
    submitted/assigned/researching --mark_duplicate--> rejected (pointing at the original)
    published --correct--> published (new verdict version)
    published --retract--> retracted
    reassign: the assignee changes, the state stays

The vocabulary is in `basics`, the rules the table is made of in `rules`;
import everything from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.workflow.basics import (
    CHECKERS_GROUP,
    EDITORS_GROUP,
    OPEN_STATES,
    PUBLIC_STATES,
    RESEARCH_STATES,
    GuardFailed,
    NotPermitted,
    Params,
    Rule,
    Shown,
    StaleState,
    State,
    WorkflowError,
    display_name,
    is_checker,
    is_editor,
)
from claims.workflow.editing import (
    CLAIM_FIELDS,
    article_edit_refusal,
    claim_edit_refusal,
    draft_conflict,
    editable_claim_fields,
    evidence_edit_refusal,
    is_correction,
)
from claims.workflow.rules import (
    approvals_with,
    approver,
    at_work,
    back_to_the_pool,
    correct,
    desk_member,
    editor,
    has_draft_verdict,
    has_evidence,
    has_new_verdict,
    has_note,
    meets_evidence_checklist,
    names_an_original,
    person_on_desk,
    publish,
    publisher,
    quotes_checked,
    researcher,
    retract,
    reviewer,
    reviewer_is_not_researcher,
    set_assignee,
    set_original,
    set_reviewer,
    submit,
    take,
    unfit_to_research,
    unfit_to_review,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models import Claim

__all__ = [
    "ACTIONS",
    "CHECKERS_GROUP",
    "CLAIM_FIELDS",
    "EDITORS_GROUP",
    "OPEN_STATES",
    "PUBLIC_STATES",
    "RESEARCH_STATES",
    "Action",
    "GuardFailed",
    "NotPermitted",
    "Params",
    "Rule",
    "Shown",
    "StaleState",
    "State",
    "WorkflowError",
    "article_edit_refusal",
    "available_actions",
    "claim_edit_refusal",
    "comment_refusal",
    "default_note",
    "display_name",
    "draft_conflict",
    "editable_claim_fields",
    "editor_refusal",
    "evidence_edit_refusal",
    "is_checker",
    "is_correction",
    "is_editor",
    "research_refusal",
]


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # lazily translated: drawn in the reader's language
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
    # The people the person field must not offer (they would be refused).
    unfit: Callable[[Claim, AbstractBaseUser], frozenset[int]] | None = None
    # An action taken by several people before it moves the claim: (how many
    # with this one, how many needed). Short of the count, the state stays.
    tally: Callable[[Claim, AbstractBaseUser], tuple[int, int]] | None = None

    def refusal(self, claim: Claim, user: AbstractBaseUser, params: Params | None = None) -> WorkflowError | None:
        """Why `user` cannot take this action on `claim` now, or None."""
        params = params or Params()
        if claim.state not in self.sources:
            return StaleState(
                gettext("“%(action)s” is not possible: the claim is %(state)s.")
                % {"action": self.label, "state": claim.get_state_display().lower()}
            )
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

    def reaches_target(self, claim: Claim, user: AbstractBaseUser) -> bool:
        """Whether `user` taking it now moves the claim to `target`."""
        if self.tally is None:
            return True
        done, needed = self.tally(claim, user)
        return done >= needed

    def note(self, claim: Claim, user: AbstractBaseUser, params: Params) -> str:
        """What the activity log says of it."""
        if params.note:
            return params.note
        if self.tally is not None:
            done, needed = self.tally(claim, user)
            if needed > 1:
                return gettext("Approval %(done)s of %(needed)s.") % {"done": done, "needed": needed}
        return default_note(params)


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("take", _("Take it"), (State.SUBMITTED,), State.ASSIGNED, at_work, effect=take),
        Action(
            "assign",
            _("Assign"),
            (State.SUBMITTED,),
            State.ASSIGNED,
            at_work,
            checks=(person_on_desk,),
            effect=set_assignee,
            asks_person=_("Assign to"),
            unfit=unfit_to_research,
        ),
        Action(
            "reassign",
            _("Reassign"),
            (State.ASSIGNED, State.RESEARCHING),
            None,
            at_work,
            checks=(person_on_desk,),
            effect=set_assignee,
            asks_person=_("Reassign to"),
            unfit=unfit_to_research,
        ),
        Action(
            "reject",
            _("Reject"),
            (State.SUBMITTED,),
            State.REJECTED,
            at_work,
            checks=(has_note,),
            asks_note=True,
            danger=True,
        ),
        # A claim the desk had already closes, pointing at it; when that one
        # is published, its verdict is the answer and no research is needed.
        Action(
            "mark_duplicate",
            _("Mark as a duplicate"),
            (State.SUBMITTED, State.ASSIGNED, State.RESEARCHING),
            State.REJECTED,
            at_work,
            checks=(names_an_original,),
            effect=set_original,
            asks_original=True,
        ),
        Action("reopen", _("Reopen"), (State.REJECTED,), State.SUBMITTED, at_work, effect=back_to_the_pool),
        Action("start", _("Start research"), (State.ASSIGNED,), State.RESEARCHING, researcher),
        Action(
            "submit",
            _("Submit for review"),
            (State.RESEARCHING,),
            State.IN_REVIEW,
            researcher,
            guards=(has_draft_verdict, meets_evidence_checklist, quotes_checked),
            checks=(reviewer_is_not_researcher,),
            effect=submit,
            asks_person=_("Reviewer (optional)"),
            unfit=unfit_to_review,
        ),
        Action(
            "request_changes",
            _("Request changes"),
            (State.IN_REVIEW,),
            State.RESEARCHING,
            reviewer,
            checks=(has_note,),
            effect=set_reviewer,
            asks_note=True,
        ),
        Action(
            "approve",
            _("Approve"),
            (State.IN_REVIEW,),
            State.APPROVED,
            approver,
            guards=(has_draft_verdict, has_evidence),
            effect=set_reviewer,
            tally=approvals_with,
        ),
        Action(
            "publish",
            _("Publish"),
            (State.APPROVED,),
            State.PUBLISHED,
            publisher,
            guards=(has_draft_verdict,),
            effect=publish,
            event="published",
        ),
        Action(
            "send_back",
            _("Send back"),
            (State.APPROVED,),
            State.RESEARCHING,
            editor,
            checks=(has_note,),
            asks_note=True,
        ),
        Action(
            "correct",
            _("Correct"),
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
            _("Retract"),
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
        return gettext("To %(name)s.") % {"name": display_name(params.person)}
    original = params.original
    if original is not None:
        if original.state in PUBLIC_STATES:
            return gettext("A repeat of claim #%(number)s, answered by its published verdict.") % {
                "number": original.pk
            }
        return gettext("A duplicate of claim #%(number)s.") % {"number": original.pk}
    return ""


def available_actions(claim: Claim, user: AbstractBaseUser) -> list[tuple[Action, str]]:
    """The actions to offer `user` on `claim`: those from its state that the user
    may take, each with the reason it is not ready yet ("" when it is); and
    those a sign-off rule refuses them (`Shown`), with that reason, for the
    page to show beside a disabled button."""
    offered = []
    for action in ACTIONS.values():
        if claim.state not in action.sources:
            continue
        refusal = action.may(claim, user, Params())
        if refusal is None:
            offered.append((action, action.not_ready_reason(claim, user)))
        elif isinstance(refusal, Shown):
            offered.append((action, refusal))
    return offered


# --- Research and conversation: not transitions, but rules all the same.


def research_refusal(claim: Claim, user: AbstractBaseUser) -> WorkflowError | None:
    """Why `user` cannot add or change evidence and the draft verdict now."""
    if claim.state not in RESEARCH_STATES:
        return StaleState(
            gettext(
                "Evidence and the draft verdict change only while the claim is assigned or researching; "
                "it is %(state)s."
            )
            % {"state": claim.get_state_display().lower()}
        )
    reason = researcher(claim, user, Params())
    return NotPermitted(reason) if reason else None


def comment_refusal(claim: Claim, user: AbstractBaseUser) -> WorkflowError | None:
    reason = desk_member(claim, user, Params())
    return NotPermitted(reason) if reason else None


def editor_refusal(user: AbstractBaseUser) -> WorkflowError | None:
    """Desk settings (claimant merges, the scale, webhooks) are for editors."""
    return None if is_editor(user) else NotPermitted(gettext("Only an editor may do this."))
