"""Review: removing a partner source twice (a second click, or two editors)
says it is gone and shows the sources as they are, rather than a bare 404
that HTMX leaves unseen; CSRF guards every new POST of issue 13."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import PartnerSource
from tests.conftest import log_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_second_remove_says_it_is_gone(editor: Any, client_for: Any) -> None:
    source = PartnerSource.objects.create(
        name="PolitiFact", kind=PartnerSource.Kind.VERDICTS_JSON, urls="https://www.politifact.com/verdicts.json"
    )
    client = client_for(editor)
    first = client.post(reverse("desk:partner_delete", args=[source.pk]), **HTMX)
    second = client.post(reverse("desk:partner_delete", args=[source.pk]), **HTMX)

    assert "PolitiFact and its verdicts removed" in first.content.decode()
    assert second.status_code == 200
    assert "This source was removed already" in second.content.decode()
    assert 'id="partner-sources"' in second.content.decode()
    assert not PartnerSource.objects.exists()


POSTS = [
    ("desk:outlets", []),
    ("desk:outlet_act", [1, "pause"]),
    ("desk:news_dismiss", [1]),
    ("desk:news_claim", [1]),
    ("desk:repeat_act", [1, "confirm"]),
    ("desk:partners", []),
    ("desk:partner_refresh", [1]),
    ("desk:partner_delete", [1]),
]


@pytest.mark.parametrize(("name", "args"), POSTS, ids=[name for name, _args in POSTS])
def test_every_post_needs_the_csrf_token(editor: Any, name: str, args: list[Any]) -> None:
    client = log_in(Client(enforce_csrf_checks=True), editor)

    answer = client.post(reverse(name, args=args), {}, **HTMX)

    assert answer.status_code == 403
    assert b"CSRF" in answer.content
