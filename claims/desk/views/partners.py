"""Other fact-checkers' verdicts on the desk: the partner sources (editors add,
refresh and delete them; everyone on the desk reads their status) and the
verdicts imported from them, paged and searchable."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import workflow
from claims.desk.views.access import desk_member_required, refuse_unless_editor
from claims.models import ExternalVerdict, PartnerSource
from claims.pagination import DeepPaginator
from claims.partners.forms import PartnerSourceForm
from claims.partners.tasks import refresh_now

TEMPLATE = "claims/partner_list.html"


@desk_member_required
def partner_list(request: HttpRequest) -> HttpResponse:
    """The page; (HTMX) the verdict list when searching or paging, the
    sources when an editor adds one."""
    form = None
    status = 200
    if request.method == "POST":
        refuse_unless_editor(request)
        form = PartnerSourceForm(request.POST)
        if form.is_valid():
            partner = form.save(commit=False)
            partner.created_by = request.user
            partner.save()
            refresh_now(partner)
            messages.success(request, _("Partner source added; it is being read now."))
            if not request.htmx:
                return redirect("desk:partners")
            form = None
        else:
            status = 422
    is_editor = workflow.is_editor(request.user)
    query = request.GET.get("q", "")[:200]
    verdicts = ExternalVerdict.objects.search(query).order_by("-updated_at", "-pk")
    context = {
        "partners": PartnerSource.objects.with_counts(),
        "form": form or (PartnerSourceForm() if is_editor else None),
        "is_editor": is_editor,
        "page": DeepPaginator(verdicts, settings.DESK_PAGE_SIZE).get_page(request.GET.get("page")),
        "q": query,
        "query": urlencode({"q": query}) if query else "",
    }
    template = TEMPLATE
    if request.htmx:
        template += "#partner-sources" if request.method == "POST" else "#external-verdicts"
    return render(request, template, context, status=status)


@require_POST
@desk_member_required
def partner_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    refuse_unless_editor(request)
    # The Google source is asked per new claim: it has nothing to refresh.
    partner = get_object_or_404(PartnerSource.objects.exclude(kind=PartnerSource.Kind.GOOGLE), pk=pk)
    refresh_now(partner)
    messages.success(request, _("%(name)s will be read again in a moment.") % {"name": partner.name})
    return _sources_changed(request)


@require_POST
@desk_member_required
def partner_delete(request: HttpRequest, pk: int) -> HttpResponse:
    refuse_unless_editor(request)
    partner = PartnerSource.objects.filter(pk=pk).first()
    if partner is None:  # a second click, or another editor's
        messages.info(request, _("This source was removed already."))
        return _sources_changed(request)
    partner.delete()
    messages.success(request, _("%(name)s and its verdicts removed.") % {"name": partner.name})
    return _sources_changed(request)


def _sources_changed(request: HttpRequest) -> HttpResponse:
    if not request.htmx:
        return redirect("desk:partners")
    context = {
        "partners": PartnerSource.objects.with_counts(),
        "form": PartnerSourceForm(),
        "is_editor": True,
    }
    return render(request, f"{TEMPLATE}#partner-sources", context)
