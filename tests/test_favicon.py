"""The site's icon: linked from the desk's and the public pages, and
/favicon.ico (which browsers ask for whatever a page links) leads to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ICON = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def test_favicon_ico_redirects_to_the_icon(client: Client) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 302  # not permanent: the static name changes with its hash
    assert response["Location"] == "/static/favicon.svg"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)


@pytest.mark.parametrize("url", ["/desk/", "/verdicts/", "/accounts/login/"])
def test_every_page_links_the_icon(url: str, client_for: Any, checker: Any) -> None:
    assert ICON in client_for(checker).get(url).content.decode()
