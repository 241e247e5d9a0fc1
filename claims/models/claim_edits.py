"""Editing a claim's fields outside the workflow (priority, due date).

A minimal stand-in of `Claim.edit()`, the API the "edit" branch builds in full
(every field, evidence, articles, credits); the lead replaces this module with
that one at merge. Callers keep to its signature:

    claim.edit(by=user, expected_revision=n, priority=1, due_on=date(...)) -> ["priority", "due_on"]

It locks the row, refuses as the workflow refuses (a `WorkflowError`), changes
nothing when nothing differs, and logs each change, old -> new, as an Activity
row in the same transaction."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction

from claims import workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models.claims import Claim

# What the stand-in edits: field name -> label in the log.
EDITABLE = {"priority": "priority", "due_on": "due date"}


def _shown(claim: Claim, name: str, value: Any) -> str:
    if name == "priority":
        return str(type(claim).Priority(value).label)
    if isinstance(value, date):
        return value.isoformat()
    return "none" if value is None else str(value)


class ClaimEdits:
    """Mixed into Claim."""

    def edit(self: Claim, *, by: AbstractBaseUser, expected_revision: int | None = None, **changes: Any) -> list[str]:
        """Change the given fields as `by`; the names of those that changed."""
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise workflow.NotPermitted(f"These fields cannot be edited here: {', '.join(unknown)}.")
        if not workflow.is_checker(by):
            raise workflow.NotPermitted("Only fact-checkers and editors work on claims.")
        with transaction.atomic():
            claim = type(self).objects.select_for_update().get(pk=self.pk)
            if expected_revision is not None and claim.revision != expected_revision:
                raise workflow.StaleState(claim.moved_message(claim.state))
            if claim.state not in workflow.OPEN_STATES:
                raise workflow.StaleState(
                    f"Only an open claim's priority and due date change; it is {claim.get_state_display().lower()}."
                )
            changed = [name for name, value in changes.items() if getattr(claim, name) != value]
            for name in changed:
                old, new = getattr(claim, name), changes[name]
                setattr(claim, name, new)
                setattr(self, name, new)
                claim.log(
                    by, "edit", note=f"{EDITABLE[name]}: {_shown(claim, name, old)} -> {_shown(claim, name, new)}"
                )
            if changed:
                claim.save(update_fields=[*changed, "updated_at"])
        return changed
