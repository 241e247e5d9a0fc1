"""A claim's page and everything done on it in place: transitions, evidence,
the draft verdict, comments. Every view answers an HTMX request with the
fragment it changed and a plain post with a redirect (post/redirect/get), so
the desk works with JavaScript off."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import limits, params, workflow
from claims.desk.drawn import draw_forms, drawn, with_token
from claims.desk.forms import (
    ClaimForm,
    CommentForm,
    CorrectionForm,
    EvidenceForm,
    ReasonForm,
    TransitionForm,
    VerdictForm,
)
from claims.desk.views.access import claim_for, desk_member_required, fragment
from claims.models import Claim
from claims.partners.matching import similar_external
from claims.public.prepublish import check_before_publishing


@desk_member_required
def claim_new(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = Claim.objects.add(by=request.user, **form.cleaned_data)
        messages.success(request, _("Claim added to the desk."))
        return redirect(claim)
    return render(request, "claims/claim_new.html", {"form": form}, status=422 if form.errors else 200)


@desk_member_required
def similar_claims(request: HttpRequest) -> HttpResponse:
    """Checked before? The claims like the text typed so far: a page of its
    own, and (HTMX) the list beside the new-claim form as one types."""
    text = request.GET.get("text", "")
    if request.GET.get("others") == "1":  # a claim's page asks for other desks' verdicts alone, once loaded
        return render(request, "claims/similar_claims.html#others-list", {"others": similar_external(text)})
    # quiet: beside a spotted sentence, say nothing when nothing is alike.
    context = {
        "text": text,
        "similar": Claim.objects.similar_to(text),
        "others": similar_external(text),
        "quiet": request.GET.get("quiet") == "1",
    }
    return render(request, fragment(request, "claims/similar_claims.html", "similar-list"), context)


def _claim_page(
    request: HttpRequest, claim: Claim, *, status: int = 200, conflict: dict[str, Any] | None = None, **forms: Any
) -> HttpResponse:
    """The claim page, or (HTMX) its main fragment, with any bound forms the
    caller passes to show their errors, and a draft verdict `conflict` to show.

    Its body is drawn once per state of the claim and the person
    (`_page_state`), then read from the cache (claims.desk.drawn) until
    either changes. The answer to a post (a change, a refusal, a form's
    errors) is drawn for its request alone."""
    every = request.GET.get("evidence") == "all"

    def draw() -> str:
        context = _page_context(request.user, claim, every=every, conflict=conflict, forms=forms)
        return draw_forms("claims/claim_detail.html#claim-body", context, request)

    cached = request.method == "GET" and status == 200 and not forms and conflict is None
    state = _page_state(request.user, claim, every=every) if cached else None
    body = draw() if state is None else drawn("claim", state, draw, settings.DESK_QUEUE_CACHE_SECONDS)
    context = {"claim": claim, "body": with_token(request, body)}
    return render(request, fragment(request, "claims/claim_detail.html", "claim-main"), context, status=status)


def _page_state(user: Any, claim: Claim, *, every: bool) -> str:
    """Everything the claim page shows, as far as one row of `for_desk_page`
    tells: the claim's own fields and people, the stamps of its log, sources,
    repeats and original, the policy, the person and their role, and the day
    (overdue). People's names, the rating scale and the claims that read
    alike wait for the cache's expiry at most."""
    own = [getattr(claim, field.attname) for field in Claim._meta.concrete_fields]
    stamps = [claim.last_logged, claim.sources_changed, claim.repeats_changed, claim.original_changed]
    people = [workflow.display_name(claim.assignee), workflow.display_name(claim.reviewer)]
    person = [user.pk, workflow.is_editor(user), workflow.is_checker(user)]
    return repr([*own, *stamps, claim.desk_policy, *people, *person, timezone.localdate(), every])


def _page_context(
    user: Any, claim: Claim, *, every: bool, conflict: dict[str, Any] | None, forms: dict[str, Any]
) -> dict[str, Any]:
    claim.load_verdicts()
    draft = claim.draft
    evidence = _evidence_shown(claim, every=every)
    can_research = workflow.research_refusal(claim, user) is None
    actions = []
    people = None  # the desk's people, read once for every form that asks for one
    for action, not_ready in claim.available_actions(user):
        form = forms.get(f"action_{action.name}") or _action_form(action, claim)
        if action.asks_person:
            people = form.offer_people(people, unfit=action.unfit(claim, user) if action.unfit else ())
        actions.append({"action": action, "not_ready": not_ready, "form": form})
    publishing = any(item["action"].name == "publish" for item in actions)
    shown = len(evidence)
    if publishing and shown < claim.evidence_facts.pieces:  # the check before publishing reads every piece
        evidence = _evidence_shown(claim, every=True)
    may_mark_duplicate = any(item["action"].name == "mark_duplicate" for item in actions)
    return {
        "claim": claim,
        "actions": actions,
        # Checked before? Offered while the claim is still to be researched.
        "similar": Claim.objects.exclude(pk=claim.pk).similar_to(claim.text) if may_mark_duplicate else [],
        "may_mark_duplicate": may_mark_duplicate,
        # claim_for tells whether there are any, sparing the page a query.
        "duplicates": claim.duplicates.all() if getattr(claim, "repeats_changed", True) else [],
        "evidence": evidence[:shown],
        "evidence_hidden": claim.evidence_facts.pieces - shown,
        # The version the desk works on, else the one readers see.
        "verdict": draft or claim.current_verdict,
        "versions": claim.versions[::-1],
        "activities": _activity_page(claim, 1),
        "can_research": can_research,
        "can_edit": bool(workflow.editable_claim_fields(claim, user)),
        "can_edit_evidence": workflow.evidence_edit_refusal(claim, user, "(asked)") is None,
        "draft_conflict": conflict,
        "evidence_form": forms.get("evidence_form") or (EvidenceForm() if can_research else None),
        "verdict_form": forms.get("verdict_form") or (_verdict_form(draft) if can_research else None),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "publishing_check": check_before_publishing(claim, evidence) if publishing else None,
        **_signoff_context(claim, user),
    }


def _evidence_shown(claim: Claim, *, every: bool) -> list[Any]:
    """The evidence the page draws, with their sources and people: the first
    pieces, or `every` one. Drawing a piece costs the page more than reading
    it, and reading one (a source and two people) more than the sign-off
    rules' slim row, which they read on their own when the page has not read
    every piece."""
    pieces = claim.evidence.with_sources().select_related("added_by", "hand_checked_by")
    shown = settings.DESK_EVIDENCE_SHOWN
    evidence = list(pieces if every else pieces[: shown + 1])  # one more tells whether there are more
    if every or len(evidence) <= shown:
        claim.know_evidence(evidence)  # all of it: the rules read it rather than ask again
        return evidence
    return evidence[:shown]


def _signoff_context(claim: Claim, user: Any) -> dict[str, Any]:
    """Who declared a conflict, and (in review) the approvals so far: read
    with the deeds the rules already read, and the policy only in review."""
    context: dict[str, Any] = {"conflicts": claim.deeds.conflicts, "my_conflict": user.pk in claim.conflicted}
    if claim.state == workflow.State.IN_REVIEW:
        context["approvals"] = {"names": claim.approver_names, "needed": claim.approvals_needed}
    return context


def _form_class(action: str) -> type[TransitionForm]:
    """A correction carries a new verdict; every other action a note at most."""
    return CorrectionForm if action == "correct" else TransitionForm


def _action_form(action: workflow.Action, claim: Claim) -> TransitionForm:
    form_class = _form_class(action.name)
    initial: dict[str, Any] = {"state": claim.state, "revision": claim.revision}
    if action.name == "correct" and claim.current_verdict:
        verdict = claim.current_verdict
        initial.update(rating=verdict.rating, summary=verdict.summary, explanation=verdict.explanation)
    return form_class(initial=initial, prefix=action.name)


def _verdict_form(draft: Any) -> VerdictForm:
    if draft is None:
        return VerdictForm(initial={"based_on": None})
    return VerdictForm(
        initial={
            "rating": draft.rating,
            "summary": draft.summary,
            "explanation": draft.explanation,
            "based_on": draft.revision,
        }
    )


def _after_change(request: HttpRequest, claim: Claim, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return _claim_page(request, claim)
    return redirect(claim)


def _refused(request: HttpRequest, claim: Claim, error: workflow.WorkflowError) -> HttpResponse:
    messages.error(request, error.message)
    claim.refresh_from_db()
    claim.forget_verdicts()
    return _claim_page(request, claim, status=error.status)


@desk_member_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk)
    if request.htmx and request.htmx.target == "claim-head":  # Cancel on the edit form
        context = {"claim": claim, "can_edit": bool(workflow.editable_claim_fields(claim, request.user))}
        return render(request, "claims/claim_detail.html#claim-head", context | {"duplicates": claim.duplicates.all()})
    return _claim_page(request, claim)


@require_POST
@desk_member_required
def claim_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    claim = claim_for(request.user, pk)
    form = _form_class(action)(request.POST, prefix=action)
    if not form.is_valid():
        messages.error(request, _("Check the form below."))
        return _claim_page(request, claim, status=422, **{f"action_{action}": form})
    try:
        claim = claim.transition(
            action,
            by=request.user,
            expected_state=form.cleaned_data["state"],
            expected_revision=form.cleaned_data["revision"],
            params=form.params(),
        )
    except workflow.WorkflowError as error:
        return _refused(request, claim, error)
    label = workflow.ACTIONS[action].label
    return _after_change(
        request,
        claim,
        _("%(action)s: done. The claim is %(state)s.") % {"action": label, "state": claim.get_state_display().lower()},
    )


@require_POST
@desk_member_required
def claim_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, status=422, evidence_form=form)
    if form.cleaned_data["url"] and limits.over_limit(request, "cite"):
        messages.error(request, limits.refusal("cite"))
        return _claim_page(request, claim, status=429, evidence_form=form)
    try:
        claim.add_evidence(by=request.user, **form.cleaned_data)
    except workflow.WorkflowError as error:
        return _refused(request, claim, error)
    return _after_change(request, claim, _("Evidence added."))


@require_POST
@desk_member_required
def claim_evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk)
    try:
        claim.remove_evidence(by=request.user, evidence_id=evidence_pk)
    except workflow.WorkflowError as error:
        return _refused(request, claim, error)
    return _after_change(request, claim, _("Evidence removed."))


def _evidence_fragment(
    request: HttpRequest, claim: Claim, evidence_pk: int, *, status: int | None = None
) -> HttpResponse:
    item = get_object_or_404(
        claim.evidence.with_sources().select_related("added_by", "hand_checked_by"), pk=evidence_pk
    )
    if not request.htmx:
        return redirect(f"{claim.get_absolute_url()}#evidence-{item.pk}")
    context = {
        "claim": claim,
        "item": item,
        "can_research": workflow.research_refusal(claim, request.user) is None,
        "can_edit_evidence": workflow.evidence_edit_refusal(claim, request.user, "(asked)") is None,
    }
    # 286 tells htmx to stop polling: the fetch is over.
    status = status or (286 if item.source is None or item.source.is_settled else 200)
    return render(request, "claims/claim_detail.html#evidence-item", context, status=status)


@desk_member_required
def evidence_item(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """One piece of evidence and its source's fetch status: the claim page
    polls this while a fetch is under way."""
    return _evidence_fragment(request, claim_for(request.user, pk), evidence_pk)


@require_POST
@desk_member_required
def evidence_refetch(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk)
    get_object_or_404(claim.evidence, pk=evidence_pk, source__isnull=False)
    if limits.over_limit(request, "refetch"):
        messages.error(request, limits.refusal("refetch"))
        return _evidence_fragment(request, claim, evidence_pk, status=429)
    if claim.refetch_source(by=request.user, evidence_id=evidence_pk):
        messages.success(request, _("Fetching the source again."))
    return _evidence_fragment(request, claim, evidence_pk)


@require_POST
@desk_member_required
def claim_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, status=422, verdict_form=form)
    try:
        claim.save_draft_verdict(by=request.user, **form.cleaned_data)
    except workflow.WorkflowError as error:
        theirs = getattr(error, "draft", None)
        if theirs is None:
            return _refused(request, claim, error)
        # Both texts stay: the saved one, and this person's beside it with
        # a form to save theirs over it, knowingly.
        messages.error(request, error.message)
        mine = {name: form.cleaned_data[name] for name in ("rating", "summary", "explanation")}
        again = VerdictForm(initial=mine | {"based_on": theirs.revision}, auto_id="mine-%s")
        return _claim_page(
            request, claim, status=error.status, conflict={"theirs": theirs, "mine": mine, "form": again}
        )
    return _after_change(request, claim, _("Draft verdict saved."))


@require_POST
@desk_member_required
def claim_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    """Declare a conflict of interest on the claim, for oneself."""
    claim = claim_for(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you have a conflict of interest."))
        return _claim_page(request, claim, status=422)
    try:
        claim.declare_conflict(by=request.user, reason=form.cleaned_data["reason"])
    except workflow.WorkflowError as error:
        return _refused(request, claim, error)
    return _after_change(request, claim, _("Conflict of interest declared: a colleague will act on this claim."))


@require_POST
@desk_member_required
def evidence_hand_check(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Vouch for a quote the worker did not find in its source, saying why."""
    claim = claim_for(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how you checked the quote."))
        return _claim_page(request, claim, status=422)
    try:
        claim.check_quote_by_hand(by=request.user, evidence_id=evidence_pk, reason=form.cleaned_data["reason"])
    except workflow.WorkflowError as error:
        return _refused(request, claim, error)
    return _after_change(request, claim, _("Quote marked as checked by hand."))


@require_POST
@desk_member_required
def claim_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment changes nothing but the timeline: an HTMX post gets the
    timeline back, not the whole claim."""
    claim = claim_for(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        claim.comment(by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Comment added."))
        if not request.htmx:
            return redirect(claim)
        form = CommentForm()
    elif not request.htmx:
        return _claim_page(request, claim, status=422, comment_form=form)
    context = {"claim": claim, "comment_form": form, "activities": _activity_page(claim, 1)}
    return render(request, "claims/claim_detail.html#timeline", context, status=200 if not form.errors else 422)


@dataclass(frozen=True)
class ActivityPage:
    entries: list[Any]
    number: int
    has_next: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.entries)

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _activity_page(claim: Claim, number: Any) -> ActivityPage:
    """The claim's log, newest first, a page at a time: a claim worked on for
    months has thousands of entries, and its page shows the latest. One row
    more than a page tells whether there are older ones, without a count."""
    number = params.page_number(number)
    size = settings.DESK_ACTIVITY_PAGE_SIZE
    start = (number - 1) * size
    entries = list(claim.activities.select_related("actor")[start : start + size + 1])
    return ActivityPage(entries[:size], number, len(entries) > size)


@desk_member_required
def claim_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """Older entries of the log: (HTMX) the next page's entries, which take
    the place of the "Older" link; a page of their own without JavaScript."""
    claim = claim_for(request.user, pk)
    context = {"claim": claim, "activities": _activity_page(claim, request.GET.get("page"))}
    return render(request, fragment(request, "claims/claim_activity.html", "activity-entries"), context)
