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


@pytest.fixture
def original(checker: Any) -> Claim:
    """ORIGINAL among 300 claims of one shape, the word statistics fresh
    (PostgreSQL: ANALYZE, as autovacuum would)."""
    for n in range(300):
        Claim.objects.add(by=checker, text=SHAPE.format(n=n, pct=n % 90 + 2, year=1990 + n % 30))
    claim = Claim.objects.add(by=checker, text=ORIGINAL)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")
    return claim


def test_a_rewording_is_found_among_many_claims_of_the_same_shape(original: Claim) -> None:
    if connection.vendor == "postgresql":
        frequency, rows = similar._frequencies("default")
        assert rows == 301
        assert frequency["production"] > 0.99
        assert frequency.get("sukkur", 0) < 0.01  # in one claim of 301
    found = Claim.objects.similar_to(REWORDED)
    assert found[0] == original
    assert found[0].similarity == pytest.approx(similar.similarity(REWORDED, ORIGINAL))
    assert Claim.objects.similar_to(SHAPE.format(n=7, pct=9, year=1997))[0].text == SHAPE.format(n=7, pct=9, year=1997)


def test_rare_words_are_asked_for_in_groups_few_claims_hold() -> None:
    frequency = {"in": 0.9, "production": 0.3, "wheat": 0.015, "2019": 0.01, "the": 1.0, "rose": 0.005}
    query = similar.rare_words_query("Wheat production in Sukkur rose in 2019, the 106.9 figure", frequency, 1_000_000)
    terms = query.split(" | ")
    # "figure", "sukkur" and "106.9" are not listed: rarer than "rose", in 2,500 claims at most.
    assert terms[:3] == ["(figure & sukkur)", "(figure & rose)", "(figure & 2019)"]  # 6, 12 and 25 claims
    assert "(figure & wheat)" not in terms  # 37 claims
    assert "(106.9 & 2019)" not in terms  # "2019, the 106.9": one word apart, as many claims as "106.9"
    assert not any(word in query for word in ("production", "in ", "the"))  # in more than 2% of the claims


def test_words_side_by_side_count_as_one() -> None:
    frequency = {"sri": 0.01, "lanka": 0.01, "exports": 0.01, "fell": 0.01}
    query = similar.rare_words_query("Sri Lanka exports fell", frequency, 1_000_000)
    assert "(sri & lanka)" not in query.split(" | ")  # as many claims as "lanka" alone
    assert "(sri & exports & fell)" not in query.split(" | ")  # "exports fell": as many as "exports"
    assert "(sri & lanka & exports)" not in query.split(" | ")
    assert query == "(exports & lanka & fell)"  # none in 30 claims or fewer: the three rarest


def test_a_word_few_claims_hold_is_asked_for_alone() -> None:
    frequency = {"wheat": 1.0, "production": 1.0, "in": 1.0, "sukkur": 1 / 300, "rose": 0.5}
    assert similar.rare_words_query("Wheat production in Sukkur rose", frequency, 300) == "sukkur"


def test_only_common_words_are_asked_for_all_together() -> None:
    frequency = {"in": 0.9, "production": 0.3, "wheat": 0.2, "the": 1.0}
    assert similar.rare_words_query("The wheat production in", frequency, 1_000_000) == "(wheat & production & in)"


def test_without_statistics_the_longest_words_are_asked_for() -> None:
    query = similar.rare_words_query("Wheat production in Sukkur rose", {}, 0)
    assert query == "production | sukkur | wheat | rose | in"


def test_words_no_claim_holds_do_not_hide_the_claim_they_wrap(original: Claim) -> None:
    """Typed around a claim, words the table never holds ("Did you know that
    ... this week?") are counted, found in no claim and left out: the
    claim's own rare words find it."""

    found = Claim.objects.similar_to(f"Did you know that {ORIGINAL.rstrip('.')}, as was said this week?")

    assert found[0] == original


def test_a_query_of_words_no_claim_holds_asks_for_nothing() -> None:
    assert similar.rare_words_query("Did you know", {"did": 0.0, "you": 0.0, "know": 0.0, "the": 0.5}, 1_000) == ""
