"""Sign-off that is not a transition: the desk policy (editors), a conflict
of interest declared on a claim, a quote checked by hand."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import workflow
from claims.desk.forms import DeskPolicyForm, ReasonForm
from claims.desk.views.access import claim_for, desk_member_required, fragment
from claims.desk.views.claims import _after_change, _claim_page, _refused
from claims.models import DeskPolicy


@desk_member_required
def desk_settings(request: HttpRequest) -> HttpResponse:
    """The desk policy: what sign-off means here. Editors only, whoever asks
    for the page or its fragment."""
    refusal = workflow.editor_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal.message)
    policy = DeskPolicy.current()
    form = DeskPolicyForm(request.POST or None, instance=policy)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = DeskPolicy.change(by=request.user, request=request, **form.cleaned_data)
            if changes:
                messages.success(request, _("Desk policy saved: %(changes)s.") % {"changes": "; ".join(changes)})
            else:
                messages.info(request, _("Nothing changed."))
            if not request.htmx:
                return redirect("desk:settings")
            form = DeskPolicyForm(instance=DeskPolicy.current())
        else:
            messages.error(request, _("Check the form below."))
            status = 422
    context = {"form": form, "policy": policy, "history": DeskPolicy.history()}
    return render(request, fragment(request, "claims/desk_settings.html", "policy"), context, status=status)


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
