"""From the news: the check-worthy sentences spotted in watched outlets'
stories, best first; a claim made from one, or one dismissed, in place."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims.desk.forms import SentenceClaimForm
from claims.desk.views.access import desk_member_required, fragment, shorten
from claims.models import Claim, NewsSentence, Outlet
from claims.models.articles import SentenceRefused
from claims.params import positive_id


@desk_member_required
def news_list(request: HttpRequest) -> HttpResponse:
    outlet = positive_id(request.GET.get("outlet"))
    dismissed = request.GET.get("dismissed") == "1"
    rows = NewsSentence.objects.for_list(outlet=outlet, dismissed=dismissed)
    page = Paginator(rows, settings.DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    query = {key: value for key, value in (("outlet", outlet), ("dismissed", "1" if dismissed else "")) if value}
    context = {
        "page": page,
        "outlets": Outlet.objects.only("pk", "name").order_by("name", "pk")[: settings.DESK_RECENT_LIMIT],
        "outlet": outlet,
        "dismissed": dismissed,
        "query": urlencode(query),
    }
    return render(request, fragment(request, "claims/news_list.html", "news"), context)


def _news(pk: int) -> NewsSentence:
    return get_object_or_404(NewsSentence.objects.for_list(dismissed=True), pk=pk)


@require_POST
@desk_member_required
def news_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Hidden from the list (shown again with "include dismissed"). HTMX: the
    row, now saying so; a plain post: back to the list."""
    news = _news(pk)
    news.dismiss(by=request.user)
    if not request.htmx:
        messages.success(request, _("Dismissed: “%(text)s”.") % {"text": shorten(news.sentence)})
        return redirect("desk:news")
    return render(request, "claims/news_list.html#news-row", {"news": _news(pk), "alone": True})


def _claim_form(news: NewsSentence, data: dict | None = None) -> SentenceClaimForm:
    initial = {
        "text": news.sentence,
        "claimant": news.claimant,
        "sentence": news.sentence,
        "priority": Claim.Priority.NORMAL,
    }
    return SentenceClaimForm(data, article=news.article, initial=initial, auto_id=f"news-{news.pk}-%s")


@desk_member_required
def news_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """A claim from the sentence, through the article's sentence-to-claim
    flow. GET: the form prefilled from it (for HTMX, in place of its row).
    POST: the claim made, the row then linking to it; a sentence the article
    no longer reads, or one a claim was made from already: 409, nothing written."""
    news = _news(pk)
    form = _claim_form(news, request.POST or None)
    status, refusal = 200, ""
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                claim = news.make_claim(by=request.user, **form.claim_fields())
            except SentenceRefused as refused:
                status, refusal = 409, refused.message
            else:
                messages.success(request, _("Claim made: “%(text)s”.") % {"text": shorten(claim.text)})
                if not request.htmx:
                    return redirect(claim)
                form = None
    context = {"news": news, "claim_form": form, "refusal": refusal, "alone": request.htmx}
    return render(request, fragment(request, "claims/news_claim.html", "news-row"), context, status=status)


@desk_member_required
def news_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One sentence's row as the list shows it, for HTMX (Cancel on its claim
    form swaps it back); a browser is sent to the list."""
    if not request.htmx:
        return redirect("desk:news")
    return render(request, "claims/news_list.html#news-row", {"news": _news(pk), "alone": True})
