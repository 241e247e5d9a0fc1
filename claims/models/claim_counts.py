"""How many claims there are in each state, kept as rows that PostgreSQL's
triggers keep up to date, so a list's count costs what its first page does.

At a network's size (1,000,000 claims) counting a list with no filter but
its state grew with the table: the 604,000 verdicts of the public list took
82 ms, the published queue's 600,000 claims 69 ms, the dashboard's states a
scan of every claim (issue 12). Here a claim is counted under its state,
whether a verdict of it was published (`published_at` set: what readers may
open) and whether someone is assigned to it. One trigger a statement (an
INSERT, UPDATE or DELETE on claims, a COPY too) adds what its rows moved,
in the transaction that moved them: a count is never ahead of or behind the
claims another transaction sees.

The same triggers keep each claimant's verdicts that stand (`ClaimantCount`):
whether they have a public page, how many verdicts it lists, and how many
such pages the sitemap's index announces (counting those probed every one of
50,000 claimants: 175 ms at a million claims). And the claims new and
published in each quarter hour (`ClaimFlow`), which the dashboard adds up by
week: counting the 243,000 new in 12 weeks of a million claims took 61 ms.

On SQLite (the embedded default, a demo's size) there are no triggers: the
counts are counted."""

from __future__ import annotations

from collections.abc import Iterable

import pgtrigger
from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum

from claims import workflow
from claims.workflow import State

_KEY = "state, published_at IS NOT NULL, assignee_id IS NOT NULL"
_NEW = f"SELECT {_KEY}, 1 FROM new_claims"  # noqa: S608 - constant SQL
_OLD = f"SELECT {_KEY}, -1 FROM old_claims"  # noqa: S608 - constant SQL
_COUNTED = f"SELECT {_KEY}, COUNT(*) FROM claims_claim GROUP BY 1, 2, 3"  # noqa: S608 - constant SQL
# Rows added, then rows taken away; the counts' rows in one order, so two
# transactions moving claims lock them in the same order (no deadlock).
_ADD = """
INSERT INTO claims_claimcount (state, published, assigned, claims)
SELECT state, published, assigned, SUM(n) FROM (MOVED) AS moved (state, published, assigned, n)
GROUP BY state, published, assigned HAVING SUM(n) <> 0 ORDER BY state, published, assigned
ON CONFLICT (state, published, assigned) DO UPDATE SET claims = claims_claimcount.claims + EXCLUDED.claims;
RETURN NULL;
"""


def _counters(prefix: str, add: str, new: str, old: str) -> list[pgtrigger.Trigger]:
    """One count's three triggers (`prefix`_insert, _delete, _update): `add`
    adds up the rows each statement moved, `new` and `old` selecting them,
    with +1 or -1, from its transition tables."""

    def counter(operation: pgtrigger.Operation, moved: str, **tables: str) -> pgtrigger.Trigger:
        return pgtrigger.Trigger(
            name=f"{prefix}_{operation.name.lower()}",
            operation=operation,
            when=pgtrigger.After,
            level=pgtrigger.Statement,
            referencing=pgtrigger.Referencing(**tables),
            func=add.replace("MOVED", moved),
        )

    return [
        counter(pgtrigger.Insert, new, new="new_claims"),
        counter(pgtrigger.Delete, old, old="old_claims"),
        counter(pgtrigger.Update, f"{new} UNION ALL {old}", old="old_claims", new="new_claims"),
    ]


# A claimant's verdicts that stand (`Claim.objects.standing()` with a
# speaker): their public page is up while there is one.
_STANDING = f"state = '{State.PUBLISHED.value}' AND published_at IS NOT NULL AND speaker_id IS NOT NULL"
_SPOKEN_NEW = f"SELECT speaker_id, 1 FROM new_claims WHERE {_STANDING}"  # noqa: S608 - constant SQL
_SPOKEN_OLD = f"SELECT speaker_id, -1 FROM old_claims WHERE {_STANDING}"  # noqa: S608 - constant SQL
_SPOKEN_COUNTED = f"SELECT speaker_id, COUNT(*) FROM claims_claim WHERE {_STANDING} GROUP BY 1"  # noqa: S608
_ADD_SPOKEN = """
INSERT INTO claims_claimantcount (claimant_id, standing)
SELECT claimant_id, SUM(n) FROM (MOVED) AS moved (claimant_id, n)
GROUP BY claimant_id HAVING SUM(n) <> 0 ORDER BY claimant_id
ON CONFLICT (claimant_id) DO UPDATE SET standing = claims_claimantcount.standing + EXCLUDED.standing;
RETURN NULL;
"""


# The dashboard's weekly flow (`ClaimFlow`): claims new and published in each
# quarter hour, by their creation and their first publication (in a public
# state: published or retracted).
_QUARTER = "to_timestamp(floor(extract(epoch FROM {0}) / 900) * 900)"
_PUBLISHED = "state IN ({}) AND published_at IS NOT NULL".format(
    ", ".join(f"'{state.value}'" for state in workflow.PUBLIC_STATES)
)


def _flow(table: str, n: int) -> str:
    created, published = _QUARTER.format("created_at"), _QUARTER.format("published_at")
    return (
        f"SELECT 'new', {created}, {n} FROM {table} "  # noqa: S608 - constant SQL
        f"UNION ALL SELECT 'published', {published}, {n} FROM {table} WHERE {_PUBLISHED}"
    )


_FLOW_COUNTED = (
    f"SELECT kind, quarter, SUM(n) FROM ({_flow('claims_claim', 1)}) AS flow (kind, quarter, n) GROUP BY 1, 2"  # noqa: S608
)
# How many quarter hours' kept counts differ from the claims'.
_FLOW_WRONG = f"""
SELECT COUNT(*) FROM ({_FLOW_COUNTED}) AS counted (kind, quarter, n)
FULL JOIN (SELECT kind, quarter, claims FROM claims_claimflow WHERE claims <> 0) AS kept USING (kind, quarter)
WHERE counted.n IS DISTINCT FROM kept.claims
"""  # noqa: S608 - constant SQL
_ADD_FLOW = """
INSERT INTO claims_claimflow (kind, quarter, claims)
SELECT kind, quarter, SUM(n) FROM (MOVED) AS moved (kind, quarter, n)
GROUP BY kind, quarter HAVING SUM(n) <> 0 ORDER BY kind, quarter
ON CONFLICT (kind, quarter) DO UPDATE SET claims = claims_claimflow.claims + EXCLUDED.claims;
RETURN NULL;
"""


def counting_triggers() -> list[pgtrigger.Trigger]:
    """The triggers on claims that keep `ClaimCount`, `ClaimantCount` and
    `ClaimFlow` (PostgreSQL only)."""
    return [
        *_counters("claim_count", _ADD, _NEW, _OLD),
        *_counters("claimant_count", _ADD_SPOKEN, _SPOKEN_NEW, _SPOKEN_OLD),
        *_counters("claim_flow", _ADD_FLOW, _flow("new_claims", 1), _flow("old_claims", -1)),
    ]


class ClaimCount(models.Model):
    """The claims in one state, with a published verdict or not, assigned or not."""

    state = models.CharField(max_length=12, choices=State.choices)
    published = models.BooleanField()
    assigned = models.BooleanField()
    claims = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["state", "published", "assigned"], name="claim_count_key")]

    def __str__(self) -> str:
        return f"{self.state}: {self.claims}"


class ClaimantCount(models.Model):
    """A claimant's verdicts that stand. A row stays when it falls to zero,
    and when its claimant is deleted (their claims' speaker is cleared, which
    takes the count to zero): hence no foreign key the deletion would have
    to order itself around."""

    claimant = models.OneToOneField(
        "claims.Claimant", primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    standing = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["claimant"], condition=Q(standing__gt=0), name="claimant_count_standing")]

    def __str__(self) -> str:
        return f"{self.claimant_id}: {self.standing}"


class ClaimFlow(models.Model):
    """The claims created (`new`) and first published (`published`) in one
    quarter hour. Every time zone's offset is a whole number of quarter
    hours, so each quarter falls in one week wherever the desk is."""

    kind = models.CharField(max_length=9)
    quarter = models.DateTimeField()
    claims = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "quarter"], name="claim_flow_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.quarter}: {self.claims}"


def _claims() -> models.QuerySet:
    return apps.get_model("claims", "Claim").objects.order_by()


def claims_in(states: Iterable[str], *, published: bool | None = None) -> int:
    """How many claims are in `states`; only those with a published verdict
    (or only those without) when `published` says."""
    states = list(states)
    if connection.vendor != "postgresql":
        claims = _claims().filter(state__in=states)
        return claims.filter(published_at__isnull=not published).count() if published is not None else claims.count()
    rows = ClaimCount.objects.filter(state__in=states)
    if published is not None:
        rows = rows.filter(published=published)
    return rows.aggregate(n=Sum("claims"))["n"] or 0


def by_state() -> dict[str, tuple[int, int]]:
    """Each state's claims and how many of them nobody is assigned to."""
    if connection.vendor != "postgresql":
        # COUNT(*) and COUNT(assignee_id): columns of an index, not the rows.
        rows = _claims().values("state").annotate(n=Count("*"), assigned=Count("assignee"))
        return {row["state"]: (row["n"], row["n"] - row["assigned"]) for row in rows}
    rows = ClaimCount.objects.values("state").annotate(
        n=Sum("claims"), unassigned=Sum("claims", filter=Q(assigned=False))
    )
    return {row["state"]: (row["n"], row["unassigned"] or 0) for row in rows}


def public() -> int:
    """As `Claim.objects.public().count()`: what readers may open."""
    return claims_in(workflow.PUBLIC_STATES, published=True)


def standing() -> int:
    """As `Claim.objects.standing().count()`: the verdicts that stand."""
    return claims_in([State.PUBLISHED], published=True)


def standing_of(claimant_pk: int) -> int:
    """As `claimant.claims.standing().count()`: the verdicts on their page."""
    if connection.vendor != "postgresql":
        return _claims().standing().filter(speaker=claimant_pk).count()
    return ClaimantCount.objects.filter(pk=claimant_pk).values_list("standing", flat=True).first() or 0


def has_page() -> Exists:
    """For a claimant queryset: whether a verdict of theirs stands."""
    if connection.vendor != "postgresql":
        return Exists(_claims().standing().filter(speaker=OuterRef("pk")))
    return Exists(ClaimantCount.objects.filter(claimant=OuterRef("pk"), standing__gt=0))


def claimant_pages() -> int:
    """How many claimants have a public page: a verdict that stands, and not
    merged into someone else (the sitemap's claimant sections)."""
    claimants = apps.get_model("claims", "Claimant").objects.filter(merged_into=None)
    if connection.vendor != "postgresql":
        return claimants.filter(has_page()).count()
    return ClaimantCount.objects.filter(standing__gt=0, claimant__in=claimants).count()


def recount() -> int:
    """Count the claims again into `ClaimCount`, `ClaimantCount` and
    `ClaimFlow` (PostgreSQL), under a lock that lets no claim move
    meanwhile: for counts a restore or a session with its triggers off left
    wrong. Returns how many of the counts were wrong."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE claims_claim IN SHARE MODE")
        cursor.execute(_COUNTED)
        counted = {(state, published, assigned): n for state, published, assigned, n in cursor.fetchall()}
        kept = {(row.state, row.published, row.assigned): row.claims for row in ClaimCount.objects.all()}
        ClaimCount.objects.all().delete()
        ClaimCount.objects.bulk_create(
            ClaimCount(state=state, published=published, assigned=assigned, claims=n)
            for (state, published, assigned), n in counted.items()
        )
        cursor.execute(_SPOKEN_COUNTED)
        spoken = dict(cursor.fetchall())
        kept_spoken = dict(ClaimantCount.objects.exclude(standing=0).values_list("claimant_id", "standing"))
        ClaimantCount.objects.all().delete()
        ClaimantCount.objects.bulk_create(ClaimantCount(claimant_id=pk, standing=n) for pk, n in spoken.items())
        # In SQL: a million claims' years filled 253,000 quarter hours.
        cursor.execute(_FLOW_WRONG)
        (wrong_flow,) = cursor.fetchone()
        cursor.execute("DELETE FROM claims_claimflow")
        cursor.execute(f"INSERT INTO claims_claimflow (kind, quarter, claims) {_FLOW_COUNTED}")
    wrong = sum(counted.get(key, 0) != kept.get(key, 0) for key in counted.keys() | kept.keys()) + wrong_flow
    return wrong + sum(spoken.get(pk, 0) != kept_spoken.get(pk, 0) for pk in spoken.keys() | kept_spoken.keys())
