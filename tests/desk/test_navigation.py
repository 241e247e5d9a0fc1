"""The desk's navigation is drawn once per language and role in a process:
each person still sees their role's links, in their language."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from tests.desk.conftest import html

pytestmark = pytest.mark.django_db


def test_each_role_sees_its_own_links_whoever_came_first(client_for: Any, checker: Any, editor: Any) -> None:
    for _ in range(2):  # drawn, then from the process's memory
        assert 'href="/desk/settings/"' in html(client_for(editor).get("/desk/"))
        assert 'href="/desk/settings/"' not in html(client_for(checker).get("/desk/"))


def test_the_links_are_in_the_readers_language(client_for: Any, checker: Any, settings: Any) -> None:
    client = client_for(checker)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            expected = translation.gettext("Team queue")
        page = html(client.get("/desk/", HTTP_ACCEPT_LANGUAGE=code))
        assert f'<a href="/desk/claims/">{expected}</a>' in page


def test_outsiders_get_no_navigation(client: Any) -> None:
    assert 'aria-label="Desk"' not in html(client.get("/verdicts/"))
