"""Credits: the researcher keeps the byline (page and feeds) across
corrections; reviewers, the publishing editor and correcting editors are
credited on the verdict page; ClaimReview names the organization and the
claim's own date and appearance, else the article's."""

from __future__ import annotations

from typing import Any

from claims.models import Claim
from claims.public.claimreview import claim_review
from tests.public.conftest import correct, page_url


def test_a_correction_keeps_the_researcher_and_credits_everyone(
    publish: Any, client: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    claim = correct(publish(), editor)
    page = client.get(page_url(claim)).content.decode()
    footer = page[page.index('class="byline"') :]
    assert f'data-testid="author">{checker.get_full_name()}<' in footer
    assert f"Reviewed by <bdi>{second_checker.get_full_name()}</bdi>." in footer
    assert f"Edited and published by <bdi>{editor.get_full_name()}</bdi>." in footer
    history = page[page.index('class="history"') :]
    assert f"by <bdi>{editor.get_full_name()}</bdi></span>: <bdi>We misread the table.</bdi>" in history
    claim = Claim.objects.get(pk=claim.pk)
    assert [v.author for v in claim.versions] == [checker, checker]


def test_the_feeds_name_the_researcher_after_a_correction(publish: Any, client: Any, checker: Any, editor: Any) -> None:
    correct(publish(), editor)
    rss = client.get("/verdicts/feed/").content.decode()
    atom = client.get("/verdicts/atom/").content.decode()
    assert rss.count(f'/">{checker.get_full_name()}</dc:creator>') == 2
    assert editor.get_full_name() not in rss
    assert atom.count(f"<name>{checker.get_full_name()}</name>") == 2


def test_claimreview_uses_the_claims_own_date_and_appearance(publish: Any, editor: Any, client: Any) -> None:
    claim = publish(article__url="https://example.org/story")
    review = claim_review(claim)
    assert review["author"]["@type"] == "Organization"
    assert review["itemReviewed"]["appearance"][0]["url"] == "https://example.org/story"  # the article's
    claim.edit(
        by=editor,
        said_on="2015-01-05",
        appearance="Press conference, Rawalpindi",
        appearance_url="https://example.org/video",
        correction_note="Where he said it.",
    )
    claim = Claim.objects.get(pk=claim.pk)
    item = claim_review(claim)["itemReviewed"]
    assert item["datePublished"] == "2015-01-05"
    assert item["appearance"] == [
        {
            "@type": "CreativeWork",
            "url": "https://example.org/video",
            "name": "Press conference, Rawalpindi",
            "datePublished": "2015-01-05",
        }
    ]
    page = client.get(page_url(claim)).content.decode()
    assert 'href="https://example.org/video"' in page
    assert "5 January 2015" in page


def test_the_verdict_page_asks_no_more_for_credits(
    publish: Any, client: Any, editor: Any, django_assert_max_num_queries: Any
) -> None:
    claim = correct(correct(publish(), editor), editor, note="Again.")
    with django_assert_max_num_queries(12):
        assert client.get(page_url(claim)).status_code == 200
