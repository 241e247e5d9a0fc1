"""Settings that must be safe without configuration: no published secret key
when DEBUG is off, and no password-reset pages when no email can be sent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_KEY = "django-insecure-dev-only-set-SECRET_KEY-in-production"

PROBE = """
from django.conf import settings
from django.urls import NoReverseMatch, reverse
try:
    reverse("password_reset")
    reset = "offered"
except NoReverseMatch:
    reset = "absent"
print(settings.SECRET_KEY)
print(reset)
"""


def settings_with(tmp_path: Path, **env: str) -> list[str]:
    """SECRET_KEY and whether password reset is offered, as a fresh process sees them."""
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "EMAIL_URL")}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        env={**clean, "VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip().splitlines()[-2:]


def test_without_debug_or_a_secret_key_a_key_of_this_machine_is_made_and_kept(tmp_path: Path) -> None:
    key, _ = settings_with(tmp_path, DEBUG="False")
    assert key != DEV_KEY
    assert len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert settings_with(tmp_path, DEBUG="False")[0] == key  # the same after a restart


def test_a_given_secret_key_is_used_and_debug_keeps_the_development_key(tmp_path: Path) -> None:
    assert settings_with(tmp_path, DEBUG="False", SECRET_KEY="x" * 60)[0] == "x" * 60
    assert settings_with(tmp_path, DEBUG="True")[0] == DEV_KEY
    assert not (tmp_path / "secret_key").exists()


def test_password_reset_is_offered_only_when_email_is_configured(tmp_path: Path) -> None:
    assert settings_with(tmp_path)[1] == "absent"
    assert settings_with(tmp_path, EMAIL_URL="consolemail://")[1] == "absent"
    assert settings_with(tmp_path, EMAIL_URL="smtp+tls://desk:secret@smtp.example.org:587")[1] == "offered"


def test_an_unusable_key_file_stops_the_start_with_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("")
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "VAR_DIR": str(tmp_path), "DEBUG": "False"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "holds no usable key; delete it to make a new one, or set SECRET_KEY" in result.stderr
