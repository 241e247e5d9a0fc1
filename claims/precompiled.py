"""Queries asked on every desk request, their SQL written by the ORM once per
process rather than once per request.

Building and compiling a query with a few subqueries and joins costs the ORM
more CPU than PostgreSQL spends answering it: the claim page's own row (its
people, the desk's policy, four stamps) took 4.6 ms to compile and 0.4 ms to
read (issue 12). A `Precompiled` query is built and compiled once for a
stand-in id; each call runs that SQL with the id asked for, through the
ORM's own compiler, so its rows become models (related ones included) with
the converters and annotations the ORM would give them."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Stands for the id in the query's SQL: no row has it.
_ID_MARK = -987654321
_ID_RANGE = (-(2**63), 2**63 - 1)


class Precompiled:
    """`build(id)`'s query, compiled once per process (the project has one
    database; its SQL differs by backend, never by request)."""

    def __init__(self, build: Callable[[Any], QuerySet]) -> None:
        self._build = build
        self._compiled: tuple[QuerySet, Any, str, tuple[Any, ...], int] | None = None
        self._lock = threading.Lock()

    def _template(self) -> tuple[QuerySet, Any, str, tuple[Any, ...], int]:
        with self._lock:
            if self._compiled is None:
                queryset = self._build(_ID_MARK)
                compiler = queryset.query.get_compiler(using=queryset.db)
                sql, params = compiler.as_sql()  # also fills in what turns rows into models
                self._compiled = (queryset, compiler, sql, tuple(params), list(params).index(_ID_MARK))
            return self._compiled

    def __call__(self, id_: int) -> QuerySet:
        """The query for `id_`, ready to be read (not to be filtered further:
        its SQL is fixed). An id past a 64-bit integer's range finds nothing,
        as the ORM's own lookups do (SQLite would raise)."""
        queryset, compiler, sql, params, at = self._template()
        if not _ID_RANGE[0] <= id_ <= _ID_RANGE[1]:
            return queryset.none()
        values = (*params[:at], id_, *params[at + 1 :])
        ready = copy.copy(compiler)
        ready.connection = connections[queryset.db]  # this thread's connection
        ready.as_sql = lambda *args, **kwargs: (sql, values)
        chained = queryset._chain()
        chained.query.get_compiler = lambda *args, **kwargs: ready
        return chained
