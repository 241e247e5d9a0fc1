"""Importing partners' ClaimReviews: a two-page feed, pages with JSON-LD, our
own /verdicts.json, and every kind of answer that must be refused."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import ExternalVerdict, PartnerSource
from claims.partners.importing import refresh_and_record
from tests.partners.conftest import (
    CLAIM_ON_ARMY,
    CLAIM_ON_TAXES,
    CLAIM_ON_WHEAT,
    claim_review,
    feed,
    partner,
)

FEED = PartnerSource.Kind.VERDICTS_JSON
PAGES = PartnerSource.Kind.CLAIMREVIEW_PAGES


def refreshed(source: PartnerSource) -> PartnerSource:
    refresh_and_record(source)
    return PartnerSource.objects.get(pk=source.pk)


@pytest.mark.django_db
def test_a_feed_is_read_page_by_page_and_malformed_entries_are_skipped_with_a_reason(partner_site: Any) -> None:
    source = refreshed(partner(FEED, partner_site.url("/feed/verdicts.json")))

    assert source.last_error == ""
    assert source.last_refreshed_at is not None
    verdicts = {v.claim_text: v for v in ExternalVerdict.objects.filter(partner=source)}
    assert set(verdicts) == {CLAIM_ON_ARMY, CLAIM_ON_WHEAT}
    army = verdicts[CLAIM_ON_ARMY]
    assert (army.rating, army.organization, army.claimant) == ("Mostly false", "PolitiFact", "Lt Gen Asim Bajwa")
    assert army.review_url == partner_site.url("/checks/army")
    assert army.reviewed_on.isoformat() == "2024-03-05"
    assert source.last_report.startswith("2 added, 0 updated, 0 withdrawn, 1 skipped.")
    assert "no reviewRating" in source.last_report
    # Page 2 links back to page 1: each page is read once.
    assert partner_site.paths().count("/feed/verdicts.json") == 1


@pytest.mark.django_db
def test_a_second_import_updates_rows_without_duplicates_and_takes_down_retractions(partner_site: Any) -> None:
    source = refreshed(partner(FEED, partner_site.url("/feed/verdicts.json")))
    partner_site.routes["/feed/verdicts.json"] = feed(
        [claim_review(CLAIM_ON_ARMY, "False", partner_site.url("/checks/army"))],
        next_url=None,
        retracted=[{"url": partner_site.url("/checks/wheat"), "dateRetracted": "2024-06-01T00:00:00Z"}],
    )

    source = refreshed(source)

    assert list(ExternalVerdict.objects.values_list("claim_text", "rating")) == [(CLAIM_ON_ARMY, "False")]
    assert source.last_report.startswith("0 added, 1 updated, 1 withdrawn")


@pytest.mark.django_db
def test_claimreview_pages_are_read_from_a_graph_a_nested_review_and_past_a_malformed_script(
    partner_site: Any,
) -> None:
    urls = [partner_site.url(path) for path in ("/pages/graph.html", "/pages/plain.html", "/pages/malformed.html")]

    source = refreshed(partner(PAGES, *urls, name="Partner pages"))

    assert source.last_error == ""
    verdicts = {v.claim_text: v for v in ExternalVerdict.objects.all()}
    assert set(verdicts) == {CLAIM_ON_WHEAT, CLAIM_ON_TAXES}
    assert verdicts[CLAIM_ON_WHEAT].organization == "Soch Fact Check"
    # The nested review names no address of its own: it is the page's.
    assert verdicts[CLAIM_ON_TAXES].review_url == urls[1]
    assert verdicts[CLAIM_ON_TAXES].rating == "Misleading"
    assert f"{urls[2]} script 1: not valid JSON-LD" in source.last_report
    assert f"{urls[2]} script 2: not valid JSON-LD" in source.last_report

    # Read again: the same rows, brought up to date.
    assert refreshed(source).last_report.startswith("0 added, 2 updated")
    assert ExternalVerdict.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_our_own_verdicts_json_imports_as_a_partner_feed(
    live_server: Any, publish: Any, settings: Any, desk_defaults: None
) -> None:
    # The guard refuses the name "localhost"; the address it stands for is let through in tests.
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = (int(base.rsplit(":", 1)[1]),)
    settings.SITE_URL = base
    settings.PUBLIC_JSON_PAGE_SIZE = 1  # two claims: two pages, linked by `next`
    settings.ORGANIZATION_NAME = "Soch Fact Check"
    first = publish(rating="False", text="Pakistan arrested 309 people tied to Islamic State last year.")
    second = publish(rating="Mostly false", text="More than 3,500 militants were killed in the operation.")

    source = refreshed(partner(FEED, f"{base}/verdicts.json", name="Our twin desk"))

    assert source.last_error == ""
    imported = {v.claim_text: v for v in ExternalVerdict.objects.all()}
    assert set(imported) == {first.text, second.text}
    assert imported[first.text].rating == "False"
    assert imported[second.text].rating == "Mostly false"
    assert imported[first.text].organization == "Soch Fact Check"
    assert imported[first.text].review_url == f"{base}/verdicts/{first.slug}/"
    assert imported[first.text].claimant == first.claimant
    assert imported[first.text].reviewed_on == first.first_published_at.date()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/not-json", "answered text/html, not JSON"),
        ("/broken.json", "is not valid JSON"),
        ("/no-results.json", "has no list of results"),
        ("/deep.json", "is not valid JSON"),
        ("/huge.json", "larger than the 200,000 bytes"),
        ("/missing.json", "not found (HTTP 404)"),
    ],
)
def test_a_malformed_or_hostile_feed_is_refused_with_a_reason_and_changes_nothing(
    partner_site: Any, path: str, reason: str
) -> None:
    kept = partner(FEED, partner_site.url("/feed/verdicts.json"), name="Good partner")
    refreshed(kept)
    before = ExternalVerdict.objects.count()
    source = partner(FEED, partner_site.url(path), name="Bad partner")

    source = refreshed(source)

    assert reason in source.last_error
    assert source.failures == 1
    assert source.last_refreshed_at is None
    assert ExternalVerdict.objects.count() == before
    assert not ExternalVerdict.objects.filter(partner=source).exists()


@pytest.mark.django_db
def test_a_private_address_is_refused_at_fetch_without_a_connection(partner_site: Any) -> None:
    # As if the row had been written past the form: the guard still refuses.
    source = refreshed(partner(FEED, "http://10.0.0.7/verdicts.json"))

    assert "private network" in source.last_error
    assert source.failures == 1


@pytest.mark.django_db
def test_a_feed_redirecting_to_a_private_address_is_refused(partner_site: Any) -> None:
    from tests.pages import redirect

    partner_site.routes["/moved.json"] = redirect("http://169.254.169.254/latest/meta-data/")

    source = refreshed(partner(FEED, partner_site.url("/moved.json")))

    assert "169.254.169.254" in source.last_error
    assert not ExternalVerdict.objects.exists()


@pytest.mark.django_db
def test_paging_and_entries_stop_at_their_limits(partner_site: Any, settings: Any) -> None:
    settings.PARTNER_MAX_ENTRIES = 1
    source = refreshed(partner(FEED, partner_site.url("/feed/verdicts.json")))
    assert ExternalVerdict.objects.count() == 1
    assert "stopped at 1 entries" in source.last_report

    settings.PARTNER_MAX_ENTRIES = 100
    settings.PARTNER_MAX_FEED_PAGES = 1
    source = refreshed(source)
    assert "stopped after 1 pages" in source.last_report
    assert "/feed/page2.json" not in partner_site.paths()


@pytest.mark.django_db
def test_a_failing_source_waits_longer_each_time(partner_site: Any) -> None:
    source = partner(FEED, partner_site.url("/missing.json"))
    waits = []
    for _ in range(3):
        source = refreshed(source)
        waits.append(source.due_at)
    assert source.failures == 3
    assert waits[0] < waits[1] < waits[2]
    assert not PartnerSource.objects.due().filter(pk=source.pk).exists()


@pytest.mark.django_db
def test_an_entry_whose_review_address_is_not_a_web_address_is_skipped(partner_site: Any) -> None:
    partner_site.routes["/scripted.json"] = feed(
        [
            claim_review(CLAIM_ON_ARMY, "False", "javascript:alert(1)"),
            claim_review(CLAIM_ON_WHEAT, "False", "https://example.org/" + "é" * 1_500),
        ]
    )

    source = refreshed(partner(FEED, partner_site.url("/scripted.json")))

    assert source.last_error == ""
    assert source.last_report.count("no http(s) url for the review") == 2
    assert not ExternalVerdict.objects.exists()


@pytest.mark.django_db
def test_a_next_page_on_a_private_address_refuses_the_feed(partner_site: Any) -> None:
    partner_site.routes["/leads-inside.json"] = feed(
        [claim_review(CLAIM_ON_ARMY, "False", partner_site.url("/checks/army"))], next_url="http://10.0.0.1/page2.json"
    )

    source = refreshed(partner(FEED, partner_site.url("/leads-inside.json")))

    assert "private network" in source.last_error
    assert not ExternalVerdict.objects.exists()


@pytest.mark.django_db
def test_pages_stop_at_the_entry_limit(partner_site: Any, settings: Any) -> None:
    settings.PARTNER_MAX_ENTRIES = 1
    urls = [partner_site.url(path) for path in ("/pages/graph.html", "/pages/plain.html")]

    source = refreshed(partner(PAGES, *urls))

    assert ExternalVerdict.objects.count() == 1
    assert "stopped at 1 entries" in source.last_report
    assert "/pages/plain.html" not in partner_site.paths()
