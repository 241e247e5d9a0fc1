"""The forms that correct work: a claim's fields, a piece of evidence, an
article. Each carries the revision it was drawn from (a stale one is refused
by the model) and, where the change is a correction readers see, the note.
Input limits and wording only; who may change what is claims.workflow.editing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claims import workflow
from claims.desk.forms import (
    MAX_CLAIM_CHARS,
    MAX_NOTE_CHARS,
    ArticleForm,
    EvidenceForm,
    _max_chars,
    _not_in_future,
    _not_in_past,
)
from claims.models import Article, Claim, Evidence
from claims.sources.fields import FetchableURLField


class CorrectionNote(forms.Form):
    """The revision the form was drawn from, and the correction note when
    the change is one readers see."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    correction_note = forms.CharField(
        label=_("Correction note (readers see it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The claim is published: this change is listed among its corrections."),
    )

    def offer_note(self, is_correction: bool) -> None:
        if is_correction:
            self.fields["correction_note"].required = True
        else:
            del self.fields["correction_note"]

    def clean_correction_note(self) -> str:
        return _max_chars(self.cleaned_data["correction_note"].strip(), MAX_NOTE_CHARS, _("The note"))

    def note(self) -> dict[str, str]:
        return {"correction_note": self.cleaned_data["correction_note"]} if "correction_note" in self.fields else {}


class ClaimEditForm(CorrectionNote):
    text = forms.CharField(label=_("Claim, as said"), widget=forms.Textarea(attrs={"rows": 3}))
    claimant = forms.CharField(label=_("Who said it"), max_length=200, required=False)
    said_on = forms.DateField(
        label=_("Said on"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("If known.")
    )
    appearance = forms.CharField(
        label=_("Where it was said"),
        max_length=300,
        required=False,
        help_text=_("A speech, a post, an interview; leave blank when it is the article."),
    )
    appearance_url = FetchableURLField(label=_("Where (link)"), required=False)
    priority = forms.TypedChoiceField(choices=Claim.Priority.choices, coerce=int)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, claim: Claim, fields: tuple[str, ...], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(claim, name) for name in workflow.CLAIM_FIELDS})
        kwargs["initial"].setdefault("revision", claim.revision)
        super().__init__(*args, **kwargs)
        self.claim = claim
        for name in workflow.CLAIM_FIELDS:
            if name not in fields:
                del self.fields[name]
        self.offer_note(workflow.is_correction(claim.state))

    def clean_text(self) -> str:
        return _max_chars(self.cleaned_data["text"].strip(), MAX_CLAIM_CHARS, _("The claim"))

    def clean_said_on(self) -> Any:
        return _not_in_future(self.cleaned_data["said_on"])

    def clean_due_on(self) -> Any:
        # An overdue claim keeps its date when only its priority changes.
        due = self.cleaned_data["due_on"]
        return due if due == self.claim.due_on else _not_in_past(due)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in workflow.CLAIM_FIELDS if name in self.fields} | self.note()


class EvidenceEditForm(EvidenceForm, CorrectionNote):
    def __init__(self, *args: Any, evidence: Evidence, claim: Claim, **kwargs: Any) -> None:
        initial = {name: getattr(evidence, name) for name in ("offline_source", "quote", "note", "stance")}
        initial.update(url=evidence.source.url if evidence.source_id else "", revision=evidence.revision)
        kwargs.setdefault("initial", initial)
        # Several pieces of evidence can be edited on one page.
        kwargs.setdefault("auto_id", f"evidence-{evidence.pk}-%s")
        super().__init__(*args, **kwargs)
        self.offer_note(workflow.is_correction(claim.state))

    def changes(self) -> dict[str, Any]:
        fields = ("url", "offline_source", "quote", "note", "stance")
        return {name: self.cleaned_data[name] for name in fields} | self.note()


class ArticleEditForm(ArticleForm, CorrectionNote):
    def __init__(self, *args: Any, article: Article, is_correction: bool, **kwargs: Any) -> None:
        fields = ("title", "outlet", "url", "author", "published_on")
        initial = {name: getattr(article, name) for name in fields}
        initial.update(body=article.original_body or article.body, revision=article.revision)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _("The text as pasted; it is cleaned again when saved.")
        self.fields["correction_note"].help_text = _(
            "A claim in this article is published: the change is listed among its corrections."
        )
        self.offer_note(is_correction)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in workflow.editing.ARTICLE_FIELDS} | self.note()
