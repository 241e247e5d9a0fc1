"""Celery tasks that mail readers: thin, like the other task modules."""

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
from claims.models import Suggestion
from claims.models.jobs import jobs_waiting
from claims.models.suggestions import take_to_tell, told

log = logging.getLogger(__name__)


@receiver(jobs_waiting, sender=Suggestion)
def _tell_waiting(sender: type[Suggestion], ids: list[int], **kwargs: Any) -> None:
    for suggestion_id in ids:
        if not send(tell_reader, suggestion_id):
            return  # the broker is down: the sweep tells them


@shared_task(acks_late=True)
def tell_reader(suggestion_id: int) -> None:
    """One mail per reader: the row is marked as told before sending, so two
    workers never both send; a failed send undoes the mark for the sweep."""
    suggestion = take_to_tell(suggestion_id)
    if suggestion is None:
        return
    claim = suggestion.claim
    message = _message(
        suggestion, claim.current_verdict, f"{settings.SITE_URL}{reverse('public:verdict', args=[claim.slug])}"
    )
    try:
        send_mail(
            subject=_("%(organization)s: the claim you suggested has been checked")
            % {"organization": settings.ORGANIZATION_NAME},
            message=message,
            from_email=None,
            recipient_list=[suggestion.email],
        )
    except Exception:
        log.warning("could not mail suggestion %s's reader; the sweep tries again", suggestion.pk, exc_info=True)
        told(suggestion, sent=False)
        return
    told(suggestion, sent=True)


def _message(suggestion: Suggestion, verdict: Any, url: str) -> str:
    # Plain text, written here rather than in a template: a template would
    # HTML-escape the reader's own words.
    # In the site's language (LANGUAGE_CODE): the worker knows no reader's.
    names = {"organization": settings.ORGANIZATION_NAME, "claim": suggestion.text[:500], "url": url}
    if verdict:
        names.update(rating=verdict.rating.label, summary=verdict.summary)
        published = _("We have published our verdict: %(rating)s. %(summary)s") % names
    else:
        published = _("We have published our verdict.")
    return (
        _("Hello,\n\nYou asked %(organization)s to check this claim:\n\n  “%(claim)s”\n\n") % names
        + published
        + "\n\n"
        + _("Read it, with the sources we used, at:\n%(url)s\n\n") % names
        + _("Thank you for the suggestion. We have now deleted your email address; we will not write to you again.")
        + f"\n\n{settings.ORGANIZATION_NAME}\n"
    )


@shared_task
def sweep_suggestions() -> None:
    """Tell readers a lost job missed, and delete addresses kept too long."""
    for suggestion_id in Suggestion.objects.to_tell().values_list("pk", flat=True)[: settings.SWEEP_BATCH]:
        send(tell_reader, suggestion_id)
    Suggestion.objects.forget_old_emails(timezone.now())
