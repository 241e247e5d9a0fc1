"""When a public page last changed, for ETag / Last-Modified and 304s."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum

from claims.models import Claim, Claimant, Evidence, Verdict
from claims.public.scale import Scale
from claims.workflow import State


@dataclass(frozen=True)
class Freshness:
    last_modified: datetime | None
    etag: str | None


def _etag(*parts: Any) -> str:
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def _claim_row(slug: str) -> QuerySet:
    """The one row of `slug` with everything its page's freshness depends on."""
    # The newest version and source as subqueries of the one row: a join
    # and GROUP BY over both cost more to plan than to run, on every request.
    newest_version = Verdict.objects.filter(claim=OuterRef("pk")).order_by().values("claim")
    newest_source = Evidence.objects.filter(claim=OuterRef("pk")).order_by().values("claim")
    return (
        Claim.objects.public()
        .filter(slug=slug)
        .annotate(
            verdicts_at=Subquery(newest_version.annotate(at=Max("published_at")).values("at")),
            sources_at=Subquery(newest_source.annotate(at=Max("source__updated_at")).values("at")),
        )
        .values(
            "pk",
            "updated_at",
            "retracted_at",
            "verdicts_at",
            "sources_at",
            "article__title",
            "article__outlet",
            "article__url",
            "article__published_on",
            "speaker__slug",
        )
        .order_by()[:1]
    )


# The rating scale as PostgreSQL holds it, in one value that changes whenever
# `Scale.digest()` would (every field it reads, each rating as a row literal).
_SCALE_STAMP = (
    'SELECT md5(string_agg(ROW(id, label, "order", colour, value, retired)::text, \',\' ORDER BY "order", id)) '
    "FROM claims_rating"
)


# Stands for the slug in the row's SQL, made once per process.
_SLUG_MARK = "\ue000slug\ue000"


@cache
def _claim_row_sql() -> tuple[str, tuple[Any, ...], int]:
    sql, params = _claim_row(_SLUG_MARK).query.sql_with_params()
    # With the scale's stamp: the slug is the only input, a parameter.
    sql = f"SELECT *, ({_SCALE_STAMP}) AS scale FROM ({sql}) AS claim_row"  # noqa: S608
    return sql, params, params.index(_SLUG_MARK)


def _read_claim_row(slug: str) -> dict[str, Any] | None:
    """The row, by the SQL the ORM wrote once: building and compiling that
    query was two thirds of the CPU of serving a cached verdict page (issue
    12). PostgreSQL only, whose driver hands back the values as the ORM
    would, and where the row carries the scale's stamp too: a cached page
    then costs this one query, not a second for the scale. Elsewhere
    (SQLite, whose dates the ORM converts) the queryset, without the stamp."""
    if connection.vendor != "postgresql":
        return next(iter(_claim_row(slug)), None)
    sql, params, at = _claim_row_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params[:at], slug, *params[at + 1 :]))
        row = cursor.fetchone()
        names = [column.name for column in cursor.description]
    return None if row is None else dict(zip(names, row, strict=True))


def claim_freshness(slug: str, scale: Scale) -> Freshness:
    """When the public page of `slug` last changed: its claim row (every transition,
    a correction or retraction, saves it), its verdicts, its cited sources (the
    worker fills in titles and stores copies), and the scale, article and
    claimant page it shows (a merge moves the claim to another page)."""
    row = _read_claim_row(slug)
    if row is None:
        return Freshness(None, None)
    moments = [row[key] for key in ("updated_at", "retracted_at", "verdicts_at", "sources_at") if row[key]]
    last = max(moments)
    # `scale` is read from the database only when the row has no stamp of it.
    stamp = row.pop("scale", None) or scale.digest()
    return Freshness(last, _etag(sorted(row.items()), stamp))


def scale_freshness(scale: Scale) -> Freshness:
    """The rating scale alone (its stylesheet): it changes when an editor changes it."""
    return Freshness(None, _etag(scale.digest()))


def public_freshness(scale: Scale) -> Freshness:
    """When anything public last changed: a claim published, corrected or retracted
    saves its row, so the newest `updated_at` among public claims moves. Asked
    of `public()`, which the partners' JSON index covers: the newest entry of
    an index, not a scan of every public claim on every request."""
    last = Claim.objects.public().aggregate(last=Max("updated_at"))["last"]
    return Freshness(last, _etag(last, scale.digest()))


def claimant_freshness(slug: str, scale: Scale) -> Freshness:
    """When the page of the claimant at `slug` last changed. Retracting a verdict
    saves its claim, so the newest `updated_at` among the claimant's public
    claims (retracted ones included) moves forward even when a verdict leaves
    the page; the count and the sum of ids change when claims join or leave
    it (a merge moves claims without saving them), and the name with a rename."""
    claimant = Claimant.objects.filter(slug=slug, merged_into=None).values("pk", "name", "created_at").first()
    if claimant is None:
        return Freshness(None, None)
    standing = Q(state=State.PUBLISHED)
    row = (
        Claim.objects.public()
        .filter(speaker_id=claimant["pk"])
        .aggregate(last=Max("updated_at"), count=Count("pk", filter=standing), ids=Sum("pk", filter=standing))
    )
    if not row["count"]:
        return Freshness(None, None)
    return Freshness(row["last"], _etag(sorted(claimant.items()), sorted(row.items()), scale.digest()))
