"""Notifications: something a person on the desk must know, shown under the
bell and emailed by a worker unless they turned that kind off.

`notify()` makes them, in the transaction of the event that causes them (a
transition, a comment, a source that changed), never for the person who
acted; the rows are announced on `jobs_waiting` once it commits, and the
mail task (claims.mail.notifications) sends each one. The email's state is
on the row, so a broker that was down loses nothing: the sweep sends what
waits too long, and a row is taken with a conditional UPDATE, so two
workers never send the same email."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import workflow
from claims.models.jobs import jobs_waiting
from claims.models.people import Profile, desk_people, mentioned_names

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models.claims import Claim


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at=None)

    def newest_first(self) -> NotificationQuerySet:
        return self.order_by("-created_at", "-pk")

    def mark_read(self, now: datetime | None = None) -> int:
        return self.filter(read_at=None).update(read_at=now or timezone.now())

    def email_due(self, now: datetime) -> NotificationQuerySet:
        """Emails a lost job missed: waiting longer than the sweep's grace, or
        taken by a worker that died before it finished."""
        grace = now - timedelta(seconds=settings.JOB_SWEEP_GRACE)
        stuck = now - timedelta(seconds=settings.JOB_STUCK_AFTER)
        Email = Notification.Email
        return self.filter(
            Q(email=Email.PENDING, email_changed_at__lt=grace) | Q(email=Email.SENDING, email_changed_at__lt=stuck)
        )


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("A claim is assigned to you")
        REVIEW = "review", _("Your review is asked for")
        CHANGES = "changes", _("Changes are asked on your claim")
        APPROVED = "approved", _("A claim is approved and waits for an editor")
        PUBLISHED = "published", _("A claim you worked on is published")
        SOURCE = "source", _("A source of your published claim changed or stopped answering")
        MENTION = "mention", _("Someone mentions you in a comment")
        REPEAT = "repeat", _("A published claim is repeated in the news")

    class Email(models.TextChoices):
        PENDING = "pending", _("To send")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        OFF = "off", _("Not sent: turned off, or no address")
        FAILED = "failed", _("Could not be sent")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    claim = models.ForeignKey("Claim", on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=8, choices=Email.choices, default=Email.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_changed_at = models.DateTimeField(default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list"),
            models.Index(fields=["recipient"], condition=Q(read_at=None), name="notification_unread"),
            models.Index(
                fields=["email", "email_changed_at"],
                condition=Q(email__in=["pending", "sending"]),
                name="notification_email_job",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} on {self.claim_id}"


def notify(
    kind: str, claim: Claim, recipients: Iterable[AbstractBaseUser | None], *, actor: AbstractBaseUser | None, text: str
) -> list[Notification]:
    """Tell each recipient (once; never the actor) about `claim`, in the
    caller's transaction; their emails go once it commits."""
    people = {person.pk: person for person in recipients if person is not None}
    if actor is not None:
        people.pop(actor.pk, None)
    if not people:
        return []
    profiles = {profile.user_id: profile for profile in Profile.objects.filter(user__in=list(people))}
    now = timezone.now()
    rows = []
    for pk, person in people.items():
        profile = profiles.get(pk) or Profile(user_id=pk)
        wanted = bool(person.email) and profile.wants_email(kind)
        rows.append(
            Notification(
                recipient_id=pk,
                kind=kind,
                claim=claim,
                actor=actor,
                text=text[:300],
                created_at=now,
                email=Notification.Email.PENDING if wanted else Notification.Email.OFF,
                email_changed_at=now,
            )
        )
    made = Notification.objects.bulk_create(rows)
    email_on_commit([row.pk for row in made if row.email == Notification.Email.PENDING])
    return made


def email_on_commit(ids: list[int]) -> None:
    """Announce emails to send once the transaction commits (the mail task
    listens); robust: a broker that is down leaves them to the sweep."""
    if ids:
        transaction.on_commit(partial(jobs_waiting.send, sender=Notification, ids=list(ids)), robust=True)


def take_to_email(notification_id: int) -> Notification | None:
    """The notification, marked as being sent, if its email waits and no other
    worker has it (a compare-and-set on the email's state and attempts)."""
    row = Notification.objects.filter(pk=notification_id).values("email", "email_attempts", "email_changed_at").first()
    if row is None:
        return None
    stuck = timezone.now() - timedelta(seconds=settings.JOB_STUCK_AFTER)
    Email = Notification.Email
    if not (row["email"] == Email.PENDING or (row["email"] == Email.SENDING and row["email_changed_at"] < stuck)):
        return None
    taken = Notification.objects.filter(pk=notification_id, **{k: row[k] for k in ("email", "email_attempts")}).update(
        email=Email.SENDING, email_attempts=F("email_attempts") + 1, email_changed_at=timezone.now()
    )
    if not taken:
        return None
    return Notification.objects.select_related("recipient", "claim", "actor").get(pk=notification_id)


def emailed(notification: Notification, outcome: str) -> None:
    """After the attempt: sent, off (the person turned it off meanwhile), or
    back to pending for the sweep; failed for good after JOB_MAX_RETRIES."""
    Email = Notification.Email
    if outcome == Email.PENDING and notification.email_attempts > settings.JOB_MAX_RETRIES:
        outcome = Email.FAILED
    # Only while this attempt still holds the row: a worker that overran and
    # lost it to the sweep's next attempt leaves that one's outcome alone.
    held = Notification.objects.filter(
        pk=notification.pk, email=Email.SENDING, email_attempts=notification.email_attempts
    )
    held.update(email=outcome, email_changed_at=timezone.now())


# --- What causes them: the workflow's transitions, comments, sources.

TRANSITION_TEXT: dict[str, Any] = {
    # Whole sentences, so a translator can put the name and the claim where the language wants them.
    "assign": _("%(who)s assigned you a claim: “%(claim)s”"),
    "reassign": _("%(who)s assigned you a claim: “%(claim)s”"),
    "submit": _("%(who)s asks for your review: “%(claim)s”"),
    "request_changes": _("%(who)s asked for changes on your claim: “%(claim)s”"),
    "send_back": _("%(who)s sent your claim back to research: “%(claim)s”"),
    "approve": _("%(who)s approved a claim; it waits for an editor to publish it: “%(claim)s”"),
    "publish": _("%(who)s published a claim you worked on: “%(claim)s”"),
}


def after_transition(claim: Claim, action_name: str, actor: AbstractBaseUser) -> None:
    """Who must know of `action_name`, just taken on `claim` by `actor`. A
    claim submitted without a reviewer named waits in the queues: nobody in
    particular is told."""
    Kind = Notification.Kind
    if action_name in ("assign", "reassign"):
        kind, recipients = Kind.ASSIGNED, [claim.assignee]
    elif action_name == "submit":
        kind, recipients = Kind.REVIEW, [claim.reviewer]
    elif action_name in ("request_changes", "send_back"):
        kind, recipients = Kind.CHANGES, [claim.assignee]
    elif action_name == "approve":
        if claim.state != workflow.State.APPROVED:
            return  # an approval short of the desk policy's count: still in review
        kind, recipients = Kind.APPROVED, list(editors())
    elif action_name == "publish":
        kind, recipients = Kind.PUBLISHED, [claim.assignee, claim.reviewer]
    else:
        return
    who = workflow.display_name(actor)
    text = TRANSITION_TEXT[action_name] % {"who": who, "claim": claim.text[:150]}
    notify(kind, claim, recipients, actor=actor, text=text)


def editors() -> models.QuerySet:
    return desk_people().filter(Q(groups__name=workflow.EDITORS_GROUP) | Q(is_superuser=True))


def after_comment(claim: Claim, actor: AbstractBaseUser, text: str) -> None:
    """Desk members `@mentioned` in a comment; other names mention nobody."""
    names = mentioned_names(text)
    if not names:
        return
    people = desk_people().filter(username__in=names)
    who = workflow.display_name(actor)
    notify(
        Notification.Kind.MENTION,
        claim,
        people,
        actor=actor,
        text=_("%(who)s mentioned you: “%(comment)s”") % {"who": who, "comment": text[:200]},
    )


def after_source_news(source_id: int, url: str, gone: bool) -> None:
    """A source changed or stopped answering: the researchers of the published
    claims citing it must look at their verdicts again."""
    from claims.models.claims import Claim

    claims = Claim.objects.filter(state=workflow.State.PUBLISHED, evidence__source_id=source_id).distinct()
    news = (
        _("%(url)s stopped answering; it is cited by your published verdict on “%(claim)s”")
        if gone
        else _("%(url)s changed since it was checked; it is cited by your published verdict on “%(claim)s”")
    )
    for claim in claims.select_related("assignee"):
        text = news % {"url": url[:150], "claim": claim.text[:80]}
        notify(Notification.Kind.SOURCE, claim, [claim.assignee], actor=None, text=text)
