"""The demo's article (seed_demo) reads as clean text on its page: the
clutter of the web page it was copied from (advertising markers, the text
size buttons) is set aside, listed under "lines set aside", not in the text."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from claims.models import Article
from tests.desk.conftest import html

pytestmark = pytest.mark.django_db

CLUTTER = ["ADVERTISEMENTREMOVE AD", "Aa", "Small", "Medium", "Large", "Hindi Female", "story-hero-img", "3 min read"]


def test_the_demo_article_page_shows_clean_text(desk_defaults: None, client_for: Any) -> None:
    call_command("seed_demo", verbosity=0)
    article = Article.objects.get(title="No Good or Bad Taliban for Us: Pakistan Army")
    checker = article.created_by

    page = html(client_for(checker).get(article.get_absolute_url()))

    text = page.split('<div class="body spotted" dir="auto">', 1)[1].split("</div>", 1)[0]
    lines = {line.strip() for line in text.splitlines()}
    assert "arrested 309 people associated with Islamic State" in text
    assert [junk for junk in CLUTTER if junk in lines] == []
    assert "ADVERTISEMENT" not in text
    assert "ADVERTISEMENT" not in article.body
