from __future__ import annotations

from typing import Any

from django import template

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


@register.filter
def is_editor(user: Any) -> bool:
    """For the navigation: the groups are read once per request already (the
    desk's own check), so this asks nothing more."""
    return workflow.is_editor(user)
