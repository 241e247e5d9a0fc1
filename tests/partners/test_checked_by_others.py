"""Checked by others: an imported partner ClaimReview is matched for a
reworded claim by our own trigram measure, and shown apart from our matches,
as someone else's verdict linking out, wherever "checked before?" shows
(typing a new claim, beside a spotted sentence, on a claim's page), and never
on a public page. pg_trgm on PostgreSQL, the same measure in Python on SQLite."""

from __future__ import annotations

import re
from typing import Any

import pytest

from claims.models import Article, Claim, ExternalVerdict, PartnerSource
from claims.models.partners import ReviewEntry
from claims.partners.importing import refresh_and_record
from claims.partners.matching import similar_external
from tests.partners.conftest import CLAIM_ON_ARMY, partner

pytestmark = pytest.mark.django_db

REWORDED = "Over 3,500 militants were killed by the army in last year's operation, the army says."
UNRELATED = "Onion prices in Lahore rose by 40 percent this week."
SAME_NUMBERS = "Lahore markets sold 3,500 tonnes of onions this season."


@pytest.fixture
def imported(partner_site: Any) -> PartnerSource:
    source = partner(PartnerSource.Kind.VERDICTS_JSON, partner_site.url("/feed/verdicts.json"))
    assert refresh_and_record(source)
    return source


def similar_fragment(client: Any, text: str, **params: str) -> str:
    response = client.get("/desk/claims/similar/", {"text": text, **params}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_a_reworded_claim_finds_the_partners_verdict_and_an_unrelated_one_does_not(imported: Any) -> None:
    found = similar_external(REWORDED)
    assert [verdict.claim_text for verdict in found] == [CLAIM_ON_ARMY]
    assert found[0].similarity > 0.6
    assert similar_external(UNRELATED) == []
    assert similar_external(SAME_NUMBERS) == []
    assert similar_external("3,500") == []  # too little text to match on


def test_the_closest_comes_first(imported: Any) -> None:
    closer = "More than 3,500 militants were killed in the operation last year, the army says."
    ExternalVerdict.objects.upsert(
        imported,
        [ReviewEntry(claim_text=closer, rating="True", review_url="https://example.org/c", organization="Other")],
    )
    found = similar_external(REWORDED)
    assert len(found) == 2
    assert [v.similarity for v in found] == sorted((v.similarity for v in found), reverse=True)


def test_the_new_claim_form_shows_it_as_checked_by_others_linking_out(
    imported: Any, checker: Any, client_for: Any, partner_site: Any
) -> None:
    client = client_for(checker)
    fragment = similar_fragment(client, REWORDED)

    assert "Checked by others" in fragment
    assert "PolitiFact rated this Mostly false in 2024" in fragment
    link = re.search(r'<a href="([^"]+)" rel="([^"]+)" target="_blank" dir="auto">', fragment)
    assert link is not None
    assert link.group(1) == partner_site.url("/checks/army")
    assert set(link.group(2).split()) == {"noopener", "noreferrer", "nofollow"}
    # Ours and theirs are apart: nothing on the desk matched, and it says so.
    assert "Nothing on the desk reads like this yet." in fragment
    assert "/desk/claims/" not in fragment.split('class="checked-by-others"')[1]

    assert "Checked by others" not in similar_fragment(client, UNRELATED)


def test_ours_come_first_and_theirs_are_listed_apart(imported: Any, checker: Any, client_for: Any) -> None:
    ours = Claim.objects.add(by=checker, text=CLAIM_ON_ARMY)
    fragment = similar_fragment(client_for(checker), REWORDED)
    mine, theirs = fragment.split('class="checked-by-others"')
    assert f'href="/desk/claims/{ours.pk}/"' in mine
    assert "PolitiFact rated this" in theirs


def test_beside_a_spotted_sentence_it_shows_even_when_quiet(imported: Any, checker: Any, client_for: Any) -> None:
    fragment = similar_fragment(client_for(checker), REWORDED, quiet="1")
    assert "PolitiFact rated this Mostly false in 2024" in fragment
    assert similar_fragment(client_for(checker), UNRELATED, quiet="1").strip() == ""


def test_a_new_claims_page_asks_for_it_once_loaded(imported: Any, checker: Any, client_for: Any) -> None:
    claim = Claim.objects.add(by=checker, text=REWORDED)
    client = client_for(checker)
    page = client.get(f"/desk/claims/{claim.pk}/").content.decode()
    later = re.search(r'hx-get="(/desk/claims/similar/\?others=1&amp;text=[^"]+)" hx-trigger="load"', page)
    assert later is not None
    fragment = client.get(later.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true").content.decode()
    assert "PolitiFact rated this Mostly false in 2024" in fragment
    assert "Nothing on the desk" not in fragment  # theirs alone: ours are on the page already


def test_a_partners_text_is_escaped(imported: Any, checker: Any, client_for: Any) -> None:
    hostile = ReviewEntry(
        claim_text=f"<script>alert(1)</script> {CLAIM_ON_ARMY}",
        rating="<b>False</b>",
        review_url="https://example.org/x?a=1&b=2",
        organization='"><img src=x onerror=alert(1)>',
    )
    ExternalVerdict.objects.upsert(imported, [hostile])
    fragment = similar_fragment(client_for(checker), REWORDED)
    assert "<script>alert(1)" not in fragment
    assert "&lt;script&gt;alert(1)" in fragment
    assert "<img src=x" not in fragment
    assert "&lt;b&gt;False&lt;/b&gt;" in fragment


def test_it_is_never_on_a_public_page(imported: Any, publish: Any, client: Any) -> None:
    claim = publish(text=REWORDED, rating="False")
    for url in ("/verdicts/", f"/verdicts/{claim.slug}/", "/verdicts.json"):
        body = client.get(url).content.decode()
        assert "PolitiFact" not in body, url
        assert "/checks/army" not in body, url


def test_people_off_the_desk_do_not_see_it(imported: Any, outsider: Any, client_for: Any) -> None:
    assert client_for(outsider).get("/desk/claims/similar/", {"text": REWORDED}).status_code == 403


def test_the_open_form_beside_a_spotted_sentence_shows_it(imported: Any, checker: Any, client_for: Any) -> None:
    client = client_for(checker)
    body = f"The briefing was held in Rawalpindi on Monday. {REWORDED} Reporters asked no questions."
    assert client.post("/desk/articles/new/", {"title": "Briefing", "body": body}).status_code == 302
    article = Article.objects.get()
    [start] = [c.start for c in article.spotting().candidates if "3,500 militants" in c.sentence]

    fragment = client.get(f"/desk/articles/{article.pk}/sentences/{start}/claim/", HTTP_HX_REQUEST="true")

    assert "PolitiFact rated this Mostly false in 2024" in fragment.content.decode()
