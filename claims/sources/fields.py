"""The form field for an address factcheck will fetch (a cited source, an
article's page, a partner's webhook). It asks the guard, which is the one
place that decides which URLs are refused, and shows its answer to people."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from claims.sources.guard import BlockedURL, check_url

# A scheme, not a host and its port ("www.example.org:8443/report").
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")


class FetchableURLField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("label", "URL")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        url = super().to_python(value)
        # As browsers do with an address typed without a scheme ("example.org/
        # report"); anything else is left as typed, so the guard's answer
        # speaks of what the person wrote.
        if url and not _SCHEME.match(url) and not any(char.isspace() for char in url):
            url = f"https://{url}"
        return url

    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            try:
                check_url(value)
            except BlockedURL as refused:
                raise forms.ValidationError(str(refused), code="refused") from None
