"""Nothing people or fetched pages wrote reaches a page unescaped: templates
use no `|safe` or `autoescape off`, put no template value inside a <script>
except through `json_script`, and Python marks text safe in one reviewed
place (the ClaimReview JSON-LD, escaped for <script> first)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
PYTHON = sorted(path for path in (ROOT / "claims").rglob("*.py") if "migrations" not in path.parts)

# Where Python may mark text safe, and why it is.
REVIEWED = {
    ("claims/public/claimreview.py", "mark_safe"): "json_ld() escapes <, > and & as json_script does",
    ("claims/admin.py", "format_html"): "format_html escapes its arguments",
    # tests/notifications/test_mentions.py puts HTML and script in comments.
    ("claims/templatetags/desk.py", "mark_safe"): "mentions() escapes the comment first, then links names in it",
    ("claims/templatetags/desk.py", "format_html"): "format_html escapes its arguments",
    # tests/desk/test_widgets.py puts HTML in a person's name and an option's value.
    ("claims/desk/widgets.py", "format_html"): "format_html(_join) escapes every value, label and attribute",
    # tests/desk/test_claim_page_cache.py puts HTML in a claim and a comment, read from the cache.
    ("claims/desk/drawn.py", "mark_safe"): "a part drawn by an escaping template; only its CSRF slot is replaced",
    # tests/desk/test_claim_rows.py puts HTML in every value a row shows.
    (
        "claims/templatetags/claim_rows.py",
        "mark_safe",
    ): "each value escaped (html.escape) before joining",
}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_template_escapes_everything(path: Path) -> None:
    text = path.read_text()
    assert not re.search(r"\|\s*safe\b", text), "|safe"
    assert "autoescape off" not in text
    assert "safeseq" not in text
    # Inside a <script>, HTML escaping does not protect: only json_script (or
    # the JSON-LD already escaped for it) may put data there.
    for script in re.findall(r"<script[^>]*>(.*?)</script>", text, re.DOTALL):
        assert "{{" not in script or script.strip() == "{{ json_ld }}", script


def test_a_template_comment_stays_on_one_line() -> None:
    for path in TEMPLATES:
        for line in path.read_text().splitlines():
            if "{#" in line:
                assert "#}" in line, f"{path}: a {{# comment #}} ends on its own line; use {{% comment %}}"


def test_python_marks_text_safe_only_where_reviewed() -> None:
    found = {
        (str(path.relative_to(ROOT)), name)
        for path in PYTHON
        for name in ("mark_safe", "format_html", "SafeString")
        if re.search(rf"\b{name}\(", path.read_text())
    }
    assert found <= set(REVIEWED), found - set(REVIEWED)
