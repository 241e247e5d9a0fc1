from __future__ import annotations

import html
import re
from functools import cache, lru_cache
from typing import Any

from django import forms, template
from django.db.models import Field
from django.forms import BoundField
from django.template.defaultfilters import linebreaksbr, stringfilter, truncatechars
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import add_truncation_text, calculate_truncate_chars_length
from django.utils.translation import get_language

from claims import workflow
from claims.models.people import MENTION, desk_usernames
from claims.public.claimreview import byline as public_byline
from claims.workflow import State

register = template.Library()


@register.filter
def person(user: Any, empty: str = "—") -> str:
    """A user's full name, else their username; `empty` for nobody."""
    return workflow.display_name(user, empty)


@register.filter
def on_desk(user: Any) -> bool:
    """A fact-checker or editor (the groups are read once per request)."""
    return workflow.is_checker(user)


@register.filter
def mentions(text: str) -> str:
    """A comment, escaped, with its line breaks, and each `@name` of a desk
    member linked to their claims; any other `@word` stays text."""
    escaped = str(linebreaksbr(text, autoescape=True))
    if "@" not in text:
        return mark_safe(escaped)  # noqa: S308 - escaped just above
    known = desk_usernames()

    def link(match: re.Match[str]) -> str:
        name = html.unescape(match.group(1))
        if name not in known:
            return match.group(0)
        url = reverse("desk:person", args=[name])
        return format_html('<a class="mention" href="{}">@{}</a>', url, name)

    # The names are matched in the escaped text: an escaped character
    # (&amp; &lt; &#x27;...) contains none of a username's characters but "#"
    # and ";", which are not in one either, so a match never cuts one.
    return mark_safe(MENTION.sub(link, escaped))  # noqa: S308 - every part escaped


@register.filter
def byline(user: Any) -> str:
    return public_byline(user)


@cache
def _choice_labels(field: Field) -> dict[Any, Any]:
    # The labels stay lazy: each is translated when the page draws it.
    return dict(field.flatchoices)


@register.filter
def shown(obj: Any, name: str) -> Any:
    """`obj.get_<name>_display()`, but with the field's choices read into a
    dict once per process: Django builds that dict (hashing every lazy
    label, which translates it) on each call, ~40 us, and lists call it
    for every row (issue 12)."""
    field = obj._meta.get_field(name)
    value = getattr(obj, field.attname)
    return _choice_labels(field).get(value, value)


@register.filter(is_safe=True)
@stringfilter
def clip(value: str, length: int) -> str:
    """`truncatechars`, without its walk over every character looking for
    combining ones when the text is ASCII (it has none): lists clip each
    row's claim and title (issue 12)."""
    if not value.isascii():
        return truncatechars(value, length)
    if len(value) <= length:
        return value
    return add_truncation_text(value[: calculate_truncate_chars_length(length, None)])


@register.filter
def state_label(value: str) -> str:
    """A workflow state's name as people read it: "in_review" -> "In review"."""
    return State(value).label if value in State.values else value


@register.simple_tag
def desk_nav(user: Any) -> str:
    """The desk's navigation for `user`'s role. Its fifteen links and labels
    are the same for everyone of a role: reversing and translating them took
    0.7 ms of every desk page (issue 12), so each process draws them once
    per language, role and URL prefix."""
    return _nav(get_language(), get_script_prefix(), workflow.is_editor(user))


@lru_cache(maxsize=64)
def _nav(language: str | None, prefix: str, editor: bool) -> str:
    # The arguments are the key; the language and prefix are the active ones.
    return render_to_string("_desk_nav.html", {"editor": editor})


# Widgets people type their own words into: Arabic or Urdu typed there reads
# right to left as it is typed (URLs, emails and numbers stay left to right).
_TYPED_TEXT = ("text", "search")


@register.filter
def typed_in_its_direction(field: BoundField) -> str:
    """The field's widget, with dir="auto" where people type free text."""
    widget = field.field.widget
    if isinstance(widget, forms.Textarea) or getattr(widget, "input_type", None) in _TYPED_TEXT:
        return field.as_widget(attrs={"dir": "auto"})
    return str(field)
