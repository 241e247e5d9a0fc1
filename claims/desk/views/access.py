"""Who may use the desk, and the helpers every desk view shares."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from claims import workflow
from claims.models import Claim


def desk_member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            # An HTMX request whose session expired must load the login page,
            # not swap it into a fragment.
            login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
            if request.htmx:
                return HttpResponseClientRedirect(login)
            return redirect(login)
        if not workflow.is_checker(request.user):
            raise PermissionDenied(_("The desk is for fact-checkers and editors. Ask an admin to add you to a group."))
        return view(request, *args, **kwargs)

    return wrapper


def fragment(request: HttpRequest, template: str, name: str) -> str:
    """The whole page, or for an HTMX request the fragment `name` of it."""
    return f"{template}#{name}" if request.htmx else template


def claim_for(user: Any, pk: int) -> Claim:
    if not workflow.is_checker(user):
        raise PermissionDenied(_("The desk is for fact-checkers and editors."))
    return get_object_or_404(Claim.objects.select_related("article", "assignee", "reviewer"), pk=pk)
