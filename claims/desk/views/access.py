"""Who may use the desk, and the helpers every desk view shares."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from claims import workflow
from claims.models import Claim
from claims.precompiled import Precompiled


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


def refuse_unless_editor(request: HttpRequest) -> None:
    """Desk-wide settings (the policy, watched outlets, partners) are the
    editors' to change: anyone else is refused with the workflow's reason."""
    refusal = workflow.editor_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal.message)


def fragment(request: HttpRequest, template: str, name: str) -> str:
    """The whole page, or for an HTMX request the fragment `name` of it."""
    return f"{template}#{name}" if request.htmx else template


# The claim page's row, asked by every view of a claim: written once per process.
_desk_page = Precompiled(lambda pk: Claim.objects.for_desk_page().filter(pk=pk))


def claim_for(user: Any, pk: int) -> Claim:
    if not workflow.is_checker(user):
        raise PermissionDenied(_("The desk is for fact-checkers and editors."))
    claim = next(iter(_desk_page(pk)), None)
    if claim is None:
        raise Http404(_("No claim has this number."))
    return claim


def shorten(text: str, limit: int = 80) -> str:
    """`text` on one line, cut to at most `limit` characters on a word boundary
    with an ellipsis: a message quoting a claim must not end mid-word or
    mid-number ("took office in 201…" reads as a wrong year)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]  # room for the ellipsis
    mid_word = not text[limit - 1].isspace() and not cut[-1].isspace()
    if mid_word and " " in cut:
        cut = cut.rsplit(" ", 1)[0]  # a single word longer than the limit has no boundary: it is cut
    return f"{cut.rstrip(' ,;:.-–—')}…"
