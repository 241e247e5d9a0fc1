"""Cited sources and the evidence that cites them.

A Source is one row per normalized URL, shared by every claim citing it, and a
row-held job (see `jobs`): the worker that fetches it records the outcome
here. What fetching and extracting are lives in claims.sources; this module
only records their results, and stores the fetched bytes as the row's file."""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import workflow
from claims.models.jobs import HeldJob, HeldJobQuerySet
from claims.models.notifications import after_source_news
from claims.models.outlets import announce_news
from claims.models.stored_copies import store_snapshot, stream_from_storage

if TYPE_CHECKING:
    from claims.sources.extraction import Extracted
    from claims.sources.guard import Fetched

log = logging.getLogger(__name__)


# Parameters that only say where a click came from. An exact list: courlan's
# tracker pattern (trafilatura's) also drops `session`, `source`, `ref`,
# `cid`, `uid` and any name starting with `ga`, `gl` or `aff` (`gazette`,
# `gallery`, `global`, `affairs`), which would make two different pages, and
# the page fetched, one Source.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wt_mc",
        "at_medium",
        "at_campaign",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """One spelling per address, so every claim citing a page shares its Source:
    lower-case scheme and host, no default port, no fragment, no tracking
    parameters; every other parameter kept, in its order, blank ones too."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6
    port = parts.port
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    # The parameters kept stay as written: decoding and encoding them again
    # turned bytes that are not UTF-8 (`?q=caf%E9`) into U+FFFD and `?print`
    # into `?print=`, and the Source then fetched another address.
    query = "&".join(part for part in parts.query.split("&") if not _is_tracking(unquote_plus(part.split("=", 1)[0])))
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


class SourceQuerySet(HeldJobQuerySet):
    def awaiting_extraction(self, now: datetime) -> SourceQuerySet:
        """Fetched, but the extraction job was lost."""
        grace = now - timedelta(seconds=settings.JOB_SWEEP_GRACE)
        return self.filter(status=Source.Status.FETCHED, extracted_at=None, updated_at__lt=grace)

    def cited_by(self, states: Iterable[str]) -> SourceQuerySet:
        """Sources that claims in `states` cite (one row each)."""
        cited = Evidence.objects.filter(source=OuterRef("pk"), claim__state__in=states)
        return self.filter(Exists(cited))

    def public(self) -> SourceQuerySet:
        """Sources a reader may download a stored copy of: those a public claim
        cites. A source only a draft cites stays on the desk: what a
        fact-checker is looking into is not yet ours to show."""
        # Claim is defined in claims.models.claims, which imports this module.
        public_claims = apps.get_model("claims", "Claim").objects.public()
        cited = Evidence.objects.filter(source=OuterRef("pk"), claim__in=public_claims)
        return self.filter(Exists(cited))

    def refetch(self) -> list[int]:
        """Queue a new fetch, with a fresh retry budget, of each of these
        sources that is not already under way; the ids queued (locked, so two
        requests at once queue each source once). The jobs are sent when the
        transaction commits."""
        with transaction.atomic():
            idle = self.exclude(status__in=[Source.Status.PENDING, Source.Status.FETCHING])
            ids = list(idle.select_for_update(skip_locked=True).values_list("pk", flat=True))
            Source.objects.filter(pk__in=ids).update(
                status=Source.Status.PENDING, retries=0, retry_at=None, updated_at=timezone.now()
            )
            Source.send_on_commit(ids)
        return ids


class Source(HeldJob):
    """A cited URL, one row per normalized URL, shared by every claim citing it.
    Its fetch job's state lives here, not in Celery."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        FETCHING = "fetching", _("Fetching")
        FETCHED = "fetched", _("Fetched")
        FAILED = "failed", _("Failed")
        BLOCKED = "blocked", _("Blocked")

    WORKING: ClassVar[str] = Status.FETCHING

    url = models.CharField(max_length=2000, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.CharField(max_length=2000, blank=True)
    redirects = models.JSONField(default=list, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    charset = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=500, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    snapshot = models.FileField(upload_to="snapshots/", max_length=200, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When a fetch last came to an outcome, whatever it was."
    )
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a re-fetch found different content, or found the page gone."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SourceQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "updated_at"], name="source_status_updated"),
            # The dashboard's freshness: the last change to any source (desk_stats).
            models.Index(fields=["updated_at"], name="source_updated"),
            # The dashboard's sources that changed under a verdict: few of them.
            models.Index(fields=["-changed_at"], condition=Q(changed_at__isnull=False), name="source_changed"),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def is_settled(self) -> bool:
        """Nothing more will happen without someone asking: failed, blocked, or
        fetched and extracted."""
        if self.status == self.Status.FETCHED:
            return self.extracted_at is not None
        return self.status not in (self.Status.PENDING, self.Status.FETCHING)

    @classmethod
    def for_url(cls, url: str) -> Source:
        """The Source for `url`, made `pending` (and its fetch sent once the
        transaction commits) if it is new."""
        source, created = cls.objects.get_or_create(url=normalize_url(url))
        if created:
            cls.send_on_commit([source.pk])
        return source

    def record_fetched(self, fetched: Fetched) -> bool:
        """Store the bytes and mark the row `fetched`; True if they await
        extraction (False when this job lost the row, when a published
        verdict's copy is kept, or when they are the bytes already read)."""
        sha256 = hashlib.sha256(fetched.body).hexdigest()
        if sha256 == self.sha256 and self.extracted_at is not None:
            # The same bytes again (the weekly re-check, or a page back after a
            # failure): nothing to store or extract, and only a page that was
            # failing is news to the citing claims.
            was_failing = bool(self.last_error)
            with transaction.atomic():
                back = self.record_held(
                    status=self.Status.FETCHED, http_status=fetched.status, last_error="", **self._outcome()
                )
                if back and was_failing:
                    self._log_on_citing_claims("source_fetched", f"{self.url}: fetched again (HTTP {fetched.status})")
            return False
        changed = bool(self.sha256 and self.sha256 != sha256)
        if changed and Source.objects.filter(pk=self.pk).cited_by(workflow.PUBLIC_STATES).exists():
            # A published verdict relies on the copy it was checked against:
            # keep it (and its quote checks), and flag the change for an editor.
            with transaction.atomic():
                kept = self.record_held(
                    status=self.Status.FETCHED, changed_at=timezone.now(), last_error="", **self._outcome()
                )
                if kept:
                    self._log_on_citing_claims(
                        "source_changed",
                        f"{self.url}: the page changed since it was checked (now SHA-256 {sha256[:12]}…); "
                        "the stored copy the verdict relied on is kept.",
                    )
            return False
        snapshot = store_snapshot(fetched.body, sha256)
        with transaction.atomic():
            recorded = self.record_held(
                status=self.Status.FETCHED,
                http_status=fetched.status,
                final_url=fetched.final_url[:2000],
                redirects=fetched.redirects,
                content_type=fetched.content_type[:100],
                charset=(fetched.charset or "")[:40],
                sha256=sha256,
                snapshot=snapshot,
                fetched_at=timezone.now(),
                extracted_at=None,
                last_error="",
                changed_at=timezone.now() if changed else self.changed_at,
                **self._outcome(),
            )
            if not recorded:
                return False
            note = f"{self.url}: fetched (HTTP {fetched.status})"
            if changed:
                note += "; the content changed since the last fetch"
            self._log_on_citing_claims("source_changed" if changed else "source_fetched", note)
        return True

    @contextmanager
    def open_stored_copy(self) -> Iterator[IO[bytes]]:
        """The stored copy (see `store_snapshot`), decompressed as it is read:
        the bytes as fetched. Raises FileNotFoundError when storage lost it."""
        with stream_from_storage(self.snapshot.name) as stored, gzip.GzipFile(fileobj=stored) as original:
            yield original

    def record_extracted(self, extracted: Extracted, check_quotes: Callable[[list[str], str], list[str]]) -> None:
        """Save what extraction found (an empty `Extracted` when the page could
        not be read in time) and mark every citing quote with `check_quotes`
        (quotes, text) -> one Evidence.QuoteCheck value each."""
        fields = {
            "title": extracted.title[:500],
            "site_name": extracted.site_name[:200],
            "author": extracted.author[:200],
            "published_on": extracted.published_on,
            "text": extracted.text,
            "extracted_at": timezone.now(),
        }
        with transaction.atomic():
            # Only if the bytes are still the ones read: a newer fetch that
            # landed meanwhile has its own extraction queued.
            if not Source.objects.filter(pk=self.pk, sha256=self.sha256).update(**fields, updated_at=timezone.now()):
                return
            for name, value in fields.items():
                setattr(self, name, value)
            evidence = list(self.evidence.all())
            for item, mark in zip(evidence, check_quotes([item.quote for item in evidence], self.text), strict=True):
                item.quote_check = mark
            Evidence.objects.bulk_update(evidence, ["quote_check"])
            articles = list(self.articles.all())
            for article in articles:
                article.source = self
                article.fill_from_page()
            if articles:
                # A watched outlet's story is spotted by the worker, not here.
                announce_news(article.pk for article in articles)

    def record_failure(self, status: str, message: str, http_status: int | None = None) -> None:
        was_fetched = bool(self.fetched_at)
        with transaction.atomic():
            recorded = self.record_held(
                status=status,
                http_status=http_status,
                last_error=message,
                retry_at=None,
                changed_at=timezone.now() if was_fetched else self.changed_at,
                **self._outcome(),
            )
            if not recorded:
                return
            action = "source_dead" if was_fetched else "source_failed"
            self._log_on_citing_claims(action, f"{self.url}: {message}")

    def give_up(self, message: str, http_status: int | None) -> None:
        self.record_failure(self.Status.FAILED, message, http_status=http_status)

    @staticmethod
    def _outcome() -> dict[str, Any]:
        """The fields every outcome of a fetch sets: checked now, and the retry
        budget full again."""
        return {"checked_at": timezone.now(), "retries": 0}

    def refetch(self) -> bool:
        """Queue a new fetch (a fact-checker's retry); False if one is already
        under way."""
        if not Source.objects.filter(pk=self.pk).refetch():
            return False
        self.status, self.retries, self.retry_at = self.Status.PENDING, 0, None
        return True

    def _log_on_citing_claims(self, action: str, note: str) -> None:
        """One Activity row on every claim citing this source. A single
        INSERT ... SELECT: it runs for every fetch, and the ORM's read-then-
        bulk_create cost the fetch workers a fifth of their CPU (bench/)."""
        activity = apps.get_model("claims", "Activity")
        # Table names from the models; every value a parameter.
        sql = (
            f"INSERT INTO {activity._meta.db_table} (claim_id, action, from_state, to_state, note, created_at) "  # noqa: S608
            f"SELECT DISTINCT claim_id, %s, '', '', %s, %s FROM {Evidence._meta.db_table} WHERE source_id = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [action, note, connection.ops.adapt_datetimefield_value(timezone.now()), self.pk])
        if action in ("source_changed", "source_dead"):
            # A published verdict may rely on what the page said: its researcher must look.
            after_source_news(self.pk, self.url, gone=action == "source_dead")


class EvidenceQuerySet(models.QuerySet):
    def with_sources(self) -> EvidenceQuerySet:
        """With each source's fetch record, without its text (up to megabytes)."""
        return self.select_related("source").defer("source__text").order_by("created_at", "pk")


class Evidence(models.Model):
    """A claim citing a source (or an offline source) with the quoted passage."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        CONTRADICTS = "contradicts", _("Contradicts")
        CONTEXT = "context", _("Context")

    class QuoteCheck(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        FOUND = "found", _("Found in source")
        CLOSE = "close", _("Close match in source")
        NOT_FOUND = "not_found", _("Not found in source")
        NOT_CHECKABLE = "not_checkable", _("Cannot be checked")

    claim = models.ForeignKey("Claim", on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    offline_source = models.CharField(max_length=300, blank=True, help_text="An interview, a document, a call.")
    quote = models.TextField(blank=True)
    note = models.TextField(blank=True)
    stance = models.CharField(max_length=12, choices=Stance.choices, default=Stance.CONTEXT)
    quote_check = models.CharField(max_length=14, choices=QuoteCheck.choices, default=QuoteCheck.UNCHECKED)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=0, help_text="Counts edits, so a form from before one is stale.")
    # A quote the worker did not find in the fetched page (a scan, a page that
    # draws its text by script), vouched for by a person: who, when and why.
    # Readers never see it as a verified quote.
    hand_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hand_checked_at = models.DateTimeField(null=True, blank=True)
    hand_check_reason = models.TextField(blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        where = self.source.url if self.source_id else self.offline_source
        return f"{self.get_stance_display()}: {where}"

    @property
    def quote_missing(self) -> bool:
        """A quote the worker did not find in its fetched source."""
        return bool(self.quote.strip() and self.source_id and self.quote_check == self.QuoteCheck.NOT_FOUND)

    @property
    def needs_hand_check(self) -> bool:
        """Blocks `submit` until someone checks it by hand, saying why."""
        return self.quote_missing and self.hand_checked_at is None

    @property
    def quote_verified(self) -> bool:
        """Readers may see the quote marked as found in the stored copy."""
        return bool(self.source_id) and self.quote_check == self.QuoteCheck.FOUND
