"""The desk in one archive and back: every row and every stored copy comes
back as it was, into an empty database; a desk with data, or a damaged
archive, is refused with nothing changed."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims import workflow
from claims.archive import archived_models
from claims.models import (
    Article,
    Claim,
    Claimant,
    Rating,
    SecurityEvent,
    SentenceClaim,
    Source,
    Suggestion,
    Webhook,
    WebhookDelivery,
    claim_counts,
)
from tests.pages import Page, article_html, serving

pytestmark = pytest.mark.django_db(transaction=True)


def everything() -> dict[str, Any]:
    """Every archived row, as the serializer sees it."""
    return {
        model._meta.label_lower: serializers.serialize(
            "python", model._default_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in archived_models()
    }


@pytest.fixture
def desk(publish: Any, make_claim: Any, editor: Any, settings: Any) -> None:
    """A desk with a bit of everything: a published and corrected verdict
    citing a fetched page, work in progress, a merged claimant, a webhook's
    deliveries."""
    Webhook.objects.create(url="https://partner.example/hook")
    with serving(settings, {"/report": Page(article_html())}) as server:
        claim = publish(urls=(server.url("/report"),), fetch=True, claimant="Asim Bajwa")
    claim.transition(
        "correct",
        by=editor,
        expected_state="published",
        params=workflow.Params(
            note="New figures.",
            verdict={"rating": Rating.objects.get(label="Mostly false"), "summary": "Mostly false.", "explanation": ""},
        ),
    )
    make_claim(state="in_review", claimant="Lt Gen Asim Bajwa")
    Claimant.for_name("Asim Bajwa").merge_into(Claimant.for_name("Lt Gen Asim Bajwa"))
    # A claim made from a spotted sentence of a pasted article.
    story = Article.objects.add(by=editor, title="Briefing", body="Officials said 516 soldiers had been killed.")
    spotted = story.spotting().candidates[0]
    story.claim_sentence(by=editor, start=spotted.start, sentence=spotted.sentence, text=spotted.sentence)
    assert SentenceClaim.objects.exists()
    # A reader's suggestion, attached to the work in progress.
    Suggestion.objects.create(text="Were 516 soldiers killed?", email="reader@example.org").attach_to(
        Claim.objects.get(text__startswith="Officials said"), by=editor
    )
    # The editor's second factor, and a line of the security log.
    TOTPDevice.objects.create(user=editor, name="Phone", confirmed=True)
    StaticDevice.objects.create(user=editor, name="Recovery codes").token_set.create(token="abcd2345")
    Client().post("/accounts/login/", {"username": "editor", "password": "wrong"})
    assert WebhookDelivery.objects.count() == 2
    assert SecurityEvent.objects.filter(kind="login_failed").exists()
    assert Source.objects.exclude(snapshot="").exists()


def test_a_desk_comes_back_whole_from_its_archive(desk: None, tmp_path: Path, settings: Any) -> None:
    before = everything()
    archive = tmp_path / "desk.zip"
    call_command("export_desk", str(archive), stdout=io.StringIO())

    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = str(tmp_path / "new-machine-media")  # the stored copies must come from the archive
    out = io.StringIO()
    call_command("import_desk", str(archive), stdout=out)

    assert "hashes checked" in out.getvalue()
    assert everything() == before
    assert claim_counts.recount() == 0  # the claims loaded were counted as they came in (PostgreSQL)
    for source in Source.objects.exclude(snapshot=""):
        with source.open_stored_copy() as original:
            assert hashlib.sha256(original.read()).hexdigest() == source.sha256
    # The public page reads as before, and new work takes new ids.
    published = Claim.objects.standing().get()
    assert published.current_verdict.version == 2
    new = Claim.objects.add(by=None, text="516 soldiers were killed.")
    assert new.pk > max(row["pk"] for row in before["claims.claim"])


def test_an_archive_loads_only_into_an_empty_desk(desk: None, tmp_path: Path) -> None:
    archive = tmp_path / "desk.zip"
    call_command("export_desk", str(archive), stdout=io.StringIO())
    before = everything()
    with pytest.raises(CommandError, match="already has people, claims or sources"):
        call_command("import_desk", str(archive))
    assert everything() == before


def exported_then_emptied(tmp_path: Path) -> Path:
    """The desk's archive, and the database emptied to load it into."""
    archive = tmp_path / "desk.zip"
    call_command("export_desk", str(archive), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    return archive


def rewritten(archive: Path, to: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of `archive` with every entry passed through `change(name, data)`."""
    with zipfile.ZipFile(archive) as original, zipfile.ZipFile(to, "w") as copy:
        for item in original.infolist():
            copy.writestr(item, change(item.filename, original.read(item)))
    return to


def test_a_damaged_archive_changes_nothing(desk: None, tmp_path: Path) -> None:
    archive = exported_then_emptied(tmp_path)
    damaged = rewritten(
        archive, tmp_path / "damaged.zip", lambda name, data: data + b"tampered" if name.startswith("files/") else data
    )
    with pytest.raises(CommandError, match="damaged"):
        call_command("import_desk", str(damaged))
    assert not Claim.objects.exists()
    (tmp_path / "not-a-zip").write_text("hello")
    with pytest.raises(CommandError, match="not a factcheck archive"):
        call_command("import_desk", str(tmp_path / "not-a-zip"))


def test_an_archive_cannot_write_outside_the_stored_copies(desk: None, tmp_path: Path) -> None:
    def name_a_stray_file(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["files"]["../../settings.py"] = hashlib.sha256(b"x").hexdigest()
        return json.dumps(manifest).encode()

    evil = rewritten(exported_then_emptied(tmp_path), tmp_path / "evil.zip", name_a_stray_file)
    with zipfile.ZipFile(evil, "a") as archive:
        archive.writestr("files/../../settings.py", b"x")
    with pytest.raises(CommandError, match="only stored copies belong"):
        call_command("import_desk", str(evil))
    assert not Claim.objects.exists()


def test_the_archive_is_its_owners_alone_and_never_overwritten(desk: None, tmp_path: Path) -> None:
    archive = tmp_path / "desk.zip"
    call_command("export_desk", str(archive), stdout=io.StringIO())
    assert archive.stat().st_mode & 0o777 == 0o600
    with pytest.raises(CommandError, match="exists"):
        call_command("export_desk", str(archive), stdout=io.StringIO())
