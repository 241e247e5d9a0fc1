"""How the activity log words an edit: one entry per field, old → new. A
long value is shortened in the line the timeline shows, and the whole old
value follows that line in the same entry (`Activity.edit_parts` splits
them), so nothing an edit replaces is lost."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.text import Truncator

# A value longer than this is shortened in the note's first line.
SHORT = 120
SHORTENED = 80
# Between the note's line and the whole old value.
WHOLE_OLD_VALUE = "\n\nBefore:\n"


def shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def change_note(label: str, old: Any, new: Any) -> str:
    """ "Priority: Normal → High"; a long or multi-line value shortened, with
    the whole old value after the line."""
    before, after = shown(old), shown(new)
    if len(before) <= SHORT and len(after) <= SHORT and "\n" not in before + after:
        return f"{label}: {before} → {after}"
    old_line, new_line = (" ".join(Truncator(value).chars(SHORTENED).split()) for value in (before, after))
    return f"{label}: “{old_line}” → “{new_line}”{WHOLE_OLD_VALUE}{before}"


def split_note(note: str) -> tuple[str, str]:
    """An edit's note as (the line shown, the whole old value or "")."""
    line, _, whole = note.partition(WHOLE_OLD_VALUE)
    return line, whole
