"""Claimants on the desk: search, and merging two spellings of one speaker."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from claims import params, workflow
from claims.desk.forms import ClaimantMergeForm
from claims.desk.views.access import desk_member_required
from claims.models import Claimant


@desk_member_required
def claimant_list(request: HttpRequest) -> HttpResponse:
    """Every claimant with their claims, searchable by name; editors merge
    two spellings of one speaker (POST), chosen from the page they see."""
    search = params.search_text(request.GET.get("q"))
    claimants = (
        Claimant.objects.filter(merged_into=None)
        .with_page_flag()
        .annotate(claim_count=Count("claims"))
        .order_by("name", "pk")
    )
    if search:
        claimants = claimants.filter(name__icontains=search)
    page = Paginator(claimants, settings.CLAIMANT_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    form = ClaimantMergeForm(request.POST or None, offered=page.object_list)
    status = 200
    if request.method == "POST":
        refusal = workflow.editor_refusal(request.user)
        if refusal:
            raise PermissionDenied(refusal.message)
        try:
            moved = form.cleaned_data["merge"].merge_into(form.cleaned_data["into"]) if form.is_valid() else None
        except ValueError as error:
            form.add_error(None, str(error))
            moved = None
        if moved is not None:
            names = {"merge": form.cleaned_data["merge"], "into": form.cleaned_data["into"], "count": moved}
            merged = ngettext(
                "Merged “%(merge)s” into “%(into)s” (%(count)d claim).",
                "Merged “%(merge)s” into “%(into)s” (%(count)d claims).",
                moved,
            )
            messages.success(request, merged % names)
            return redirect(request.get_full_path())
        status = 422
    context = {
        "page": page,
        "form": form,
        "search": search,
        "query": urlencode({"q": search}) if search else "",
        "can_merge": workflow.editor_refusal(request.user) is None,
    }
    return render(request, "claims/claimant_list.html", context, status=status)
