"""A paginator whose deep pages cost what the first ones do.

`OFFSET n` makes the database read and throw away n rows, each one fetched
from the table. A deep page instead asks for its ids alone, in the list's
order: with an index that matches the order (see the models' indexes), that
is an index-only scan, however far in; then it reads those rows by id, with
whatever the list prefetches."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator

# Below this offset a plain LIMIT/OFFSET is as fast, and one query fewer.
DEEP_OFFSET = 1_000


class DeepPaginator(Paginator):
    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEEP_OFFSET:
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
