"""The reproducibility bundle: a public verdict, its evidence and the stored
copies of its sources in one ZIP a reader can check with `sha256sum`. Sources
are really fetched from a local page server; claims are really published."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims import workflow
from claims.models import Claim, Rating, Source
from claims.public import bundle
from claims.public.claimreview import claim_review
from tests.pages import Page, article_html, make_pdf, serving

UNPUBLISHED = ["submitted", "assigned", "researching", "in_review", "approved", "rejected"]
PDF = make_pdf([["Pakistan army report", "309 people arrested"]], title="Army report")

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings: Any) -> Iterator[Any]:
    routes = {
        "/article": Page(article_html()),
        "/copy": Page(article_html()),
        "/report.pdf": Page(PDF, content_type="application/pdf"),
        "/never-fetched": Page(b"later"),
    }
    with serving(settings, routes) as server:
        yield server


def correct(claim: Claim, editor: Any) -> Claim:
    verdict = {
        "rating": Rating.objects.get(label="Mostly false"),
        "summary": "It was 3,400.",
        "explanation": "See p. 2",
    }
    claim.transition(
        "correct", by=editor, expected_state="published", params=workflow.Params(note="Wrong total.", verdict=verdict)
    )
    return Claim.objects.get(pk=claim.pk)


def bundle_url(claim: Claim) -> str:
    return f"/verdicts/{claim.slug}/bundle.zip"


def download(client: Client, claim: Claim) -> zipfile.ZipFile:
    response = client.get(bundle_url(claim))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def read_json(archive: zipfile.ZipFile, name: str) -> Any:
    return json.loads(archive.read(name).decode("utf-8"))


def test_bundle_is_a_zip_download_named_after_the_verdict(publish: Any, client: Client) -> None:
    claim = publish()

    response = client.get(bundle_url(claim))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{claim.slug}-bundle.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    assert {"verdict.json", "claimreview.json", "evidence.json", "README.txt", "SHA256SUMS"} <= set(archive.namelist())


def test_bundle_holds_every_published_version_and_the_claim_review(
    publish: Any, editor: Any, client: Client, settings: Any
) -> None:
    claim = correct(
        publish(article__title="Army briefing", article__url="https://news.example.com/b", text="3,500 were killed."),
        editor,
    )

    archive = download(client, claim)

    verdict = read_json(archive, "verdict.json")
    assert verdict["claim"] == "3,500 were killed."
    assert verdict["claimant"] == "Lt Gen Asim Bajwa"
    assert verdict["article"] == {
        "title": "Army briefing",
        "outlet": "Sample Times",
        "url": "https://news.example.com/b",
        "published_on": None,
    }
    assert verdict["state"] == "published"
    assert verdict["retraction"] is None
    assert verdict["url"] == f"{settings.SITE_URL}/verdicts/{claim.slug}/"
    versions = verdict["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["rating"] for v in versions] == ["False", "Mostly false"]
    assert versions[0]["summary"] == "The army gave no records for the figure."
    assert versions[1]["summary"] == "It was 3,400."
    assert versions[1]["explanation"] == "See p. 2"
    assert versions[1]["correction_note"] == "Wrong total."
    for record, row in zip(versions, claim.verdicts.order_by("version"), strict=True):
        assert record["published_at"] == row.published_at.isoformat(timespec="seconds")
    assert read_json(archive, "claimreview.json") == json.loads(json.dumps(claim_review(claim)))
    assert read_json(archive, "claimreview.json")["reviewRating"]["alternateName"] == "Mostly false"


def test_stored_copies_are_the_bytes_fetched_and_match_every_recorded_hash(
    site: Any, publish: Any, client: Client
) -> None:
    claim = publish(urls=(site.url("/article"), site.url("/report.pdf"), site.url("/copy")), fetch=True)

    archive = download(client, claim)

    records = read_json(archive, "evidence.json")
    web = [r for r in records if r["source"]]
    assert len(web) == 3
    sources = {s.url: s for s in Source.objects.all()}
    for record in web:
        source = sources[record["source"]["url"]]
        stored = archive.read(record["source"]["snapshot"])
        assert hashlib.sha256(stored).hexdigest() == record["source"]["sha256"] == source.sha256
        assert record["source"]["snapshot"] == f"sources/{source.sha256}.{'pdf' if 'pdf' in source.url else 'html'}"
        assert record["source"]["http_status"] == 200
        assert record["source"]["final_url"] == source.final_url
        assert record["source"]["fetched_at"] == source.fetched_at.isoformat(timespec="seconds")
        assert record["stance"] == "contradicts"
        assert record["quote"] == "309 people"
        assert record["quote_check"] == "found"
    pdf = next(r for r in web if r["source"]["url"].endswith(".pdf"))
    assert pdf["source"]["content_type"] == "application/pdf"
    assert pdf["source"]["title"] == "Army report"
    assert archive.read(pdf["source"]["snapshot"]) == PDF
    article = next(r for r in web if r["source"]["url"].endswith("/article"))
    assert archive.read(article["source"]["snapshot"]) == article_html()
    # The same bytes from two addresses are one file.
    assert len([n for n in archive.namelist() if n.startswith("sources/")]) == 2
    offline = [r for r in records if not r["source"]]
    assert offline == [
        {
            "stance": "context",
            "quote": "309 people",
            "quote_check": "unchecked",
            "offline_source": "Interview with the army press office",
            "source": None,
        }
    ]


def test_sha256sums_checks_every_stored_copy(site: Any, publish: Any, client: Client) -> None:
    claim = publish(urls=(site.url("/article"), site.url("/report.pdf")), fetch=True)

    archive = download(client, claim)

    lines = archive.read("SHA256SUMS").decode().splitlines()
    assert len(lines) == 2
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    readme = archive.read("README.txt").decode()
    assert "sha256sum -c SHA256SUMS" in readme
    assert f"/verdicts/{claim.slug}/" in readme


def test_a_source_without_a_stored_copy_is_recorded_without_one(site: Any, publish: Any, client: Client) -> None:
    claim = publish(urls=(site.url("/never-fetched"),))

    archive = download(client, claim)

    [record] = [r for r in read_json(archive, "evidence.json") if r["source"]]
    assert record["source"]["snapshot"] is None
    assert record["source"]["sha256"] is None
    assert record["source"]["fetched_at"] is None
    assert not [n for n in archive.namelist() if n.startswith("sources/")]
    assert archive.read("SHA256SUMS") == b""


def test_a_stored_copy_lost_from_storage_leaves_the_record_without_a_file(
    site: Any, publish: Any, client: Client
) -> None:
    claim = publish(urls=(site.url("/article"),), fetch=True)
    Source.objects.update(snapshot="snapshots/00/missing.gz")

    archive = download(client, claim)

    [record] = [r for r in read_json(archive, "evidence.json") if r["source"]]
    assert record["source"]["snapshot"] is None
    assert record["source"]["sha256"] == Source.objects.get().sha256


def test_a_large_bundle_spills_to_disk_and_still_checks_out(
    site: Any, publish: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("claims.public.bundle.SPOOL_BYTES", 1024)
    spilled = []

    class Spool(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
        def rollover(self) -> None:
            spilled.append(True)
            super().rollover()

    monkeypatch.setattr(bundle.tempfile, "SpooledTemporaryFile", Spool)
    claim = publish(urls=(site.url("/article"),), fetch=True)

    archive = download(client, claim)

    assert spilled, "the bundle stayed in memory"
    [record] = [r for r in read_json(archive, "evidence.json") if r["source"]]
    assert hashlib.sha256(archive.read(record["source"]["snapshot"])).hexdigest() == record["source"]["sha256"]


def test_a_retracted_claims_bundle_carries_the_retraction(publish: Any, editor: Any, client: Client) -> None:
    claim = publish()
    claim.transition(
        "retract", by=editor, expected_state="published", params=workflow.Params(note="The source was forged.")
    )
    claim = Claim.objects.get(pk=claim.pk)

    archive = download(client, claim)

    verdict = read_json(archive, "verdict.json")
    assert verdict["state"] == "retracted"
    assert verdict["retraction"] == {
        "at": claim.retracted_at.isoformat(timespec="seconds"),
        "note": "The source was forged.",
    }
    assert [v["version"] for v in verdict["versions"]] == [1]
    assert "retracted" in archive.read("README.txt").decode()


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_an_unpublished_claims_bundle_is_404(state: str, make_claim: Any, client: Client) -> None:
    claim = make_claim(state=state)
    assert client.get(bundle_url(claim)).status_code == 404


def test_an_unknown_bundle_is_404(client: Client, desk_defaults: None) -> None:
    assert client.get("/verdicts/no-such-claim-abc123/bundle.zip").status_code == 404


def test_the_same_verdict_gives_the_same_bundle_and_answers_conditional_gets(publish: Any, client: Client) -> None:
    claim = publish()

    first = client.get(bundle_url(claim))
    first_bytes = b"".join(first.streaming_content)
    second_bytes = b"".join(client.get(bundle_url(claim)).streaming_content)

    assert first_bytes == second_bytes
    assert client.get(bundle_url(claim), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.post(bundle_url(claim)).status_code == 405


def test_a_bundle_is_built_once_and_served_from_storage_until_the_verdict_changes(
    publish: Any, editor: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = publish()
    first = b"".join(client.get(bundle_url(claim)).streaming_content)

    def no_rebuild(*args: Any) -> None:
        raise AssertionError("the bundle was built again")

    real_build = bundle.build_bundle
    monkeypatch.setattr(bundle, "build_bundle", no_rebuild)
    assert b"".join(client.get(bundle_url(claim)).streaming_content) == first

    monkeypatch.setattr(bundle, "build_bundle", real_build)
    corrected = correct(claim, editor)
    archive = download(client, corrected)

    assert [v["version"] for v in read_json(archive, "verdict.json")["versions"]] == [1, 2]
    assert len(default_storage.listdir(f"bundles/{claim.pk}")[1]) == 1  # the earlier state's bundle is gone


def test_verdict_page_links_to_the_bundle(publish: Any, client: Client) -> None:
    claim = publish()

    html = client.get(f"/verdicts/{claim.slug}/").content.decode()

    assert f'<a href="{bundle_url(claim)}" download>Download the evidence bundle</a>' in html


def test_bundle_query_count_does_not_grow_with_sources_or_versions(
    site: Any, publish: Any, editor: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    small = publish(urls=(site.url("/article"),), fetch=True)
    with CaptureQueriesContext(connection) as few:
        assert client.get(bundle_url(small)).status_code == 200
    big = publish(urls=(site.url("/copy"), site.url("/report.pdf"), site.url("/never-fetched")), fetch=True)
    big = correct(correct(big, editor), editor)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(bundle_url(big)).status_code == 200
