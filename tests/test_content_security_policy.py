"""Every HTML page, desk, public and admin, carries the Content-Security-
Policy, and no page needs what it forbids: no inline style attributes or
<style> elements, no script without a source or the request's nonce, no
inline event handlers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import log_in

pytestmark = pytest.mark.django_db

DIRECTIVES = {
    "default-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}


def policy(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_obeys_the_policy(response: Any) -> None:
    rules = policy(response)
    for directive, value in DIRECTIVES.items():
        assert rules[directive] == value, directive
    # The nonce is there only when the page has a script that needs it.
    assert re.fullmatch(r"'self'( 'nonce-[^']+')?", rules["script-src"]), rules["script-src"]
    nonce = next(iter(re.findall(r"'nonce-([^']+)'", rules["script-src"])), None)
    assert "unsafe" not in response["Content-Security-Policy"]
    page = response.content.decode()
    assert not re.search(r"<[^>]+\sstyle=", page), "an inline style attribute"
    assert "<style" not in page
    assert not re.search(r"<[^>]+\son[a-z]+=", page), "an inline event handler"
    for attributes in re.findall(r"<script\b([^>]*)>", page):
        assert "src=" in attributes or (nonce and f'nonce="{nonce}"' in attributes), attributes


@pytest.fixture
def pages(publish: Any, make_claim: Any) -> list[str]:
    claim = publish(claimant="Lt Gen Asim Bajwa")
    working = make_claim(state="researching")
    return [
        "/desk/",
        "/desk/claims/",
        "/desk/dashboard/",
        f"/desk/claims/{working.pk}/",
        f"/desk/claims/{claim.pk}/",
        "/desk/claimants/",
        "/desk/articles/",
        "/desk/articles/new/",
        "/verdicts/",
        f"/verdicts/{claim.slug}/",
        f"/verdicts/{claim.slug}/v/1/",
        claim.speaker.get_absolute_url(),
    ]


def test_every_page_obeys_the_policy(pages: list[str], client_for: Any, editor: Any) -> None:
    client = client_for(editor)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_obeys_the_policy(response)


@pytest.mark.parametrize("url", ["/accounts/login/", "/no/such/page/"])
def test_pages_without_a_login_obey_it_too(url: str, client: Client, desk_defaults: None) -> None:
    assert_obeys_the_policy(client.get(url))


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/claims/rating/", "/admin/claims/webhook/add/", "/admin/claims/article/add/"]
)
def test_the_admin_obeys_it_too(url: str, admin_user: Any, desk_defaults: None) -> None:
    response = log_in(Client(), admin_user).get(url)
    assert response.status_code == 200
    assert_obeys_the_policy(response)


def test_the_json_ld_carries_this_requests_nonce(publish: Any, client: Client) -> None:
    claim = publish()
    first, second = client.get(f"/verdicts/{claim.slug}/"), client.get(f"/verdicts/{claim.slug}/")
    nonces = [re.findall(r"'nonce-([^']+)'", policy(r)["script-src"])[0] for r in (first, second)]
    assert nonces[0] != nonces[1]
    assert f'<script type="application/ld+json" nonce="{nonces[0]}">' in first.content.decode()


def test_a_stored_copy_keeps_its_own_sandbox(publish: Any, client: Client, settings: Any) -> None:
    from tests.pages import Page, serving

    with serving(settings, {"/report": Page(b"<html><script>alert(1)</script></html>")}) as server:
        claim = publish(urls=(server.url("/report"),), fetch=True)
    source_id = claim.evidence.get(source__isnull=False).source_id
    response = client.get(f"/sources/{source_id}/snapshot/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
