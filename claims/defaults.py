"""The rating scale and groups every install starts with.

Used by the data migration that creates them and by the tests, which need them
back after a transactional test has flushed the database."""

from __future__ import annotations

from typing import Any

from claims import workflow

DEFAULT_SCALE = [
    # label, description, colour, value (5 = truest; ClaimReview bestRating)
    ("True", "The claim is accurate and nothing significant is missing.", "#1a7f37", 5),
    ("Mostly true", "The claim is accurate but needs clarification or context.", "#4d9a2a", 4),
    ("Half true", "The claim is partly accurate but leaves out important details.", "#b08800", 3),
    ("Misleading", "The claim contains accurate facts presented in a way that gives a false impression.", "#d4620a", 2),
    ("Mostly false", "The claim contains an element of truth but ignores facts that change the picture.", "#c4401c", 1),
    ("False", "The claim is not accurate.", "#b3261e", 0),
    ("Unproven", "The evidence available does not settle the claim either way.", "#6b6f76", None),
]
GROUPS = (workflow.CHECKERS_GROUP, workflow.EDITORS_GROUP)


def ensure_defaults(Rating: Any, Group: Any) -> None:
    for order, (label, description, colour, value) in enumerate(DEFAULT_SCALE, start=1):
        Rating.objects.get_or_create(
            label=label, defaults={"description": description, "colour": colour, "order": order, "value": value}
        )
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
