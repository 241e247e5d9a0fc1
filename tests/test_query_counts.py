"""Every page's number of SQL queries is constant in the number of rows, and
at most 12: each page is drawn once on a small desk and again after the desk
has grown (more claims in every state, evidence, sources, activity,
claimants, articles, suggestions), and must not ask more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import workflow
from claims.models import Article, Claim, DeskPolicy, Rating, Source, Suggestion
from tests.conftest import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

MOST = 12


@pytest.fixture
def desk(make_claim: Any, publish: Any, checker: Any, editor: Any) -> Callable[[int], dict[str, Any]]:
    """`grow(n)`: n more of everything; returns the rows the pages are about."""
    rows: dict[str, Any] = {}

    def grow(n: int) -> dict[str, Any]:
        DeskPolicy.change(by=editor, approvals_needed=1)  # `publish` approves once
        for i in range(n):
            published = publish(
                text=f"Claim {i} says {300 + i} people were arrested.",
                claimant=f"Speaker {len(rows.get('speakers', []))}",
                urls=(f"https://example.org/report-{Claim.objects.count()}",),
            )
            rows.setdefault("speakers", []).append(published.speaker)
            rows.setdefault("published", published)
            for state in (workflow.State.SUBMITTED, workflow.State.IN_REVIEW, workflow.State.RESEARCHING):
                make_claim(state=state, text=f"{state} claim {i}: {500 + i} soldiers were killed.")
            article = ArticleFactory(title=f"Briefing {i}", body=f"Officials said {700 + i} were arrested. " * 3)
            Claim.objects.add(by=checker, text=f"{700 + i} were arrested.", article=article)
            rows.setdefault("article", article)
            Suggestion.objects.create(text=f"Were {900 + i} people arrested?", email="reader@example.org")
        # The claim whose own lists grow: evidence, comments and activity; with
        # a draft verdict, so every guard of `submit` is asked.
        if "heavy" not in rows:
            rows["heavy"] = make_claim(state=workflow.State.RESEARCHING)
            rows["heavy"].save_draft_verdict(
                by=checker, rating=Rating.objects.get(label="False"), summary="No.", explanation="", based_on=None
            )
        heavy = rows["heavy"]
        # A claim in review on a desk asking for two approvals: one given, a
        # conflict declared, more of both as the desk grows.
        rows.setdefault("review", make_claim(state=workflow.State.IN_REVIEW))
        DeskPolicy.change(by=editor, approvals_needed=3)
        for i in range(n):
            person = UserFactory(groups=[workflow.CHECKERS_GROUP])
            if i == 0 and not rows["review"].approvers:
                rows["review"].transition("approve", by=person, expected_state=None)
            else:
                Claim.objects.get(pk=rows["review"].pk).declare_conflict(by=person, reason=f"Reason {i}")
        for i in range(n):
            heavy.add_evidence(
                by=checker, url=f"https://example.org/source-{heavy.evidence.count()}", quote=f"{i} people"
            )
            heavy.comment(by=checker, text=f"Note {i}")
        rows["source"] = Source.objects.order_by("pk").first()
        return rows

    return grow


PAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "my queue": lambda r: "/desk/",
    "team queue": lambda r: "/desk/claims/",
    "team queue, published": lambda r: "/desk/claims/?state=published",
    "team queue, search": lambda r: "/desk/claims/?q=arrested",
    "team queue, by demand": lambda r: "/desk/claims/?sort=demand",
    "dashboard": lambda r: "/desk/dashboard/",
    "claim page": lambda r: f"/desk/claims/{r['heavy'].pk}/",
    "claim page, in review": lambda r: f"/desk/claims/{r['review'].pk}/",
    "published claim page": lambda r: f"/desk/claims/{r['published'].pk}/",
    "new claim": lambda r: "/desk/claims/new/",
    "checked before?": lambda r: "/desk/claims/similar/?text=300+people+were+arrested",
    "articles": lambda r: "/desk/articles/",
    "article page": lambda r: f"/desk/articles/{r['article'].pk}/",
    "claimants": lambda r: "/desk/claimants/",
    "suggestions": lambda r: "/desk/suggestions/",
    "source page": lambda r: f"/desk/sources/{r['source'].pk}/",
    "verdict list": lambda r: "/verdicts/",
    "verdict list, search": lambda r: "/verdicts/?q=arrested",
    "verdicts json": lambda r: "/verdicts.json",
    "verdict page": lambda r: f"/verdicts/{r['published'].slug}/",
    "claimant page": lambda r: r["published"].speaker.get_absolute_url(),
    "rss": lambda r: "/verdicts/feed/",
    "atom": lambda r: "/verdicts/atom/",
    "sitemap index": lambda r: "/sitemap.xml",
    "sitemap of verdicts": lambda r: "/sitemap-verdicts.xml",
    "sitemap of claimants": lambda r: "/sitemap-claimants.xml",
    "team queue, search, published": lambda r: "/desk/claims/?q=arrested&state=published",
    "suggest a claim": lambda r: "/suggest/",
}


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_asks_no_more_as_the_desk_grows(
    page: str, desk: Callable[[int], dict[str, Any]], editor: Any, client_for: Any
) -> None:
    client = client_for(editor)
    rows = desk(2)
    small = queries(client, PAGES[page](rows))
    rows = desk(5)
    assert Article.objects.count() >= 7
    grown = queries(client, PAGES[page](rows))
    assert grown <= small, f"{page}: {small} queries, then {grown} on a bigger desk"
    assert grown <= MOST, f"{page}: {grown} queries"
