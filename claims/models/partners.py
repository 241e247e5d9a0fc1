"""Other fact-checkers' verdicts: the partner sources editors add, and the
ClaimReviews imported from them.

An ExternalVerdict is someone else's conclusion, kept to show beside our own
"checked before?" matches with its organization and a link out; it is never
one of our verdicts and never reaches a public page. A partner source's
refresh is a row-held job: `take()` claims it with a conditional UPDATE of
`due_at`, so two workers (or a beat tick and "refresh now") never import the
same source at once, and the outcome is recorded on the row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_CLAIM_CHARS = 2_000
MAX_URL_CHARS = 2_000
MAX_NAME_CHARS = 200
GOOGLE_NAME = "Google Fact Check Tools"


@dataclass(frozen=True)
class ReviewEntry:
    """One ClaimReview as read from a partner, checked and cut to our fields."""

    claim_text: str
    rating: str
    review_url: str
    organization: str
    claimant: str = ""
    reviewed_on: date | None = None


class PartnerSourceQuerySet(models.QuerySet):
    def due(self, now: timezone.datetime | None = None) -> PartnerSourceQuerySet:
        """Sources refreshed on a schedule whose time has come (the Google
        source is asked per claim, not refreshed)."""
        return self.exclude(kind=PartnerSource.Kind.GOOGLE).filter(due_at__lte=now or timezone.now())

    def with_counts(self) -> PartnerSourceQuerySet:
        return self.annotate(verdict_count=Count("verdicts")).order_by("name", "pk")


class PartnerSource(models.Model):
    class Kind(models.TextChoices):
        VERDICTS_JSON = "verdicts-json", _("A /verdicts.json-style feed")
        CLAIMREVIEW_PAGES = "claimreview-pages", _("Pages with ClaimReview markup")
        GOOGLE = "google-factcheck", _("Google Fact Check Tools")

    name = models.CharField(_("name"), max_length=MAX_NAME_CHARS)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # One address a line: the feed's first page, or each page to read.
    urls = models.TextField(_("addresses"), blank=True)
    refresh_hours = models.PositiveIntegerField(_("refresh every (hours)"), default=24)
    due_at = models.DateTimeField(default=timezone.now)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    # Why the last refresh was refused, in words an editor can act on; empty
    # when it went through.
    last_error = models.TextField(blank=True)
    # What the last refresh did: counts, and the entries skipped and why.
    last_report = models.TextField(blank=True)
    failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerSourceQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["due_at"], name="partner_due")]

    def __str__(self) -> str:
        return self.name

    @property
    def url_list(self) -> list[str]:
        return [line.strip() for line in self.urls.splitlines() if line.strip()]

    @classmethod
    def google(cls) -> PartnerSource:
        """The one source the Google Fact Check Tools results are kept under."""
        source, _created = cls.objects.get_or_create(kind=cls.Kind.GOOGLE, defaults={"name": GOOGLE_NAME})
        return source

    def take(self, now: timezone.datetime | None = None) -> bool:
        """Claim this refresh if it is due and nobody else has: the next
        refresh is set a period on, in the same UPDATE."""
        now = now or timezone.now()
        taken = PartnerSource.objects.filter(pk=self.pk, due_at__lte=now).update(
            due_at=now + timedelta(hours=self.refresh_hours)
        )
        return taken == 1

    def make_due(self) -> None:
        PartnerSource.objects.filter(pk=self.pk).update(due_at=timezone.now())

    def record_refresh(self, report: str) -> None:
        PartnerSource.objects.filter(pk=self.pk).update(
            last_refreshed_at=timezone.now(), last_error="", last_report=report, failures=0
        )

    def record_failure(self, reason: str) -> None:
        """A refused or failed refresh: the reason for editors, and a longer
        wait each time in a row (up to a week), so a dead source is not asked
        every period for ever."""
        failures = self.failures + 1
        wait = min(timedelta(hours=self.refresh_hours) * 2 ** min(failures - 1, 10), timedelta(days=7))
        PartnerSource.objects.filter(pk=self.pk).update(
            last_error=reason[:2_000], failures=failures, due_at=timezone.now() + wait
        )


class ExternalVerdictQuerySet(models.QuerySet):
    def search(self, query: str) -> ExternalVerdictQuerySet:
        query = query.strip()
        if not query:
            return self
        return self.filter(
            Q(claim_text__icontains=query) | Q(organization__icontains=query) | Q(claimant__icontains=query)
        )

    def upsert(self, partner: PartnerSource, entries: Iterable[ReviewEntry]) -> tuple[int, int]:
        """Store `entries` for `partner`, one row per review URL: a new one
        added, a known one brought up to date. Returns (added, updated)."""
        by_url = {entry.review_url: entry for entry in entries}  # the last word on a URL wins
        if not by_url:
            return 0, 0
        now = timezone.now()
        rows = [
            ExternalVerdict(
                partner=partner,
                claim_text=entry.claim_text,
                claimant=entry.claimant,
                rating=entry.rating,
                review_url=entry.review_url,
                organization=entry.organization,
                reviewed_on=entry.reviewed_on,
                imported_at=now,
                updated_at=now,
            )
            for entry in by_url.values()
        ]
        with transaction.atomic():
            known = set(self.filter(partner=partner, review_url__in=list(by_url)).values_list("review_url", flat=True))
            self.bulk_create(
                rows,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["partner", "review_url"],
                update_fields=["claim_text", "claimant", "rating", "organization", "reviewed_on", "updated_at"],
            )
        return len(by_url) - len(known), len(known)

    def withdraw(self, partner: PartnerSource, review_urls: Iterable[str]) -> int:
        """Drop reviews the partner retracted."""
        deleted, _by_model = self.filter(partner=partner, review_url__in=list(review_urls)).delete()
        return deleted


class ExternalVerdict(models.Model):
    """Another fact-checker's verdict on a claim, as their ClaimReview says it."""

    partner = models.ForeignKey(PartnerSource, on_delete=models.CASCADE, related_name="verdicts")
    claim_text = models.TextField()
    claimant = models.CharField(max_length=MAX_NAME_CHARS, blank=True)
    rating = models.CharField(max_length=MAX_NAME_CHARS)
    review_url = models.URLField(max_length=MAX_URL_CHARS)
    organization = models.CharField(max_length=MAX_NAME_CHARS)
    reviewed_on = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ExternalVerdictQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "review_url"], name="external_verdict_url")]
        # The desk's list, newest first.
        indexes = [models.Index(fields=["-updated_at", "-id"], name="external_verdict_newest")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.rating}"
