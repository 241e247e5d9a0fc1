"""The desk page of partner sources: everyone on the desk reads it; editors
add, refresh and remove sources; a private or malformed address is refused at
the form; imported verdicts are listed, paged and searchable."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import ExternalVerdict, PartnerSource
from claims.models.partners import ReviewEntry
from tests.partners.conftest import partner

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def add(client: Any, url: str, kind: str = "verdicts-json", **headers: str) -> Any:
    data = {"name": "PolitiFact", "kind": kind, "urls": url, "refresh_hours": "12"}
    return client.post("/desk/partners/", data, **headers)


def test_an_editor_adds_a_source_which_is_due_at_once(editor: Any, client_for: Any) -> None:
    response = add(client_for(editor), "https://www.politifact.com/verdicts.json")
    assert response.status_code == 302
    source = PartnerSource.objects.get()
    assert (source.name, source.kind, source.refresh_hours, source.created_by) == (
        "PolitiFact",
        "verdicts-json",
        12,
        editor,
    )
    assert PartnerSource.objects.due().filter(pk=source.pk).exists()


def test_adding_with_htmx_answers_with_the_list_of_sources(editor: Any, client_for: Any) -> None:
    response = add(client_for(editor), "https://www.politifact.com/verdicts.json", **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="partner-sources"' in body
    assert "PolitiFact" in body
    assert "<html" not in body


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://10.0.0.7/verdicts.json", "private network"),
        ("http://localhost/verdicts.json", "inside our own network"),
        ("ftp://example.org/verdicts.json", "Only http:// and https://"),
        ("http://169.254.169.254/latest/", "private network"),
    ],
)
def test_a_private_or_malformed_address_is_refused_at_the_form(
    editor: Any, client_for: Any, url: str, refusal: str
) -> None:
    response = add(client_for(editor), url, **HTMX)
    assert response.status_code == 422
    assert refusal in response.content.decode()
    assert not PartnerSource.objects.exists()


def test_a_feed_has_one_address(editor: Any, client_for: Any) -> None:
    response = add(client_for(editor), "https://a.example.org/v.json\nhttps://b.example.org/v.json")
    assert response.status_code == 422
    assert "A feed has one address" in response.content.decode()
    assert (
        add(client_for(editor), "https://a.example.org/1\nhttps://a.example.org/2", "claimreview-pages").status_code
        == 302
    )
    assert PartnerSource.objects.get().url_list == ["https://a.example.org/1", "https://a.example.org/2"]


def test_fact_checkers_read_the_page_but_may_not_manage_sources(checker: Any, client_for: Any) -> None:
    source = partner("verdicts-json", "https://www.politifact.com/verdicts.json")
    source.record_failure("The page was not found (HTTP 404).")
    client = client_for(checker)
    page = client.get("/desk/partners/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "The page was not found (HTTP 404)." in body
    assert "Add a partner source" not in body
    assert "Refresh now" not in body

    assert add(client, "https://www.example.org/verdicts.json").status_code == 403
    assert client.post(f"/desk/partners/{source.pk}/refresh/").status_code == 403
    assert client.post(f"/desk/partners/{source.pk}/delete/").status_code == 403
    assert PartnerSource.objects.count() == 1
    assert not PartnerSource.objects.due().exists()  # the refresh was not asked


def test_people_off_the_desk_cannot_read_it(outsider: Any, client_for: Any, client: Any) -> None:
    assert client_for(outsider).get("/desk/partners/").status_code == 403
    assert client.get("/desk/partners/").status_code == 302  # to log in


def test_an_editor_refreshes_now_and_removes_a_source_with_its_verdicts(editor: Any, client_for: Any) -> None:
    source = partner("verdicts-json", "https://www.politifact.com/verdicts.json")
    assert source.take()  # refreshed just now: not due
    entry = ReviewEntry(claim_text="A claim", rating="False", review_url="https://p.example.org/1", organization="P")
    ExternalVerdict.objects.upsert(source, [entry])
    client = client_for(editor)

    response = client.post(f"/desk/partners/{source.pk}/refresh/", **HTMX)
    assert response.status_code == 200
    assert "will be read again in a moment" in response.content.decode()
    assert PartnerSource.objects.due().filter(pk=source.pk).exists()

    assert client.post(f"/desk/partners/{source.pk}/delete/").status_code == 302
    assert not PartnerSource.objects.exists()
    assert not ExternalVerdict.objects.exists()


def test_imported_verdicts_are_paged_and_searchable(
    checker: Any, client_for: Any, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.DESK_PAGE_SIZE = 5
    source = partner("verdicts-json", "https://www.politifact.com/verdicts.json")
    entries = [
        ReviewEntry(
            claim_text=f"Claim number {n} about {'wheat' if n % 2 else 'taxes'}",
            rating="False",
            review_url=f"https://p.example.org/{n}",
            organization="PolitiFact",
            reviewed_on=timezone.localdate(),
        )
        for n in range(12)
    ]
    ExternalVerdict.objects.upsert(source, entries)
    client = client_for(checker)

    with django_assert_max_num_queries(12):
        first = client.get("/desk/partners/").content.decode()
    assert first.count('rel="noopener noreferrer nofollow"') == 5
    assert "Page 1 of 3" in first

    found = client.get("/desk/partners/", {"q": "wheat", "page": "2"}, **HTMX).content.decode()
    assert "<html" not in found
    assert 'id="external-verdicts"' in found
    assert "Page 2 of 2" in found
    assert "taxes" not in found
    assert "q=wheat&amp;page=1" in found
    assert "No imported verdict matches this search." in client.get("/desk/partners/", {"q": "onions"}).content.decode()


def test_the_page_asks_no_more_as_sources_and_verdicts_grow(editor: Any, client_for: Any) -> None:
    client = client_for(editor)

    def grow(sources: int) -> int:
        for n in range(sources):
            source = partner("verdicts-json", f"https://p{n}.example.org/verdicts.json", name=f"Partner {n}")
            source.record_failure("The page was not found (HTTP 404).")
            entry = ReviewEntry(
                claim_text=f"Claim {n}",
                rating="False",
                review_url=f"https://p{n}.example.org/1",
                organization=f"Partner {n}",
            )
            ExternalVerdict.objects.upsert(source, [entry])
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/desk/partners/").status_code == 200
        return len(captured.captured_queries)

    small = grow(2)
    assert grow(6) <= small
