"""Articles: the list, adding one (pasted or by URL), its page with its claims."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from claims import limits
from claims.desk.forms import (
    ArticleForm,
    ClaimForm,
)
from claims.desk.views.access import desk_member_required, fragment
from claims.models import Article, Claim


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
        fragment(request, "claims/article_detail.html", "article-claims"),
        {"article": article, "claims": claims, "form": form},
        status=status,
    )


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
