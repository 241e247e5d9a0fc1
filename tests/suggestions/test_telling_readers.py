"""A reader who left an email is told once the verdict is published: by a
real worker on the real broker, after the publishing transaction commits;
the address is then deleted. A failed send is tried again by the sweep; an
address kept past the retention period is deleted all the same."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from claims.mail.tasks import sweep_suggestions, tell_reader
from claims.models import Suggestion
from claims.workflow import Params

pytestmark = pytest.mark.django_db(transaction=True)


def mails_in(folder: Path, count: int, timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log")) if folder.exists() else []
        if len(files) >= count:
            return [file.read_text() for file in files]
        time.sleep(0.2)
    raise AssertionError(f"{count} mail(s) expected in {folder}, found {len(files)}")


def test_a_reader_is_told_once_when_the_verdict_is_published(
    start_workers: Any, make_claim: Any, checker: Any, editor: Any, tmp_path: Path, settings: Any
) -> None:
    outbox = tmp_path / "outbox"
    start_workers(EMAIL_URL=f"filemail:///{outbox}", SITE_URL="https://checks.example.org")
    claim = make_claim(state="approved", text="Pakistan has paid $106.9 billion for this war.")
    asked = Suggestion.objects.create(text="Did the war cost $106.9 billion?", email="reader@example.org")
    asked.attach_to(claim, by=checker)
    silent = Suggestion.objects.create(text="Is $106.9 billion right?")  # no email: nobody to tell
    silent.attach_to(claim, by=checker)

    claim.transition("publish", by=editor, expected_state="approved")

    [mail] = mails_in(outbox, 1)
    assert "To: reader@example.org" in mail
    assert "Did the war cost $106.9 billion?" in mail
    assert f"https://checks.example.org/verdicts/{claim.slug}/" in mail
    deadline = time.monotonic() + 10
    while Suggestion.objects.get(pk=asked.pk).email and time.monotonic() < deadline:
        time.sleep(0.1)
    asked.refresh_from_db()
    assert asked.email == ""
    assert asked.told_at is not None
    # A correction later tells nobody again.
    claim.transition(
        "correct",
        by=editor,
        expected_state="published",
        params=Params(
            note="New figures.",
            verdict={"rating": claim.current_verdict.rating, "summary": "Still false.", "explanation": ""},
        ),
    )
    time.sleep(2)
    assert len(mails_in(outbox, 1)) == 1


def test_a_failed_send_is_tried_again_by_the_sweep(publish: Any, checker: Any, settings: Any, tmp_path: Path) -> None:
    claim = publish()
    asked = Suggestion.objects.create(text="Is it true?", email="reader@example.org")
    asked.attach_to(claim, by=checker)  # published already: told on commit (no worker here)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens

    tell_reader(asked.pk)  # the task's code, in this process: the send fails
    asked.refresh_from_db()
    assert (asked.email, asked.told_at) == ("reader@example.org", None)

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    tell_reader(asked.pk)
    asked.refresh_from_db()
    assert asked.email == ""
    assert len(mails_in(tmp_path / "outbox", 1)) == 1
    tell_reader(asked.pk)  # told already: nothing more
    assert len(mails_in(tmp_path / "outbox", 1)) == 1


def test_the_sweep_deletes_addresses_kept_too_long(settings: Any, desk_defaults: None) -> None:
    settings.SUGGESTION_EMAIL_DAYS = 30
    old = Suggestion.objects.create(
        text="An old one.", email="old@example.org", created_at=timezone.now() - timedelta(days=31)
    )
    recent = Suggestion.objects.create(text="A recent one.", email="new@example.org")
    sweep_suggestions()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.email, recent.email) == ("", "new@example.org")
