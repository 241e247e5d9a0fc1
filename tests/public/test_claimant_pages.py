"""Claimant pages: one speaker's verdicts that stand, with how they were rated.
Claims reach `published` through the real workflow."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from claims import workflow
from claims.models import Claim, Claimant, Evidence, Rating

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
UNPUBLISHED = ["submitted", "assigned", "researching", "in_review", "approved", "rejected"]

pytestmark = pytest.mark.django_db


def correct(claim: Claim, editor: Any, rating: str) -> Claim:
    verdict = {"rating": Rating.objects.get(label=rating), "summary": "Revised summary.", "explanation": ""}
    claim.transition(
        "correct", by=editor, expected_state="published", params=workflow.Params(note="Fixed.", verdict=verdict)
    )
    return Claim.objects.get(pk=claim.pk)


def retract(claim: Claim, editor: Any) -> Claim:
    claim.transition("retract", by=editor, expected_state="published", params=workflow.Params(note="Forged."))
    return Claim.objects.get(pk=claim.pk)


def claimant_url(claim: Claim) -> str:
    return f"/claimants/{claim.speaker.slug}/"


def bars(html: str) -> list[tuple[str, str, int]]:
    """(label, classes, count) of each bar of the distribution, in page order.
    The classes carry the bar's colour (`rating-<id>`, from /ratings.css) and
    length (`share-<percent>`): the Content-Security-Policy allows no inline styles."""
    found = re.findall(
        r'<li class="([^"]*)">\s*<span class="bar-label">([^<]*)</span>.*?<span class="bar-count">(\d+)</span>',
        html,
        flags=re.S,
    )
    return [(label, classes, int(count)) for classes, label, count in found]


# --- What the page shows.


def test_claimant_page_lists_only_their_public_verdicts_newest_first(
    publish: Any, make_claim: Any, editor: Any, client: Client
) -> None:
    older = publish(text="Exports doubled last year")
    newer = publish(text="Inflation fell by half", claimant="lt. gen. Asim BAJWA")  # the same person, spelled otherwise
    Claim.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=2))
    retracted = retract(publish(text="Wages rose sharply"), editor)
    drafts = [
        make_claim(
            state=state,
            text=f"Unpublished claim {state}",
            claimant="Lt Gen Asim Bajwa",
            speaker=Claimant.for_name("Lt Gen Asim Bajwa"),
        )
        for state in UNPUBLISHED
    ]
    someone_else = publish(text="Someone else's claim", claimant="The minister")

    response = client.get(claimant_url(older))

    assert response.status_code == 200
    html = response.content.decode()
    assert newer.speaker_id == older.speaker_id
    assert html.index(newer.slug) < html.index(older.slug)
    assert "Exports doubled last year" in html
    assert "The army gave no records for the figure." in html
    assert "2 fact checks" in html
    for hidden in [retracted, someone_else, *drafts]:
        assert hidden.slug not in html
        assert hidden.text not in html


def test_distribution_counts_current_ratings_in_scale_order_with_their_colours(
    publish: Any, editor: Any, client: Client
) -> None:
    claim = publish(rating="False")
    publish(rating="False")
    publish(rating="True")
    correct(publish(rating="False"), editor, rating="Half true")  # counted at its current rating
    retract(publish(rating="Misleading"), editor)  # no longer on the record

    html = client.get(claimant_url(claim)).content.decode()

    found = bars(html)
    assert [(label, count) for label, _, count in found] == [
        ("True", 1),
        ("Mostly true", 0),
        ("Half true", 1),
        ("Misleading", 0),
        ("Mostly false", 0),
        ("False", 2),
        ("Unproven", 0),
    ]
    ids = {r.label: r.pk for r in Rating.objects.all()}
    for label, classes, _ in found:
        assert f"rating-{ids[label]}" in classes.split()
    shares = {label: classes.split()[1] for label, classes, _ in found}
    assert shares["False"] == "share-50"
    assert shares["True"] == "share-25"
    assert shares["Misleading"] == "share-0"
    styles = client.get("/ratings.css").content.decode()
    for label, colour in Rating.objects.values_list("label", "colour"):
        assert f".rating-{ids[label]} {{ --rating: {colour}; }}" in styles


def test_a_retired_rating_shows_only_while_a_verdict_carries_it(publish: Any, client: Client) -> None:
    claim = publish(rating="False")
    Rating.objects.filter(label="Unproven").update(retired=True)
    labels = [label for label, _, _ in bars(client.get(claimant_url(claim)).content.decode())]
    assert "Unproven" not in labels

    publish(rating="Mostly false")
    Rating.objects.filter(label="Mostly false").update(retired=True)
    labels = [label for label, _, _ in bars(client.get(claimant_url(claim)).content.decode())]
    assert "Mostly false" in labels


def test_claimant_page_paginates(publish: Any, client: Client, settings: Any) -> None:
    settings.PUBLIC_PAGE_SIZE = 2
    claims = [publish() for _ in range(3)]

    first = client.get(claimant_url(claims[0])).content.decode()
    second = client.get(claimant_url(claims[0]), {"page": 2}).content.decode()

    assert sum(c.slug in first for c in claims) == 2
    assert sum(c.slug in second for c in claims) == 1
    assert "Page 1 of 2" in first
    # The distribution is the whole record's, on every page.
    assert [count for label, _, count in bars(second) if label == "False"] == [3]


def test_verdict_page_links_the_claimant_to_their_page(publish: Any, editor: Any, client: Client) -> None:
    claim = publish(claimant="Lt Gen Asim Bajwa")
    other = publish(claimant="The minister")

    html = client.get(f"/verdicts/{claim.slug}/").content.decode()

    assert f'<a href="{claimant_url(claim)}" dir="auto">Lt Gen Asim Bajwa</a>' in html
    # A retracted verdict leaves its claimant's page, which may then not exist.
    retracted = client.get(f"/verdicts/{retract(other, editor).slug}/").content.decode()
    assert "/claimants/" not in retracted
    assert "The minister" in retracted


def test_verdict_page_without_a_speaker_has_no_claimant_link(publish: Any, client: Client) -> None:
    claim = publish()
    Claim.objects.filter(pk=claim.pk).update(speaker=None)

    html = client.get(f"/verdicts/{claim.slug}/").content.decode()

    assert "Lt Gen Asim Bajwa" in html
    assert "/claimants/" not in html


# --- Merges, unknown and unpublished claimants.


def test_a_merged_claimants_slug_redirects_permanently_to_the_survivor(publish: Any, client: Client) -> None:
    alias = publish(claimant="Asim Bajwa").speaker
    survivor = publish(claimant="Lt Gen Asim Bajwa").speaker

    alias.merge_into(survivor)

    response = client.get(f"/claimants/{alias.slug}/")
    assert response.status_code == 301
    assert response["Location"] == f"/claimants/{survivor.slug}/"
    html = client.get(response["Location"]).content.decode()
    assert "2 fact checks" in html


def test_a_merged_slug_does_not_reveal_a_survivor_with_no_public_verdict(
    make_claim: Any, publish: Any, editor: Any, client: Client
) -> None:
    alias = Claimant.for_name("Asim Bajwa")
    survivor = Claimant.for_name("Lt Gen Asim Bajwa")
    make_claim(state="researching", claimant="Asim Bajwa", speaker=alias)
    alias.merge_into(survivor)

    assert client.get(f"/claimants/{alias.slug}/").status_code == 404
    assert client.get(f"/claimants/{survivor.slug}/").status_code == 404


def test_unknown_claimant_is_404(client: Client, desk_defaults: None) -> None:
    assert client.get("/claimants/nobody-abcd/").status_code == 404


@pytest.mark.parametrize("state", [*UNPUBLISHED, "retracted"])
def test_claimant_without_a_public_verdict_has_no_page(state: str, make_claim: Any, client: Client) -> None:
    speaker = Claimant.for_name("Secret Person")
    make_claim(state=state, claimant="Secret Person", speaker=speaker)

    assert client.get(f"/claimants/{speaker.slug}/").status_code == 404


def test_claimant_page_only_reads(publish: Any, client: Client) -> None:
    url = claimant_url(publish())
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


def test_claimant_name_is_escaped(publish: Any, client: Client) -> None:
    claim = publish(claimant=f"Spokesman {PAYLOAD}")

    page = client.get(claimant_url(claim)).content.decode()
    verdict_page = client.get(f"/verdicts/{claim.slug}/").content.decode()

    for html in (page, verdict_page):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert escape(f"Spokesman {PAYLOAD}") in html


# --- Conditional GETs.


def test_claimant_page_answers_conditional_gets_with_304(publish: Any, client: Client) -> None:
    url = claimant_url(publish())

    first = client.get(url)

    assert first.status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_retraction_changes_the_claimant_pages_etag_and_last_modified(
    publish: Any, editor: Any, client: Client
) -> None:
    keep, newest = publish(), publish()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Claim.objects.filter(pk=keep.pk).update(updated_at=an_hour_ago - timedelta(minutes=5))
    Claim.objects.filter(pk=newest.pk).update(updated_at=an_hour_ago)
    before = client.get(claimant_url(keep))

    retract(newest, editor)

    assert client.get(claimant_url(keep), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    # The page lost its newest verdict, yet its Last-Modified moves forward, not back.
    assert client.get(claimant_url(keep), HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200


def test_a_merge_changes_the_survivors_etag(publish: Any, client: Client) -> None:
    survivor = publish(claimant="Lt Gen Asim Bajwa").speaker
    alias = publish(claimant="Asim Bajwa").speaker
    before = client.get(f"/claimants/{survivor.slug}/")

    alias.merge_into(survivor)

    after = client.get(f"/claimants/{survivor.slug}/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "2 fact checks" in after.content.decode()


def test_a_scale_change_changes_the_etag(publish: Any, client: Client) -> None:
    url = claimant_url(publish())
    before = client.get(url)

    Rating.objects.filter(label="False").update(colour="#000000")

    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


# --- Query budget.


def test_claimant_page_query_count_does_not_grow_with_verdicts(
    publish: Any, editor: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    claim = publish()
    url = claimant_url(claim)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        other = publish(rating=["True", "False", "Half true"][n % 3])
        if n % 2:
            correct(other, editor, rating="Mostly false")

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_evidence_and_versions_do_not_multiply_a_claim_in_the_counts(
    publish: Any, checker: Any, editor: Any, client: Client
) -> None:
    claim = correct(publish(), editor, rating="False")
    Evidence.objects.create(claim=claim, offline_source="A call", added_by=checker)

    html = client.get(claimant_url(claim)).content.decode()

    assert "1 fact check of what" in html
    assert [count for label, _, count in bars(html) if label == "False"] == [1]


def test_the_sitemap_lists_claimants_with_a_standing_verdict_and_only_them(
    publish: Any, make_claim: Any, editor: Any, client: Client
) -> None:
    standing = publish(claimant="Lt Gen Asim Bajwa")
    only_retracted = retract(publish(claimant="The minister"), editor)
    on_the_desk = make_claim(state="researching", claimant="A senator", speaker=Claimant.for_name("A senator"))
    alias = publish(claimant="DG ISPR").speaker
    alias.merge_into(standing.speaker)

    index = client.get("/sitemap.xml").content.decode()
    xml = client.get("/sitemap-claimants.xml").content.decode()

    assert "/sitemap-claimants.xml" in index
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert locations == [f"http://127.0.0.1:8000{claimant_url(standing)}"]
    assert only_retracted.speaker.slug not in xml
    assert on_the_desk.speaker.slug not in xml
    assert alias.slug not in xml
    assert "<lastmod>" in xml
