"""People on the desk: one's own settings (time zone, emails), and where a
`@mention` leads: the person's open claims."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from claims.desk.forms import ProfileForm
from claims.desk.time_zones import remember
from claims.desk.views.access import desk_member_required
from claims.models import Profile
from claims.models.people import desk_people, time_zones


@desk_member_required
def me(request: HttpRequest) -> HttpResponse:
    """An invalid form changes nothing and says why."""
    profile = Profile.of(request.user)
    form = ProfileForm.for_profile(profile, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        profile = form.save_to(profile)
        remember(request, request.user, profile.zone_name)
        messages.success(request, _("Your settings are saved."))
        return redirect("desk:me")
    context = {"form": form, "profile": profile, "time_zones": sorted(time_zones())}
    return render(request, "claims/me.html", context, status=422 if form.errors else 200)


@desk_member_required
def person(request: HttpRequest, username: str) -> HttpResponse:
    """A mention's link: the team queue, showing the claims they research."""
    found = desk_people().filter(username=username).values_list("pk", flat=True).first()
    if found is None:
        raise Http404(_("Nobody on the desk is called @%(name)s.") % {"name": username[:150]})
    return redirect(f"{reverse('desk:team_queue')}?{urlencode({'assignee': found})}")
