"""Readers suggest a claim: the form saves what a person sends; a bot that
fills the hidden field is thanked and nothing is kept; too many from one
address, a private or malformed link, over-long or NUL text get a clear
answer and save nothing; an email is never shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from claims.models import Suggestion

pytestmark = pytest.mark.django_db

GOOD = {
    "text": "The army says 309 people linked to Islamic State were arrested.",
    "appeared": "Reuters, 29 Dec 2016",
    "url": "https://www.reuters.com/article/us-pakistan-militants-idUSKBN14I1BY",
    "why": "Everyone is sharing the figure.",
    "email": "reader@example.org",
    "website": "",
}


def test_the_form_is_offered_with_its_honeypot_hidden(client: Client) -> None:
    page = client.get("/suggest/").content.decode()
    assert 'name="text"' in page
    assert 'class="field hp"' in page
    assert 'aria-hidden="true"' in page
    assert 'href="/suggest/"' in client.get("/verdicts/").content.decode()  # linked from the public site


def test_a_suggestion_is_saved_and_the_reader_thanked(client: Client) -> None:
    response = client.post("/suggest/", GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/suggest/thanks/"
    suggestion = Suggestion.objects.get()
    assert (suggestion.text, suggestion.email, suggestion.status) == (GOOD["text"], "reader@example.org", "new")
    assert "we will write once" in client.get("/suggest/thanks/").content.decode()


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_kept(client: Client) -> None:
    response = client.post("/suggest/", {**GOOD, "website": "https://spam.example/"})
    assert response.status_code == 302
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "http://127.0.0.1/admin", "private"),
        ("url", "http://169.254.169.254/latest/meta-data/", ""),
        ("url", "javascript:alert(1)", ""),
        ("text", "", "This field is required."),
        ("text", "x" * 2001, "at most 2000 characters"),
        ("text", "309\x00people", "Null characters are not allowed."),
        ("email", "not-an-address", "Enter a valid email address."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(field: str, value: str, message: str, client: Client) -> None:
    response = client.post("/suggest/", {**GOOD, field: value})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="error"' in page
    assert message in page
    assert not Suggestion.objects.exists()


def test_too_many_from_one_address_are_refused(client: Client, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "suggest": "2/h"}
    assert client.post("/suggest/", GOOD).status_code == 302
    assert client.post("/suggest/", GOOD).status_code == 302
    refused = client.post("/suggest/", GOOD)
    assert refused.status_code == 429
    assert "That is more than 2 in an hour" in refused.content.decode()
    assert Suggestion.objects.count() == 2
    assert Client(REMOTE_ADDR="198.51.100.7").post("/suggest/", GOOD).status_code == 302  # another reader


def test_the_email_is_never_shown_on_the_desk(client: Client, checker: Any, client_for: Any) -> None:
    client.post("/suggest/", {**GOOD, "text": "<script>alert(1)</script> 309 were arrested."})
    page = client_for(checker).get("/desk/suggestions/").content.decode()
    assert "309 were arrested" in page
    assert "reader@example.org" not in page
    assert "waits to hear when it is published" in page
    assert "<script>alert(1)" not in page
