"""Widgets drawn in Python rather than through Django's widget templates.

Django draws a <select> through one template and each of its options
through another: about 0.2 ms an option. The desk's person drop-downs list
every desk member (49 on the benchmark's desk), two or three of them on a
page, which made them the costliest part of the team queue (issue 12). The
markup is the same as Django's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class PlainSelect(forms.Select):
    """A single-choice <select> without optgroups, drawn in one pass."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
                if not isinstance(label, list | tuple)  # optgroups: none in the desk's person lists
            ),
        )
        return format_html(
            "<select{}>{}</select>", flatatt({"name": name, **self.build_attrs(self.attrs, attrs)}), options
        )
