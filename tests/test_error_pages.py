"""The project's own 400/403/404/500 pages: a body that cannot be read is a
400 (not a second failure and a 500), and no error page shows a traceback."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import log_in

pytestmark = pytest.mark.django_db

UTF16 = "application/x-www-form-urlencoded; charset=utf-16"


def csrf_client(path: str, user: Any = None) -> tuple[Client, str]:
    """A client that enforces CSRF as a browser meets it, with a valid token."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        log_in(client, user)
    client.get(path)
    return client, client.cookies["csrftoken"].value


@pytest.mark.parametrize("path", ["/accounts/login/", "/desk/claims/new/", "/verdicts/"])
def test_a_form_sent_in_utf16_is_a_400_page(path: str, checker: Any) -> None:
    client, token = csrf_client("/accounts/login/", None if path.startswith("/accounts") else checker)
    body = "text=309 people".encode("utf-16")
    response = client.generic("POST", path, body, content_type=UTF16, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Bad request</h1>" in page
    assert "Traceback" not in page


def test_an_unknown_address_is_the_sites_404_page(client: Client, desk_defaults: None) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.content.decode()


def test_a_refusal_says_why(client_for: Any, outsider: Any) -> None:
    response = client_for(outsider).get("/desk/")
    assert response.status_code == 403
    assert "The desk is for fact-checkers and editors" in response.content.decode()


def test_a_failure_on_our_side_is_a_plain_500_page(
    client: Client, desk_defaults: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("claims.public.views.load_scale", broken)
    client.raise_request_exception = False
    response = client.get("/verdicts/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page


def test_a_form_too_large_to_read_says_so_and_saves_nothing(client_for: Any, checker: Any, settings: Any) -> None:
    from claims.models import Article

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client_for(checker).post("/desk/articles/new/", {"title": "Briefing", "body": "x" * 20_000})
    assert response.status_code == 400
    assert "larger than this site takes (about 9.8\xa0KB once sent)" in response.content.decode()
    assert not Article.objects.exists()
