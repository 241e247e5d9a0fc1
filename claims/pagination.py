"""A paginator whose deep pages cost what the first ones do.

`OFFSET n` makes the database read and throw away n rows, each one fetched
from the table. A deep page instead asks for its ids alone, in the list's
order: with an index that matches the order (see the models' indexes), that
is an index-only scan, however far in; then it reads those rows by id, with
whatever the list prefetches."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator

# Below this offset a plain LIMIT/OFFSET is as fast, and one query fewer.
DEEP_OFFSET = 1_000


class DeepPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, count_limit: int | None = None) -> None:
        """`count_limit`: for a search. Its matches are read as ids, at most
        this many and one (in no order: cheap however the index finds them),
        instead of counted: "inflation" matched 11,403 of 100,000 claims, and
        counting them took longer than drawing the page. Up to the limit, the
        page is chosen among those ids; past it (`more`), the pages stop at
        the limit and the list's order finds them (with an index matching
        it, in the first entries: the matches are dense)."""
        super().__init__(object_list, per_page)
        self.count_limit = count_limit

    @cached_property
    def _matches(self) -> list[int]:
        assert self.count_limit is not None
        return list(self.object_list.order_by().values_list("pk", flat=True)[: self.count_limit + 1])

    @cached_property
    def count(self) -> int:
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
        if bottom < DEEP_OFFSET:
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
