"""Checked before? finds a rewording among many claims of the same shape. On
PostgreSQL the candidates are the claims sharing the query's rarest words,
rarity from ANALYZE's statistics on the words index (migration 0019); on
SQLite, those sharing one of its longest words. Both rank by pg_trgm's
measure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from claims.models import Claim, similar

pytestmark = pytest.mark.django_db

SHAPE = "Wheat production in district {n} rose by {pct}% since {year}, the ministry said."
ORIGINAL = "Cotton exports from Sukkur fell by 37% in 2019, the finance ministry said."
REWORDED = "Cotton exports from Sukkur dropped 37 per cent in 2019, said the ministry of finance."


@pytest.fixture(autouse=True)
def fresh_word_statistics() -> Iterator[None]:
    similar._word_stats.clear()
    yield
    similar._word_stats.clear()  # this test's ANALYZE is rolled back with it


def test_a_rewording_is_found_among_many_claims_of_the_same_shape(checker: Any) -> None:
    for n in range(300):
        Claim.objects.add(by=checker, text=SHAPE.format(n=n, pct=n % 90 + 2, year=1990 + n % 30))
    original = Claim.objects.add(by=checker, text=ORIGINAL)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")
        frequency, rows = similar._frequencies("default")
        assert rows == 301
        assert frequency["production"] > 0.99
        assert frequency.get("sukkur", 0) < 0.01  # in one claim of 301
    found = Claim.objects.similar_to(REWORDED)
    assert found[0] == original
    assert found[0].similarity == pytest.approx(similar.similarity(REWORDED, ORIGINAL))
    assert Claim.objects.similar_to(SHAPE.format(n=7, pct=9, year=1997))[0].text == SHAPE.format(n=7, pct=9, year=1997)


def test_rare_words_are_asked_for_alone_and_common_ones_in_pairs() -> None:
    frequency = {"in": 0.9, "production": 0.3, "wheat": 0.05, "2019": 0.03, "the": 1.0, "rose": 0.02}
    query = similar.rare_words_query("Wheat production in Sukkur rose in 2019, the 106.9 figure", frequency, 10_000)
    terms = query.split(" | ")
    assert terms[:3] == ["figure", "sukkur", "106.9"]  # not listed: rarer than "rose", in 100 claims at most
    assert terms[3:6] == ["(rose & 2019)", "(rose & wheat)", "(rose & production)"]
    assert "(production & in)" not in terms  # 2,700 claims: too many to score
    assert "the" not in query


def test_only_common_words_are_asked_for_all_together() -> None:
    frequency = {"in": 0.9, "production": 0.3, "wheat": 0.2, "the": 1.0}
    assert similar.rare_words_query("The wheat production in", frequency, 1_000_000) == "(wheat & production & in)"


def test_without_statistics_the_longest_words_are_asked_for() -> None:
    query = similar.rare_words_query("Wheat production in Sukkur rose", {}, 0)
    assert query == "production | sukkur | wheat | rose | in"
