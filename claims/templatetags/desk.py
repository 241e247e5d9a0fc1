from __future__ import annotations

from typing import Any

from django import template

from claims import publishing, workflow
from claims.workflow import State

register = template.Library()


@register.filter
def person(user: Any, empty: str = "—") -> str:
    """A user's full name, else their username; `empty` for nobody."""
    return workflow.display_name(user, empty)


@register.filter
def byline(user: Any) -> str:
    return publishing.byline(user)


@register.filter
def colour(value: str) -> str:
    """A rating colour fit for a style attribute (the model validates colours
    only through forms)."""
    return publishing.safe_colour(value)


@register.filter
def state_label(value: str) -> str:
    """A workflow state's name as people read it: "in_review" -> "In review"."""
    return State(value).label if value in State.values else value
