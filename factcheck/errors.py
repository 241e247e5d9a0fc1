"""The project's error pages.

Django's own handlers run its CSRF check again, which reads the request body:
a POST whose body cannot be read (a form sent as UTF-16, say) then failed a
second time while its 400 page was being built, and answered 500 with a
traceback in the log. These read nothing from the request body. The 400 and
500 pages render without the request (no session, no database: the database
may be what failed); 403 and 404 keep the desk's header, and the 403 page
says why."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from claims.accounts import audit


def _plain(title: str, message: str, status: int) -> HttpResponse:
    html = render_to_string("errors/plain.html", {"title": title, "message": message})
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return _plain(
            _("Too much to send"),
            _(
                "The form is larger than this site takes (about %(limit)s once sent). "
                "Shorten the text, or paste it in parts; nothing was saved."
            )
            % {"limit": limit},
            400,
        )
    return _plain(_("Bad request"), _("The request could not be read. Go back, and send the form again."), 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    audit.refused(request, str(exception))
    return render(request, "403.html", {"exception": str(exception)}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _plain(
        _("Something went wrong"), _("Something went wrong on our side; it has been logged. Try again shortly."), 500
    )
