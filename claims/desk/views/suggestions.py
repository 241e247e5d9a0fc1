"""Readers' suggestions on the desk: the triage list, and making a claim of
one, attaching it to a claim the desk has, or dismissing it, each in place."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import workflow
from claims.desk.forms import AttachSuggestionForm, DismissSuggestionForm
from claims.desk.views.access import desk_member_required, fragment
from claims.models import Suggestion

STATUSES = dict(Suggestion.Status.choices)


@desk_member_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Suggestion.Status.NEW)
    suggestions = Suggestion.objects.select_related("claim", "handled_by")
    if status in STATUSES:
        suggestions = suggestions.filter(status=status)
    page = Paginator(suggestions, settings.DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": STATUSES,
        "query": urlencode({"status": status}),
        "attach_form": AttachSuggestionForm(),
        "dismiss_form": DismissSuggestionForm(),
    }
    return render(request, "claims/suggestion_list.html", context)


@require_POST
@desk_member_required
def suggestion_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """make (a new claim), attach (to claim N) or dismiss. HTMX: the row, as
    it now is; a plain post: back to the list (post/redirect/get)."""
    suggestion = get_object_or_404(Suggestion, pk=pk)
    attach_form = AttachSuggestionForm(request.POST if action == "attach" else None)
    dismiss_form = DismissSuggestionForm(request.POST if action == "dismiss" else None)
    status, done = 200, ""
    try:
        if action == "make":
            claim = suggestion.make_claim(by=request.user)
            done = _("Claim #%(number)d made from the suggestion.") % {"number": claim.pk}
        elif action == "attach":
            if attach_form.is_valid():
                suggestion.attach_to(attach_form.cleaned_data["claim"], by=request.user)
                done = _("Attached to claim #%(number)d.") % {"number": suggestion.claim_id}
            else:
                status = 422
        elif action == "dismiss":
            if dismiss_form.is_valid():
                suggestion.dismiss(by=request.user, reason=dismiss_form.cleaned_data["reason"].strip())
                done = _("Suggestion dismissed.")
            else:
                status = 422
        else:
            raise Http404(_("No such action on a suggestion."))
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
        suggestion.refresh_from_db()
        status = error.status
    if done:
        messages.success(request, done)
    if not request.htmx:
        return redirect("desk:suggestions")
    context = {"suggestion": suggestion, "attach_form": attach_form, "dismiss_form": dismiss_form}
    return render(request, fragment(request, "claims/suggestion_list.html", "suggestion-row"), context, status=status)
