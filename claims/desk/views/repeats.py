"""Repeats of checked claims on the desk: the list of sentences in which a
published claim came back, and an editor's confirming or dismissing one, in
place. Every desk member may read the list; only editors decide."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import workflow
from claims.desk.views.access import desk_member_required, fragment
from claims.models import Repeat

STATUSES = dict(Repeat.Status.choices)
TEMPLATE = "claims/repeat_list.html"


def _status(value: str | None) -> str:
    """The list's filter: one status, or "all"; new repeats unless asked."""
    return value if value in STATUSES or value == "all" else Repeat.Status.FOUND


@desk_member_required
def repeat_list(request: HttpRequest) -> HttpResponse:
    status = _status(request.GET.get("status"))
    repeats = Repeat.objects.for_list().newest_first()
    if status != "all":
        repeats = repeats.filter(status=status)
    page = Paginator(repeats, settings.DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": STATUSES,
        "query": urlencode({"status": status}),
        "may_decide": workflow.is_editor(request.user),
    }
    return render(request, fragment(request, TEMPLATE, "results"), context)


@require_POST
@desk_member_required
def repeat_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """confirm or dismiss, from the status the editor saw (`status`). HTMX:
    the row as it now is; a plain post: back to the list it came from."""
    if action not in ("confirm", "dismiss"):
        raise Http404(_("No such action on a repeat."))
    repeat = get_object_or_404(Repeat.objects.for_list(), pk=pk)
    status = 200
    try:
        if not workflow.is_editor(request.user):
            raise workflow.NotPermitted(_("Only editors confirm or dismiss repeats."))
        if action == "confirm":
            repeat.confirm(by=request.user, expected=request.POST.get("status", ""))
            messages.success(request, _("Confirmed: the verdict page lists it under “Also said”."))
        else:
            repeat.dismiss(by=request.user, expected=request.POST.get("status", ""))
            messages.success(request, _("Dismissed."))
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
        status = error.status
    listed = _status(request.POST.get("listed"))
    if not request.htmx:
        return redirect(f"{reverse('desk:repeats')}?{urlencode({'status': listed})}")
    repeat = Repeat.objects.for_list().get(pk=pk)
    context = {"repeat": repeat, "may_decide": workflow.is_editor(request.user), "status": listed, "alone": True}
    return render(request, f"{TEMPLATE}#repeat-row", context, status=status)
