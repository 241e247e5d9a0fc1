"""Correcting work already done on a claim: its own fields and its evidence.

Each edit locks the claim's row, asks `claims.workflow.editing` whether this
person may change these fields in this state, refuses a form drawn before the
last change (its revision), and logs one Activity per field changed, old →
new. A long value is shortened in the line the timeline shows, and the whole
old value follows it in the same entry, so nothing an edit replaces is lost.
After publication an edit of what readers see is a correction: a new verdict
version with the note, listed on the public page, and partners are told."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import workflow
from claims.models.articles import Claimant
from claims.models.edit_notes import change_note
from claims.models.sources import Evidence, Source, normalize_url

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models.claims import Claim

CLAIM_LABELS = {
    "text": gettext_lazy("Text"),
    "claimant": gettext_lazy("Claimant"),
    "said_on": gettext_lazy("Said on"),
    "appearance": gettext_lazy("Where"),
    "appearance_url": gettext_lazy("Where (link)"),
    "priority": gettext_lazy("Priority"),
    "due_on": gettext_lazy("Due date"),
}
EVIDENCE_LABELS = {
    "url": gettext_lazy("Link"),
    "offline_source": gettext_lazy("Offline source"),
    "quote": gettext_lazy("Quote"),
    "note": gettext_lazy("Note"),
    "stance": gettext_lazy("Stance"),
}


def _claim_changes(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(workflow.CLAIM_FIELDS)
    if unknown:
        raise TypeError(f"Claim.edit() cannot change {', '.join(sorted(unknown))}.")
    cleaned = dict(changes)
    for name in ("text", "claimant", "appearance", "appearance_url"):
        if name in cleaned:
            cleaned[name] = str(cleaned[name] or "").strip()
    if "text" in cleaned and not cleaned["text"]:
        raise workflow.GuardFailed(_("A claim needs its text: it cannot be empty."))
    if "priority" in cleaned:
        from claims.models.claims import Claim  # defined beside, importing this module

        if cleaned["priority"] not in Claim.Priority.values:
            raise workflow.GuardFailed(_("Choose a priority: high, normal or low."))
        cleaned["priority"] = int(cleaned["priority"])
    return cleaned


class ClaimEdits:
    """What Claim inherits to have its work corrected."""

    def edit(self: Claim, *, by: AbstractBaseUser, expected_revision: int | None = None, **changes: Any) -> list[str]:
        """Change these fields (of `workflow.CLAIM_FIELDS`) as `by`; the names
        of those that changed. `expected_revision`: the claim's revision the
        form was drawn from. After publication the text, claimant, date and
        appearance change only as a correction: pass `correction_note`, which
        readers see. Raises a `workflow.WorkflowError` and changes nothing
        when the form is stale (StaleState), the person may not (NotPermitted)
        or the input is wrong (GuardFailed)."""
        correction_note = str(changes.pop("correction_note", "") or "").strip()
        changes = _claim_changes(changes)
        with transaction.atomic():
            claim = type(self).objects.select_related("assignee", "reviewer").select_for_update(of=("self",))
            claim = claim.get(pk=self.pk)
            if expected_revision is not None and claim.revision != expected_revision:
                raise workflow.StaleState(claim.edited_message())
            changed = [name for name, value in changes.items() if getattr(claim, name) != value]
            refusal = workflow.claim_edit_refusal(claim, by, changed, correction_note)
            if refusal:
                raise refusal
            if not changed:
                return []
            notes = [
                change_note(CLAIM_LABELS[name], claim._shown(name), claim._shown(name, changes[name]))
                for name in changed
            ]
            for name in changed:
                setattr(claim, name, changes[name])
            if "claimant" in changed:
                claim.speaker = Claimant.for_name(claim.claimant)
            claim.revision += 1
            claim.save()
            for note in notes:
                claim.log(by, "edited", note=note)
            if workflow.is_correction(claim.state) and set(changed) & set(workflow.editing.CLAIM_WORDING):
                claim.correct_for_readers(by=by, note=correction_note)
        for name in (*changed, "speaker_id", "revision", "updated_at"):
            setattr(self, name, getattr(claim, name))
        self.forget_verdicts()
        return changed

    def _shown(self: Claim, name: str, value: Any = ...) -> Any:
        """A field's value as the log says it: a priority by its name."""
        value = getattr(self, name) if value is ... else value
        if name == "priority":
            return type(self).Priority(value).label
        return value

    def edited_message(self: Claim) -> str:
        last = self.activities.exclude(actor=None).select_related("actor").order_by("-created_at", "-pk").first()
        who = workflow.display_name(last.actor) if last else _("someone")
        return _(
            "%(who)s changed this claim while you were editing it. Nothing was changed; here are its current values."
        ) % {"who": who}

    def correct_for_readers(self: Claim, *, by: AbstractBaseUser, note: str) -> None:
        """What readers see changed: a new version of the verdict as it stands,
        with the note, so the public page lists the correction (under the
        row lock, in the caller's transaction)."""
        self.forget_verdicts()
        current = self.current_verdict
        self.add_verdict_version(
            corrected_by=by,
            rating=current.rating,
            summary=current.summary,
            explanation=current.explanation,
            correction_note=note,
        )
        self.log(by, "correct", note=note)
        self._after_transition(workflow.ACTIONS["correct"], by)

    def edit_evidence(
        self: Claim,
        *,
        by: AbstractBaseUser,
        evidence_id: int,
        expected_revision: int | None = None,
        check_quote: Callable[[str, str], str] | None = None,
        **changes: Any,
    ) -> list[str]:
        """Change a piece of evidence (`workflow.editing.EVIDENCE_FIELDS`): the
        names of the fields that changed. A new link cites its page through
        `Source.for_url` (fetched if new), as adding does. A changed quote or
        link is checked again with `check_quote(quote, text)` when the page's
        text is already there, else when the worker extracts it."""
        correction_note = str(changes.pop("correction_note", "") or "").strip()
        unknown = set(changes) - set(workflow.editing.EVIDENCE_FIELDS)
        if unknown:
            raise TypeError(f"Claim.edit_evidence() cannot change {', '.join(sorted(unknown))}.")
        with transaction.atomic():
            claim = type(self).objects.select_related("assignee").select_for_update(of=("self",)).get(pk=self.pk)
            evidence = claim.evidence.select_related("source").filter(pk=evidence_id).first()
            if evidence is None:
                raise workflow.StaleState(_("That piece of evidence was removed."))
            if expected_revision is not None and evidence.revision != expected_revision:
                raise workflow.StaleState(
                    _("This piece of evidence changed while you were editing it. Nothing was changed; here it is now.")
                )
            before = {name: _evidence_value(evidence, name) for name in workflow.editing.EVIDENCE_FIELDS}
            wanted = {**before, **{name: _evidence_input(name, value) for name, value in changes.items()}}
            changed = [name for name in changes if wanted[name] != before[name]]
            # Nothing to correct when nothing changed: only who asks, and when, matter.
            refusal = workflow.evidence_edit_refusal(claim, by, correction_note if changed else "unchanged")
            if refusal:
                raise refusal
            if not changed:
                return []
            if not wanted["url"] and not wanted["offline_source"]:
                raise workflow.GuardFailed(_("Give a URL or describe the offline source (an interview, a document)."))
            if "url" in changed:
                evidence.source = Source.for_url(wanted["url"]) if wanted["url"] else None
            for name in ("offline_source", "quote", "note", "stance"):
                setattr(evidence, name, wanted[name])
            if {"url", "quote"} & set(changed):
                evidence.quote_check = _quote_check(evidence, check_quote)
                # A hand check vouched for the quote as it was, in that page.
                evidence.hand_checked_by, evidence.hand_checked_at, evidence.hand_check_reason = None, None, ""
            evidence.revision += 1
            evidence.save()
            label = _("Evidence #%(number)s") % {"number": evidence.pk}
            for name in changed:
                old, new = (evidence_shown(name, values[name]) for values in (before, wanted))
                claim.log(by, "evidence_edited", note=f"{label}, {change_note(EVIDENCE_LABELS[name], old, new)}")
            claim.save(update_fields=["updated_at"])  # the public page's freshness moves
            if workflow.is_correction(claim.state):
                claim.correct_for_readers(by=by, note=correction_note)
        self.forget_verdicts()
        return changed


def _evidence_value(evidence: Evidence, name: str) -> str:
    if name == "url":
        return evidence.source.url if evidence.source_id else ""
    return getattr(evidence, name)


def _evidence_input(name: str, value: Any) -> str:
    value = str(value or "")
    if name == "url":
        return normalize_url(value) if value.strip() else ""
    if name == "offline_source":
        return value.strip()
    if name == "stance" and value not in Evidence.Stance.values:
        raise workflow.GuardFailed(_("Choose whether it supports, contradicts or gives context."))
    return value


def evidence_shown(name: str, value: str) -> str:
    return Evidence.Stance(value).label if name == "stance" and value else value


def _quote_check(evidence: Evidence, check_quote: Callable[[str, str], str] | None) -> str:
    source = evidence.source
    if not evidence.quote or source is None or check_quote is None or source.extracted_at is None:
        return Evidence.QuoteCheck.UNCHECKED
    text = Source.objects.filter(pk=source.pk).values_list("text", flat=True).get()
    return check_quote(evidence.quote, text)
