"""Logging in with Django's own password check, and reading the person
behind a session with the names of their groups in one query.

Every desk request reads its person, and every desk page then asks whether
they are a fact-checker or an editor (`claims.workflow.is_checker`): two
queries, each of them compiled by the ORM again, which was a tenth of the
CPU of a desk page (issue 12). Here one query reads both, the user's row
once per group it is in (a LEFT JOIN: a person in no group is one row), and
on PostgreSQL its SQL is the ORM's, written once per process."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import F, QuerySet

# Stands for the user's id in the query's SQL, made once per process.
_ID_MARK = -987654321


def _with_groups(user_id: Any) -> QuerySet:
    return get_user_model()._default_manager.filter(pk=user_id).annotate(group_name=F("groups__name")).order_by()


@cache
def _sql() -> tuple[str, tuple[Any, ...], int, list[str]]:
    queryset = _with_groups(_ID_MARK)
    sql, params = queryset.query.sql_with_params()
    columns = [field.attname for field in queryset.model._meta.concrete_fields]
    return sql, params, params.index(_ID_MARK), columns


def _rows(user_id: Any) -> list[Any]:
    """The user once per group, each with `group_name` (None when in no group)."""
    try:
        user_id = int(user_id)  # what login() put in the session
    except (TypeError, ValueError):
        return []
    if connection.vendor != "postgresql":  # SQLite converts dates in the ORM: use it
        return list(_with_groups(user_id))
    sql, params, at, columns = _sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params[:at], user_id, *params[at + 1 :]))
        rows = cursor.fetchall()
    model = get_user_model()
    users = []
    for row in rows:
        user = model.from_db(connection.alias, columns, row[: len(columns)])
        user.group_name = row[len(columns)]
        users.append(user)
    return users


class DeskBackend(ModelBackend):
    """Django's ModelBackend (the same password check and permissions), whose
    `get_user` also fills in what `claims.workflow` asks of the groups."""

    def get_user(self, user_id: Any) -> Any:
        rows = _rows(user_id)
        if not rows:
            return None
        user = rows[0]
        user._workflow_groups = frozenset(row.group_name for row in rows if row.group_name)
        return user if self.user_can_authenticate(user) else None
