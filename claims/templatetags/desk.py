from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField

from claims import workflow
from claims.public.claimreview import byline as public_byline
from claims.workflow import State

register = template.Library()


@register.filter
def person(user: Any, empty: str = "—") -> str:
    """A user's full name, else their username; `empty` for nobody."""
    return workflow.display_name(user, empty)


@register.filter
def byline(user: Any) -> str:
    return public_byline(user)


@register.filter
def state_label(value: str) -> str:
    """A workflow state's name as people read it: "in_review" -> "In review"."""
    return State(value).label if value in State.values else value


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
