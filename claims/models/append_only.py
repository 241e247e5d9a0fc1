"""Logs that are only ever added to: the activity log and the security log.

The ORM refuses to change or delete a row (the model and its queryset), and
PostgreSQL refuses too, whoever writes SQL (django-pgtrigger). The one change
allowed: deleting a user sets the rows' link to them to NULL."""

from __future__ import annotations

import functools
import operator
from typing import Any, ClassVar

import pgtrigger
from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise TypeError(f"The {self.model.log_name} log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"The {self.model.log_name} log is append-only.")


class AppendOnly(models.Model):
    log_name: ClassVar[str]  # "activity": what refusals call it

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"The {self.log_name} log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(f"The {self.log_name} log is append-only.")


def append_only_triggers(prefix: str, columns: tuple[str, ...], person: str) -> list[pgtrigger.Protect]:
    """No DELETE, and no UPDATE but setting `person` (the link to a user) to NULL."""
    return [
        pgtrigger.Protect(name=f"{prefix}_no_delete", operation=pgtrigger.Delete),
        pgtrigger.Protect(
            name=f"{prefix}_no_update",
            operation=pgtrigger.Update,
            condition=functools.reduce(
                operator.or_,
                [pgtrigger.Q(**{f"old__{name}__df": pgtrigger.F(f"new__{name}")}) for name in columns],
                pgtrigger.Q(**{f"new__{person}__isnull": False}),
            ),
        ),
    ]
