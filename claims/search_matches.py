"""A search's first matches, read through the trigram indexes whatever the
planner guesses of the words.

A search's pages start from its first few hundred matches, in no order
(claims.pagination, SEARCH_COUNT_LIMIT). PostgreSQL chooses how to find them
from its guess at how many claims hold the text, and it guesses from a
histogram of a 100-claim sample. A word in one claim in 170 ("islamabad", at
a million claims) was once taken for a common one, and the table was read
until 501 matches turned up: 145,000 rows, 105 ms, where the trigram indexes
answered in 5 ms. The next ANALYZE drew another sample and the guess changed:
the same search varied from 23 to 83 ms between runs of the benchmark.

So on PostgreSQL the matches are read through the trigram indexes for one
query, with sequential scans off (`set_config(..., true)`, undone with the
savepoint it runs in), and the text's match is asked alone, in a subquery
the list's other filters then apply to: asked with them, the planner ANDed
the matches' bitmap with an index of every public claim (250 ms for
"inflation"; OFFSET 0 keeps the subquery apart). Measured at a million claims
with the cache warm: "inflation" (one claim in 30) 16 ms, "crime" 9 ms,
"islamabad" 5 ms, "desalination" 4 ms; the planner's own choice is faster
only for a word in almost every claim ("the": 31 ms against 1 ms).

A text with no three letters or digits in a row gives a trigram index
nothing to look up (it would read the whole index: 1.7 s for "ab"), so such a
search, and any on SQLite, is left to the planner."""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.db.models import QuerySet

# Three word characters in a row: a trigram the index can look up.
TRIGRAM = re.compile(r"\w{3}")


def first_matches(listed: QuerySet, matches: QuerySet | None, limit: int) -> list[int]:
    """The ids of up to `limit` rows of `listed`, in no order. `matches`: the
    rows the search text matches, with no other filter (`listed` holds the
    same match among its filters)."""
    ids = listed.order_by().values_list("pk", flat=True)[:limit]
    fenced = through_trigrams(ids, matches)
    if fenced is None:
        return list(ids)
    sql, params = fenced
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute(sql, params)
        found = [pk for (pk,) in cursor.fetchall()]
        # Nothing was written: rolling back ends the setting with the query.
        transaction.set_rollback(True)
    return found


def through_trigrams(ids: QuerySet, matches: QuerySet | None) -> tuple[str, list] | None:
    """`ids`'s SQL reading from `matches` instead of the whole table, or None
    where the trigram indexes cannot help: on SQLite, or for a text with no
    trigram to look up."""
    if matches is None or connection.vendor != "postgresql":
        return None
    inner, inner_params = matches.order_by().query.sql_with_params()
    if not any(isinstance(value, str) and TRIGRAM.search(value) for value in inner_params):
        return None
    sql, params = ids.query.sql_with_params()
    table = connection.ops.quote_name(ids.model._meta.db_table)
    # The list's SELECT holds only its ids, so every parameter of the outer
    # query comes after its FROM, and the subquery's go first. Under the
    # table's own name, the outer filters read the subquery's columns.
    if not sql.startswith(f"SELECT {table}.") or f" FROM {table}" not in sql:
        return None
    fenced = sql.replace(f" FROM {table}", f" FROM ({inner} OFFSET 0) AS {table}", 1)
    return fenced, [*inner_params, *params]
