"""The lists' cheaper filters (claims/templatetags/desk.py) say what
Django's own would: `clip` as `truncatechars`, `shown` as get_FOO_display."""

from __future__ import annotations

import pytest
from django.template.defaultfilters import truncatechars

from claims.models import Claim
from claims.templatetags.desk import clip, shown
from claims.workflow import State

TEXTS = ["", "short", "a" * 120, "a" * 121, "word " * 80, "é" * 130, "e\u0301" * 130, "مرحبا " * 40, "x" * 59 + " y"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("length", [1, 2, 60, 120])
def test_clip_cuts_as_truncatechars(text: str, length: int) -> None:
    assert clip(text, length) == truncatechars(text, length)


def test_shown_is_the_choice_label_and_unknown_values_show_as_they_are() -> None:
    claim = Claim(state=State.IN_REVIEW, priority=Claim.Priority.HIGH)
    assert shown(claim, "state") == claim.get_state_display() == "In review"
    assert shown(claim, "priority") == claim.get_priority_display()
    claim.state = "not-a-state"
    assert shown(claim, "state") == claim.get_state_display() == "not-a-state"
