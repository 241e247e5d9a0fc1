"""python manage.py recount_claims: the claims counted by state, each
claimant's verdicts that stand, and the claims new and published each
quarter hour, again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from claims.models import claim_counts


class Command(BaseCommand):
    help = (
        "Count the claims in each state, each claimant's verdicts that stand, and the claims new and published "
        "each quarter hour, again (PostgreSQL's triggers "
        "keep these counts; a data-only restore or a session with triggers off can leave them wrong). Claims "
        "wait for the count, a second or two at a million."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: on SQLite the lists count their claims when asked.")
            return
        wrong = claim_counts.recount()
        self.stdout.write(f"Counted again: {wrong} of the counts were wrong." if wrong else "The counts were right.")
