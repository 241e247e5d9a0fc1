"""`manage.py watch_outlet URL`: the guard's check first, a plain refusal and
exit status 2 for an address it refuses; `poll_outlets` without --sync
leaves the polls to the workers."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from claims.models import Outlet

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def watch_outlet(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("watch_outlet", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_watches_a_public_feed() -> None:
    code, out, _ = watch_outlet("https://news.example.org/rss.xml", "--name", "Example News", "--every", "30")

    assert code == 0
    outlet = Outlet.objects.get()
    assert (outlet.name, outlet.url, outlet.interval_minutes) == (
        "Example News",
        "https://news.example.org/rss.xml",
        30,
    )
    assert "Watching Example News" in out


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.5/feed", "private network"),
        ("http://127.0.0.1/feed", "private network"),
        ("http://localhost/feed", "inside our own network"),
        ("ftp://news.example.org/feed", "http://"),
    ],
)
def test_refuses_a_private_url_with_status_2(url: str, reason: str) -> None:
    code, _, err = watch_outlet(url)

    assert code == 2
    assert reason in err
    assert not Outlet.objects.exists()


def test_refuses_an_interval_out_of_bounds_and_a_second_watch_of_one_url(settings: Any) -> None:
    assert watch_outlet("https://news.example.org/rss.xml", "--every", "1")[0] == 2
    assert watch_outlet("https://news.example.org/rss.xml")[0] == 0

    code, _, err = watch_outlet("https://news.example.org/rss.xml")

    assert code == 2
    assert "already watched" in err
    assert Outlet.objects.count() == 1


def test_from_the_shell_a_refusal_is_one_line_and_status_2(tmp_path: Path) -> None:
    env = {**os.environ, "VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "watch_outlet", "http://169.254.169.254/latest/"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.startswith("Not watched:")
    assert "Traceback" not in result.stderr
