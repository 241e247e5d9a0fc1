"""What people type is shown as text everywhere on the desk, error messages included."""

from __future__ import annotations

from typing import Any

from claims.models import Article, Claim
from tests.desk.conftest import html

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def assert_escaped(page: str, where: str) -> None:
    assert SCRIPT not in page, where
    assert "<img src=x" not in page, where
    assert ESCAPED_SCRIPT in page, where
    assert ESCAPED_IMG in page, where


def test_what_people_type_is_escaped_everywhere(client_for: Any, checker: Any, desk_defaults: None) -> None:
    client = client_for(checker)
    client.post("/desk/articles/new/", {"title": f"Title {PAYLOAD}", "body": f"Body {PAYLOAD}"})
    article = Article.objects.get()
    client.post(
        f"/desk/articles/{article.pk}/", {"text": f"Text {PAYLOAD}", "claimant": f"By {PAYLOAD}", "priority": "1"}
    )
    claim = Claim.objects.get()
    client.post(f"/desk/claims/{claim.pk}/act/take/", {"take-state": "submitted"})
    client.post(f"/desk/claims/{claim.pk}/act/start/", {"start-state": "assigned"})
    client.post(
        f"/desk/claims/{claim.pk}/evidence/",
        {
            "offline_source": f"Source {PAYLOAD}",
            "quote": f"Quote {PAYLOAD}",
            "note": f"Note {PAYLOAD}",
            "stance": "context",
        },
    )
    client.post(f"/desk/claims/{claim.pk}/comment/", {"text": f"Comment {PAYLOAD}"})
    assert claim.evidence.count() == 1
    assert claim.activities.filter(action="comment").count() == 1

    page = html(client.get(f"/desk/claims/{claim.pk}/"))
    assert_escaped(page, "claim page")
    for prefix in ("Text", "By", "Source", "Quote", "Note", "Comment"):
        assert f"{prefix} {ESCAPED_SCRIPT}" in page, prefix
    for where, url in [
        ("my queue", "/desk/"),
        ("team queue", "/desk/claims/"),
        ("team queue search", "/desk/claims/?q=script"),
        ("article page", f"/desk/articles/{article.pk}/"),
        ("article list", "/desk/articles/"),
    ]:
        assert_escaped(html(client.get(url)), where)


def test_search_text_is_escaped_in_the_filter_form(client_for: Any, checker: Any, desk_defaults: None) -> None:
    page = html(client_for(checker).get("/desk/claims/", {"q": PAYLOAD, "claimant": PAYLOAD}))
    assert_escaped(page, "filter form")


def test_errors_echo_input_escaped(claim: Claim, client_for: Any, checker: Any) -> None:
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/evidence/", {"url": f"javascript:{PAYLOAD}", "note": PAYLOAD, "stance": "context"}
    )
    assert response.status_code == 422
    assert_escaped(html(response), "evidence form errors")
