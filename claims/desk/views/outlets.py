"""Watched outlets: the list with each one's polling status for the desk,
and for editors adding one, pausing, resuming and deleting, each in place."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import workflow
from claims.desk.forms import OutletForm
from claims.desk.views.access import desk_member_required, fragment, refuse_unless_editor
from claims.models import Outlet
from claims.models.outlets import OutletRefused


@desk_member_required
def outlet_list(request: HttpRequest) -> HttpResponse:
    """Every outlet and how its polling goes; POST (editors) watches one more.
    An HTMX post answers with the form and the list."""
    form = OutletForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refuse_unless_editor(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                outlet = Outlet.objects.watch(by=request.user, name=data["name"], url=data["url"], every=data["every"])
            except OutletRefused as refused:
                form.add_error("url", refused.message)
                status = 422
            else:
                messages.success(
                    request, _("Watching %(name)s; its first poll comes within a minute.") % {"name": outlet.name}
                )
                if not request.htmx:
                    return redirect("desk:outlets")
                form = OutletForm()
        else:
            status = 422
    outlets = Outlet.objects.order_by("name", "pk")
    page = Paginator(outlets, settings.DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "may_manage": workflow.is_editor(request.user)}
    return render(request, fragment(request, "claims/outlet_list.html", "outlets"), context, status=status)


@require_POST
@desk_member_required
def outlet_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """pause, resume or delete (editors). HTMX: the outlet's row as it now is
    (nothing for a deleted one), with what was done; a plain post: back to
    the list. A second click or a stale page changes nothing and says so (409)."""
    refuse_unless_editor(request)
    if action not in ("pause", "resume", "delete"):
        raise Http404(_("No such action on an outlet."))
    outlet = Outlet.objects.filter(pk=pk).first()
    status = 200
    if outlet is None:
        if action != "delete":
            raise Http404(_("No such outlet."))
        messages.info(request, _("This outlet was no longer watched already."))
    elif action == "pause":
        if outlet.pause():
            messages.success(request, _("%(name)s paused: it is not polled until resumed.") % {"name": outlet.name})
        else:
            messages.error(request, _("%(name)s was paused already; nothing was changed.") % {"name": outlet.name})
            status = 409
    elif action == "resume":
        if outlet.resume():
            messages.success(request, _("%(name)s resumed: it is polled within a minute.") % {"name": outlet.name})
        else:
            messages.error(request, _("%(name)s is watched already; nothing was changed.") % {"name": outlet.name})
            status = 409
    else:
        outlet.delete()
        messages.success(request, _("%(name)s is no longer watched.") % {"name": outlet.name})
    if not request.htmx:
        return redirect("desk:outlets")
    context = {"outlet": outlet if action != "delete" else None, "may_manage": True, "alone": True}
    return render(request, "claims/outlet_list.html#outlet-row", context, status=status)
