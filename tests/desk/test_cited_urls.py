"""A URL given to the desk: refused unless the fetcher would fetch it; its stored copy opens as a download."""

from __future__ import annotations

from typing import Any

import pytest

from claims.desk.forms import EvidenceForm
from claims.models import Claim
from tests.desk.conftest import HX, counts, field_errors, html

pytestmark = pytest.mark.django_db


def post_url(client: Any, where: str, claim: Claim, url: str, headers: dict[str, str]) -> Any:
    """Cite `url` as evidence on `claim`, or give it as a new article's URL."""
    if where == "evidence":
        data = {"url": url, "quote": "309", "stance": "context"}
        return client.post(f"/desk/claims/{claim.pk}/evidence/", data, **headers)
    return client.post("/desk/articles/new/", {"title": "A story", "url": url}, **headers)


@pytest.mark.parametrize("where", ["evidence", "article"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("not a url", "a space or an invisible character"),
        ("javascript:alert(1)", "starts with javascript:"),
        ("ftp://x", "Only http:// and https://"),
        ("ftp://example.org/file.txt", "Only http:// and https://"),
        ("http://127.0.0.1/", "private network"),
        ("http://10.0.0.1/", "private network"),
        ("http://192.168.1.1/admin", "private network"),
        ("http://169.254.169.254/latest/meta-data/", "private network"),
        ("http://[::1]/", "private network"),
        ("http://localhost:8000/", "our own network"),
        ("https://user:secret@example.org/", "user name and password"),
        ("http://0x7f000001/", "written as a number"),
        ("http://2130706433/", "written as a number"),
        ("http://example.org:8080/", "Links to port 8080 are not fetched"),
        ("http://168.63.129.16/", "Azure platform service"),
    ],
)
def test_a_url_must_be_one_the_fetcher_would_fetch(
    url: str, error: str, headers: dict[str, str], where: str, claim: Claim, client_for: Any, checker: Any
) -> None:
    before = counts()
    response = post_url(client_for(checker), where, claim, url, headers)
    assert response.status_code == 422
    errors = field_errors(html(response), "url")
    assert 'class="error"' in errors
    assert error in errors
    assert counts() == before


@pytest.mark.parametrize("url", ["https://example.com:99999/", "https://example.com:-1/"])
def test_a_url_with_an_impossible_port_is_a_form_error(url: str) -> None:
    form = EvidenceForm(data={"url": url, "stance": "context"})
    assert not form.is_valid()
    assert "url" in form.errors


def test_the_desk_opens_any_stored_copy_as_a_sandboxed_download(
    settings: Any, make_claim: Any, checker: Any, outsider: Any, client_for: Any
) -> None:
    from tests.conftest import fetch_as_worker
    from tests.pages import Page, article_html, serving

    claim = make_claim(state="researching")
    with serving(settings, {"/article": Page(article_html())}) as site:
        evidence = claim.add_evidence(by=checker, url=site.url("/article"), stance="context")
        source = fetch_as_worker(evidence.source_id)
    url = f"/desk/sources/{source.pk}/snapshot/"

    download = client_for(checker).get(url)
    assert b"".join(download.streaming_content) == article_html()
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    text = client_for(checker).get(url, {"as": "text"})
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert source.text.encode() == text.content
    assert client_for(outsider).get(url).status_code == 403
