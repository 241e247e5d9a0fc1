"""Adding claims from the new-claim form or an article's page, over HTMX or a plain post; what the form refuses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claims.models import Article, Claim
from claims.workflow import State
from tests.desk.conftest import HX, counts, field_errors, html

pytestmark = pytest.mark.django_db


def test_article_page_adds_a_claim_over_htmx(client_for: Any, checker: Any, article: Article) -> None:
    response = client_for(checker).post(
        f"/desk/articles/{article.pk}/", {"text": "Exports rose 10%.", "priority": "2"}, **HX
    )
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<section id="article-claims"')
    assert "<html" not in page
    assert "Exports rose 10%." in page
    assert Claim.objects.get(text="Exports rose 10%.").article == article


def test_article_page_adds_a_claim_and_redirects(client_for: Any, checker: Any, article: Article) -> None:
    response = client_for(checker).post(f"/desk/articles/{article.pk}/", {"text": "Exports rose 10%.", "priority": "2"})
    assert response.status_code == 302
    assert response.url == f"/desk/articles/{article.pk}/"
    claim = Claim.objects.get(text="Exports rose 10%.")
    assert (claim.article, claim.state, claim.created_by) == (article, State.SUBMITTED, checker)
    assert claim.activities.get().action == "created"


def test_new_claim_and_article_forms_save_and_redirect(client_for: Any, checker: Any, desk_defaults: None) -> None:
    client = client_for(checker)
    response = client.post("/desk/articles/new/", {"title": "Interview", "url": "https://example.org/a"})
    article = Article.objects.get(title="Interview")
    assert response.status_code == 302
    assert response.url == f"/desk/articles/{article.pk}/"
    response = client.post("/desk/claims/new/", {"text": "GDP grew 6%.", "priority": "1", "article": article.pk})
    claim = Claim.objects.get(text="GDP grew 6%.")
    assert response.status_code == 302
    assert response.url == f"/desk/claims/{claim.pk}/"
    assert (claim.article, claim.priority) == (article, Claim.Priority.HIGH)


def test_a_claim_without_an_article_shows_everywhere(client_for: Any, checker: Any, desk_defaults: None) -> None:
    client = client_for(checker)
    response = client.post(
        "/desk/claims/new/", {"text": "Said on the radio.", "claimant": "A minister", "priority": "2"}
    )
    claim = Claim.objects.get(text="Said on the radio.")
    assert response.status_code == 302
    assert claim.article is None
    for url in (f"/desk/claims/{claim.pk}/", "/desk/", "/desk/claims/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Said on the radio." in html(response), url


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
@pytest.mark.parametrize("text", ["", "   "], ids=["empty", "blank"])
def test_claim_needs_its_text(
    text: str, headers: dict[str, str], client_for: Any, checker: Any, article: Article
) -> None:
    client = client_for(checker)
    before = counts()
    for url in ("/desk/claims/new/", f"/desk/articles/{article.pk}/"):
        response = client.post(url, {"text": text, "claimant": "Someone", "priority": "2"}, **headers)
        assert response.status_code == 422, url
        assert "This field is required." in field_errors(html(response), "text"), url
    assert counts() == before


def test_due_date_in_the_past_is_refused(client_for: Any, checker: Any, desk_defaults: None) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    before = counts()
    response = client_for(checker).post(
        "/desk/claims/new/", {"text": "A claim.", "priority": "2", "due_on": yesterday.isoformat()}
    )
    assert response.status_code == 422
    assert "The due date is in the past." in field_errors(html(response), "due_on")
    assert counts() == before


def test_the_claim_form_offers_recent_articles_only(desk_defaults: None, settings: Any) -> None:
    from claims.desk import forms
    from tests.conftest import ArticleFactory

    settings.DESK_RECENT_LIMIT = 30
    old, *recent = [ArticleFactory() for _ in range(settings.DESK_RECENT_LIMIT + 1)]
    offered = set(forms.ClaimForm().fields["article"].queryset.values_list("pk", flat=True))
    assert old.pk not in offered
    assert {article.pk for article in recent} == offered
