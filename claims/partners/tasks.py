"""Celery tasks for partner sources. Thin: take ids, claim the row, call the
importing code; the outcome is recorded on the PartnerSource row.

`refresh_partners` (beat, every PARTNER_REFRESH_CHECK_SECONDS) sends a job for
each source whose time has come; `refresh_partner` claims the source with a
conditional UPDATE, so a beat tick and an editor's "refresh now" never import
it twice at once. A new claim is searched on Google Fact Check Tools (when a
key is set) by `ask_google_factcheck`, sent once the claim is committed."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext

from claims.broker import send
from claims.models import Claim, PartnerSource
from claims.partners import google
from claims.partners.importing import refresh_and_record

log = logging.getLogger(__name__)


@shared_task
def refresh_partners() -> int:
    due = list(PartnerSource.objects.due().values_list("pk", flat=True)[:500])
    for pk in due:
        if not send(refresh_partner, pk):
            break  # the broker is down: the next tick sends them
    return len(due)


@shared_task
def refresh_partner(partner_id: int) -> bool:
    partner = PartnerSource.objects.filter(pk=partner_id).first()
    if partner is None or not partner.take():
        return False
    try:
        return refresh_and_record(partner)
    except Exception:
        # A surprise on our side (the database, a parser): recorded for
        # editors; the source is tried again next period.
        log.exception("refreshing partner source %s failed", partner.pk)
        partner.record_failure(gettext("Something went wrong on our side."))
        return False


def refresh_now(partner: PartnerSource) -> None:
    """An editor's "refresh now": due at once, and a job sent when this commits."""
    partner.make_due()
    transaction.on_commit(lambda: send(refresh_partner, partner.pk))


@shared_task
def ask_google_factcheck(claim_id: int) -> int:
    text = Claim.objects.filter(pk=claim_id).values_list("text", flat=True).first()
    if text is None or not google.enabled():
        return 0
    return google.store_matches(text)


@receiver(post_save, sender=Claim)
def _search_new_claim(sender: type[Claim], instance: Claim, created: bool, **kwargs: Any) -> None:
    if created and google.enabled():
        transaction.on_commit(lambda: send(ask_google_factcheck, instance.pk))
