"""Messages that quote a claim shorten it on a word boundary, with an
ellipsis: never mid-number ("since I took office in 201")."""

from __future__ import annotations

from typing import Any

import pytest

from claims.desk.views.access import shorten
from claims.models import Article
from tests.desk.conftest import html

pytestmark = pytest.mark.django_db

LONG = "Unemployment has fallen by a third since I took office in 2019, the lowest figure in a decade."


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("Short claim.", 80, "Short claim."),
        (LONG, 60, "Unemployment has fallen by a third since I took office in…"),
        (LONG, 64, "Unemployment has fallen by a third since I took office in 2019…"),  # the comma goes
        ("Word " * 30, 12, "Word Word…"),
        ("Supercalifragilisticexpialidocious claim", 10, "Supercali…"),  # no boundary to cut on
        ("  Spread\nover\n\nlines  ", 80, "Spread over lines"),
    ],
)
def test_shorten_cuts_on_a_word_boundary(text: str, limit: int, shown: str) -> None:
    assert shorten(text, limit) == shown
    assert len(shorten(text, limit)) <= limit


def test_the_message_after_adding_a_claim_ends_on_a_whole_word(client_for: Any, checker: Any, article: Article) -> None:
    # The 80th character falls inside "2019".
    text = "The spokesman said on Monday that jobs grew sharply since he took office in 2019 and would grow."
    response = client_for(checker).post(article.get_absolute_url(), {"text": text, "priority": "2"}, follow=True)

    page = html(response)
    assert "Claim added: “The spokesman said on Monday that jobs grew sharply since he took office in…”." in page
    assert "office in 201" not in page.split('class="messages"', 1)[1].split("</ul>", 1)[0]
