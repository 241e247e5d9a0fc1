"""The desk policy page, /desk/settings/: editors only, every change logged."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import DeskPolicy, SecurityEvent
from tests.desk.conftest import HX, field_errors, html

pytestmark = pytest.mark.django_db

URL = "/desk/settings/"
VALID = {"approvals_needed": "2", "min_evidence": "2", "min_sites": "2", "needs_fetched_copy": "on"}


def policy_events() -> Any:
    return SecurityEvent.objects.filter(kind=SecurityEvent.Kind.POLICY_CHANGED)


@pytest.mark.parametrize("persona", ["checker", "outsider"])
def test_only_editors_see_or_change_the_policy(persona: str, client_for: Any, request: Any) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(URL, **HX).status_code == 403
    assert client.post(URL, VALID).status_code == 403
    assert client.post(URL, VALID, **HX).status_code == 403
    assert DeskPolicy.current().approvals_needed == 1
    assert not policy_events().exists()


def test_anonymous_is_sent_to_log_in(db: None, client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_an_editor_sees_the_defaults(editor: Any, client_for: Any) -> None:
    page = html(client_for(editor).get(URL))
    assert "Desk policy" in page
    assert 'name="approvals_needed" value="1"' in page
    assert "Nobody changed the policy yet" in page


def test_editors_find_the_page_in_the_navigation(editor: Any, checker: Any, client_for: Any) -> None:
    assert 'href="/desk/settings/"' in html(client_for(editor).get("/desk/"))
    assert 'href="/desk/settings/"' not in html(client_for(checker).get("/desk/"))


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_editor_changes_the_policy_and_it_is_logged(headers: dict[str, str], editor: Any, client_for: Any) -> None:
    client = client_for(editor)
    response = client.post(URL, VALID, **headers)
    if headers:
        assert response.status_code == 200
        assert 'id="policy"' in html(response)
        assert "<html" not in html(response)
    else:
        assert response.status_code == 302
        assert response["Location"] == URL
    policy = DeskPolicy.current()
    assert (policy.approvals_needed, policy.min_evidence, policy.min_sites) == (2, 2, 2)
    assert policy.needs_fetched_copy is True
    assert policy.editor_may_publish_own is False
    assert (policy.updated_by, policy.updated_at is not None) == (editor, True)
    event = policy_events().get()
    assert event.user == editor
    assert "approvals needed before publishing: 1 → 2" in event.note
    page = html(client.get(URL))
    assert "approvals needed before publishing: 1 → 2" in page
    assert editor.get_full_name() in page


@pytest.mark.parametrize(
    ("field", "value"),
    [("approvals_needed", "4"), ("approvals_needed", "0"), ("approvals_needed", "two"), ("min_sites", "-1")],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_bad_input_changes_nothing(
    field: str, value: str, headers: dict[str, str], editor: Any, client_for: Any
) -> None:
    response = client_for(editor).post(URL, {**VALID, field: value}, **headers)
    assert response.status_code == 422
    assert field_errors(html(response), field)
    assert DeskPolicy.current().approvals_needed == 1
    assert not policy_events().exists()


def test_saving_unchanged_logs_nothing(editor: Any, client_for: Any) -> None:
    client = client_for(editor)
    client.post(URL, VALID)
    response = client.post(URL, VALID, follow=True)
    assert "Nothing changed." in html(response)
    assert policy_events().count() == 1


def test_a_superuser_is_an_editor_too(db: None, client_for: Any, desk_defaults: None) -> None:
    from tests.conftest import UserFactory

    admin = UserFactory(username="admin", is_superuser=True)
    assert client_for(admin).get(URL).status_code == 200
