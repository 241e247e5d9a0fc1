"""Repeats of checked claims: a sentence of an article that says again what
a published verdict rated, as found by claims.monitoring.repeats.

A repeat is found once: one row per article, sentence and verdict (a
unique constraint), so polling the article again, or matching it twice,
raises no second alert. An editor confirms it (the verdict page then lists
it under "Also said", and its ClaimReview carries it as a further
appearance) or dismisses it; both are logged on the claim, and either may be
undone by the other action."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims import workflow
from claims.intake import Candidate
from claims.models.articles import Article
from claims.models.notifications import Notification, editors, notify
from claims.models.verdicts import Verdict

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models.claims import Claim

# The confirmed repeats a verdict page lists, newest first.
ALSO_SAID_SHOWN = 20


class RepeatQuerySet(models.QuerySet):
    def confirmed(self) -> RepeatQuerySet:
        return self.filter(status=Repeat.Status.CONFIRMED)

    def newest_first(self) -> RepeatQuerySet:
        return self.order_by("-found_at", "-pk")

    def for_list(self) -> RepeatQuerySet:
        """With what the desk's list shows of each: its article, its claim
        and that claim's current verdict (`claim.published_versions`)."""
        versions = Verdict.objects.published().select_related("rating").newest_first()
        return self.select_related("decided_by").prefetch_related(
            models.Prefetch("article", queryset=Article.objects.defer("body", "original_body")),
            "claim",
            models.Prefetch("claim__verdicts", queryset=versions, to_attr="published_versions"),
        )

    def for_readers(self) -> RepeatQuerySet:
        """What a verdict page lists under "Also said": the confirmed ones,
        newest first, with their articles (not their text)."""
        shown = self.confirmed().select_related("article").defer("article__body", "article__original_body")
        return shown.newest_first()[:ALSO_SAID_SHOWN]

    def record(
        self, article: Article, matches: Iterable[tuple[Candidate, Claim, float]], *, by: AbstractBaseUser | None = None
    ) -> list[Repeat]:
        """Keep the matches (candidate, claim, score) not found before in
        `article`, and alert on each new one; returns the new ones. Under the
        article's lock, so two runs on the same article take turns and the
        second finds them known."""
        with transaction.atomic():
            Article.objects.select_for_update().only("pk").get(pk=article.pk)
            known = set(self.filter(article=article).values_list("start", "claim_id"))
            # The same story under another article (listed by a second outlet,
            # or by an outlet watched again): found and alerted already.
            elsewhere = self.filter(article__url=article.url).exclude(article=article) if article.url else self.none()
            known_elsewhere = set(elsewhere.values_list("sentence", "claim_id"))
            new = []
            for candidate, claim, score in matches:
                if (candidate.start, claim.pk) in known or (candidate.sentence, claim.pk) in known_elsewhere:
                    continue
                known.add((candidate.start, claim.pk))
                new.append(
                    Repeat(
                        article=article,
                        start=candidate.start,
                        sentence=candidate.sentence,
                        claimant=(candidate.claimant or "")[:200],
                        claim=claim,
                        score=round(score, 3),
                    )
                )
            Repeat.objects.bulk_create(new)
            for repeat in new:
                if repeat.score >= settings.REPEAT_ALERT_MIN_SCORE:
                    repeat.alert(by=by)
        return new


class Repeat(models.Model):
    """A published claim said again, in a sentence of an article."""

    class Status(models.TextChoices):
        FOUND = "found", _("Found")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="repeats")
    start = models.PositiveIntegerField(help_text="Where the sentence starts in the article's cleaned text.")
    sentence = models.TextField()
    claimant = models.CharField(max_length=200, blank=True, help_text="Who said it, as spotting guessed.")
    claim = models.ForeignKey("Claim", on_delete=models.CASCADE, related_name="repeats")
    score = models.FloatField(help_text="Trigram similarity of the sentence and the claim, 0-1.")
    found_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FOUND)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = RepeatQuerySet.as_manager()

    class Meta:
        ordering = ("-found_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "claim"], name="one_repeat_per_sentence_and_claim")
        ]
        indexes = [
            # The desk's list, newest first, by status and all together.
            models.Index(fields=["status", "-found_at", "-id"], name="repeat_list_status"),
            models.Index(fields=["-found_at", "-id"], name="repeat_list"),
            # A verdict page's "Also said".
            models.Index(
                fields=["claim", "-found_at"], condition=models.Q(status="confirmed"), name="repeat_also_said"
            ),
        ]

    def __str__(self) -> str:
        return self.sentence[:80]

    @property
    def verdict_url(self) -> str:
        """The public address of the verdict it repeats."""
        return f"{settings.SITE_URL}{reverse('public:verdict', args=[self.claim.slug])}"

    @property
    def who(self) -> str:
        """Who repeated it: the sentence's speaker, else the outlet."""
        return self.claimant or self.article.outlet

    def alert(self, *, by: AbstractBaseUser | None = None) -> list[Notification]:
        """Tell the editors, and the claim's researcher if the desk wants it
        (REPEAT_ALERT_RESEARCHER), in the caller's transaction."""
        claim = self.claim
        verdict = claim.current_verdict
        facts = {
            "who": self.who,
            "rating": verdict.rating.label if verdict and verdict.rating else "",
            "date": date_format(timezone.localtime(verdict.published_at).date(), "j F Y") if verdict else "",
            "claim": claim.text[:120],
        }
        if self.who:
            text = gettext("%(who)s repeated a claim we rated %(rating)s on %(date)s: “%(claim)s”") % facts
        else:
            text = gettext("A claim we rated %(rating)s on %(date)s was repeated: “%(claim)s”") % facts
        recipients = list(editors())
        if settings.REPEAT_ALERT_RESEARCHER and claim.assignee and claim.assignee.is_active:
            recipients.append(claim.assignee)
        return notify(Notification.Kind.REPEAT, claim, recipients, actor=by, text=text)

    # --- What editors decide, each from the states it applies to.

    def confirm(self, *, by: AbstractBaseUser, expected: str) -> None:
        self._decide(self.Status.CONFIRMED, by=by, expected=expected)

    def dismiss(self, *, by: AbstractBaseUser, expected: str) -> None:
        self._decide(self.Status.DISMISSED, by=by, expected=expected)

    def _decide(self, status: str, *, by: AbstractBaseUser, expected: str) -> None:
        """From `expected` (the status the editor saw) to `status`, with a
        conditional UPDATE: a stale form or a second click changes nothing
        and is told why."""
        if not workflow.is_editor(by):
            raise workflow.NotPermitted(gettext("Only editors confirm or dismiss repeats."))
        if expected == status or expected not in self.Status.values:
            self.refresh_from_db()
            raise workflow.StaleState(self._as_it_is())
        now = timezone.now()
        with transaction.atomic():
            changed = Repeat.objects.filter(pk=self.pk, status=expected).update(
                status=status, decided_by=by, decided_at=now
            )
            if not changed:
                self.refresh_from_db()
                raise workflow.StaleState(self._as_it_is())
            claim = self.claim
            action = "repeat_confirmed" if status == self.Status.CONFIRMED else "repeat_dismissed"
            where = {"article": self.article.title or self.article.url, "sentence": self.sentence}
            claim.log(by, action, note=gettext("In “%(article)s”: “%(sentence)s”") % where)
            if self.Status.CONFIRMED in (expected, status):
                # The verdict page and its ClaimReview change: their freshness
                # moves, so the cached page is drawn again (claims.public).
                type(claim).objects.filter(pk=claim.pk).update(updated_at=now)
        self.refresh_from_db()

    def _as_it_is(self) -> str:
        """Why nothing changed: what the repeat is now, and who made it so."""
        facts = {"status": self.get_status_display().lower(), "who": workflow.display_name(self.decided_by)}
        if self.decided_by_id:
            return gettext("This repeat is %(status)s now (by %(who)s). Nothing was changed.") % facts
        return gettext("This repeat is %(status)s now. Nothing was changed.") % facts
