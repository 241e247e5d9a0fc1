"""Finding claims: the desk's queues and search, what readers may see, and
"checked before?". Every public page, feed, sitemap, JSON and download
starts from `public()` or `standing()`."""

from __future__ import annotations

import operator
from datetime import date
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.db import connections, models, transaction
from django.db.models import Case, Count, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone

from claims import workflow
from claims.models.activity import Activity
from claims.models.articles import Article, Claimant
from claims.models.policy import DeskPolicy
from claims.models.repeats import Repeat
from claims.models.similar import similar_claims
from claims.models.sources import Source
from claims.models.verdicts import Verdict
from claims.workflow import State

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models.claims import Claim


class ClaimQuerySet(models.QuerySet):
    def add(self, *, by: AbstractBaseUser, **fields: Any) -> Claim:
        """A new claim, submitted to the desk, with its first activity row."""
        with transaction.atomic():
            claim = self.create(created_by=by, speaker=Claimant.for_name(fields.get("claimant", "")), **fields)
            claim.log(by, "created", note=claim.text)
        return claim

    # --- The desk's queues.

    def open(self) -> ClaimQuerySet:
        return self.filter(state__in=workflow.OPEN_STATES)

    def researched_by(self, user: AbstractBaseUser) -> ClaimQuerySet:
        return self.filter(assignee=user, state__in=workflow.RESEARCH_STATES)

    def overdue(self, today: date | None = None) -> ClaimQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def needing_reviewer(self, user: AbstractBaseUser) -> ClaimQuerySet:
        """In review, nobody asked to review it, and not researched by `user`."""
        return self.filter(state=State.IN_REVIEW, reviewer=None).exclude(assignee=user)

    def review_asked_of(self, user: AbstractBaseUser) -> ClaimQuerySet:
        return self.filter(reviewer=user, state=State.IN_REVIEW)

    def waiting_to_publish(self) -> ClaimQuerySet:
        return self.filter(state=State.APPROVED)

    def unassigned(self) -> ClaimQuerySet:
        return self.filter(state=State.SUBMITTED)

    def queue_counts(self, user: AbstractBaseUser, *, editor: bool) -> dict[str, int]:
        """How many claims each section of `user`'s queue holds, in one query
        (the sections show at most DESK_QUEUE_LIMIT rows each)."""
        sections = _queue_sections(user, editor=editor)
        # A count a section, joined by UNION ALL: each counts the entries of
        # the index that matches its filter (one FILTER'd aggregate read all
        # the open claims' rows).
        counts = [
            self.filter(where)
            .order_by()
            .annotate(section=Value(name, output_field=models.CharField()))
            .values("section")
            .annotate(n=Count("*"))
            .values_list("section", "n")
            for name, where in sections.items()
        ]
        return dict(counts[0].union(*counts[1:], all=True))

    def queue_heads(self, user: AbstractBaseUser, *, editor: bool, limit: int) -> dict[str, list[Claim]]:
        """The first `limit` claims of each section of `user`'s queue in this
        order (`overdue_first`), in one query. Each section's head is found on
        its ids alone, its overdue claims and the others apart, each in the
        queue's order: the queue's index gives them in that order, where
        sorting a section by "overdue first" read every claim of it (19,000
        in review with no reviewer at a million claims: 50 ms). Then the
        rows of all of them are read together, each labelled with its section
        (they are disjoint: by state, assignee and reviewer), and each
        section keeps its first `limit`."""
        sections = _queue_sections(user, editor=editor)
        late = Q(due_on__lt=timezone.localdate(), state__in=workflow.OPEN_STATES)
        in_order = self.queue_order().values("pk")
        heads = [in_order.filter(where & part)[:limit] for where in sections.values() for part in (late, ~late)]
        label = Case(*(When(where, then=Value(name)) for name, where in sections.items()))
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            chosen = Q(pk__in=heads[0].union(*heads[1:], all=True))
        else:  # SQLite: no LIMIT inside a UNION (on PostgreSQL an OR of them scans every claim)
            chosen = reduce(operator.or_, (Q(pk__in=head) for head in heads))
        rows: dict[str, list[Claim]] = {name: [] for name in sections}
        for claim in self.filter(chosen).annotate(queue_section=label):
            if len(rows[claim.queue_section]) < limit:
                rows[claim.queue_section].append(claim)
        return rows

    def with_last_transition(self) -> ClaimQuerySet:
        """Each with `last_transition`: the name of the last workflow action
        taken on it ("request_changes", "send_back"...), read from its log in
        the same query (the log's index by claim and time serves it)."""
        last = (
            Activity.objects.filter(claim=OuterRef("pk"), action__in=list(workflow.ACTIONS))
            .order_by("-created_at", "-pk")
            .values("action")[:1]
        )
        return self.annotate(last_transition=Subquery(last))

    def overdue_first(self, today: date | None = None) -> ClaimQuerySet:
        """The queue's order, with the open claims past their due date first."""
        late = Case(
            When(due_on__lt=today or timezone.localdate(), state__in=workflow.OPEN_STATES, then=Value(0)),
            default=Value(1),
        )
        return self.alias(late=late).order_by("late", *self.queue_order().query.order_by)

    def for_desk_page(self) -> ClaimQuerySet:
        """The claims with what the desk's claim page shows beyond their own
        row, in the same query: their people and article, the desk's policy,
        whether other claims repeat them, and when what the page draws last
        changed. Every change to a claim is logged (its newest log entry), a
        source changes under its evidence (a fetch, an extraction), and a
        repeat or the original changes on its own row."""

        def newest(rows: models.QuerySet, field: str, order: tuple[str, ...]) -> Subquery:
            return Subquery(rows.order_by(*order).values(field)[:1])

        repeats = self.model.objects.filter(duplicate_of=OuterRef("pk"))
        cited = Source.objects.filter(evidence__claim=OuterRef("pk"))
        return self.select_related("article", "assignee", "reviewer").annotate(
            desk_policy=DeskPolicy.as_annotation(),
            repeats_changed=newest(repeats, "updated_at", ("-updated_at",)),
            last_logged=newest(Activity.objects.filter(claim=OuterRef("pk")), "id", ("-created_at", "-id")),
            sources_changed=newest(cited, "updated_at", ("-updated_at",)),
            original_changed=newest(self.model.objects.filter(pk=OuterRef("duplicate_of")), "updated_at", ()),
        )

    def search(self, text: str) -> ClaimQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(text__icontains=text) | Q(claimant__icontains=text))

    def queue_order(self) -> ClaimQuerySet:
        return self.order_by("priority", models.F("due_on").asc(nulls_last=True), "-created_at", "-pk")

    def by_demand(self) -> ClaimQuerySet:
        """The claims most readers asked for first (claims.models.suggestions)."""
        return self.order_by("-demand", "priority", "-created_at", "-pk")

    def for_list(self) -> ClaimQuerySet:
        return self.select_related("assignee", "reviewer", "article").only(
            "pk",
            "slug",
            "text",
            "claimant",
            "state",
            "priority",
            "due_on",
            "demand",
            "created_at",
            "revision",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
            "reviewer__username",
            "reviewer__first_name",
            "reviewer__last_name",
            "article__title",
        )

    # --- What readers may see. Every public page, feed, sitemap, JSON and
    # download starts from one of these, so a claim the desk has not
    # published cannot leak through one of them.

    def in_public_states(self) -> ClaimQuerySet:
        """Published or retracted (a retracted verdict's page stays up with its
        notice). Enough for a freshness check, which asks when something
        public changed; what a reader opens is `public()`."""
        return self.filter(state__in=workflow.PUBLIC_STATES)

    def public(self) -> ClaimQuerySet:
        """Claims a reader may open: in a public state, with a published verdict.
        `published_at` is set in the transaction that publishes the first
        version, and versions are never deleted, so the column says it: no
        lookup of the verdicts per claim (an EXISTS that made every count on a
        public page a join over all of them)."""
        return self.in_public_states().filter(published_at__isnull=False)

    def standing(self) -> ClaimQuerySet:
        """Public claims whose verdict stands: what lists, feeds and claimant
        pages offer (a retracted one leaves them). As `public()` in the one
        state, written apart: stacked, the two filters on the state made
        PostgreSQL's estimate of the rows a third of what it is."""
        return self.filter(state=State.PUBLISHED, published_at__isnull=False)

    def with_verdicts(self) -> ClaimQuerySet:
        """With their article and their published versions (`published_versions`,
        newest first): three queries however many rows."""
        versions = Verdict.objects.published().select_related("rating", "author").newest_first()
        # The articles of the page's rows only, read after the page is chosen:
        # joined, every row a deep page skips (or a search sorts) dragged its
        # article along. And without their text, which can run to 200,000
        # characters twice (as pasted, and cleaned): no list shows it.
        articles = Article.objects.defer("body", "original_body")
        return self.prefetch_related(
            Prefetch("article", queryset=articles),
            Prefetch("verdicts", queryset=versions, to_attr="published_versions"),
        )

    def with_also_said(self) -> ClaimQuerySet:
        """With their confirmed repeats (`also_said`): one query however many rows."""
        shown = Prefetch("repeats", queryset=Repeat.objects.for_readers(), to_attr="confirmed_repeats")
        return self.prefetch_related(shown)

    def similar_to(self, text: str, limit: int = 5) -> list[Claim]:
        """Checked before? Claims like `text` (not those already marked as
        duplicates), each with `.similarity` and `.rating`: published first."""
        originals = self.filter(duplicate_of__isnull=True).select_related("speaker")
        return similar_claims(originals, text, limit)

    def with_current_verdict(self) -> ClaimQuerySet:
        """Each with `current_rating_label` and `current_summary`, its current
        verdict's, in the same query: an export streams its rows, and a
        prefetch would hold each chunk's versions."""
        current = Verdict.objects.published().filter(claim=OuterRef("pk")).newest_first()
        return self.annotate(
            current_rating_label=Subquery(current.values("rating__label")[:1]),
            current_summary=Subquery(current.values("summary")[:1]),
        )

    def rated(self, rating_id: int) -> ClaimQuerySet:
        """Claims whose current verdict has this rating (not an earlier
        version's): `Claim.current_rating`, kept as verdicts are published."""
        return self.filter(current_rating_id=rating_id)


def _queue_sections(user: AbstractBaseUser, *, editor: bool) -> dict[str, Q]:
    """What each section of `user`'s queue holds (an editor's has one more)."""
    sections = {
        "researching": Q(assignee=user, state__in=workflow.RESEARCH_STATES),
        "reviewing": Q(reviewer=user, state=State.IN_REVIEW),
        "needing_reviewer": Q(state=State.IN_REVIEW, reviewer=None) & ~Q(assignee=user),
        "unassigned": Q(state=State.SUBMITTED),
    }
    if editor:
        sections["to_publish"] = Q(state=State.APPROVED)
    return sections
