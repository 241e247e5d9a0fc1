"""The workflow's vocabulary: states, refusals, who is on the desk, and what
an action's form supplies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models import Claim


CHECKERS_GROUP = "Fact-checkers"
EDITORS_GROUP = "Editors"


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ASSIGNED = "assigned", _("Assigned")
    RESEARCHING = "researching", _("Researching")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    RETRACTED = "retracted", _("Retracted")


# States in which a claim is still work for the desk (queues show these).
OPEN_STATES = (State.SUBMITTED, State.ASSIGNED, State.RESEARCHING, State.IN_REVIEW, State.APPROVED)
# States in which readers see the claim's verdict (with a notice, once retracted).
PUBLIC_STATES = (State.PUBLISHED, State.RETRACTED)
# States in which the researcher gathers evidence and drafts the verdict.
RESEARCH_STATES = (State.ASSIGNED, State.RESEARCHING)


class WorkflowError(Exception):
    """An action that cannot happen; `message` is for the person who tried."""

    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(WorkflowError):
    """This user may not take this action on this claim (HTTP 403)."""

    status = 403


class StaleState(WorkflowError):
    """The claim moved since the page was drawn, or the action does not apply
    to its state (HTTP 409). Nothing was changed."""

    status = 409


class Shown(str):
    """A refusal of who may act that the claim page shows beside the action's
    disabled button, instead of leaving the action out: the person works on
    the desk and the action would be theirs, but a sign-off rule stops them
    ("You researched this claim; a colleague must review it")."""


class GuardFailed(WorkflowError):
    """The action is permitted but the claim is not ready for it (HTTP 422)."""

    status = 422


def _group_names(user: AbstractBaseUser) -> frozenset[str]:
    # Cached on the user object: a page asks for every action and every row.
    names = getattr(user, "_workflow_groups", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True)) if user.is_authenticated else frozenset()
        user._workflow_groups = names
    return names


def is_editor(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and (user.is_superuser or EDITORS_GROUP in _group_names(user))


def is_checker(user: AbstractBaseUser) -> bool:
    """Anyone who works on the desk: fact-checkers and editors."""
    return is_editor(user) or CHECKERS_GROUP in _group_names(user)


def display_name(user: AbstractBaseUser | None, empty: str = "nobody") -> str:
    """A user's full name, else their username; `empty` for nobody."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Params:
    """What an action's form supplies."""

    note: str = ""
    person: AbstractBaseUser | None = None  # assignee (assign) or requested reviewer (submit)
    verdict: dict[str, Any] | None = None  # rating, summary, explanation (correct)
    original: Claim | None = None  # the claim this one repeats (mark_duplicate)


Rule = Callable[["Claim", "AbstractBaseUser", Params], "str | None"]
