"""My queue and the team queue."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from claims import workflow
from claims.desk.forms import QueueFilterForm
from claims.desk.views.access import desk_member_required, fragment
from claims.models import Claim
from claims.pagination import DeepPaginator


@desk_member_required
def my_queue(request: HttpRequest) -> HttpResponse:
    claims = Claim.objects.for_list().queue_order()
    limit = settings.DESK_QUEUE_LIMIT
    return render(
        request,
        "claims/my_queue.html",
        {
            "researching": claims.researched_by(request.user)[:limit],
            "reviewing": claims.filter(reviewer=request.user, state=workflow.State.IN_REVIEW)[:limit],
            "needing_reviewer": claims.needing_reviewer(request.user)[:limit],
            "unassigned": claims.filter(state=workflow.State.SUBMITTED)[:limit],
        },
    )


@desk_member_required
def team_queue(request: HttpRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET or None)
    claims = filters.filter(Claim.objects.for_list())
    page = DeepPaginator(claims, settings.DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        fragment(request, "claims/team_queue.html", "results"),
        {"filters": filters, "page": page, "query": query.urlencode()},
    )
