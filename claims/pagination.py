"""A paginator whose deep pages cost what the first ones do.

`OFFSET n` makes the database read and throw away n rows, each one fetched
from the table. A deep page instead asks for its ids alone, in the list's
order: with an index that matches the order (see the models' indexes), that
is an index-only scan. That scan still walks the n entries before the page:
the ids of the last page of the team queue's 600,000 published claims took
185 ms. So a page in the back half is read from the other end, the order
reversed (the same index, scanned backwards): 0.06 ms, what the first page
costs. Then it reads those rows by id, with whatever the list prefetches."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, QuerySet

from claims.search_matches import Search

# Below this offset a plain LIMIT/OFFSET is as fast, and one query fewer.
DEEP_OFFSET = 1_000
# A search lists its first 500 matches, in the list's order; past that, the
# page says there are more (a word in a tenth of the claims was 11,403 of
# 100,000, and counting them took longer than drawing the page).
SEARCH_COUNT_LIMIT = 500


def ends_with_pk(queryset: QuerySet) -> bool:
    """Whether the list's order ends with its primary key, so no two rows tie:
    only then is the list read in the reversed order its exact mirror (rows
    that tie come back in whatever order the scan meets them)."""
    query = queryset.query
    order = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if not order:
        return False
    last = order[-1]
    if isinstance(last, OrderBy) and isinstance(last.expression, F):
        last = last.expression.name
    return isinstance(last, str) and last.lstrip("-") in ("pk", query.get_meta().pk.name)


class DeepPaginator(Paginator):
    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        count_limit: int | None = None,
        search: Search | None = None,
        kept_count: Callable[[], int] | None = None,
    ) -> None:
        """`kept_count`: reads the list's count where something keeps it
        (claims.models.claim_counts) rather than counting the list.

        `search`: the list is a search (claims.search_matches), which reads
        its matches through the trigram indexes and its deep pages the
        cheaper way. Its matches are read as ids, at most `count_limit`
        (SEARCH_COUNT_LIMIT unless given) and one, in no order, instead of
        counted: "inflation" matched 11,403 of 100,000 claims, and counting
        them took longer than drawing the page. Up to the limit, the page is
        chosen among those ids; past it (`more`), the pages stop at the
        limit and are found in the list's order."""
        super().__init__(object_list, per_page)
        self.count_limit = SEARCH_COUNT_LIMIT if count_limit is None and search is not None else count_limit
        self.search = search
        self.kept_count = kept_count

    @cached_property
    def _matches(self) -> list[int]:
        assert self.count_limit is not None
        if self.search is not None:
            return self.search.first(self.count_limit + 1)
        return list(self.object_list.order_by().values_list("pk", flat=True)[: self.count_limit + 1])

    @cached_property
    def count(self) -> int:
        if self.kept_count is not None:
            return self.kept_count()
        if self.count_limit is None:
            return Paginator.count.func(self)  # type: ignore[attr-defined]
        return min(len(self._matches), self.count_limit)

    @property
    def more(self) -> bool:
        """More matches than `count_limit`: the pages show the first ones."""
        return self.count_limit is not None and len(self._matches) > self.count_limit

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self.count_limit is not None and not self.more:
            # Few matches: sorted by id lookup. Walking the list's index for
            # them read 31,888 entries to find 25 of a rare word's 67.
            rows = self.object_list.filter(pk__in=self._matches)[bottom : bottom + self.per_page]
            return self._get_page(list(rows), number, self)
        if self.more and self.search is not None:
            # Up to the limit: the last page stops there.
            ids = self.search.page(bottom, min(bottom + self.per_page, self.count) - bottom)
            if ids is not None:
                return self._get_page(self._rows(ids), number, self)
        if bottom < DEEP_OFFSET:
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        return self._get_page(self._rows(self._ids(bottom, top)), number, self)

    def _ids(self, bottom: int, top: int) -> list[int]:
        """The ids of the list's rows bottom to top, read from the nearer end.
        From the far end only when `count` is the list's own (`more` stops
        it short) and the order has no ties (`ends_with_pk`); reversed,
        every term flips (nulls first and last too), so PostgreSQL walks the
        same index backwards."""
        ids = self.object_list.values_list("pk", flat=True)
        if bottom > self.count / 2 and not self.more and ends_with_pk(self.object_list):
            return list(ids.reverse()[self.count - top : self.count - bottom])[::-1]
        return list(ids[bottom:top])

    def _rows(self, ids: list[int]) -> list[Any]:
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]
