"""The indexes of claims: one for each list's order (the queues, the public
list, a claimant's page, the partners' JSON) and for each count the lists
and the dashboard make, so none of them sorts or counts by reading the
table. In a module of their own: `Claim.Meta.indexes` reads them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from claims import workflow
from claims.workflow import State


def claim_indexes() -> list[models.Index]:
    return [
        # The team queue's order (priority, due date with none last, newest),
        # for one state and for the open ones together.
        models.Index(fields=["state", "priority", "due_on", "-created_at", "-id"], name="claim_queue_order"),
        models.Index(
            fields=["priority", "due_on", "-created_at", "-id"],
            condition=Q(state__in=workflow.OPEN_STATES),
            name="claim_open_queue_order",
        ),
        # A search in every state, in the queue's order: walked in order, a
        # common word finds its page in the first few hundred entries.
        models.Index(fields=["priority", "due_on", "-created_at", "-id"], name="claim_any_queue_order"),
        # The open queue's count: an index-only scan of a 1 MB index at a
        # million claims (41 ms over claim_state_updated, 15 ms here).
        models.Index(fields=["state"], condition=Q(state__in=workflow.OPEN_STATES), name="claim_open_count"),
        # Each person's open claims and the overdue among them, from the
        # index alone (the dashboard's load: 80 ms of heap at a million).
        models.Index(fields=["assignee", "state"], include=["due_on"], name="claim_assignee_state"),
        models.Index(fields=["reviewer", "state"], name="claim_reviewer_state"),
        # My queue's "in review, no reviewer yet" (not my own) counted from the index alone.
        models.Index(fields=["reviewer", "assignee"], condition=Q(state=State.IN_REVIEW), name="claim_review_pool"),
        models.Index(fields=["claimant"], name="claim_claimant"),
        # The dashboard's new claims a week (claims.models.desk_stats).
        models.Index(fields=["created_at"], name="claim_created"),
        # The dashboard's time to publish: both times of the last 90 days'
        # publications from the index alone.
        models.Index(fields=["published_at"], include=["submitted_at"], name="claim_time_to_publish"),
        # Public pages: the list and claimant pages by publication, and the
        # freshness checks and partner JSON by last change.
        # With the last change, the id and the rating: a claimant page's
        # freshness and ratings, and the claimants' sitemap, read them from
        # the index alone, however many verdicts (PostgreSQL; ignored elsewhere).
        models.Index(
            fields=["speaker", "state", "-published_at"],
            include=["updated_at", "id", "current_rating"],
            name="claim_speaker_published",
        ),
        models.Index(fields=["state", "-published_at", "-id"], name="claim_public_list"),
        # The public list and the partners' JSON of one rating, and its count.
        models.Index(fields=["state", "current_rating", "-published_at", "-id"], name="claim_public_by_rating"),
        models.Index(fields=["state", "-updated_at"], name="claim_state_updated"),
        # The dashboard's freshness: the last change to any claim (desk_stats).
        models.Index(fields=["updated_at"], name="claim_updated"),
        # The partners' JSON: every public claim, last changed first.
        models.Index(
            fields=["-updated_at", "-id"],
            condition=Q(state__in=workflow.PUBLIC_STATES, published_at__isnull=False),
            name="claim_public_changed",
        ),
    ]
