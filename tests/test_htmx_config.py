"""htmx is configured for no more than the desk uses, and pinned to the major
version whose setting names that configuration uses: htmx 4 renames them, and
an upgrade must fail here rather than silently drop the protection."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def served_htmx(page: str) -> Path:
    [src] = re.findall(r'<script src="/static/(vendor/htmx[^"]*)"', page)
    found = finders.find(src)
    assert found, src
    return Path(found)


def test_every_desk_page_configures_htmx_safely(client_for: Any, checker: Any) -> None:
    page = client_for(checker).get("/desk/").content.decode()
    assert "{#" not in page  # a template comment over several lines is not one, and would leak into the page
    [raw] = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    config = json.loads(raw)
    assert config["selfRequestsOnly"] is True
    assert config["allowScriptTags"] is False
    assert config["allowEval"] is False
    assert config["historyCacheSize"] == 0
    assert config["includeIndicatorStyles"] is False


def test_the_served_htmx_is_major_version_2(client_for: Any, checker: Any) -> None:
    path = served_htmx(client_for(checker).get("/desk/").content.decode())
    [version] = re.findall(r'version:"(\d+)\.\d+\.\d+"', path.read_text())
    assert version == "2"


def test_indicator_styles_come_from_the_stylesheet() -> None:
    css = Path(finders.find("css/app.css")).read_text()
    assert ".htmx-indicator" in css
