"""The desk policy: what sign-off means on this desk (editors)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from claims.desk.forms import DeskPolicyForm
from claims.desk.views.access import desk_member_required, fragment, refuse_unless_editor
from claims.models import DeskPolicy


@desk_member_required
def desk_settings(request: HttpRequest) -> HttpResponse:
    """The desk policy: what sign-off means here. Editors only, whoever asks
    for the page or its fragment."""
    refuse_unless_editor(request)
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
