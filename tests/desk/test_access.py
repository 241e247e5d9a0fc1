"""Who may use the desk: members in, others sent to log in or refused; changes need a POST and the CSRF token."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Article, Claim, Rating
from tests.desk.conftest import HX, counts, html

pytestmark = pytest.mark.django_db


DESK_REFUSAL = "The desk is for fact-checkers and editors"


def desk_pages(claim: Claim, article: Article) -> list[str]:
    return [
        "/desk/",
        "/desk/claims/",
        "/desk/articles/",
        "/desk/articles/new/",
        f"/desk/articles/{article.pk}/",
        "/desk/claims/new/",
        f"/desk/claims/{claim.pk}/",
    ]


def desk_posts(claim: Claim) -> list[tuple[str, dict[str, str]]]:
    """Every URL that changes something, with a valid body for `claim`
    (researching, researched by `checker`)."""
    rating = Rating.objects.get(label="False")
    return [
        ("/desk/articles/new/", {"title": "A new article"}),
        (f"/desk/articles/{claim.article_id}/", {"text": "A new claim.", "priority": "2"}),
        ("/desk/claims/new/", {"text": "A new claim.", "priority": "2"}),
        (
            f"/desk/claims/{claim.pk}/act/reassign/",
            {"reassign-state": "researching", "reassign-person": str(claim.assignee_id)},
        ),
        (f"/desk/claims/{claim.pk}/evidence/", {"offline_source": "A call", "stance": "context"}),
        (f"/desk/claims/{claim.pk}/verdict/", {"rating": str(rating.pk), "summary": "Fine."}),
        (f"/desk/claims/{claim.pk}/comment/", {"text": "Hello"}),
    ]


@pytest.mark.parametrize("persona", ["checker", "editor"])
def test_every_desk_page_renders_for_desk_members(
    persona: str, request: Any, client_for: Any, claim: Claim, article: Article
) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in desk_pages(claim, article):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<html" in html(response), url
        assert "factcheck" in html(response), url


def test_anonymous_visitors_are_sent_to_log_in(client: Client, claim: Claim, article: Article) -> None:
    login = reverse("login")
    for url in desk_pages(claim, article):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{login}?next="), url
    before = counts()
    for url, data in desk_posts(claim):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{login}?next="), url
    assert counts() == before


def test_outsiders_are_refused_every_page_with_a_reason(
    client_for: Any, outsider: Any, claim: Claim, article: Article
) -> None:
    client = client_for(outsider)
    for url in desk_pages(claim, article):
        for headers in ({}, HX):
            response = client.get(url, **headers)
            assert response.status_code == 403, url
            assert DESK_REFUSAL in html(response), url


def test_outsiders_cannot_post_anything(client_for: Any, outsider: Any, claim: Claim) -> None:
    client = client_for(outsider)
    before = counts()
    for url, data in desk_posts(claim):
        for headers in ({}, HX):
            response = client.post(url, data, **headers)
            assert response.status_code == 403, url
            assert DESK_REFUSAL in html(response), url
    assert counts() == before
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.state, fresh.assignee_id) == (claim.state, claim.assignee_id)


def test_the_same_posts_work_for_the_researcher(client_for: Any, checker: Any, claim: Claim) -> None:
    """The control for the refusals above: the bodies are good ones."""
    client = client_for(checker)
    for url, data in desk_posts(claim):
        before = counts()
        response = client.post(url, data)
        assert response.status_code == 302, (url, html(response)[:2000])
        assert counts() != before, url


def test_changes_need_a_post(client_for: Any, checker: Any, claim: Claim) -> None:
    client = client_for(checker)
    before = counts()
    for url, _ in desk_posts(claim)[3:]:
        assert client.get(url).status_code == 405, url
    assert counts() == before


def test_desk_posts_need_the_csrf_token(checker: Any, claim: Claim) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(checker)
    before = counts()
    for url, data in desk_posts(claim):
        assert client.post(url, data).status_code == 403, url
    assert counts() == before


def test_an_expired_session_on_an_htmx_request_redirects_the_whole_page(make_claim: Any) -> None:
    claim = make_claim(state="researching")
    response = Client().get(claim.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")
