from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import cached_property, partial
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import RegexValidator
from django.db import connection, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from claims import workflow
from claims.workflow import State

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class ArticleQuerySet(models.QuerySet):
    def add(self, *, by: AbstractBaseUser, **fields: Any) -> Article:
        """A new article. Given a URL, its page is fetched through the same
        guarded worker as cited sources, and what the desk left blank is filled
        from it once extracted (at once, if a claim already cited that page);
        until then an untitled article goes by its URL."""
        url = fields.get("url", "")
        if url and not fields.get("title"):
            fields["title"] = url[:300]
        with transaction.atomic():  # the fetch job is sent once the article points at its source
            article = self.create(created_by=by, source=Source.for_url(url) if url else None, **fields)
        if article.source is not None and article.source.extracted_at is not None:
            article.fill_from_page()
        return article


class Article(models.Model):
    """Where claims appeared: a news story, transcript or post."""

    title = models.CharField(max_length=300)
    outlet = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    body = models.TextField(blank=True)
    source = models.ForeignKey(
        "Source",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="The article's URL, fetched and extracted like a cited source.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("desk:article", args=[self.pk])

    @property
    def awaits_page(self) -> bool:
        """Its URL is still being fetched or extracted."""
        return self.source is not None and not self.source.is_settled

    def fill_from_page(self) -> None:
        """Fill the fields left blank (the title, while it is still the URL it
        was given) from the extracted page; never what a person typed."""
        page = self.source
        found = {
            "title": page.title[:300] if self.title in ("", self.url[:300]) else "",
            "outlet": page.site_name[:200] if not self.outlet else "",
            "author": page.author[:200] if not self.author else "",
            "published_on": page.published_on if self.published_on is None else None,
            "body": page.text if not self.body else "",
        }
        changed = [name for name, value in found.items() if value]
        for name in changed:
            setattr(self, name, found[name])
        if changed:
            self.save(update_fields=changed)


def claimant_key(name: str) -> str:
    """The spelling-insensitive key of a speaker's name: case, spacing and
    punctuation do not make two people. Titles do ("Lt Gen Asim Bajwa" vs
    "Asim Bajwa"): an editor merges those, because only a person can tell."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


class Claimant(models.Model):
    """Who said it, normalized, so one person's record can be read in one place."""

    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="aliases")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:claimant", args=[self.slug])

    @classmethod
    def for_name(cls, name: str) -> Claimant | None:
        key = claimant_key(name)
        if not key:
            return None
        claimant, _ = cls.objects.get_or_create(
            key=key,
            defaults={"name": name.strip(), "slug": f"{slugify(name)[:100] or 'claimant'}-{secrets.token_hex(2)}"},
        )
        # A merged name keeps its row (so it is recognised next time) and
        # points at the person it was merged into.
        return claimant.merged_into or claimant

    def merge_into(self, target: Claimant) -> int:
        """Fold this claimant into `target`; returns how many claims moved."""
        with transaction.atomic():
            # Re-read both under lock: two editors merging A into B and B into A
            # at once must not make a cycle.
            locked = {c.pk: c for c in Claimant.objects.select_for_update().filter(pk__in=[self.pk, target.pk])}
            if target.pk == self.pk or locked[target.pk].merged_into_id or locked[self.pk].merged_into_id:
                raise ValueError("Merge two claimants that have not themselves been merged.")
            # Touching updated_at moves the public pages' Last-Modified too.
            moved = Claim.objects.filter(speaker=self).update(speaker=target, updated_at=timezone.now())
            Claimant.objects.filter(merged_into=self).update(merged_into=target)
            self.merged_into = target
            self.save(update_fields=["merged_into"])
        return moved


class ClaimQuerySet(models.QuerySet):
    def add(self, *, by: AbstractBaseUser, **fields: Any) -> Claim:
        """A new claim, submitted to the desk, with its first activity row."""
        with transaction.atomic():
            claim = self.create(created_by=by, speaker=Claimant.for_name(fields.get("claimant", "")), **fields)
            claim.log(by, "created", note=claim.text)
        return claim

    def open(self) -> ClaimQuerySet:
        return self.filter(state__in=workflow.OPEN_STATES)

    def researched_by(self, user: AbstractBaseUser) -> ClaimQuerySet:
        return self.filter(assignee=user, state__in=workflow.RESEARCH_STATES)

    def overdue(self, today: date | None = None) -> ClaimQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def needing_reviewer(self, user: AbstractBaseUser) -> ClaimQuerySet:
        """In review, nobody asked to review it, and not researched by `user`."""
        return self.filter(state=State.IN_REVIEW, reviewer=None).exclude(assignee=user)

    def search(self, text: str) -> ClaimQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(text__icontains=text) | Q(claimant__icontains=text))

    def queue_order(self) -> ClaimQuerySet:
        return self.order_by("priority", models.F("due_on").asc(nulls_last=True), "-created_at", "-pk")

    def for_list(self) -> ClaimQuerySet:
        return self.select_related("assignee", "reviewer", "article").only(
            "pk",
            "slug",
            "text",
            "claimant",
            "state",
            "priority",
            "due_on",
            "created_at",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
            "reviewer__username",
            "reviewer__first_name",
            "reviewer__last_name",
            "article__title",
        )


class Claim(models.Model):
    """One checkable statement, as said. The unit of work."""

    class Priority(models.IntegerChoices):
        HIGH = 1, "High"
        NORMAL = 2, "Normal"
        LOW = 3, "Low"

    text = models.TextField()
    claimant = models.CharField(max_length=200, blank=True, help_text="Who said it, as the article names them.")
    speaker = models.ForeignKey(
        Claimant, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims", help_text="Normalized."
    )
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims")
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_claims"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_claims"
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    due_on = models.DateField(null=True, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retraction_note = models.TextField(blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Counts transitions, so a form from before one is known to be stale."
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["state", "priority", "due_on"], name="claim_queue"),
            models.Index(fields=["assignee", "state"], name="claim_assignee_state"),
            models.Index(fields=["reviewer", "state"], name="claim_reviewer_state"),
            models.Index(fields=["claimant"], name="claim_claimant"),
            # Public pages: the list and claimant pages by publication, and the
            # freshness checks and partner JSON by last change.
            models.Index(fields=["speaker", "state", "-published_at"], name="claim_speaker_published"),
            models.Index(fields=["state", "-published_at"], name="claim_public_list"),
            models.Index(fields=["state", "-updated_at"], name="claim_state_updated"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            # The random tail keeps slugs unique without a second query or write.
            self.slug = f"{slugify(self.text)[:80].strip('-') or 'claim'}-{secrets.token_hex(3)}"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("desk:claim", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_on and self.state in workflow.OPEN_STATES and self.due_on < timezone.localdate())

    @cached_property
    def current_verdict(self) -> Verdict | None:
        return self.verdicts.select_related("rating").order_by("-version").first()

    def available_actions(self, user: AbstractBaseUser) -> list[tuple[workflow.Action, str]]:
        return workflow.available_actions(self, user)

    # --- The workflow. Each method locks the row, checks, changes, logs.

    def transition(
        self,
        action_name: str,
        *,
        by: AbstractBaseUser,
        expected_state: str | None,
        expected_revision: int | None = None,
        params: workflow.Params | None = None,
    ) -> Claim:
        """Take `action_name` as `by`, if the claim is still in `expected_state`
        and has seen no transition since `expected_revision` (the page's view).

        Returns the claim as it now is; raises a `workflow.WorkflowError` (and
        changes nothing) when the action is unknown, not permitted, not ready,
        or the claim moved since the caller looked at it."""
        action = workflow.ACTIONS.get(action_name)
        if action is None:
            raise workflow.NotPermitted(f"There is no action called “{action_name}”.")
        params = params or workflow.Params()
        with transaction.atomic():
            claim = Claim.objects.select_related("assignee", "reviewer").select_for_update(of=("self",)).get(pk=self.pk)
            # The revision catches what the state cannot: a reassignment or a
            # correction leaves the state as it was.
            if (expected_state is not None and claim.state != expected_state) or (
                expected_revision is not None and claim.revision != expected_revision
            ):
                raise workflow.StaleState(claim.moved_message(expected_state or claim.state))
            refusal = action.refusal(claim, by, params)
            if refusal:
                raise refusal
            from_state = claim.state
            if action.effect:
                action.effect(claim, by, params)
            if action.target:
                claim.state = action.target
            claim.revision += 1
            claim.save()
            note = params.note or (f"To {workflow.display_name(params.person)}." if params.person else "")
            claim.log(by, action.name, note=note, from_state=from_state)
            if action.event:
                from claims.publishing import claim_review

                WebhookDelivery.queue_for(claim, action.event, lambda: claim_review(claim))
        return claim

    def moved_message(self, expected_state: str) -> str:
        last = self.activities.exclude(actor=None).select_related("actor").order_by("-created_at", "-pk").first()
        who = f" by {workflow.display_name(last.actor)}" if last else ""
        if expected_state == self.state:
            moved = f"it is still {self.get_state_display().lower()}, but {last.label.lower() if last else 'it moved'}"
        else:
            moved = f"it was {State(expected_state).label.lower()}, it is now {self.get_state_display().lower()}"
        return (
            f"This claim changed{who} while you were looking: {moved}. Nothing was changed; here is its current state."
        )

    def log(self, actor: AbstractBaseUser | None, action: str, *, note: str = "", from_state: str = "") -> Activity:
        return Activity.objects.create(
            claim=self, actor=actor, action=action, from_state=from_state or self.state, to_state=self.state, note=note
        )

    def publish_current_verdict(self) -> None:
        now = timezone.now()
        verdict = self.current_verdict
        verdict.published_at = now
        verdict.save(update_fields=["published_at", "updated_at"])
        self.published_at = self.published_at or now

    def add_verdict_version(
        self,
        *,
        author: AbstractBaseUser,
        rating: Rating,
        summary: str,
        explanation: str = "",
        correction_note: str = "",
    ) -> Verdict:
        previous = self.current_verdict
        verdict = Verdict.objects.create(
            claim=self,
            version=(previous.version + 1) if previous else 1,
            rating=rating,
            summary=summary,
            explanation=explanation,
            author=author,
            correction_note=correction_note,
            published_at=timezone.now(),
        )
        self.__dict__["current_verdict"] = verdict
        return verdict

    def retract(self, note: str) -> None:
        self.retracted_at = timezone.now()
        self.retraction_note = note

    # --- Research: evidence, the draft verdict, comments. Not transitions,
    # but checked against the state in the database all the same.

    def _locked_for(self, user: AbstractBaseUser, refusal: Any) -> Claim:
        claim = Claim.objects.select_related("assignee").select_for_update(of=("self",)).get(pk=self.pk)
        error = refusal(claim, user)
        if error:
            raise error
        return claim

    def save_draft_verdict(
        self, *, by: AbstractBaseUser, rating: Rating, summary: str, explanation: str, based_on: int | None
    ) -> Verdict:
        """Write the draft verdict. `based_on` is the draft's `revision` the
        form was drawn from, so two people editing at once cannot silently
        overwrite each other."""
        with transaction.atomic():
            claim = self._locked_for(by, workflow.research_refusal)
            draft = claim.current_verdict
            if draft is not None and draft.revision != based_on:
                raise workflow.StaleState(
                    f"{workflow.display_name(draft.author)} saved the draft verdict while you were editing it. "
                    "Nothing was changed; here is their version."
                )
            if draft is None:
                draft = Verdict(claim=claim, version=1, revision=0)
            draft.rating = rating
            draft.summary = summary
            draft.explanation = explanation
            draft.author = by
            draft.revision += 1
            draft.save()
            claim.log(by, "verdict_saved", note=f"{rating.label}: {summary}")
        return draft

    def add_evidence(self, *, by: AbstractBaseUser, url: str = "", **fields: Any) -> Evidence:
        with transaction.atomic():
            claim = self._locked_for(by, workflow.research_refusal)
            source = Source.for_url(url) if url else None
            evidence = Evidence.objects.create(claim=claim, source=source, added_by=by, **fields)
            claim.log(by, "evidence_added", note=evidence.describe())
        return evidence

    def remove_evidence(self, *, by: AbstractBaseUser, evidence_id: int) -> None:
        with transaction.atomic():
            claim = self._locked_for(by, workflow.research_refusal)
            evidence = claim.evidence.select_related("source").filter(pk=evidence_id).first()
            if evidence is None:
                raise workflow.StaleState("That piece of evidence was already removed.")
            evidence.delete()
            claim.log(by, "evidence_removed", note=evidence.describe())

    def refetch_source(self, *, by: AbstractBaseUser, evidence_id: int) -> bool:
        """Fetch again the source a piece of this claim's evidence cites, and
        log who asked; False if a fetch of it is already under way."""
        with transaction.atomic():
            evidence = self.evidence.select_related("source").filter(pk=evidence_id, source__isnull=False).first()
            if evidence is None:
                raise workflow.StaleState("That piece of evidence was removed.")
            if not evidence.source.refetch():
                return False
            self.log(by, "source_refetch", note=evidence.source.url)
        return True

    def comment(self, *, by: AbstractBaseUser, text: str) -> Activity:
        error = workflow.comment_refusal(self, by)
        if error:
            raise error
        return self.log(by, "comment", note=text)


class Rating(models.Model):
    """One step of the verdict scale, managed by editors."""

    label = models.CharField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(help_text="1 is the truest end of the scale.")
    colour = models.CharField(
        max_length=7, default="#777777", validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1a7f37.")]
    )
    value = models.SmallIntegerField(null=True, blank=True, help_text="Numeric value for ClaimReview (optional).")
    retired = models.BooleanField(default=False, help_text="Retired ratings stay on old verdicts but cannot be chosen.")

    class Meta:
        ordering = ("order", "pk")

    def __str__(self) -> str:
        return self.label


class Verdict(models.Model):
    """The conclusion on a claim. Published versions are never changed: a
    correction adds a new version with a dated note."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="verdicts")
    version = models.PositiveIntegerField(default=1)
    rating = models.ForeignKey(Rating, null=True, on_delete=models.PROTECT, related_name="verdicts")
    summary = models.CharField(max_length=300)
    explanation = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    correction_note = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=1, help_text="Counts saves of a draft, to catch stale forms.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "version"], name="verdict_version_unique")]
        ordering = ("claim", "version")

    def __str__(self) -> str:
        return f"{self.rating}: {self.summary}"


def normalize_url(url: str) -> str:
    """One spelling per address, so every claim citing a page shares its Source:
    lower-case scheme and host, no default port, no fragment, no tracking tags."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6
    port = parts.port
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")])
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


class SourceQuerySet(models.QuerySet):
    def due_for_sweep(self, now: datetime) -> SourceQuerySet:
        """Pending rows whose job may have been lost: the broker was down when
        they were cited, or their retry is overdue."""
        grace = now - timedelta(seconds=settings.FETCH_SWEEP_GRACE)
        return self.filter(
            Q(retry_at__isnull=True, updated_at__lt=grace) | Q(retry_at__lt=grace), status=Source.Status.PENDING
        )

    def stuck(self, now: datetime) -> SourceQuerySet:
        """Rows a worker took but never finished: it died mid-fetch."""
        return self.filter(
            status=Source.Status.FETCHING, updated_at__lt=now - timedelta(seconds=settings.FETCH_STUCK_AFTER)
        )

    def awaiting_extraction(self, now: datetime) -> SourceQuerySet:
        """Fetched, but the extraction job was lost."""
        grace = now - timedelta(seconds=settings.FETCH_SWEEP_GRACE)
        return self.filter(status=Source.Status.FETCHED, extracted_at=None, updated_at__lt=grace)

    def cited_by(self, states: Iterable[str]) -> SourceQuerySet:
        """Sources that claims in `states` cite (one row each)."""
        cited = Evidence.objects.filter(source=models.OuterRef("pk"), claim__state__in=states)
        return self.filter(models.Exists(cited))

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
            enqueue_fetches_on_commit(ids)
        return ids


def release_connection() -> None:
    """Give this thread's database connection back to the pool before a wait
    on the network, so a pool smaller than a worker's concurrency serves all
    of it (unless a caller's transaction holds the connection)."""
    if not connection.in_atomic_block:
        connection.close()


def enqueue_fetches_on_commit(source_ids: list[int]) -> None:
    from claims.tasks import enqueue_fetches

    # robust: a broker that is down must not undo the saved evidence; the rows
    # stay pending and the sweeper enqueues them later.
    if source_ids:
        transaction.on_commit(partial(enqueue_fetches, source_ids), robust=True)


class Source(models.Model):
    """A cited URL, one row per normalized URL, shared by every claim citing it.
    Its fetch job's state lives here, not in Celery."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        FETCHING = "fetching", "Fetching"
        FETCHED = "fetched", "Fetched"
        FAILED = "failed", "Failed"
        BLOCKED = "blocked", "Blocked"

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
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Fetch jobs that took this row, ever: the token of the job that holds it."
    )
    retries = models.PositiveSmallIntegerField(
        default=0, help_text="Transient failures in a row since the last outcome or request: the retry budget."
    )
    retry_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When a fetch last came to an outcome, whatever it was."
    )
    last_error = models.TextField(blank=True)
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a re-fetch found different content, or found the page gone."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SourceQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status", "updated_at"], name="source_status_updated")]

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
        """The Source for `url`, made `pending` (and its fetch enqueued once the
        transaction commits) if it is new."""
        source, created = cls.objects.get_or_create(url=normalize_url(url))
        if created:
            enqueue_fetches_on_commit([source.pk])
        return source

    def claim_for_fetch(self) -> bool:
        """Take this source's fetch job; False if another worker has it or it is
        done. A row stuck in `fetching` (its worker died) may be taken again.
        The status and attempt count read with the row are the compare-and-set:
        a job taken since then has raised the count, and this UPDATE matches
        nothing."""
        now = timezone.now()
        stuck_since = now - timedelta(seconds=settings.FETCH_STUCK_AFTER)
        stuck = self.status == self.Status.FETCHING and self.updated_at < stuck_since
        # A copy that arrives before a retry's backoff is over leaves it to the
        # job sent for that time (a little early is clock skew between hosts).
        waiting = self.retry_at is not None and self.retry_at > now + timedelta(seconds=2)
        if not (self.status == self.Status.PENDING and not waiting) and not stuck:
            return False
        as_read = Source.objects.filter(pk=self.pk, status=self.status, attempts=self.attempts)
        if not as_read.update(status=self.Status.FETCHING, attempts=self.attempts + 1, updated_at=now, retry_at=None):
            return False
        self.status, self.attempts, self.updated_at, self.retry_at = self.Status.FETCHING, self.attempts + 1, now, None
        return True

    def _record(self, **fields: Any) -> bool:
        """Write this job's outcome, only while the job still holds the row: a
        worker that overran its deadline, whose row the sweeper gave to another,
        must not overwrite that worker's result."""
        fields["updated_at"] = timezone.now()
        held = Source.objects.filter(pk=self.pk, status=self.Status.FETCHING, attempts=self.attempts)
        if not held.update(**fields):
            return False
        for name, value in fields.items():
            setattr(self, name, value)
        return True

    def fetch_now(self) -> bool:
        """Fetch and store the bytes; True if they were recorded and await
        extraction. The caller holds the job (see `claim_for_fetch`) and queues
        the extraction apart: it is CPU work, and would starve the fetch threads
        of the interpreter. A transient failure is raised for the caller to
        retry; anything else is recorded on the row."""
        from claims import fetching

        release_connection()
        try:
            fetched = fetching.fetch(self.url)
        except fetching.BlockedURL as error:
            self.record_failure(self.Status.BLOCKED, str(error))
            return False
        except fetching.FetchError as error:
            if error.transient:
                raise
            self.record_failure(self.Status.FAILED, str(error), http_status=error.status)
            return False
        return self.record_fetched(fetched)

    def record_fetched(self, fetched: Any) -> bool:
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
                back = self._record(
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
                kept = self._record(
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
            recorded = self._record(
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

    def extract_now(self) -> None:
        """Title, metadata and main text from the stored snapshot, and every
        citing quote checked against that text. A stored copy that cannot be
        read leaves the source without text, like a page with none."""
        from claims import extraction

        try:
            with self.open_stored_copy() as original:
                body = original.read()
        except (OSError, EOFError, ValueError):
            log.warning("the stored copy of source %s cannot be read", self.pk, exc_info=True)
            body = b""
        self.record_extracted(
            extraction.extract(body, self.content_type, self.final_url or self.url, self.charset or None)
        )

    @contextmanager
    def open_stored_copy(self) -> Iterator[IO[bytes]]:
        """The stored copy (see `store_snapshot`), decompressed as it is read:
        the bytes as fetched. Raises FileNotFoundError when storage lost it."""
        with default_storage.open(self.snapshot.name, "rb") as stored, gzip.GzipFile(fileobj=stored) as original:
            yield original

    def record_extracted(self, extracted: Any) -> None:
        """Save what extraction found (an empty `Extracted` when the page
        could not be read in time) and check the citing quotes against it."""
        from claims.quotes import check_quotes

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
            for article in self.articles.all():
                article.source = self
                article.fill_from_page()

    def record_failure(self, status: str, message: str, http_status: int | None = None) -> None:
        was_fetched = bool(self.fetched_at)
        with transaction.atomic():
            recorded = self._record(
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

    def schedule_retry(self, message: str, delay: float) -> bool:
        """Back to pending after a transient failure; the task retries after
        `delay` seconds and the sweeper if that message is lost. False if this
        job no longer holds the row."""
        retry_at = timezone.now() + timedelta(seconds=delay)
        return self._record(status=self.Status.PENDING, last_error=message, retry_at=retry_at, retries=self.retries + 1)

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
        # Table names from the models; every value a parameter.
        sql = (
            f"INSERT INTO {Activity._meta.db_table} (claim_id, action, from_state, to_state, note, created_at) "  # noqa: S608
            f"SELECT DISTINCT claim_id, %s, '', '', %s, %s FROM {Evidence._meta.db_table} WHERE source_id = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [action, note, connection.ops.adapt_datetimefield_value(timezone.now()), self.pk])


def store_snapshot(body: bytes, sha256: str) -> str:
    """Store the bytes as fetched, gzip-compressed, named by their SHA-256, so
    the same bytes fetched twice (or cited by two sources) are stored once."""
    name = f"snapshots/{sha256[:2]}/{sha256}.gz"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(gzip.compress(body, compresslevel=6, mtime=0)))
    return name


class Evidence(models.Model):
    """A claim citing a source (or an offline source) with the quoted passage."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        CONTRADICTS = "contradicts", "Contradicts"
        CONTEXT = "context", "Context"

    class QuoteCheck(models.TextChoices):
        UNCHECKED = "unchecked", "Not checked yet"
        FOUND = "found", "Found in source"
        CLOSE = "close", "Close match in source"
        NOT_FOUND = "not_found", "Not found in source"
        NOT_CHECKABLE = "not_checkable", "Cannot be checked"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    offline_source = models.CharField(max_length=300, blank=True, help_text="An interview, a document, a call.")
    quote = models.TextField(blank=True)
    note = models.TextField(blank=True)
    stance = models.CharField(max_length=12, choices=Stance.choices, default=Stance.CONTEXT)
    quote_check = models.CharField(max_length=14, choices=QuoteCheck.choices, default=QuoteCheck.UNCHECKED)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        where = self.source.url if self.source_id else self.offline_source
        return f"{self.get_stance_display()}: {where}"


class ActivityQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The activity log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The activity log is append-only.")


class Activity(models.Model):
    """The append-only log of everything done to a claim. A claim with a log
    cannot be deleted (reject or retract it instead)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="activities")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["claim", "-created_at"], name="activity_claim_time")]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.action} on {self.claim_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The activity log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The activity log is append-only.")

    @property
    def is_transition(self) -> bool:
        return self.action in workflow.ACTIONS

    @property
    def label(self) -> str:
        return ACTIVITY_LABELS.get(self.action, self.action.replace("_", " ").capitalize())


ACTIVITY_LABELS = {
    "created": "Added the claim",
    "comment": "Commented",
    "evidence_added": "Added evidence",
    "evidence_removed": "Removed evidence",
    "verdict_saved": "Saved the draft verdict",
    "source_fetched": "Source fetched",
    "source_failed": "Source fetch failed",
    "source_changed": "Source changed",
    "source_dead": "Source no longer answers",
    "source_refetch": "Asked to fetch a source again",
    "take": "Took the claim",
    "assign": "Assigned the claim",
    "reassign": "Reassigned the claim",
    "reject": "Rejected the claim",
    "reopen": "Reopened the claim",
    "start": "Started research",
    "submit": "Submitted for review",
    "request_changes": "Requested changes",
    "approve": "Approved",
    "publish": "Published the verdict",
    "send_back": "Sent it back to research",
    "correct": "Corrected the verdict",
    "retract": "Retracted the verdict",
}


class Webhook(models.Model):
    """A partner's URL that is told when a verdict is published, corrected or
    retracted. Deliveries go through the same guarded fetcher as sources."""

    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=64, default=partial(secrets.token_hex, 32), editable=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.url

    def sign(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookDelivery(models.Model):
    """One POST of one event to one webhook, with the exact bytes sent, so a
    retry sends the same body and signature. Like a Source, its job's state is
    on the row and a worker claims it with a conditional UPDATE."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=20)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "updated_at"], name="delivery_status_updated")]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook_id}"

    @classmethod
    def queue_for(cls, claim: Claim, event: str, payload: Callable[[], dict[str, Any]]) -> list[WebhookDelivery]:
        """A delivery per active webhook, each sent once the transaction
        commits; the payload is built only if there is a webhook to send it to."""
        from claims.tasks import enqueue_delivery

        webhooks = list(Webhook.objects.filter(active=True))
        if not webhooks:
            return []
        body = json.dumps({"event": event, "claimReview": payload()}, sort_keys=True)
        deliveries = cls.objects.bulk_create(
            cls(webhook=webhook, claim=claim, event=event, body=body) for webhook in webhooks
        )
        for delivery in deliveries:
            transaction.on_commit(partial(enqueue_delivery, delivery.pk), robust=True)
        return deliveries

    def claim_for_sending(self) -> bool:
        """Take this delivery; False if another worker has it, it is done, or
        its retry's backoff is not over (a copy the sweeper sent leaves it to
        the job sent for that time; a little early is clock skew). The attempt
        count read with the row is the compare-and-set, as for sources."""
        now = timezone.now()
        due = Q(retry_at__isnull=True) | Q(retry_at__lte=now + timedelta(seconds=2))
        as_read = WebhookDelivery.objects.filter(due, pk=self.pk, status=self.Status.PENDING, attempts=self.attempts)
        if not as_read.update(status=self.Status.SENDING, attempts=self.attempts + 1, updated_at=now, retry_at=None):
            return False
        self.status, self.attempts, self.updated_at, self.retry_at = self.Status.SENDING, self.attempts + 1, now, None
        return True

    def deliver(self) -> None:
        """POST the body, signed; a transient failure is raised for the task to
        retry, anything else is recorded. The caller holds the delivery."""
        from claims import fetching

        if not self.webhook.active:
            self.record(self.Status.FAILED, error="The webhook was switched off.")
            return
        body = self.body.encode()
        headers = {
            "Content-Type": "application/json",
            "X-Factcheck-Event": self.event,
            "X-Factcheck-Delivery": str(self.pk),
            "X-Factcheck-Signature": self.webhook.sign(body),
        }
        release_connection()
        try:
            response = fetching.fetch(self.webhook.url, method="POST", data=body, headers=headers)
        except fetching.BlockedURL as error:
            self.record(self.Status.FAILED, error=str(error))
            return
        except fetching.FetchError as error:
            if error.transient:
                raise
            self.record(self.Status.FAILED, http_status=error.status, error=str(error))
            return
        self.record(self.Status.DELIVERED, http_status=response.status)

    def record(
        self, status: str, *, http_status: int | None = None, error: str = "", retry_in: float | None = None
    ) -> bool:
        """Record the outcome of this worker's attempt; False, and nothing
        changed, for a late worker that no longer holds the delivery (the
        sweeper gave it to another)."""
        now = timezone.now()
        held = WebhookDelivery.objects.filter(pk=self.pk, status=self.Status.SENDING, attempts=self.attempts)
        return bool(
            held.update(
                status=status,
                http_status=http_status,
                last_error=error,
                updated_at=now,
                retry_at=now + timedelta(seconds=retry_in) if retry_in is not None else None,
                delivered_at=now if status == self.Status.DELIVERED else None,
            )
        )
