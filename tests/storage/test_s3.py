"""Stored copies and bundles in an S3-compatible object store: every part of the
app that writes or reads media storage, against a real S3 API served locally
(see conftest). Pages are really fetched from a local page server; claims are
really published."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from claims import workflow
from claims.models import Claim, Rating, Source
from claims.models.stored_copies import STORAGE_FAILED, CopyNotStored, store_snapshot
from factcheck.machine import media_storage
from tests.conftest import log_in
from tests.pages import Page, article_html, make_pdf, serving
from tests.storage.conftest import Bucket, new_bucket, use_bucket

PDF = make_pdf([["Pakistan army report", "309 people arrested"]], title="Army report")


@pytest.fixture
def site(settings: Any) -> Iterator[Any]:
    routes = {
        "/article": Page(article_html()),
        "/copy": Page(article_html()),
        "/report.pdf": Page(PDF, content_type="application/pdf"),
    }
    with serving(settings, routes) as server:
        yield server


def cited(claim: Claim) -> Source:
    """The one web source `claim` cites (its research also cites an offline one)."""
    return Source.objects.get(evidence__claim=claim)


def copy_key(source: Source) -> str:
    return f"snapshots/{source.sha256[:2]}/{source.sha256}.gz"


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def nothing_on_disk(settings: Any) -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not media.exists() or not any(path.is_file() for path in media.rglob("*"))


# --- The setting.


def test_without_a_bucket_media_stays_on_this_machines_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDIA_S3_BUCKET", raising=False)

    assert media_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_an_object_store_configured_without_its_bucket_stops_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDIA_S3_BUCKET", raising=False)
    monkeypatch.setenv("MEDIA_S3_ENDPOINT_URL", "https://s3.example.org")

    with pytest.raises(ValueError, match="MEDIA_S3_ENDPOINT_URL set without MEDIA_S3_BUCKET"):
        media_storage()


@pytest.mark.django_db
def test_saving_a_name_that_exists_overwrites_it_instead_of_keeping_a_renamed_copy(bucket: Bucket) -> None:
    # What makes two workers storing the same page at once harmless.
    first = default_storage.save("snapshots/ab/same.gz", ContentFile(b"same bytes"))
    second = default_storage.save("snapshots/ab/same.gz", ContentFile(b"same bytes"))

    assert first == second == "snapshots/ab/same.gz"
    assert bucket.keys("snapshots/") == ["snapshots/ab/same.gz"]


# --- Stored copies.


@pytest.mark.django_db
def test_a_fetched_page_is_stored_in_the_bucket_and_not_on_this_machine(
    bucket: Bucket, site: Any, publish: Any, settings: Any
) -> None:
    claim = publish(urls=(site.url("/article"),), fetch=True)
    source = cited(claim)

    assert source.status == Source.Status.FETCHED
    assert source.snapshot.name == copy_key(source)
    assert bucket.keys("snapshots/") == [copy_key(source)]
    assert bucket.read_copy(copy_key(source)) == article_html()
    assert nothing_on_disk(settings)


@pytest.mark.django_db
def test_a_stored_copy_is_a_gzip_file_not_a_gzip_encoded_page(bucket: Bucket, site: Any, publish: Any) -> None:
    source = cited(publish(urls=(site.url("/article"),), fetch=True))

    head = bucket.head(copy_key(source))

    # A store honouring `Content-Encoding: gzip` would hand back other bytes.
    assert "ContentEncoding" not in head
    assert head["ContentType"] == "application/octet-stream"


@pytest.mark.django_db
def test_the_same_bytes_at_two_addresses_are_written_once(bucket: Bucket, site: Any, publish: Any) -> None:
    claim = publish(urls=(site.url("/article"), site.url("/copy")), fetch=True)
    first, second = Source.objects.filter(evidence__claim=claim).order_by("pk")

    assert first.pk != second.pk
    assert first.snapshot.name == second.snapshot.name
    assert bucket.versions(copy_key(first)) == 1


@pytest.mark.django_db
def test_a_stored_copy_opens_as_the_bytes_fetched(bucket: Bucket, site: Any, publish: Any) -> None:
    source = cited(publish(urls=(site.url("/report.pdf"),), fetch=True))

    with source.open_stored_copy() as original:
        assert original.read() == PDF
    # Extraction read the copy from the bucket too.
    assert "309 people arrested" in source.text


@pytest.mark.django_db
def test_a_store_that_refuses_the_write_is_a_clear_failure(
    s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    gone = new_bucket(s3_endpoint)
    use_bucket(gone, monkeypatch, settings)
    gone.client.delete_bucket(Bucket=gone.name)
    page = b"<p>309 people</p>"

    with pytest.raises(CopyNotStored) as refused:
        store_snapshot(page, hashlib.sha256(page).hexdigest())

    # The fetch job retries on CopyNotStored, and the desk shows its message.
    assert str(refused.value) == STORAGE_FAILED
    assert nothing_on_disk(settings)


# --- Serving stored copies.


@pytest.mark.django_db
def test_a_stored_copy_is_served_from_the_bucket_to_readers_and_the_desk(
    bucket: Bucket, site: Any, publish: Any, checker: Any, client: Client
) -> None:
    source = cited(publish(urls=(site.url("/article"),), fetch=True))

    public = client.get(f"/sources/{source.pk}/snapshot/")
    desk = log_in(Client(), checker).get(f"/desk/sources/{source.pk}/snapshot/")

    for response in (public, desk):
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{source.sha256}.html"'
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
        content = body(response)
        assert content == article_html()
        assert hashlib.sha256(content).hexdigest() == source.sha256


@pytest.mark.django_db
def test_a_copy_missing_from_the_bucket_is_404(bucket: Bucket, site: Any, publish: Any, client: Client) -> None:
    source = cited(publish(urls=(site.url("/article"),), fetch=True))
    bucket.delete(copy_key(source))

    assert client.get(f"/sources/{source.pk}/snapshot/").status_code == 404


# --- Bundles.


def download(client: Client, claim: Claim) -> tuple[Any, bytes]:
    response = client.get(f"/verdicts/{claim.slug}/bundle.zip")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_bundle_is_built_into_the_bucket_once_and_served_from_it(
    bucket: Bucket, site: Any, publish: Any, client: Client, settings: Any
) -> None:
    claim = publish(urls=(site.url("/article"),), fetch=True)
    source = cited(claim)

    first, content = download(client, claim)
    again, content_again = download(client, claim)

    [key] = bucket.keys(f"bundles/{claim.pk}/")
    assert bucket.read(key) == content == content_again
    assert bucket.versions(key) == 1  # the second download was served, not built again
    assert first["Content-Type"] == "application/zip"
    assert first["Content-Length"] == again["Content-Length"] == str(len(content))
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.read(f"sources/{source.sha256}.html") == article_html()
    assert nothing_on_disk(settings)


@pytest.mark.django_db
def test_a_changed_verdict_replaces_its_bundle_in_the_bucket(
    bucket: Bucket, site: Any, publish: Any, editor: Any, client: Client
) -> None:
    claim = publish(urls=(site.url("/article"),), fetch=True)
    _, before = download(client, claim)
    [old] = bucket.keys(f"bundles/{claim.pk}/")

    claim.transition(
        "correct",
        by=editor,
        expected_state="published",
        params=workflow.Params(
            note="Wrong total.",
            verdict={"rating": Rating.objects.get(label="Mostly false"), "summary": "It was 3,400.", "explanation": ""},
        ),
    )
    _, after = download(client, claim)

    [new] = bucket.keys(f"bundles/{claim.pk}/")
    assert new != old
    assert bucket.read(new) == after != before
    assert b"It was 3,400." in zipfile.ZipFile(io.BytesIO(after)).read("verdict.json")


@pytest.mark.django_db
def test_a_large_bundle_and_copy_are_streamed_from_the_bucket_not_held_whole(
    bucket: Bucket, publish: Any, client: Client, settings: Any
) -> None:
    large = os.urandom(6 * 1024 * 1024)  # random bytes: compression cannot shrink them
    with serving(settings, {"/large.pdf": Page(large, content_type="application/pdf")}) as server:
        claim = publish(urls=(server.url("/large.pdf"),), fetch=True)
    source = cited(claim)
    download(client, claim)  # built into the bucket

    tracemalloc.start()
    try:
        bundle = client.get(f"/verdicts/{claim.slug}/bundle.zip")
        bundle_starts = next(iter(bundle.streaming_content))
        copy = client.get(f"/sources/{source.pk}/snapshot/")
        copy_starts = next(iter(copy.streaming_content))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    bundle.close()
    copy.close()

    assert bundle_starts.startswith(b"PK")
    assert large.startswith(copy_starts)
    assert peak < len(large) / 4


# --- The archive.


@pytest.mark.django_db(transaction=True)
def test_the_archive_carries_stored_copies_from_one_bucket_to_another(
    bucket: Bucket,
    s3_endpoint: str,
    site: Any,
    publish: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Path,
) -> None:
    publish(urls=(site.url("/article"), site.url("/report.pdf")), fetch=True)
    copies = sorted(Source.objects.exclude(snapshot="").values_list("snapshot", flat=True))
    archive = tmp_path / "desk.zip"
    call_command("export_desk", str(archive), stdout=io.StringIO())

    with zipfile.ZipFile(archive) as exported:
        for name in copies:
            assert exported.read(f"files/{name}") == bucket.read(name)
    call_command("flush", interactive=False, verbosity=0)
    for name in copies:
        bucket.delete(name)  # the copies must come from the archive
    elsewhere = new_bucket(s3_endpoint)
    use_bucket(elsewhere, monkeypatch, settings)
    call_command("import_desk", str(archive), stdout=io.StringIO())

    assert elsewhere.keys("snapshots/") == copies
    for loaded in Source.objects.exclude(snapshot=""):
        with loaded.open_stored_copy() as original:
            assert hashlib.sha256(original.read()).hexdigest() == loaded.sha256
