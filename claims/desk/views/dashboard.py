"""The editor's dashboard: how the desk's work stands and flows. The editor's
view, but not a secret: every desk member may open it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims import workflow
from claims.desk import charts
from claims.desk.drawn import drawn
from claims.desk.views.access import desk_member_required
from claims.models import desk_stats


def _queue(**filters: object) -> str:
    """The team queue with these filters."""
    return f"{reverse('desk:team_queue')}?{urlencode(filters)}"


@desk_member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Drawn once per state of the desk (desk_stats.freshness), language and
    time zone, then read from the cache: the claims' figures while no claim
    changes, the sources' lists while no claim or source does."""
    state = desk_stats.freshness(timezone.localdate())  # the day, the last claim change, the last source change
    claims_state = state.rsplit("|", 1)[0]
    seconds = settings.DESK_DASHBOARD_CACHE_SECONDS
    figures = drawn(
        "dashboard",
        claims_state,
        lambda: render_to_string("claims/dashboard.html#figures", _figures(), request),
        seconds,
    )
    sources = drawn(
        "dashboard-sources",
        state,
        lambda: render_to_string(
            "claims/dashboard.html#sources",
            {"figures": desk_stats.source_figures(), "limit": desk_stats.LIST_LIMIT},
            request,
        ),
        seconds,
    )
    return render(request, "claims/dashboard.html", {"drawn": figures, "sources": sources})


def _figures() -> dict[str, Any]:
    figures = desk_stats.claim_figures()
    states = charts.bars(
        [
            (row.label, [(row.count, f"bar state-bar-{row.state}")], f"{row.count:,}", _queue(state=row.state))
            for row in figures.states
        ]
    )
    flow = [
        (
            kind,
            title,
            charts.columns([(date_format(week.start, "j M"), getattr(week, kind)) for week in figures.weeks]),
        )
        for kind, title in (("new", _("New")), ("published", _("Published")), ("rejected", _("Rejected")))
    ]
    load = charts.bars(
        [
            (
                workflow.display_name(row.person),
                [(row.open - row.overdue, "bar load-on-time"), (row.overdue, "bar load-overdue hatched")],
                ngettext("%(open)d open", "%(open)d open", row.open) % {"open": row.open}
                + (_(", %(overdue)d overdue") % {"overdue": row.overdue} if row.overdue else ""),
                _queue(assignee=row.person.pk),
            )
            for row in figures.load
        ]
    )
    took = figures.time_to_publish
    hours = [
        (_("Median"), took.median),
        (_("90th percentile"), took.p90),
    ]
    time_chart = charts.bars(
        [
            (
                label,
                [((value.total_seconds() if value else 0) / 3600, "bar time-bar")],
                charts.duration_words(value),
                "",
            )
            for label, value in hours
        ]
    )
    return {
        "figures": figures,
        "states_chart": states,
        "flow": flow,
        "load_chart": load,
        "time_chart": time_chart,
        "time_rows": [(label, charts.duration_words(value)) for label, value in hours],
        "weeks": desk_stats.WEEKS,
        "days": desk_stats.TIME_TO_PUBLISH_DAYS,
    }
