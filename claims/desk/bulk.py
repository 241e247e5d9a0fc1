"""Bulk actions on the team queue: one action on the claims ticked on the
page, each claim handled by the model layer on its own (its own transaction,
row lock, checks and activity row), so one refusal skips that claim only.

Each ticked row carries the state and revision the page showed
("12:submitted:3"), so a claim that moved since is refused as stale, as a
single claim's form would be, instead of being acted on blind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from claims import workflow
from claims.desk.forms import MAX_NOTE_CHARS, PersonChoiceField, QueueFilterForm, desk_users
from claims.desk.widgets import PlainSelect
from claims.models import Claim
from claims.workflow import State

# Ids one request may carry: the actions run one claim after another inside
# the request, and a page shows 25; 200 is a few pages' worth, done in seconds.
BULK_LIMIT = 200
# Skipped claims named in the answer; the rest are counted.
SKIPS_NAMED = 20


@dataclass(frozen=True)
class Row:
    """A ticked claim, as the page showed it."""

    pk: int
    state: str
    revision: int


def parse_row(value: str) -> Row | None:
    parts = value.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit() or parts[1] not in State.values:
        return None
    return Row(int(parts[0]), parts[1], int(parts[2]))


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("With the chosen claims"),
        choices=[
            ("assign", gettext_lazy("Assign to…")),
            ("priority", gettext_lazy("Set the priority…")),
            ("due_on", gettext_lazy("Set the due date…")),
            ("reject", gettext_lazy("Reject, saying why…")),
        ],
        widget=PlainSelect,
    )
    person = PersonChoiceField(label=gettext_lazy("Person"), queryset=desk_users(), required=False)
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"),
        choices=[("", "—"), *Claim.Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=PlainSelect,
    )
    due_on = forms.DateField(
        label=gettext_lazy("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Why (to reject)"), required=False, max_length=MAX_NOTE_CHARS)
    # The team queue's filters and page, to go back to (a query string).
    return_to = forms.CharField(required=False, max_length=4_000, widget=forms.HiddenInput)

    # What each action needs besides the rows.
    NEEDS = {
        "assign": ("person", gettext_lazy("Choose the person to assign the claims to.")),
        "priority": ("priority", gettext_lazy("Choose the priority.")),
        "due_on": ("due_on", gettext_lazy("Choose the due date.")),
        "reject": ("reason", gettext_lazy("Say why the claims are rejected.")),
    }

    def clean_reason(self) -> str:
        return self.cleaned_data["reason"].strip()

    def clean_due_on(self) -> date | None:
        value = self.cleaned_data["due_on"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        values = self.data.getlist("row") if hasattr(self.data, "getlist") else []
        if not values:
            raise forms.ValidationError(_("Tick at least one claim."))
        if len(values) > BULK_LIMIT:
            raise forms.ValidationError(
                _(
                    "You ticked %(count)s claims; one action takes at most %(limit)s at a time. "
                    "Nothing was changed: narrow the filters, or tick fewer."
                )
                % {"count": f"{len(values):,}", "limit": BULK_LIMIT}
            )
        rows = [parse_row(value) for value in values]
        if None in rows:
            raise forms.ValidationError(_("The page's list of claims was not understood; reload it and try again."))
        data["rows"] = list({row.pk: row for row in rows}.values())  # each claim once
        needed = self.NEEDS.get(data.get("action", ""))
        if needed and data.get(needed[0]) in (None, "") and needed[0] not in self.errors:
            self.add_error(needed[0], needed[1])
        return data

    def error_text(self) -> str:
        return " ".join(str(error) for errors in self.errors.values() for error in errors)

    def return_query(self) -> QueryDict:
        """The queue's filters to go back to, keeping only the queue's own
        parameters (the value came from the page, but anyone can post)."""
        given = QueryDict(self.data.get("return_to", ""))
        kept = QueryDict(mutable=True)
        for name in [*QueueFilterForm.base_fields, "page"]:
            if name in given:
                kept.setlist(name, given.getlist(name)[:1])
        return kept


@dataclass
class Outcome:
    """What became of each ticked claim."""

    done: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def summary(self, what: str) -> str:
        """ "3 claims assigned to Ana Lima; #12 skipped: it is published." """
        parts = []
        if self.done:
            parts.append(ngettext("%(count)s claim %(what)s", "%(count)s claims %(what)s", len(self.done)))
            parts[-1] %= {"count": len(self.done), "what": what}
        if self.unchanged:
            parts.append(
                ngettext("%(count)s already so", "%(count)s already so", len(self.unchanged))
                % {"count": len(self.unchanged)}
            )
        for pk, reason in self.skipped[:SKIPS_NAMED]:
            parts.append(_("#%(pk)s skipped: %(reason)s") % {"pk": pk, "reason": reason})
        if len(self.skipped) > SKIPS_NAMED:
            parts.append(_("%(count)s more skipped") % {"count": len(self.skipped) - SKIPS_NAMED})
        return "; ".join(parts) + "." if parts else _("Nothing was changed.")


def describe(data: dict[str, Any]) -> str:
    """What the action did, for the summary ("assigned to Ana Lima")."""
    action = data["action"]
    if action == "assign":
        return _("assigned to %(person)s") % {"person": workflow.display_name(data["person"])}
    if action == "priority":
        return _("set to %(priority)s priority") % {"priority": Claim.Priority(data["priority"]).label.lower()}
    if action == "due_on":
        return _("now due on %(date)s") % {"date": date_format(data["due_on"], "j M Y")}
    return _("rejected")


def apply(data: dict[str, Any], *, by: Any) -> Outcome:
    """Take the form's action on each of its rows, as `by`."""
    outcome = Outcome()
    rows: list[Row] = data["rows"]
    found = Claim.objects.select_related("assignee", "reviewer").in_bulk([row.pk for row in rows])
    for row in rows:
        claim = found.get(row.pk)
        if claim is None:
            outcome.skipped.append((row.pk, _("there is no such claim")))
            continue
        try:
            changed = _apply_one(claim, row, data, by)
        except workflow.WorkflowError as error:
            outcome.skipped.append((row.pk, _why(claim, row, error)))
            continue
        (outcome.done if changed else outcome.unchanged).append(row.pk)
    return outcome


def _apply_one(claim: Claim, row: Row, data: dict[str, Any], by: Any) -> bool:
    """True if the claim changed; raises a WorkflowError when refused."""
    action = data["action"]
    expected = {"expected_state": row.state, "expected_revision": row.revision}
    if action == "assign":
        person = data["person"]
        if row.state in workflow.RESEARCH_STATES and claim.assignee_id == person.pk and claim.revision == row.revision:
            return False
        # A new claim is assigned; one being researched changes hands.
        name = "assign" if row.state == State.SUBMITTED else "reassign"
        claim.transition(name, by=by, params=workflow.Params(person=person), **expected)
        return True
    if action == "reject":
        claim.transition("reject", by=by, params=workflow.Params(note=data["reason"]), **expected)
        return True
    if claim.state != row.state:
        raise workflow.StaleState("moved")
    return bool(claim.edit(by=by, expected_revision=row.revision, **{action: data[action]}))


def _why(claim: Claim, row: Row, error: workflow.WorkflowError) -> str:
    """A short reason for the summary: stale or not possible in its state,
    in a few words; any other refusal as the workflow words it."""
    if isinstance(error, workflow.StaleState):
        claim.refresh_from_db(fields=["state", "revision"])
        state = claim.get_state_display().lower()
        if claim.state != row.state or claim.revision != row.revision:
            return _("it changed while you were looking (it is now %(state)s)") % {"state": state}
        return _("it is %(state)s") % {"state": state}
    return error.message
