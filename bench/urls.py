"""The app's URLs plus `/bench/trivial/`: 50 static rows rendered through the
same middleware and base template as the desk, so the benchmark can say what
share of "Django's ceiling" on this machine each page reaches."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from factcheck.urls import handler400, handler403, handler404, handler500  # noqa: F401 (the app's error pages)

ROWS = [{"n": n, "text": f"Static row number {n}, the same every time.", "state": "Published"} for n in range(50)]

# From a string: the benchmark adds no template directory to the app's settings.
TRIVIAL = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}Trivial · factcheck{% endblock %}
{% block content %}
<h1>Fifty static rows</h1>
<table>
  <thead><tr><th>#</th><th>Text</th><th>State</th></tr></thead>
  <tbody>{% for row in rows %}
    <tr><td>{{ row.n }}</td><td>{{ row.text }}</td><td>{{ row.state }}</td></tr>{% endfor %}
  </tbody>
</table>
{% endblock %}"""
)


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(TRIVIAL.render({"rows": ROWS}, request))


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("factcheck.urls")),
]
