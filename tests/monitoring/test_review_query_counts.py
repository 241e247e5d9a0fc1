"""Review: the outlets page asks no more queries as outlets (failing,
paused, flagged) grow; the existing tests drew it only once."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from claims.models import Outlet

pytestmark = pytest.mark.django_db


def add_outlets(start: int, count: int) -> None:
    for n in range(start, start + count):
        outlet = Outlet.objects.watch(by=None, name=f"Outlet {n}", url=f"https://news{n}.example.org/feed")
        if n % 3 == 1:
            outlet.record_failure("The site had a server error (HTTP 503).")
        elif n % 3 == 2:
            outlet.pause()


def test_the_outlets_page_asks_no_more_as_outlets_grow(
    client_for: Any, editor: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(editor)
    add_outlets(0, 2)
    client.get(reverse("desk:outlets"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("desk:outlets"))

    add_outlets(2, 30)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("desk:outlets"))
    assert page.content.decode().count('<tr id="outlet-') == 25
