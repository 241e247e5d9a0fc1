"""A list searched for a text: its first matches, read through the trigram
indexes unless the text is in a large share of the claims, and its pages
past the first matches, read the cheaper of two ways.

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
ms, where the planner's own choice took 15-17, 9-25 and 5-117 ms.

A page of a search with more matches than that is read in the list's order.
Walking the list until the page's matches turn up costs what the word's
rarity makes it: page 25 of "karachi" (one claim in 180) walked 86,000
rows, 121-238 ms at a million claims. Sorting all the matches costs what
the word's commonness makes it: 312 ms for "inflation", 643 for "the". The
first PROBE rows of the list tell how dense the matches are; if they hold
the page it is read from them, else the cheaper way is taken."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from claims.models import claim_counts

# Rows of the list a deep page of a search reads first, to see how dense the
# matches are: about 5 ms at a million claims.
PROBE = 2_000
# A match read and sorted costs about what four rows walked in the list's
# order do (at a million claims: "karachi" 5,500 matches sorted in 47 ms,
# 86,000 rows walked in 121 ms; "inflation" 34,000 in 312 ms and 14,500 in 47).
SORT_COST = 4


@dataclass(frozen=True)
class Search:
    """`listed`: the list with every filter but the text's, in its order;
    `text`: what is searched for (ClaimQuerySet.search)."""

    listed: QuerySet
    text: str

    @property
    def found(self) -> QuerySet:
        """The list searched."""
        return self.listed.search(self.text)

    @property
    def matches(self) -> QuerySet:
        """The claims the text matches, in any state, with no other filter."""
        return self.listed.model.objects.search(self.text)

    def first(self, limit: int) -> list[int]:
        """The ids of up to `limit` rows of the list searched, in no order."""
        ids = self.found.order_by().values_list("pk", flat=True)[:limit]
        fenced = read_from(ids, self.matches)
        return list(ids) if fenced is None else _ids(fenced)

    def page(self, bottom: int, size: int) -> list[int] | None:
        """The ids of the list searched, `bottom` to `bottom + size`, in its
        order; None where the list's own order should find them (SQLite)."""
        if connection.vendor != "postgresql":
            return None
        wanted = self.found.values_list("pk", flat=True)
        probe = read_from(wanted[: bottom + size], self.listed[:PROBE])
        if probe is None:
            return None
        probed = _ids(probe)
        if len(probed) == bottom + size:
            return probed[bottom:]
        # Matches per row of the list: at least the probe's, and at least as
        # many in all as this page reaches (the search has more than that).
        claims = max(sum(n for n, _ in claim_counts.by_state().values()), 1)
        density = max(len(probed) / PROBE, (bottom + size) / claims)
        # Sorted are the matches in every state: about density x all claims.
        walked, sorted_ = (bottom + size) / density, SORT_COST * density * claims
        from_matches = read_from(wanted[bottom : bottom + size], self.matches)
        if walked <= sorted_ or from_matches is None:
            return list(wanted[bottom : bottom + size])
        return _ids(from_matches)


def read_from(ids: QuerySet, rows: QuerySet) -> tuple[str, list] | None:
    """`ids`'s SQL reading from `rows` (a subquery under the table's own
    name) instead of the whole table; None on SQLite, which has no trigram
    index to choose."""
    if connection.vendor != "postgresql":
        return None
    # The table's own columns (no related rows: their names would clash).
    columns = rows.values(*(field.attname for field in rows.model._meta.concrete_fields))
    if rows.query.is_sliced:
        inner, inner_params = columns.query.sql_with_params()
    else:
        inner, inner_params = columns.order_by().query.sql_with_params()
        inner = f"{inner} OFFSET 0"
    sql, params = ids.query.sql_with_params()
    table = connection.ops.quote_name(ids.model._meta.db_table)
    # The list's SELECT holds only its ids, so every parameter of the outer
    # query comes after its FROM, and the subquery's go first. Under the
    # table's own name, the outer filters read the subquery's columns.
    if not sql.startswith(f"SELECT {table}.") or f" FROM {table}" not in sql:
        return None
    return sql.replace(f" FROM {table}", f" FROM ({inner}) AS {table}", 1), [*inner_params, *params]


def _ids(query: tuple[str, list]) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return [pk for (pk,) in cursor.fetchall()]
