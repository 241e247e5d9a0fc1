"""Desk views. Thin: check who asks, call one model method, render.

Every view that changes a claim answers an HTMX request with the fragment it
changed and a plain form post with a redirect (post/redirect/get), so the desk
works with JavaScript off."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from claims import publishing, workflow
from claims.forms import (
    ArticleForm,
    ClaimantMergeForm,
    ClaimForm,
    CommentForm,
    CorrectionForm,
    EvidenceForm,
    QueueFilterForm,
    TransitionForm,
    VerdictForm,
)
from claims.models import Article, Claim, Claimant, Source
from claims.publishing_check import check_before_publishing
from claims.snapshots import snapshot_response

PAGE_SIZE = 25
MY_QUEUE_LIMIT = 50


def desk_member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            # An HTMX request whose session expired must load the login page,
            # not swap it into a fragment.
            login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
            if request.htmx:
                return HttpResponseClientRedirect(login)
            return redirect(login)
        if not workflow.is_checker(request.user):
            raise PermissionDenied("The desk is for fact-checkers and editors. Ask an admin to add you to a group.")
        return view(request, *args, **kwargs)

    return wrapper


def _fragment(request: HttpRequest, template: str, fragment: str) -> str:
    return f"{template}#{fragment}" if request.htmx else template


@desk_member_required
def my_queue(request: HttpRequest) -> HttpResponse:
    claims = Claim.objects.for_list().queue_order()
    return render(
        request,
        "claims/my_queue.html",
        {
            "researching": claims.researched_by(request.user)[:MY_QUEUE_LIMIT],
            "reviewing": claims.filter(reviewer=request.user, state=workflow.State.IN_REVIEW)[:MY_QUEUE_LIMIT],
            "needing_reviewer": claims.needing_reviewer(request.user)[:MY_QUEUE_LIMIT],
            "unassigned": claims.filter(state=workflow.State.SUBMITTED)[:MY_QUEUE_LIMIT],
        },
    )


@desk_member_required
def team_queue(request: HttpRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET or None)
    claims = filters.filter(Claim.objects.for_list()).queue_order()
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        _fragment(request, "claims/team_queue.html", "results"),
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


@desk_member_required
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.only("pk", "title", "outlet", "published_on", "created_at").order_by("-created_at")
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "claims/article_list.html", {"page": page})


@desk_member_required
def article_new(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        article = Article.objects.add(by=request.user, **form.cleaned_data)
        messages.success(request, "Article added. Now add the claims it makes.")
        return redirect(article)
    return render(request, "claims/article_new.html", {"form": form}, status=422 if form.errors else 200)


@desk_member_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The article, its claims, and a form to add one more (POST). While its
    URL is being fetched the page polls the article's text (HX-Target
    `article-text`), and 286 stops the polling when the fetch is over."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=pk)
    if request.htmx and request.htmx.target == "article-text":
        status = 200 if article.awaits_page else 286
        return render(request, "claims/article_detail.html#article-text", {"article": article}, status=status)
    form = ClaimForm(request.POST or None, article=article)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            claim = Claim.objects.add(by=request.user, article=article, **form.cleaned_data)
            messages.success(request, f"Claim added: “{claim.text[:60]}”.")
            if not request.htmx:
                return redirect(article)
            form = ClaimForm(article=article)
        else:
            status = 422
    claims = article.claims.for_list().order_by("created_at", "pk")
    return render(
        request,
        _fragment(request, "claims/article_detail.html", "article-claims"),
        {"article": article, "claims": claims, "form": form},
        status=status,
    )


@require_POST
@desk_member_required
def article_refetch(request: HttpRequest, pk: int) -> HttpResponse:
    """Fetch the article's URL again after a failure."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=pk, source__isnull=False)
    article.source.refetch()
    if not request.htmx:
        return redirect(article)
    return render(request, "claims/article_detail.html#article-text", {"article": article})


@desk_member_required
def claimant_list(request: HttpRequest) -> HttpResponse:
    """Every claimant with their claims, searchable by name; editors merge
    two spellings of one speaker (POST), chosen from the page they see."""
    search = request.GET.get("q", "").strip()[:200]
    claimants = (
        Claimant.objects.filter(merged_into=None)
        .annotate(
            claim_count=Count("claims"), has_page=Exists(publishing.current_claims().filter(speaker=OuterRef("pk")))
        )
        .order_by("name", "pk")
    )
    if search:
        claimants = claimants.filter(name__icontains=search)
    page = Paginator(claimants, 50).get_page(request.GET.get("page"))
    form = ClaimantMergeForm(request.POST or None, offered=page.object_list)
    status = 200
    if request.method == "POST":
        refusal = workflow.editor_refusal(request.user)
        if refusal:
            raise PermissionDenied(refusal.message)
        try:
            moved = form.cleaned_data["merge"].merge_into(form.cleaned_data["into"]) if form.is_valid() else None
        except ValueError as error:
            form.add_error(None, str(error))
            moved = None
        if moved is not None:
            messages.success(
                request, f"Merged “{form.cleaned_data['merge']}” into “{form.cleaned_data['into']}” ({moved} claims)."
            )
            return redirect(request.get_full_path())
        status = 422
    context = {
        "page": page,
        "form": form,
        "search": search,
        "query": urlencode({"q": search}) if search else "",
        "can_merge": workflow.editor_refusal(request.user) is None,
    }
    return render(request, "claims/claimant_list.html", context, status=status)


@desk_member_required
def claim_new(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = Claim.objects.add(by=request.user, **form.cleaned_data)
        messages.success(request, "Claim added to the desk.")
        return redirect(claim)
    return render(request, "claims/claim_new.html", {"form": form}, status=422 if form.errors else 200)


def _get_claim_for(user: Any, pk: int) -> Claim:
    if not workflow.is_checker(user):
        raise PermissionDenied("The desk is for fact-checkers and editors.")
    return get_object_or_404(Claim.objects.select_related("article", "assignee", "reviewer"), pk=pk)


def _claim_page(request: HttpRequest, claim: Claim, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The claim page, or (HTMX) its main fragment, with any bound forms the
    caller passes to show their errors."""
    user = request.user
    draft = claim.current_verdict
    can_research = workflow.research_refusal(claim, user) is None
    actions = []
    for action, not_ready in claim.available_actions(user):
        form = forms.get(f"action_{action.name}") or _action_form(action, claim)
        actions.append({"action": action, "not_ready": not_ready, "form": form})
    evidence = list(claim.evidence.select_related("source", "added_by").defer("source__text"))
    context = {
        "claim": claim,
        "actions": actions,
        "evidence": evidence,
        "verdict": draft,
        "versions": publishing.versions_of(claim)[::-1],
        "activities": claim.activities.select_related("actor")[:200],
        "can_research": can_research,
        "evidence_form": forms.get("evidence_form") or (EvidenceForm() if can_research else None),
        "verdict_form": forms.get("verdict_form") or (_verdict_form(draft) if can_research else None),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "publishing_check": check_before_publishing(claim, evidence)
        if any(item["action"].name == "publish" for item in actions)
        else None,
    }
    return render(request, _fragment(request, "claims/claim_detail.html", "claim-main"), context, status=status)


def _form_class(action: str) -> type[TransitionForm]:
    """A correction carries a new verdict; every other action a note at most."""
    return CorrectionForm if action == "correct" else TransitionForm


def _action_form(action: workflow.Action, claim: Claim) -> TransitionForm:
    form_class = _form_class(action.name)
    initial: dict[str, Any] = {"state": claim.state, "revision": claim.revision}
    if action.name == "correct" and claim.current_verdict:
        verdict = claim.current_verdict
        initial.update(rating=verdict.rating, summary=verdict.summary, explanation=verdict.explanation)
    return form_class(initial=initial, prefix=action.name)


def _verdict_form(draft: Any) -> VerdictForm:
    if draft is None:
        return VerdictForm(initial={"based_on": None})
    return VerdictForm(
        initial={
            "rating": draft.rating,
            "summary": draft.summary,
            "explanation": draft.explanation,
            "based_on": draft.revision,
        }
    )


def _after_change(request: HttpRequest, claim: Claim, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return _claim_page(request, claim)
    return redirect(claim)


def _refused(request: HttpRequest, claim: Claim, error: workflow.WorkflowError) -> HttpResponse:
    messages.error(request, error.message)
    claim.refresh_from_db()
    claim.__dict__.pop("current_verdict", None)
    return _claim_page(request, claim, status=error.status)


@desk_member_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_page(request, _get_claim_for(request.user, pk))


@require_POST
@desk_member_required
def claim_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    claim = _get_claim_for(request.user, pk)
    form = _form_class(action)(request.POST, prefix=action)
    if not form.is_valid():
        messages.error(request, "Check the form below.")
        return _claim_page(request, claim, status=422, **{f"action_{action}": form})
    try:
        claim = claim.transition(
            action,
            by=request.user,
            expected_state=form.cleaned_data["state"],
            expected_revision=form.cleaned_data["revision"],
            params=form.params(),
        )
    except workflow.WorkflowError as error:
        return _refused(request, claim, error)
    label = workflow.ACTIONS[action].label
    return _after_change(request, claim, f"{label}: done. The claim is {claim.get_state_display().lower()}.")


@require_POST
@desk_member_required
def claim_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for(request.user, pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, status=422, evidence_form=form)
    try:
        claim.add_evidence(by=request.user, **form.cleaned_data)
    except workflow.WorkflowError as error:
        return _refused(request, claim, error)
    return _after_change(request, claim, "Evidence added.")


@require_POST
@desk_member_required
def claim_evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = _get_claim_for(request.user, pk)
    try:
        claim.remove_evidence(by=request.user, evidence_id=evidence_pk)
    except workflow.WorkflowError as error:
        return _refused(request, claim, error)
    return _after_change(request, claim, "Evidence removed.")


def _evidence_fragment(request: HttpRequest, claim: Claim, evidence_pk: int) -> HttpResponse:
    item = get_object_or_404(claim.evidence.select_related("source", "added_by").defer("source__text"), pk=evidence_pk)
    if not request.htmx:
        return redirect(f"{claim.get_absolute_url()}#evidence-{item.pk}")
    context = {"claim": claim, "item": item, "can_research": workflow.research_refusal(claim, request.user) is None}
    # 286 tells htmx to stop polling: the fetch is over.
    status = 286 if item.source is None or item.source.is_settled else 200
    return render(request, "claims/claim_detail.html#evidence-item", context, status=status)


@desk_member_required
def evidence_item(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """One piece of evidence and its source's fetch status: the claim page
    polls this while a fetch is under way."""
    return _evidence_fragment(request, _get_claim_for(request.user, pk), evidence_pk)


@require_POST
@desk_member_required
def evidence_refetch(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = _get_claim_for(request.user, pk)
    get_object_or_404(claim.evidence, pk=evidence_pk, source__isnull=False)
    if claim.refetch_source(by=request.user, evidence_id=evidence_pk):
        messages.success(request, "Fetching the source again.")
    return _evidence_fragment(request, claim, evidence_pk)


@desk_member_required
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    citing = source.evidence.select_related("claim", "added_by").order_by("-created_at")[:200]
    return render(request, "claims/source_detail.html", {"source": source, "citing": citing})


@desk_member_required
def source_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    """The bytes as fetched, as a download, or the extracted text as plain
    text. Never rendered as a live page in our origin: a snapshot is hostile
    content."""
    # Any stored copy, even after a later fetch failed: that is when it is needed.
    return snapshot_response(request, Source.objects.all(), pk)


@require_POST
@desk_member_required
def claim_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for(request.user, pk)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, status=422, verdict_form=form)
    try:
        claim.save_draft_verdict(by=request.user, **form.cleaned_data)
    except workflow.WorkflowError as error:
        return _refused(request, claim, error)
    claim.__dict__.pop("current_verdict", None)
    return _after_change(request, claim, "Draft verdict saved.")


@require_POST
@desk_member_required
def claim_comment(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, status=422, comment_form=form)
    claim.comment(by=request.user, text=form.cleaned_data["text"])
    return _after_change(request, claim, "Comment added.")
