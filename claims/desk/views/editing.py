"""Correcting work in place: a claim's header, a piece of its evidence, an
article. GET draws the form (for HTMX, in place of what it edits; else a page
of its own); a valid POST calls the model's edit and answers with the claim
page (HTMX, retargeted to the whole claim: the revision its other forms carry
moved) or a redirect. A stale or refused form: the form again with the
current values, what the person typed beside them, and nothing changed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect, retarget

from claims import limits, workflow
from claims.desk.edit_forms import ArticleEditForm, ClaimEditForm, EvidenceEditForm
from claims.desk.views.access import claim_for, desk_member_required, fragment
from claims.desk.views.claims import _claim_page
from claims.models import Article
from claims.sources.quotes import check_quote


def _saved(request: HttpRequest, form: Any, changed: list[str]) -> None:
    if changed:
        labels = [str(form.fields[name].label or name).lower() for name in changed if name in form.fields]
        messages.success(request, _("Saved. Changed: %(fields)s.") % {"fields": ", ".join(labels)})
    else:
        messages.info(request, _("Nothing changed."))


def _yours(form: Any, current: Any) -> list[tuple[str, str]]:
    """What the person typed that differs from the current values, to show
    beside them after a refusal (escaped by the template like any text)."""
    typed = []
    for name, field in form.fields.items():
        if name in ("revision", "correction_note") or name not in form.data:
            continue
        value = form[name].value()
        if str(value or "") != str(current.get(name) or ""):
            typed.append((str(field.label or name), str(value or "")))
    return typed


def _not_yours(request: HttpRequest, claim: Any, refusal: workflow.WorkflowError) -> HttpResponse:
    """Refused before any form: 403 for someone without the right; else
    (the claim's state) the claim page says why."""
    if isinstance(refusal, workflow.NotPermitted):
        raise PermissionDenied(refusal.message)
    messages.error(request, refusal.message)
    if not request.htmx:
        return redirect(claim)
    return retarget(_claim_page(request, claim, status=refusal.status), "#claim-main")


@desk_member_required
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk)
    fields = workflow.editable_claim_fields(claim, request.user)
    if not fields:
        refusal = workflow.claim_edit_refusal(claim, request.user, workflow.CLAIM_FIELDS, "(asked)")
        return _not_yours(request, claim, refusal or workflow.StaleState(_("Nothing of this claim is yours to edit.")))
    form = ClaimEditForm(request.POST or None, claim=claim, fields=fields)
    status, refusal, yours = 200, "", []
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                changed = claim.edit(by=request.user, expected_revision=form.cleaned_data["revision"], **form.changes())
            except workflow.WorkflowError as error:
                claim = claim_for(request.user, pk)
                fields = workflow.editable_claim_fields(claim, request.user)
                yours = _yours(form, {name: getattr(claim, name) for name in workflow.CLAIM_FIELDS})
                form = ClaimEditForm(claim=claim, fields=fields)
                status, refusal = error.status, error.message
            else:
                _saved(request, form, changed)
                if not request.htmx:
                    return redirect(claim)
                claim = claim_for(request.user, pk)
                return retarget(_claim_page(request, claim), "#claim-main")
    context = {"claim": claim, "form": form, "refusal": refusal, "yours": yours}
    return render(request, fragment(request, "claims/claim_edit.html", "claim-edit"), context, status=status)


@desk_member_required
def evidence_edit(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk)
    evidence = get_object_or_404(claim.evidence.with_sources(), pk=evidence_pk)
    refusal = workflow.evidence_edit_refusal(claim, request.user, "(asked)")
    if refusal:
        return _not_yours(request, claim, refusal)
    form = EvidenceEditForm(request.POST or None, evidence=evidence, claim=claim)
    status, refusal_message, yours = 200, "", []
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        elif form.has_changed() and "url" in form.changed_data and limits.over_limit(request, "cite"):
            form.add_error("url", limits.refusal("cite"))
            status = 429
        else:
            try:
                changed = claim.edit_evidence(
                    by=request.user,
                    evidence_id=evidence.pk,
                    expected_revision=form.cleaned_data["revision"],
                    check_quote=check_quote,
                    **form.changes(),
                )
            except workflow.WorkflowError as error:
                evidence = get_object_or_404(claim.evidence.with_sources(), pk=evidence_pk)
                current = {name: getattr(evidence, name) for name in ("offline_source", "quote", "note", "stance")}
                yours = _yours(form, current | {"url": evidence.source.url if evidence.source else ""})
                form = EvidenceEditForm(evidence=evidence, claim=claim)
                status, refusal_message = error.status, error.message
            else:
                _saved(request, form, changed)
                if not request.htmx:
                    return redirect(f"{claim.get_absolute_url()}#evidence-{evidence.pk}")
                return retarget(_claim_page(request, claim_for(request.user, pk)), "#claim-main")
    context = {"claim": claim, "item": evidence, "form": form, "refusal": refusal_message, "yours": yours}
    return render(request, fragment(request, "claims/evidence_edit.html", "evidence-edit"), context, status=status)


def _article_states(article: Article) -> list[str]:
    return list(article.claims.values_list("state", flat=True))


@desk_member_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("source"), pk=pk)
    states = _article_states(article)
    refusal = workflow.article_edit_refusal(request.user, states, "(asked)")
    if refusal:
        raise PermissionDenied(refusal.message)
    is_correction = any(state in workflow.PUBLIC_STATES for state in states)
    form = ArticleEditForm(request.POST or None, article=article, is_correction=is_correction)
    status, refusal_message, yours = 200, "", []
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        elif "url" in form.changed_data and form.cleaned_data["url"] and limits.over_limit(request, "cite"):
            form.add_error("url", limits.refusal("cite"))
            status = 429
        else:
            try:
                changed = article.edit(
                    by=request.user, expected_revision=form.cleaned_data["revision"], **form.changes()
                )
            except workflow.WorkflowError as error:
                article = get_object_or_404(Article, pk=pk)
                current = {name: getattr(article, name) for name in ("title", "outlet", "url", "author")}
                yours = _yours(form, current | {"published_on": article.published_on, "body": article.original_body})
                is_correction = any(state in workflow.PUBLIC_STATES for state in _article_states(article))
                form = ArticleEditForm(article=article, is_correction=is_correction)
                status, refusal_message = error.status, error.message
            else:
                _saved(request, form, changed)
                if request.htmx:
                    return HttpResponseClientRedirect(article.get_absolute_url())
                return redirect(article)
    context = {"article": article, "form": form, "refusal": refusal_message, "yours": yours}
    return render(request, fragment(request, "claims/article_edit.html", "article-edit"), context, status=status)
