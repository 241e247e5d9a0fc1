"""A verdict's place on the scale ("6 of 6") counts only the points between
true and false: a rating with no ClaimReview value (Unproven: the evidence
does not settle it) is no point on that line and has no place to tell."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from claims.models import Rating
from claims.public.scale import load_scale
from tests.public.conftest import page_url

pytestmark = pytest.mark.django_db


def test_false_is_the_last_of_six_not_six_of_seven(desk_defaults: None) -> None:
    scale = load_scale()
    assert scale.position(Rating.objects.get(label="True")) == (1, 6)
    assert scale.position(Rating.objects.get(label="False")) == (6, 6)


def test_unproven_has_no_place_on_the_scale(desk_defaults: None) -> None:
    assert load_scale().position(Rating.objects.get(label="Unproven")) is None


def test_a_retired_step_leaves_the_count_unless_the_verdict_carries_it(desk_defaults: None) -> None:
    Rating.objects.filter(label="Misleading").update(retired=True)
    scale = load_scale()
    assert scale.position(Rating.objects.get(label="False")) == (5, 5)
    assert scale.position(Rating.objects.get(label="Misleading")) == (4, 6)


def test_a_scale_without_values_counts_every_step(desk_defaults: None) -> None:
    Rating.objects.update(value=None)
    assert load_scale().position(Rating.objects.get(label="False")) == (6, 7)


def test_the_verdict_pages_say_it(publish: Any, client: Client) -> None:
    false = client.get(page_url(publish(rating="False"))).content.decode()
    unproven = client.get(page_url(publish(rating="Unproven"))).content.decode()

    assert "6 of 6 on our scale" in false
    assert ">Unproven</span>" in unproven
    assert "on our scale</span>" not in unproven
