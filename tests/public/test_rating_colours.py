"""A rating's colour goes into style attributes on every public page: the
database holds nothing but #rrggbb, whoever writes the row, and pages show it
as it is."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DataError, IntegrityError, transaction
from django.test import Client

from claims.models import Rating

pytestmark = pytest.mark.django_db


# PostgreSQL refuses a value longer than the column (DataError) before the check; SQLite has only the check.
@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "#12345g", "", "#fff;background:url(x)", "</style>"])
def test_the_database_refuses_a_colour_that_is_not_hex(desk_defaults: None, colour: str) -> None:
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Rating.objects.create(label="Pants on fire", order=9, colour=colour)
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Rating.objects.filter(label="False").update(colour=colour)
    assert Rating.objects.get(label="False").colour == "#b3261e"
    assert not Rating.objects.filter(label="Pants on fire").exists()


def test_the_admin_says_what_a_colour_must_look_like(desk_defaults: None, client_for: Any, admin_user: Any) -> None:
    rating = Rating.objects.get(label="False")
    form = {"label": "False", "description": rating.description, "order": rating.order, "value": 0}
    response = client_for(admin_user).post(f"/admin/claims/rating/{rating.pk}/change/", {**form, "colour": "red"})
    assert response.status_code == 200
    assert "Use a colour like #1a7f37." in response.content.decode()
    assert Rating.objects.get(pk=rating.pk).colour == "#b3261e"

    response = client_for(admin_user).post(f"/admin/claims/rating/{rating.pk}/change/", {**form, "colour": "#a01010"})
    assert response.status_code == 302
    assert Rating.objects.get(pk=rating.pk).colour == "#a01010"


def test_pages_show_the_colour_the_scale_holds(publish: Any, client: Client) -> None:
    Rating.objects.filter(label="False").update(colour="#a01010")
    rating = Rating.objects.get(label="False")
    claim = publish(rating="False")
    # No inline styles (the Content-Security-Policy): a class, and the scale's stylesheet.
    assert f".rating-{rating.pk} {{ --rating: #a01010; }}" in client.get("/ratings.css").content.decode()
    for url in (f"/verdicts/{claim.slug}/", "/verdicts/", claim.speaker.get_absolute_url()):
        page = client.get(url).content.decode()
        assert f"rating-{rating.pk}" in page
        assert 'href="/ratings.css"' in page


def test_the_scales_stylesheet_changes_with_the_scale(desk_defaults: None, client: Client) -> None:
    first = client.get("/ratings.css")
    assert first["Content-Type"] == "text/css; charset=utf-8"
    assert client.get("/ratings.css", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    Rating.objects.filter(label="False").update(colour="#a01010")
    changed = client.get("/ratings.css", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "#a01010" in changed.content.decode()
