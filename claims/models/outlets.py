"""Watched outlets: news sites whose feed or sitemap the worker polls, the
entries seen there, and the check-worthy sentences spotted in their stories.

An Outlet holds its own polling state (when it is due, the validators of
its last answer, its failures): the database is the truth, and a poll is
taken with a conditional UPDATE on `next_poll_at` as read, so two beat or
worker machines never poll it twice. What polling and spotting are lives in
claims.monitoring; this module records their outcomes, and announces outlet
articles whose page is in on `jobs_waiting` (sender NewsSentence) for the
worker to spot."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.models.jobs import jobs_waiting

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models.claims import Claim


class OutletRefused(Exception):
    """An outlet cannot be watched or changed so; `message` says why, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutletQuerySet(models.QuerySet):
    def watched(self) -> OutletQuerySet:
        """Polled by the beat: neither paused by an editor nor flagged for failing."""
        return self.filter(paused_at=None, flagged_at=None)

    def due(self, now: datetime) -> OutletQuerySet:
        return self.watched().filter(next_poll_at__lte=now)

    def take_due(self, now: datetime, limit: int) -> list[int]:
        """The ids of due outlets this caller now holds (the longest overdue
        first), each leased for OUTLET_POLL_LEASE seconds: a poll that dies
        leaves it due again after that."""
        due = self.due(now).order_by("next_poll_at").values_list("pk", "next_poll_at")[:limit]
        return [pk for pk, as_read in due if Outlet.objects.filter(pk=pk).lease(as_read, now)]

    def lease(self, as_read: datetime, now: datetime) -> bool:
        """Take this outlet if `next_poll_at` is still as read (compare-and-set)."""
        lease_ends = now + timedelta(seconds=settings.OUTLET_POLL_LEASE)
        return bool(self.watched().filter(next_poll_at=as_read).update(next_poll_at=lease_ends))

    def watch(self, *, by: AbstractBaseUser | None, name: str, url: str, every: int | None = None) -> Outlet:
        """A new outlet, due at once. The URL must have passed the guard's
        check (the form or the command asks it); refused here: an interval
        outside the settings' bounds, or a URL already watched."""
        every = every or settings.OUTLET_DEFAULT_INTERVAL
        refusal = interval_refusal(every)
        if refusal:
            raise OutletRefused(refusal)
        from claims.models.sources import normalize_url  # sources imports this module

        # One spelling per address (the case of the host, a default port, a
        # fragment): the same feed under two spellings would be polled twice.
        url = normalize_url(url)
        already = OutletRefused(gettext("This address is already watched."))
        if self.filter(url=url).exists():
            raise already
        try:
            with transaction.atomic():  # two editors adding it at once: the second is told, not a 500
                return self.create(name=name.strip()[:200] or url[:200], url=url, interval_minutes=every, created_by=by)
        except IntegrityError:
            raise already from None


def interval_refusal(minutes: int) -> str:
    """Why `minutes` is not a polling interval this desk allows; "" if it is."""
    low, high = settings.OUTLET_MIN_INTERVAL, settings.OUTLET_MAX_INTERVAL
    if low <= minutes <= high:
        return ""
    return gettext("Poll every %(low)d to %(high)d minutes.") % {"low": low, "high": high}


class Outlet(models.Model):
    """A news site watched for new stories through its feed or its sitemap."""

    class Kind(models.TextChoices):
        UNKNOWN = "", _("Not polled yet")
        FEED = "feed", _("Feed")
        SITEMAP = "sitemap", _("Sitemap")

    name = models.CharField(max_length=200)
    url = models.CharField(max_length=2000, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, blank=True, help_text="Found on the first poll.")
    interval_minutes = models.PositiveIntegerField(default=15)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0, help_text="Failed polls in a row.")
    last_error = models.TextField(blank=True)
    flagged_at = models.DateTimeField(
        null=True, blank=True, help_text="Kept failing: not polled until an editor resumes it."
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    entries_seen = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ("name", "pk")
        indexes = [
            models.Index(
                fields=["next_poll_at"],
                condition=Q(paused_at__isnull=True, flagged_at__isnull=True),
                name="outlet_due",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def status(self) -> str:
        if self.flagged_at:
            return gettext("flagged")
        if self.paused_at:
            return gettext("paused")
        return gettext("failing") if self.failures else gettext("watching")

    def record_polled(self, *, kind: str, etag: str, last_modified: str, new_entries: int, note: str = "") -> None:
        """A poll that reached the outlet (a 304 included): due again after
        its interval, its failures forgotten; `note` says what was skipped."""
        now = timezone.now()
        fields: dict[str, Any] = {
            "kind": kind or self.kind,
            "etag": etag[:500],
            "last_modified": last_modified[:100],
            "last_polled_at": now,
            "next_poll_at": now + timedelta(minutes=self.interval_minutes),
            "failures": 0,
            "last_error": note,
        }
        # Counted in the database: an editor's pause may land meanwhile, and is kept.
        Outlet.objects.filter(pk=self.pk).update(**fields, entries_seen=models.F("entries_seen") + new_entries)
        for name, value in fields.items():
            setattr(self, name, value)
        self.entries_seen += new_entries

    def record_failure(self, message: str) -> None:
        """A poll that failed: due again after an exponential backoff (capped
        at OUTLET_MAX_BACKOFF minutes), and flagged after OUTLET_FLAG_AFTER
        failures in a row, when it is no longer polled."""
        now = timezone.now()
        failures = self.failures + 1
        delay = min(self.interval_minutes * 2**failures, settings.OUTLET_MAX_BACKOFF)
        fields: dict[str, Any] = {
            "failures": failures,
            "last_error": message,
            "last_polled_at": now,
            "next_poll_at": now + timedelta(minutes=delay),
            "flagged_at": now if failures >= settings.OUTLET_FLAG_AFTER else None,
        }
        Outlet.objects.filter(pk=self.pk).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)

    def pause(self) -> bool:
        """Whether it was paused now (False: it was paused already)."""
        paused = Outlet.objects.filter(pk=self.pk, paused_at=None).update(paused_at=timezone.now())
        self.refresh_from_db()
        return bool(paused)

    def resume(self) -> bool:
        """Watched again and due now, its failures forgiven (a flagged outlet
        an editor looked at, or a paused one); False, and nothing changed, for
        one that is watched already (a second click, or a stale page)."""
        stopped = Q(paused_at__isnull=False) | Q(flagged_at__isnull=False)
        resumed = Outlet.objects.filter(stopped, pk=self.pk).update(
            paused_at=None, flagged_at=None, failures=0, next_poll_at=timezone.now()
        )
        self.refresh_from_db()
        return bool(resumed)


class OutletEntryQuerySet(models.QuerySet):
    def awaiting_spotting(self, before: datetime | None = None) -> OutletEntryQuerySet:
        """Entries whose article has its text but whose sentences were not spotted yet."""
        waiting = self.filter(spotted_at=None, article__isnull=False, article__source__extracted_at__isnull=False)
        return waiting.filter(article__source__extracted_at__lt=before) if before else waiting


class OutletEntry(models.Model):
    """One story an outlet listed, seen once: a poll that sees it again makes
    nothing new. `refusal` says why a link was not followed."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="entries")
    url = models.CharField(max_length=2000)
    title = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    article = models.OneToOneField(
        "Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="outlet_entry"
    )
    refusal = models.TextField(blank=True)
    seen_at = models.DateTimeField(default=timezone.now)
    spotted_at = models.DateTimeField(null=True, blank=True)

    objects = OutletEntryQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outlet", "url"], name="outlet_entry_seen_once")]
        verbose_name_plural = "outlet entries"

    def __str__(self) -> str:
        return self.url


class NewsSentenceQuerySet(models.QuerySet):
    def for_list(self, *, outlet: int | None = None, dismissed: bool = False) -> NewsSentenceQuerySet:
        """Best first (score, then newest), with what each row shows."""
        rows = self if dismissed else self.filter(dismissed_at=None)
        if outlet:
            rows = rows.filter(outlet_id=outlet)
        related = ("article", "outlet", "claim", "dismissed_by")
        # A claim made from the same sentence on the article's page counts too.
        made_there = apps.get_model("claims", "SentenceClaim").objects.filter(
            article_id=OuterRef("article_id"), start=OuterRef("start"), sentence=OuterRef("sentence")
        )
        rows = rows.annotate(claim_made_there=Subquery(made_there.values("claim_id")[:1]))
        return rows.select_related(*related).order_by("-score", "-spotted_at", "-pk")


class NewsSentence(models.Model):
    """A check-worthy sentence spotted in a story from a watched outlet, for
    the desk's "From the news" list until a claim is made of it or it is
    dismissed. `start` is where it starts in the article's spotted text, as
    on the article's page."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="news_sentences")
    outlet = models.ForeignKey(Outlet, null=True, on_delete=models.SET_NULL, related_name="sentences")
    start = models.PositiveIntegerField()
    sentence = models.TextField()
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list, blank=True)
    claimant = models.CharField(max_length=200, blank=True, help_text="A guess from the attribution.")
    spotted_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claim = models.ForeignKey("Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = NewsSentenceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "start"], name="news_sentence_once")]
        indexes = [
            models.Index(
                fields=["-score", "-spotted_at", "-id"], condition=Q(dismissed_at__isnull=True), name="news_best"
            ),
            models.Index(fields=["outlet", "-score", "-spotted_at", "-id"], name="news_best_by_outlet"),
        ]

    def __str__(self) -> str:
        return self.sentence[:80]

    def dismiss(self, *, by: AbstractBaseUser) -> None:
        """Hidden from the list (its "include dismissed" view shows it, with who and when)."""
        NewsSentence.objects.filter(pk=self.pk, dismissed_at=None).update(dismissed_at=timezone.now(), dismissed_by=by)
        self.refresh_from_db()

    def make_claim(self, *, by: AbstractBaseUser, **fields: Any) -> Claim:
        """A claim from this sentence, through the article's sentence-to-claim
        flow (so its page shows the sentence as done); SentenceRefused as there."""
        with transaction.atomic():
            claim = self.article.claim_sentence(by=by, start=self.start, sentence=self.sentence, **fields)
            NewsSentence.objects.filter(pk=self.pk).update(claim=claim)
        self.claim = claim
        return claim


def announce_news(article_ids: Iterable[int]) -> None:
    """Once the transaction commits, announce which of these articles came
    from a watched outlet and have their text now, for the worker to spot
    (claims.monitoring.tasks listens); other articles cost one query."""
    ids = list(OutletEntry.objects.filter(article_id__in=list(article_ids)).values_list("article_id", flat=True))
    if ids:
        transaction.on_commit(partial(jobs_waiting.send, sender=NewsSentence, ids=ids), robust=True)
