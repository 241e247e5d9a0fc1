"""Emailing notifications to the desk: thin tasks, like the other task
modules. The row says whether its email waits (claims.models.notifications);
a task takes it with a conditional UPDATE, so two workers never send one
twice, and the sweep sends what a lost message or a dead worker missed."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.broker import send
from claims.models import Notification, Profile
from claims.models.jobs import jobs_waiting
from claims.models.notifications import emailed, take_to_email

log = logging.getLogger(__name__)


@receiver(jobs_waiting, sender=Notification)
def _email_waiting(sender: type[Notification], ids: list[int], **kwargs: Any) -> None:
    for notification_id in ids:
        if not send(email_notification, notification_id):
            return  # the broker is down: the sweep sends them


@shared_task(acks_late=True)
def email_notification(notification_id: int) -> None:
    """One email per notification, unless its recipient turned the kind off
    (since it was made, too) or has no address."""
    notification = take_to_email(notification_id)
    if notification is None:
        return
    recipient = notification.recipient
    if not recipient.email or not Profile.of(recipient).wants_email(notification.kind):
        emailed(notification, Notification.Email.OFF)
        return
    try:
        send_mail(
            subject=f"[{settings.ORGANIZATION_NAME}] {notification.get_kind_display()}",
            message=message(notification),
            from_email=None,
            recipient_list=[recipient.email],
        )
    except Exception:
        log.warning("could not email notification %s; the sweep tries again", notification.pk, exc_info=True)
        emailed(notification, Notification.Email.PENDING)
        return
    emailed(notification, Notification.Email.SENT)


def message(notification: Notification) -> str:
    # Plain text, written here rather than in a template: a template would
    # HTML-escape the claim's and the comment's words.
    claim_url = f"{settings.SITE_URL}{reverse('desk:claim', args=[notification.claim_id])}"
    settings_url = f"{settings.SITE_URL}{reverse('desk:me')}"
    return (
        f"{notification.text}\n\n"
        f"{_('The claim')}: {claim_url}\n\n"
        f"{_('Choose which emails you get')}: {settings_url}\n\n"
        f"{settings.ORGANIZATION_NAME}\n"
    )


@shared_task
def sweep_notifications() -> None:
    """Send the emails whose message was lost (the broker was down) or whose
    worker died."""
    due = Notification.objects.email_due(timezone.now())
    for notification_id in due.values_list("pk", flat=True)[: settings.SWEEP_BATCH]:
        send(email_notification, notification_id)
