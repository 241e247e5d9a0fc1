"""`manage.py spot_claims FILE`: the candidates as JSON lines, best first, and
a plain error for a file it cannot read."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "claims" / "demo" / "pakistan-army-report-card.txt"


def spot_claims(*args: str, stdin: io.IOBase | None = None) -> list[dict]:
    out = io.StringIO()
    call_command("spot_claims", *args, stdout=out, stderr=io.StringIO(), **({"stdin": stdin} if stdin else {}))
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_prints_one_json_object_a_line_best_first() -> None:
    lines = spot_claims(str(SAMPLE))

    assert {"sentence", "score", "reasons", "claimant", "start", "end"} <= set(lines[0])
    assert [line["score"] for line in lines] == sorted((line["score"] for line in lines), reverse=True)
    top = " ".join(line["sentence"] for line in lines[:10])
    assert "309 people" in top
    assert "$106.9 billion" in top
    bajwa = next(line for line in lines if "$106.9 billion" in line["sentence"])
    assert bajwa["claimant"] == "Lt General Asim Bajwa"
    assert "an amount of money: $106.9 billion (+30)" in bajwa["reasons"]


def test_a_dash_reads_standard_input_as_bytes_or_text() -> None:
    text = "The ministry said 412 schools were damaged in March.\nWhat a disgrace?"

    from_bytes = spot_claims("-", stdin=io.TextIOWrapper(io.BytesIO(text.encode())))
    from_text = spot_claims("-", stdin=io.StringIO(text))

    assert from_bytes == from_text
    assert [line["sentence"] for line in from_bytes] == [
        "The ministry said 412 schools were damaged in March.",
        "What a disgrace?",
    ]
    assert from_bytes[0]["claimant"] == "The ministry"


def test_a_missing_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        spot_claims(str(tmp_path / "missing.txt"))


def test_a_directory_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is a directory"):
        spot_claims(str(tmp_path))


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xff\xd8\xff\xe0 JFIF", b"text with a \x00 in it"],
    ids=["png", "jpeg", "nul-in-utf8"],
)
def test_a_binary_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "picture.txt"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=r"not (UTF-8 )?text"):
        spot_claims(str(path))


def test_from_the_shell_an_unreadable_file_prints_the_error_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n")

    result = subprocess.run(
        [sys.executable, "manage.py", "spot_claims", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )

    assert result.returncode == 1
    assert "CommandError: " in result.stderr
    assert "is not UTF-8 text" in result.stderr
    assert "Traceback" not in result.stderr
