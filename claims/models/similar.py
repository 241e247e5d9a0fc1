"""Checked before? Claims whose text is like a new one, by trigram similarity.

Both databases rank the same way, by pg_trgm's measure (shared trigrams of
the words over all trigrams), and differ in how they find candidates:

- PostgreSQL: the claims sharing the query's rarest words, through a GIN
  full-text index on the words of the text (migration 0019). Rarity comes
  from the statistics ANALYZE keeps on that index (the most common words and
  how many claims hold each), read once every few minutes: a word that is
  rare on its own is asked for alone, common ones in pairs, so a rewording
  that keeps most of the names, places and figures is found among a few
  hundred claims at most, however many claims share the sentence's shape.
  pg_trgm then scores those few. (A nearest-neighbour scan of a trigram index
  over every claim was 163 ms at a million claims.)
- SQLite: the claims sharing one of the query's longest words, scored in
  Python.

Claims less alike than SIMILAR_CLAIMS_THRESHOLD are not offered."""

from __future__ import annotations

import itertools
import math
import re
import time
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from claims.models.verdicts import Rating
from claims.workflow import PUBLIC_STATES

_WORD = re.compile(r"\w+")
# Enough text to match on; a pasted page is not a claim.
MAX_QUERY_CHARS = 1_000
MIN_QUERY_CHARS = 12
# How many claims the SQLite fallback scores at most.
_SQLITE_CANDIDATES = 2_000
# PostgreSQL: how many claims a word, pair or triple of the query's _RAREST
# rarest words may be in to be asked for, and how many claims sharing them
# pg_trgm scores at most (each a row read from the table).
_GROUP_MOST = 30
_COMMON = 0.02  # a word in more claims than this is not asked for (unless all are)
_RAREST = 6
_CANDIDATES = 200
_STATS_SECONDS = 600
_PROBED = 24  # unlisted words of a query counted at most
# The GIN index of migration 0019; the expression must be the index's.
WORDS_INDEX = "claim_text_words"
# Words as PostgreSQL's parser cuts them ("106.9", "19th" and "2010s" whole).
_LEXEME = re.compile(r"\d+(?:\.\d+)?[^\W_]*|[^\W_]+")
_word_stats: dict[str, tuple[float, dict[str, float], float]] = {}


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each lower-cased word padded with two spaces before
    and one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    first, second = trigrams(a), trigrams(b)
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def similar_claims(claims: QuerySet, text: str, limit: int) -> list[Any]:
    """Up to `limit` claims like `text`, each with `.similarity` (0-1) and
    `.rating` (the current verdict's, for published ones): published
    verdicts first, then the closest."""
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    if len(text) < MIN_QUERY_CHARS:
        return []
    found = closest(claims, text, limit * 2)
    threshold = settings.SIMILAR_CLAIMS_THRESHOLD
    found = [claim for claim in found if claim.similarity >= threshold]
    ratings = Rating.objects.in_bulk({claim.current_rating_id for claim in found if claim.current_rating_id})
    for claim in found:
        claim.rating = ratings.get(claim.current_rating_id) if claim.state in PUBLIC_STATES else None
    found.sort(key=lambda claim: (claim.state not in PUBLIC_STATES, -claim.similarity))
    return found[:limit]


def closest(rows: QuerySet, text: str, pool: int, *, field: str = "text", index: str = WORDS_INDEX) -> list[Any]:
    """The `pool` rows of `rows` whose `field` reads most like `text`, closest
    first, each with `.similarity`; on PostgreSQL found through `index`, the
    GIN words index on that field (claims' own, or another table's made the
    same way)."""
    if connections[rows.db].vendor == "postgresql":
        return _scored_by_postgresql(rows, text, pool, field, index)
    return _scored_in_python(rows, text, pool, field)


def _scored_in_python(rows: QuerySet, text: str, pool: int, field: str) -> list[Any]:
    words = sorted({word for word in _WORD.findall(text.lower()) if len(word) >= 4 or word.isdigit()}, key=len)
    keys = words[-8:]
    if not keys:
        return []
    shares_a_word = Q()
    for word in keys:
        shares_a_word |= Q(**{f"{field}__icontains": word})
    candidates = list(rows.filter(shares_a_word).order_by("-pk")[:_SQLITE_CANDIDATES])
    for row in candidates:
        row.similarity = similarity(text, getattr(row, field))
    candidates.sort(key=lambda row: (-row.similarity, -row.pk))
    return candidates[:pool]


def _scored_by_postgresql(rows: QuerySet, text: str, pool: int, field: str, index: str) -> list[Any]:
    """One query: the `pool` closest among the rows sharing the rare words
    (ranked in one pass over them), then read as `rows` reads them (its joins
    and annotations for those few, not for every candidate)."""
    frequency, total = _frequencies(rows.db, index)
    if frequency:
        frequency = {**frequency, **_counted(rows, field, text, frequency, total)}
    query = rare_words_query(text, frequency, total)
    if not query:
        return []
    sharing = rows.filter(SharesWords(F(field), Value(query))).values("pk", field)[:_CANDIDATES]
    sql, params = sharing.query.sql_with_params()
    nearest = RawSQL(  # noqa: S611 (Django's own SQL, and parameters)
        f"SELECT c.pk FROM ({sql}) c ORDER BY similarity(c.{field}, %s) DESC, c.pk DESC LIMIT %s",  # noqa: S608
        [*params, text, pool],
    )
    found = rows.filter(pk__in=nearest).annotate(similarity=TrigramSimilarity(field, text))
    return list(found.order_by("-similarity", "-pk"))


class SharesWords(Func):
    """The text's words match a tsquery, by the words index's own expression
    (so PostgreSQL uses it): to_tsvector('simple', text) @@ to_tsquery('simple', query)."""

    output_field = BooleanField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        text, text_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        sql = f"to_tsvector('simple'::regconfig, {text}) @@ to_tsquery('simple'::regconfig, {query})"
        return sql, [*text_params, *query_params]


def rare_words_query(text: str, frequency: dict[str, float], rows: float) -> str:
    """A tsquery for the claims sharing `text`'s rarest words: of its _RAREST
    rarest (not _COMMON), each word, pair or triple that at most _GROUP_MOST
    claims hold, smallest first; the three rarest together when none is that
    rare. Words come independently, except side by side or one word apart
    ("Sri Lanka", "chamber of commerce"): those count as one. Without statistics (a new or small table),
    any of the longest words."""
    tokens = _LEXEME.findall(text.lower())
    # A word counted in no row at all ("did you know that ...") finds nothing.
    order = [word for word in dict.fromkeys(tokens) if frequency.get(word) != 0]
    if not order:
        return ""
    if not frequency or rows <= 0:
        return " | ".join(sorted(order, key=lambda word: (-len(word), word))[:8])
    unlisted = min(frequency.values()) / 2  # rarer than every word ANALYZE listed
    place = {word: n for n, word in enumerate(order)}
    side_by_side = set(itertools.pairwise(tokens)) | set(zip(tokens, tokens[2:], strict=False))  # "chamber of commerce"

    def claims_with(group: tuple[str, ...]) -> float:
        runs: list[list[str]] = []
        for word in sorted(group, key=place.__getitem__):
            if runs and (runs[-1][-1], word) in side_by_side:
                runs[-1].append(word)
            else:
                runs.append([word])
        return rows * math.prod(min(frequency.get(word, unlisted) for word in run) for run in runs)

    ranked = sorted(order, key=lambda word: (claims_with((word,)), -len(word), word))
    rarest = [word for word in ranked if frequency.get(word, unlisted) <= _COMMON][:_RAREST] or ranked[:3]
    groups: list[tuple[str, ...]] = []
    for size in (1, 2, 3):
        for group in itertools.combinations(rarest, size):
            if claims_with(group) <= _GROUP_MOST and not any(set(smaller) <= set(group) for smaller in groups):
                groups.append(group)
    groups = groups or [tuple(rarest[:3])]
    return " | ".join(group[0] if len(group) == 1 else f"({' & '.join(group)})" for group in groups)


def _counted(rows: QuerySet, field: str, text: str, frequency: dict[str, float], total: float) -> dict[str, float]:
    """The words of `text` ANALYZE did not list as common, each counted
    through the words index up to _GROUP_MOST + 1 rows (a few index entries
    each): rare, or in no row at all. Without this, words the table never
    holds looked the rarest of all, and a query that wrapped a claim in new
    words ("Did you know that ..., as was said this week?") asked for them
    alone and found nothing."""
    unlisted = [word for word in dict.fromkeys(_LEXEME.findall(text.lower())) if word not in frequency][:_PROBED]
    if not unlisted:
        return {}
    connection = connections[rows.db]
    table = connection.ops.quote_name(rows.model._meta.db_table)
    column = connection.ops.quote_name(rows.model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w, (SELECT count(*) FROM (SELECT 1 FROM {table} "  # noqa: S608 (quoted names, parameters)
            f"WHERE to_tsvector('simple'::regconfig, {column}) @@ to_tsquery('simple'::regconfig, w) LIMIT %s) x) "
            "FROM unnest(%s::text[]) AS w",
            [_GROUP_MOST + 1, unlisted],
        )
        counts = cursor.fetchall()
    return {word: count / max(total, 1.0) for word, count in counts}


def _frequencies(alias: str, index: str = WORDS_INDEX) -> tuple[dict[str, float], float]:
    """The share of rows holding each common word, and the number of rows,
    from ANALYZE's statistics on a words index; kept a few minutes."""
    connection = connections[alias]
    key = f"{alias}:{connection.settings_dict['NAME']}:{index}"
    cached = _word_stats.get(key)
    if cached is None or time.monotonic() - cached[0] > _STATS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
                "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname WHERE c.relname = %s",
                [index],
            )
            row = cursor.fetchone()
        words, shares, rows = row or (None, None, 0)
        cached = (time.monotonic(), dict(zip(words or [], shares or [], strict=False)), max(rows, 0))
        _word_stats[key] = cached
    return cached[1], cached[2]
