"""Logging in with Django's own password check, and reading the person
behind a session with the names of their groups in one query.

Every desk request reads its person, and every desk page then asks whether
they are a fact-checker or an editor (`claims.workflow.is_checker`): two
queries, each of them compiled by the ORM again, which was a tenth of the
CPU of a desk page (issue 12). Here one query reads both, the user's row
once per group it is in (a LEFT JOIN: a person in no group is one row), its
SQL written by the ORM once per process (claims.precompiled)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import F, QuerySet

from claims.precompiled import Precompiled


def _user_in_groups(user_id: Any) -> QuerySet:
    """The user once per group, each with `group_name` (None when in no group)."""
    return get_user_model()._default_manager.filter(pk=user_id).annotate(group_name=F("groups__name")).order_by()


_with_groups = Precompiled(_user_in_groups)


def _rows(user_id: Any) -> list[Any]:
    try:
        user_id = int(user_id)  # what login() put in the session
    except (TypeError, ValueError):
        return []
    return list(_with_groups(user_id))


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
