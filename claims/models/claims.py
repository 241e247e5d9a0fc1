"""Claims: the unit of work, its queues, what readers may see of it, and the
workflow applied under the row lock.

`Claim.transition()` is the one way a claim changes state, whoever calls it
(a desk view, the admin, the shell, `seed_demo`): it locks the row, checks the
action against `claims.workflow`, applies it, logs it, and records its
consequences in the same transaction (`_after_transition`): rows that later
jobs act on once it commits. Nothing slow happens under the lock."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import workflow
from claims.models import notifications
from claims.models.activity import Activity
from claims.models.articles import Article, Claimant
from claims.models.claim_counts import counting_triggers
from claims.models.claim_edits import ClaimEdits
from claims.models.claim_indexes import claim_indexes
from claims.models.claim_queries import ClaimQuerySet
from claims.models.signoff import SignOff
from claims.models.sources import Evidence, Source
from claims.models.suggestions import tell_on_commit
from claims.models.verdicts import CREDIT_PUBLISHED, CREDIT_REVIEWED, Rating, Verdict, credit, credits_of_correction
from claims.models.webhooks import WebhookDelivery
from claims.workflow import State

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Claim(ClaimEdits, SignOff, models.Model):
    """One checkable statement, as said. The unit of work."""

    class Priority(models.IntegerChoices):
        HIGH = 1, gettext_lazy("High")
        NORMAL = 2, gettext_lazy("Normal")
        LOW = 3, gettext_lazy("Low")

    text = models.TextField()
    claimant = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("Who said it, as the article names them.")
    )
    speaker = models.ForeignKey(
        Claimant, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims", help_text="Normalized."
    )
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims")
    # When and where it was said: its own, for a claim the article reports
    # from elsewhere (a speech, a post); readers and ClaimReview fall back
    # to the article's. The URL is checked by the guard, as every cited one.
    said_on = models.DateField(null=True, blank=True, help_text=gettext_lazy("When it was said."))
    appearance = models.CharField(
        max_length=300, blank=True, help_text=gettext_lazy("Where it was said: a speech, a post.")
    )
    appearance_url = models.CharField(max_length=2000, blank=True)
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
    # When it was first submitted for review: the dashboard's time to publish
    # counts from here to `published_at` (a resubmission keeps the first).
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Its newest published verdict's rating, kept as verdicts are published
    # and corrected (`_rated`): readers filter by it, and a claimant's page
    # counts their ratings, from an index rather than a lookup a claim.
    current_rating = models.ForeignKey(Rating, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    retracted_at = models.DateTimeField(null=True, blank=True)
    retraction_note = models.TextField(blank=True)
    revision = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Counts transitions and edits, so a form from before one is known to be stale."),
    )
    # Readers who suggested it (claims.models.suggestions): the queue can sort by it.
    demand = models.PositiveIntegerField(default=0)
    # A claim the desk had already: set by "mark_duplicate", which closes this one.
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")

    objects = ClaimQuerySet.as_manager()

    class Meta:
        triggers = counting_triggers()  # how many claims in each state (claims.models.claim_counts)
        indexes = claim_indexes()  # one for each list's order and count (claims.models.claim_indexes)

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
    def is_public(self) -> bool:
        """Readers see its verdict (with a notice, once retracted)."""
        return self.state in workflow.PUBLIC_STATES

    @property
    def is_retracted(self) -> bool:
        """Its page stays, with the notice; it leaves lists, feeds, claimant
        pages and search engines' ClaimReview."""
        return self.state == State.RETRACTED

    @property
    def changes_requested(self) -> bool:
        """Sent back to research by its reviewer or an editor: its last
        transition, where the queryset read it (`with_last_transition()`)."""
        return getattr(self, "last_transition", None) in ("request_changes", "send_back")

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_on and self.state in workflow.OPEN_STATES and self.due_on < timezone.localdate())

    # --- Verdicts. The current verdict is the latest published version; the
    # draft is the one being written before the first publication.

    @property
    def versions(self) -> list[Verdict]:
        """The published versions, newest first (prefetched by
        `with_verdicts()`, else read once and kept)."""
        if getattr(self, "published_versions", None) is None:
            queryset = Verdict.objects.published().filter(claim=self).select_related("rating", "author")
            self.published_versions = list(queryset.newest_first())
        return self.published_versions

    @property
    def current_verdict(self) -> Verdict | None:
        return self.versions[0] if self.versions else None

    @property
    def also_said(self) -> list[Any]:
        """Its confirmed repeats (claims.models.repeats), newest first, with
        their articles: where else it was said (prefetched by
        `with_also_said()`, else read once and kept)."""
        if getattr(self, "confirmed_repeats", None) is None:
            self.confirmed_repeats = list(self.repeats.for_readers())
        return self.confirmed_repeats

    @cached_property
    def draft(self) -> Verdict | None:
        return self.verdicts.drafts().select_related("rating", "author").newest_first().first()

    @property
    def first_published_at(self) -> datetime | None:
        return self.published_at or (self.versions[-1].published_at if self.versions else None)

    def load_verdicts(self) -> None:
        """The draft and the published versions in one query (the desk's
        claim page shows both), instead of one query each."""
        every = list(self.verdicts.select_related("rating", "author").newest_first())
        self.published_versions = [verdict for verdict in every if verdict.published_at is not None]
        self.__dict__["draft"] = next((verdict for verdict in every if verdict.published_at is None), None)

    def forget_verdicts(self) -> None:
        """Read the verdicts again next time they are asked for."""
        self.__dict__.pop("draft", None)
        self.published_versions = None

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
            raise workflow.NotPermitted(_("There is no action called “%(action)s”.") % {"action": action_name})
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
            # Read before the effect changes the claim: an approval short of
            # the policy's count is logged, and the claim stays in review.
            reached, note = action.reaches_target(claim, by), action.note(claim, by, params)
            if action.effect:
                action.effect(claim, by, params)
            if action.target and reached:
                claim.state = action.target
            claim.revision += 1
            claim.save()
            claim.log(by, action.name, note=note, from_state=from_state)
            claim._after_transition(action, by)
        return claim

    def _after_transition(self, action: workflow.Action, by: AbstractBaseUser) -> None:
        """The consequences of a transition, in its transaction: rows that jobs
        act on once it commits. Partners hear of what readers see (publish,
        correct, retract); each delivery names the version it tells of; the
        people the action concerns are notified."""
        notifications.after_transition(self, action.name, by)
        if action.event:
            self.forget_verdicts()
            WebhookDelivery.objects.queue(self, action.event, self.current_verdict)
        if action.event == "published":
            tell_on_commit(list(self.suggestions.to_tell().values_list("pk", flat=True)))

    def moved_message(self, expected_state: str) -> str:
        last = self.activities.exclude(actor=None).select_related("actor").order_by("-created_at", "-pk").first()
        values = {
            "who": workflow.display_name(last.actor) if last else "",
            "what": str(last.label).lower() if last else "",
            "was": str(State(expected_state).label).lower(),
            "state": self.get_state_display().lower(),
        }
        # Whole sentences, so a translator can order them as the language needs.
        if expected_state != self.state:
            message = (
                _(
                    "This claim changed by %(who)s while you were looking: it was %(was)s, it is now %(state)s. "
                    "Nothing was changed; here is its current state."
                )
                if last
                else _(
                    "This claim changed while you were looking: it was %(was)s, it is now %(state)s. "
                    "Nothing was changed; here is its current state."
                )
            )
        elif last:
            message = _(
                "This claim changed by %(who)s while you were looking: it is still %(state)s, but %(what)s. "
                "Nothing was changed; here is its current state."
            )
        else:
            message = _(
                "This claim changed while you were looking: it is still %(state)s, but it moved. "
                "Nothing was changed; here is its current state."
            )
        return message % values

    def log(self, actor: AbstractBaseUser | None, action: str, *, note: str = "", from_state: str = "") -> Activity:
        self.forget_signoff()  # who did what changed
        return Activity.objects.create(
            claim=self, actor=actor, action=action, from_state=from_state or self.state, to_state=self.state, note=note
        )

    # --- Effects of actions (claims.workflow.rules), under the row lock.

    def publish_draft(self, by: AbstractBaseUser | None = None) -> None:
        now = timezone.now()
        draft = self.draft
        draft.published_at = now
        # Who approved it in the last round of review (claims.models.signoff).
        reviewed = [credit(CREDIT_REVIEWED, pk, self.deeds.names[pk]) for pk in self.approvers]
        if not reviewed and self.reviewer:
            reviewed = [credit(CREDIT_REVIEWED, self.reviewer.pk, workflow.display_name(self.reviewer))]
        draft.credits = reviewed
        if by is not None:
            draft.credits.append(credit(CREDIT_PUBLISHED, by.pk, workflow.display_name(by)))
        draft.save(update_fields=["published_at", "credits", "updated_at"])
        self.published_at = self.published_at or now
        self._rated(draft.rating_id)
        self.forget_verdicts()

    def add_verdict_version(
        self,
        *,
        corrected_by: AbstractBaseUser,
        rating: Rating,
        summary: str,
        explanation: str = "",
        correction_note: str = "",
    ) -> Verdict:
        """A correction: a new version, published at once. Its author stays
        the researcher who wrote the verdict; the editor is credited for the
        correction."""
        previous = self.verdicts.select_related("author").newest_first().first()
        verdict = Verdict.objects.create(
            claim=self,
            version=(previous.version + 1) if previous else 1,
            rating=rating,
            summary=summary,
            explanation=explanation,
            author=previous.author if previous else corrected_by,
            correction_note=correction_note,
            credits=credits_of_correction(previous, corrected_by),
            published_at=timezone.now(),
        )
        self._rated(verdict.rating_id)
        self.forget_verdicts()
        return verdict

    def _rated(self, rating_id: int | None) -> None:
        """The rating of the verdict just published is the claim's, written
        now: not every caller saves the claim after (a correction from an
        edit keeps its rating, but saves nothing else)."""
        if self.current_rating_id != rating_id:
            self.current_rating_id = rating_id
            Claim.objects.filter(pk=self.pk).update(current_rating_id=rating_id)

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
            draft = claim.draft
            if draft is not None and draft.revision != based_on:
                raise workflow.draft_conflict(
                    _(
                        "%(name)s saved the draft verdict while you were editing it. "
                        "Nothing was changed: here are their version and yours."
                    )
                    % {"name": workflow.display_name(draft.author)},
                    draft,
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
        self.forget_verdicts()  # the caller's copy shows the new draft
        self.forget_signoff()
        return draft

    def add_evidence(self, *, by: AbstractBaseUser, url: str = "", **fields: Any) -> Evidence:
        with transaction.atomic():
            claim = self._locked_for(by, workflow.research_refusal)
            source = Source.for_url(url) if url else None
            evidence = Evidence.objects.create(claim=claim, source=source, added_by=by, **fields)
            claim.log(by, "evidence_added", note=evidence.describe())
        self.forget_signoff()
        return evidence

    def remove_evidence(self, *, by: AbstractBaseUser, evidence_id: int) -> None:
        with transaction.atomic():
            claim = self._locked_for(by, workflow.research_refusal)
            evidence = claim.evidence.select_related("source").filter(pk=evidence_id).first()
            if evidence is None:
                raise workflow.StaleState(_("That piece of evidence was already removed."))
            evidence.delete()
            claim.log(by, "evidence_removed", note=evidence.describe())
        self.forget_signoff()

    def refetch_source(self, *, by: AbstractBaseUser, evidence_id: int) -> bool:
        """Fetch again the source a piece of this claim's evidence cites, and
        log who asked; False if a fetch of it is already under way."""
        with transaction.atomic():
            evidence = self.evidence.select_related("source").filter(pk=evidence_id, source__isnull=False).first()
            if evidence is None:
                raise workflow.StaleState(_("That piece of evidence was removed."))
            if not evidence.source.refetch():
                return False
            self.log(by, "source_refetch", note=evidence.source.url)
        return True

    def comment(self, *, by: AbstractBaseUser, text: str) -> Activity:
        error = workflow.comment_refusal(self, by)
        if error:
            raise error
        with transaction.atomic():
            entry = self.log(by, "comment", note=text)
            notifications.after_comment(self, by, text)
        return entry
