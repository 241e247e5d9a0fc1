"""Articles: the list, adding one (pasted or by URL), its page with its
claims and its spotted sentences, and a claim made from one of them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import limits
from claims.desk.forms import (
    ArticleForm,
    ClaimForm,
    SentenceClaimForm,
)
from claims.desk.views.access import desk_member_required, fragment, shorten
from claims.intake import Candidate, Spotting
from claims.models import Article, Claim
from claims.models.articles import SentenceClaim, SentenceRefused
from claims.partners.matching import similar_external

# Below this a sentence has no figure, money, count or date: at most a name
# and an attribution. Listed only when the desk asks for every sentence.
LISTED_FROM = 30
STRONG_FROM = 60


@dataclass(frozen=True)
class Spotted:
    """A candidate sentence as the desk shows it, with the claim made from it."""

    candidate: Candidate
    claim: Claim | None

    @property
    def band(self) -> str:
        """The CSS class of its highlight; the score is always shown beside it."""
        score = self.candidate.score
        return "high" if score >= STRONG_FROM else "mid" if score >= LISTED_FROM else "low"

    @property
    def band_label(self) -> str:
        return {"high": _("strong candidate"), "mid": _("candidate"), "low": _("weak candidate")}[self.band]


def _spotted(candidate: Candidate, made: dict[int, SentenceClaim]) -> Spotted:
    link = made.get(candidate.start)
    # Offsets are into the cleaned text: a link whose sentence reads otherwise
    # was made from another cleaning of the article and is not this one.
    return Spotted(candidate, link.claim if link and link.sentence == candidate.sentence else None)


def _spotted_at(article: Article, start: int) -> Spotted | None:
    candidate = next((c for c in article.spotting().candidates if c.start == start), None)
    return _spotted(candidate, article.claims_from_sentences()) if candidate else None


def _pieces(text: str, shown: list[Spotted]) -> list[tuple[str, Spotted | None]]:
    """The cleaned text in order, cut into plain runs and the shown sentences."""
    pieces: list[tuple[str, Spotted | None]] = []
    at = 0
    for spotted in sorted(shown, key=lambda spotted: spotted.candidate.start):
        pieces.append((text[at : spotted.candidate.start], None))
        pieces.append((spotted.candidate.sentence, spotted))
        at = spotted.candidate.end
    pieces.append((text[at:], None))
    return [(text, spotted) for text, spotted in pieces if text]


def _spotting_context(article: Article, *, show_all: bool) -> dict[str, Any]:
    spotting: Spotting = article.spotting()
    scored, unscored = article.spotted_and_unscored()
    made = article.claims_from_sentences()
    spotted = [_spotted(candidate, made) for candidate in spotting.candidates]
    listed = [s for s in spotted if show_all or s.candidate.score >= LISTED_FROM]
    return {
        "spotting": spotting,
        "listed": listed,
        "not_listed": len(spotted) - len(listed),
        "show_all": show_all,
        "listed_from": LISTED_FROM,
        "pieces": _pieces(spotting.text, listed),
        "unscored": unscored,
        "scored_chars": len(scored),
    }


@desk_member_required
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.only("pk", "title", "outlet", "published_on", "created_at").order_by("-created_at")
    page = Paginator(articles, settings.DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "claims/article_list.html", {"page": page})


@desk_member_required
def article_new(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    cites = request.method == "POST" and form.is_valid() and form.cleaned_data["url"]
    if cites and limits.over_limit(request, "cite"):
        form.add_error("url", limits.refusal("cite"))
        return render(request, "claims/article_new.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        article = Article.objects.add(by=request.user, **form.cleaned_data)
        messages.success(request, _("Article added. Now add the claims it makes."))
        return redirect(article)
    return render(request, "claims/article_new.html", {"form": form}, status=422 if form.errors else 200)


@desk_member_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The article, its claims, and a form to add one more (POST). While its
    URL is being fetched the page polls the article's text (HX-Target
    `article-text`), and 286 stops the polling when the fetch is over."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=pk)
    show_all = request.GET.get("all") == "1"
    if request.htmx and request.htmx.target == "article-text":
        status = 200 if article.awaits_page else 286
        context = {"article": article, **_spotting_context(article, show_all=show_all)}
        return render(request, "claims/article_detail.html#article-text", context, status=status)
    form = ClaimForm(request.POST or None, article=article)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            claim = Claim.objects.add(by=request.user, article=article, **form.cleaned_data)
            messages.success(request, _("Claim added: “%(text)s”.") % {"text": shorten(claim.text)})
            if not request.htmx:
                return redirect(article)
            form = ClaimForm(article=article)
        else:
            status = 422
    claims = article.claims.for_list().order_by("created_at", "pk")
    context = {"article": article, "claims": claims, "form": form}
    if not request.htmx:  # an HTMX post answers with the claims only, not the text
        context.update(_spotting_context(article, show_all=show_all))
    return render(request, fragment(request, "claims/article_detail.html", "article-claims"), context, status=status)


@desk_member_required
def article_sentence(request: HttpRequest, pk: int, start: int) -> HttpResponse:
    """One spotted sentence as the article's page lists it, for HTMX (Cancel
    on its claim form swaps it back); a browser is sent to its place there."""
    article = get_object_or_404(Article, pk=pk)
    if not request.htmx:
        return redirect(f"{article.get_absolute_url()}#candidate-{start}")
    spotted = _spotted_at(article, start)
    if spotted is None:
        raise Http404(_("No sentence of this article starts there."))
    context = {"article": article, "start": start, "spotted": spotted}
    return render(request, "claims/article_sentence.html#candidate", context)


def _sentence_form(article: Article, spotted: Spotted | None, data: Any = None) -> SentenceClaimForm:
    """The claim form prefilled from the sentence, its claimant guessed."""
    candidate = spotted.candidate if spotted else None
    initial = {
        "text": candidate.sentence if candidate else "",
        "claimant": (candidate.claimant or "")[:200] if candidate else "",
        "sentence": candidate.sentence if candidate else "",
        "priority": Claim.Priority.NORMAL,
    }
    # Several of these forms can be open on the article's page at once.
    auto_id = f"sentence-{candidate.start if candidate else 'gone'}-%s"
    return SentenceClaimForm(data, article=article, initial=initial, auto_id=auto_id)


@desk_member_required
def article_sentence_claim(request: HttpRequest, pk: int, start: int) -> HttpResponse:
    """A claim from one spotted sentence. GET: the form prefilled from it (a
    page, or for HTMX in place of the sentence's entry). POST: the claim made
    through Claim.objects.add, the entry then showing it (HTMX, with the
    article's list of claims updated out of band) or, for a browser, a redirect
    back to the sentence. A stale form or a sentence already taken: 409 and
    nothing written."""
    article = get_object_or_404(Article, pk=pk)
    spotted = _spotted_at(article, start)
    if spotted is None and request.method != "POST":
        raise Http404(_("No sentence of this article starts there."))
    form = _sentence_form(article, spotted, request.POST or None)
    status, refusal, made = 200, "", None
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                made = article.claim_sentence(
                    by=request.user, start=start, sentence=form.cleaned_data["sentence"], **form.claim_fields()
                )
            except SentenceRefused as refused:
                status, refusal = 409, refused.message
                spotted = _spotted_at(article, start)
                form = _sentence_form(article, spotted)
    if made is not None:
        if not request.htmx:
            messages.success(request, _("Claim made: “%(text)s”.") % {"text": shorten(made.text)})
            return redirect(f"{article.get_absolute_url()}#candidate-{start}")
        spotted = replace(spotted, claim=made)
    form_shown = spotted is not None and spotted.claim is None
    context = {
        "article": article,
        "start": start,
        "spotted": spotted,
        "claim_form": form,
        "refusal": refusal,
        # Checked before? Beside the form, so a repeat is linked, not researched again.
        "similar": Claim.objects.similar_to(spotted.candidate.sentence) if form_shown else [],
        "others": similar_external(spotted.candidate.sentence) if form_shown else [],
        "made_now": made is not None,
        "claims": article.claims.for_list().order_by("created_at", "pk") if made else None,
    }
    return render(request, fragment(request, "claims/article_sentence.html", "candidate"), context, status=status)


@require_POST
@desk_member_required
def article_refetch(request: HttpRequest, pk: int) -> HttpResponse:
    """Fetch the article's URL again after a failure."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=pk, source__isnull=False)
    status = 200
    if limits.over_limit(request, "refetch"):
        messages.error(request, limits.refusal("refetch"))
        status = 429
    else:
        article.source.refetch()
    if not request.htmx:
        return redirect(article)
    return render(request, "claims/article_detail.html#article-text", {"article": article}, status=status)
