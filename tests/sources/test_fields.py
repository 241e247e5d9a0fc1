"""The address field the desk's and the admin's forms use: a scheme is added
as a browser would, and the guard's answer is shown as it is."""

from __future__ import annotations

import pytest
from django import forms

from claims.sources.fields import FetchableURLField


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("example.org/report", "https://example.org/report"),
        ("  www.example.org/report?id=5 ", "https://www.example.org/report?id=5"),
        ("http://example.org/report", "http://example.org/report"),
    ],
)
def test_an_address_without_a_scheme_gets_https(typed: str, cleaned: str) -> None:
    assert FetchableURLField().clean(typed) == cleaned


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("www.example.org:8443/report", "Links to port 8443 are not fetched"),
        ("localhost:8000/admin", "our own network"),
        ("javascript:alert(1)", "starts with javascript:"),
        ("mailto:desk@example.org", "starts with mailto:"),
    ],
)
def test_the_guard_answers_about_what_was_typed(typed: str, said: str) -> None:
    with pytest.raises(forms.ValidationError) as refused:
        FetchableURLField().clean(typed)
    assert said in refused.value.messages[0]
