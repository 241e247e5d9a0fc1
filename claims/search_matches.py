"""A search's first matches, read through the trigram indexes unless the
text is in a large share of the claims.

A search's pages start from its first few hundred matches, in no order
(claims.pagination, SEARCH_COUNT_LIMIT). Asked as the list's query with a
LIMIT, PostgreSQL weighs reading the table until enough matches turn up
against reading them through the trigram indexes, and it guesses how often a
word turns up from a histogram of 100 claims' texts. A word in one claim in
170 ("islamabad", at a million claims) was once taken for a common one: the
table was read until 501 matches turned up, 145,000 rows in 105 ms, where
the indexes answered in 5 ms. The next ANALYZE drew another sample and the
plan changed: the same search took 23 to 83 ms from one run of the
benchmark to the next. Asked with the list's other filters, the planner also
ANDed the matches with an index of every public claim (250 ms for
"inflation").

So on PostgreSQL the text's match is asked alone, in a subquery (OFFSET 0
keeps it apart), and the list's filters apply to its rows. The subquery is
planned for all its rows, so the choice is between the whole table and the
matches: the trigram indexes, unless the guess puts the text in a large
share of the claims, where reading the table finds 501 at once ("the": 1.7
ms) and a text with no trigram to look up ("ab") gives the index nothing to
narrow. Measured at a million claims, warm, after each of five ANALYZEs:
"inflation" (one claim in 29) 15-16 ms, "crime" 10-13 ms, "islamabad" 5-10
ms, where the planner's own choice took 15-17, 9-25 and 5-117 ms."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet


def first_matches(listed: QuerySet, matches: QuerySet | None, limit: int) -> list[int]:
    """The ids of up to `limit` rows of `listed`, in no order. `matches`: the
    rows the search text matches, with no other filter (`listed` holds the
    same match among its filters)."""
    ids = listed.order_by().values_list("pk", flat=True)[:limit]
    fenced = from_matches(ids, matches)
    if fenced is None:
        return list(ids)
    with connection.cursor() as cursor:
        cursor.execute(*fenced)
        return [pk for (pk,) in cursor.fetchall()]


def from_matches(ids: QuerySet, matches: QuerySet | None) -> tuple[str, list] | None:
    """`ids`'s SQL reading from `matches` instead of the whole table; None on
    SQLite, which has no trigram index to choose."""
    if matches is None or connection.vendor != "postgresql":
        return None
    inner, inner_params = matches.order_by().query.sql_with_params()
    sql, params = ids.query.sql_with_params()
    table = connection.ops.quote_name(ids.model._meta.db_table)
    # The list's SELECT holds only its ids, so every parameter of the outer
    # query comes after its FROM, and the subquery's go first. Under the
    # table's own name, the outer filters read the subquery's columns.
    if not sql.startswith(f"SELECT {table}.") or f" FROM {table}" not in sql:
        return None
    fenced = sql.replace(f" FROM {table}", f" FROM ({inner} OFFSET 0) AS {table}", 1)
    return fenced, [*inner_params, *params]
