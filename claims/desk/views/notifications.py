"""The bell and the notifications page: each person's own, newest first;
marking one or all read, in place with HTMX or by a plain post."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from claims import params
from claims.desk.views.access import desk_member_required, fragment
from claims.models import Notification
from claims.pagination import DeepPaginator

# Sent with a fragment that changed what is unread: the bell asks again.
CHANGED_EVENT = "notifications-changed"


def _mine(request: HttpRequest, pk: int) -> Notification:
    # Someone else's notification is not there, for this person.
    queryset = Notification.objects.for_user(request.user).select_related("claim", "actor")
    return get_object_or_404(queryset, pk=pk)


@desk_member_required
def notification_count(request: HttpRequest) -> HttpResponse:
    """The bell alone: what the top bar asks for after the page loads, and
    every 30 seconds after, and again when one is marked read."""
    unread = Notification.objects.for_user(request.user).unread().count()
    return render(request, "_bell.html", {"unread": unread})


@desk_member_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(request.user).select_related("claim", "actor").newest_first()
    number = params.page_number(request.GET.get("page"))
    page = DeepPaginator(notifications, settings.DESK_PAGE_SIZE).get_page(number)
    return render(request, fragment(request, "claims/notifications.html", "list"), {"page": page})


@desk_member_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification to its claim (a repeat: to the Repeats list,
    where it is confirmed or dismissed): it is read now."""
    notification = _mine(request, pk)
    Notification.objects.filter(pk=notification.pk).mark_read()
    if notification.kind == Notification.Kind.REPEAT:
        return redirect("desk:repeats")
    return redirect(notification.claim)


@require_POST
@desk_member_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _mine(request, pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk).mark_read(notification.read_at)
    if not request.htmx:
        return redirect(_back(request))
    response = render(request, "claims/notifications.html#item", {"notification": notification})
    return trigger_client_event(response, CHANGED_EVENT)


@require_POST
@desk_member_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = Notification.objects.for_user(request.user).mark_read()
    if not request.htmx:
        return redirect("desk:notifications")
    notifications = Notification.objects.for_user(request.user).select_related("claim", "actor").newest_first()
    page = DeepPaginator(notifications, settings.DESK_PAGE_SIZE).get_page(1)
    context = {"page": page, "done": _("%(count)d marked read.") % {"count": marked}}
    return trigger_client_event(render(request, "claims/notifications.html#list", context), CHANGED_EVENT)


def _back(request: HttpRequest) -> str:
    """The page of the list the post came from."""
    number = params.page_number(request.POST.get("page"))
    url = reverse("desk:notifications")
    return f"{url}?page={number}" if number > 1 else url
