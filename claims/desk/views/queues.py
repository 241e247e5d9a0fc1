"""My queue and the team queue, with its bulk actions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import workflow
from claims.desk import bulk
from claims.desk.drawn import draw_forms, drawn, with_token
from claims.desk.forms import QueueFilterForm, desk_users
from claims.desk.views.access import desk_member_required, fragment
from claims.models import Claim, claim_counts, desk_stats
from claims.pagination import DeepPaginator


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    claims: list[Claim]
    count: int
    empty: str


@desk_member_required
def my_queue(request: HttpRequest) -> HttpResponse:
    """What waits on me, whatever my role: one section per kind of work,
    each with its count, overdue work first. Drawn once per state of the
    claims for each person (claims.desk.drawn), then read from the cache."""
    user = request.user
    editor = workflow.is_editor(user)
    state = f"{desk_stats.freshness(timezone.localdate(), models=(Claim,))}\n{user.pk}\n{editor}"
    sections = drawn(
        "my-queue",
        state,
        lambda: render_to_string("claims/my_queue.html#sections", {"sections": _sections(user, editor)}, request),
        settings.DESK_QUEUE_CACHE_SECONDS,
    )
    return render(request, "claims/my_queue.html", {"drawn": sections})


def _sections(user: Any, editor: bool) -> list[Section]:
    """One query for every section's rows and one for all the counts,
    however many rows."""
    counts = Claim.objects.queue_counts(user, editor=editor)
    # Whether changes were asked of me is in each claim's log: read with the rows.
    claims = Claim.objects.for_list().overdue_first().with_last_transition()
    lists = claims.queue_heads(user, editor=editor, limit=settings.DESK_QUEUE_LIMIT)
    titles = {
        "researching": (_("My research"), _("No claims assigned to you. Take one from the unassigned list below.")),
        "reviewing": (_("Reviews asked of me"), _("Nobody has asked you to review a claim.")),
        "needing_reviewer": (_("In review, no reviewer yet"), _("No claim of a colleague waits for a reviewer.")),
        "to_publish": (_("Approved, waiting to be published"), _("No approved claim waits to be published.")),
        "unassigned": (_("Unassigned"), _("Every submitted claim has been triaged.")),
    }
    return [
        Section(key, title, lists[key], counts[key], empty) for key, (title, empty) in titles.items() if key in lists
    ]


def _queue_context(params: QueryDict) -> dict[str, Any]:
    filters = QueueFilterForm(params or None)
    bulk_form = bulk.BulkActionForm()
    # The desk's people, read once for both drop-downs.
    people = list(desk_users())
    filters.fields["assignee"].offer(people)
    bulk_form.fields["person"].offer(people)
    search = filters.search(Claim.objects.for_list())
    claims = filters.filter(Claim.objects.for_list())
    states = filters.counted_states()
    kept = (lambda: claim_counts.claims_in(states)) if states else None
    paginator = DeepPaginator(claims, settings.DESK_PAGE_SIZE, search=search, kept_count=kept)
    page = paginator.get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "bulk_form": bulk_form,
        "bulk_limit": bulk.BULK_LIMIT,
    }


def _team_queue(request: HttpRequest, params: QueryDict) -> dict[str, Any]:
    """The queue's forms and listing for these filters, each drawn once per
    state of the claims (claims.desk.drawn) and read from the cache until a
    claim changes: a desk member opening the queue pays for the page around
    them. An HTMX request (a filter, a page) draws the listing alone."""
    state = f"{desk_stats.freshness(timezone.localdate(), models=(Claim,))}\n{params.urlencode()}"
    context = cache(lambda: _queue_context(params))

    def part(name: str) -> str:
        template = f"claims/team_queue.html#{name}"
        kept = drawn(
            f"queue-{name}", state, lambda: draw_forms(template, context(), request), settings.DESK_QUEUE_CACHE_SECONDS
        )
        return with_token(request, kept)

    parts = {"listing": part("listing")}
    if not request.htmx:
        parts["forms"] = part("forms")
    # The bulk form's way back: these filters, this page.
    return {**parts, "return_to": params.urlencode()}


@desk_member_required
def team_queue(request: HttpRequest) -> HttpResponse:
    return render(request, fragment(request, "claims/team_queue.html", "results"), _team_queue(request, request.GET))


@require_POST
@desk_member_required
def team_queue_bulk(request: HttpRequest) -> HttpResponse:
    """One action on the ticked claims: the results again, with what became of
    each (over HTMX), or back to the queue with it as a message."""
    form = bulk.BulkActionForm(request.POST)
    status = 200
    if form.is_valid():
        outcome = bulk.apply(form.cleaned_data, by=request.user)
        level = messages.WARNING if outcome.skipped else messages.SUCCESS
        messages.add_message(request, level, outcome.summary(bulk.describe(form.cleaned_data)))
    else:
        messages.error(request, form.error_text())
        status = 422
    params = form.return_query()
    if not request.htmx:
        return redirect(f"{reverse('desk:team_queue')}?{params.urlencode()}")
    return render(request, "claims/team_queue.html#results", _team_queue(request, params), status=status)
