"""The workflow as DESIGN.md states it, and the check that a refused action changes nothing.

The expected outcomes below are written out by hand from DESIGN.md (who may do
what, from which state) rather than derived from `claims.workflow`, so a change
to the workflow module that disagrees with the design fails here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from claims.models import Activity, Claim, Evidence, Verdict
from claims.workflow import NotPermitted, State, WorkflowError

PERSONAS = ("checker", "second_checker", "editor", "outsider")
ALL_STATES = tuple(State.values)
OK = "allowed"

# From which states each action may be taken (DESIGN.md, "The workflow").
SOURCES: dict[str, tuple[str, ...]] = {
    "take": ("submitted",),
    "assign": ("submitted",),
    "reassign": ("assigned", "researching"),
    "reject": ("submitted",),
    "reopen": ("rejected",),
    "mark_duplicate": ("submitted", "assigned", "researching"),
    "start": ("assigned",),
    "submit": ("researching",),
    "request_changes": ("in_review",),
    "approve": ("in_review",),
    "publish": ("approved",),
    "send_back": ("approved",),
    "correct": ("published",),
    "retract": ("published",),
}
# Where each action leaves the claim (None: the state stays).
TARGETS: dict[str, str | None] = {
    "take": "assigned",
    "assign": "assigned",
    "reassign": None,
    "reject": "rejected",
    "reopen": "submitted",
    "mark_duplicate": "rejected",
    "start": "researching",
    "submit": "in_review",
    "request_changes": "researching",
    "approve": "approved",
    "publish": "published",
    "send_back": "researching",
    "correct": None,
    "retract": "retracted",
}

# Who may take each action from its source states. `make_claim` makes `checker`
# the researcher; in_review claims have no requested reviewer.
ANY_DESK = {"checker": OK, "second_checker": OK, "editor": OK, "outsider": NotPermitted}
RESEARCHER_OR_EDITOR = {"checker": OK, "second_checker": NotPermitted, "editor": OK, "outsider": NotPermitted}
NOT_THE_RESEARCHER = {"checker": NotPermitted, "second_checker": OK, "editor": OK, "outsider": NotPermitted}
EDITOR_ONLY = {"checker": NotPermitted, "second_checker": NotPermitted, "editor": OK, "outsider": NotPermitted}
WHO_MAY: dict[str, dict[str, Any]] = {
    "take": ANY_DESK,
    "assign": ANY_DESK,
    "reassign": ANY_DESK,
    "reject": ANY_DESK,
    "reopen": ANY_DESK,
    "mark_duplicate": ANY_DESK,
    "start": RESEARCHER_OR_EDITOR,
    "submit": RESEARCHER_OR_EDITOR,
    "request_changes": NOT_THE_RESEARCHER,
    "approve": NOT_THE_RESEARCHER,
    "publish": EDITOR_ONLY,
    "send_back": EDITOR_ONLY,
    "correct": EDITOR_ONLY,
    "retract": EDITOR_ONLY,
}


# The refusals above that the claim page draws beside a disabled button
# rather than leaving the action out: four eyes (the researcher may not
# review their own claim).
SHOWN: dict[str, set[str]] = {"approve": {"checker"}, "request_changes": {"checker"}}


@pytest.fixture
def people(checker: Any, second_checker: Any, editor: Any, outsider: Any) -> dict[str, Any]:
    return {"checker": checker, "second_checker": second_checker, "editor": editor, "outsider": outsider}


def snapshot(claim: Claim) -> dict[str, Any]:
    """Everything a transition could change, read fresh from the database."""
    row = Claim.objects.get(pk=claim.pk)
    return {
        "state": row.state,
        "assignee": row.assignee_id,
        "reviewer": row.reviewer_id,
        "published_at": row.published_at,
        "retracted_at": row.retracted_at,
        "retraction_note": row.retraction_note,
        "updated_at": row.updated_at,
        "verdicts": list(
            Verdict.objects.filter(claim=row)
            .order_by("version")
            .values_list("pk", "version", "revision", "rating", "summary", "published_at", "updated_at")
        ),
        "evidence": list(Evidence.objects.filter(claim=row).values_list("pk", flat=True)),
        "activities": list(Activity.objects.filter(claim=row).order_by("pk").values_list("pk", flat=True)),
    }


def assert_refused(
    claim: Claim, error: type[WorkflowError], do: Callable[[], Any], match: str | None = None
) -> WorkflowError:
    """`do()` raises `error` and changes nothing at all."""
    before = snapshot(claim)
    with pytest.raises(error, match=match) as raised:
        do()
    assert type(raised.value) is error
    assert raised.value.message
    assert snapshot(claim) == before
    claim.refresh_from_db()
    assert claim.state == before["state"]
    assert claim.assignee_id == before["assignee"]
    assert claim.reviewer_id == before["reviewer"]
    return raised.value
