"""The check an editor sees before publishing."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Article, Claim

pytestmark = pytest.mark.django_db


def test_an_editor_sees_the_claim_review_and_what_it_lacks_before_publishing(
    make_claim: Any, editor: Any, client_for: Any
) -> None:
    claim = make_claim(state="approved", claimant="", text="A" * 90, article=None)

    page = client_for(editor).get(claim.get_absolute_url()).content.decode()

    assert "Before you publish" in page
    assert "No claimant" in page
    assert "No appearance" in page
    assert "The claim is 90 characters" in page
    assert "No evidence comes from a fetched source" in page
    assert "&quot;@type&quot;: &quot;ClaimReview&quot;" in page


def test_a_complete_claim_gets_no_warning_but_the_fetched_source_one(
    make_claim: Any, editor: Any, client_for: Any
) -> None:
    article = Article.objects.create(title="Briefing", url="https://news.example/briefing")
    claim = make_claim(state="approved", text="309 people were arrested.", article=article)

    page = client_for(editor).get(claim.get_absolute_url()).content.decode()

    assert "No claimant" not in page
    assert "No appearance" not in page
    assert "characters; search results" not in page
    assert "No evidence comes from a fetched source" in page


def test_fact_checkers_do_not_see_the_check(make_claim: Any, checker: Any, client_for: Any) -> None:
    claim: Claim = make_claim(state="approved")
    response = client_for(checker).get(claim.get_absolute_url())
    assert response.status_code == 200
    assert claim.text in response.content.decode()
    assert "Before you publish" not in response.content.decode()
