"""The refresh jobs: a source is imported when due, once, whoever asks (a beat
tick, an editor's "refresh now"); and, with a real worker, a source an editor
adds is read without anyone waiting for it."""

from __future__ import annotations

import time
from typing import Any

import pytest

from claims.models import ExternalVerdict, PartnerSource
from claims.partners.tasks import refresh_partner
from tests.partners.conftest import partner


@pytest.mark.django_db
def test_a_due_source_is_refreshed_once_and_then_waits_its_period(partner_site: Any) -> None:
    source = partner(PartnerSource.Kind.VERDICTS_JSON, partner_site.url("/feed/verdicts.json"))
    assert list(PartnerSource.objects.due()) == [source]

    assert refresh_partner(source.pk) is True
    assert refresh_partner(source.pk) is False  # taken: the second job does nothing
    assert partner_site.paths().count("/feed/verdicts.json") == 1
    assert not PartnerSource.objects.due().exists()
    assert ExternalVerdict.objects.count() == 2


@pytest.mark.django_db
def test_the_google_source_is_never_refreshed_on_a_schedule(settings: Any) -> None:
    PartnerSource.google()
    assert not PartnerSource.objects.due().exists()


def test_a_source_an_editor_adds_is_read_by_the_worker(
    start_workers: Any, partner_site: Any, editor: Any, client_for: Any
) -> None:
    start_workers()
    data = {
        "name": "PolitiFact",
        "kind": "verdicts-json",
        "urls": partner_site.url("/feed/verdicts.json"),
        "refresh_hours": "6",
    }
    assert client_for(editor).post("/desk/partners/", data).status_code == 302

    deadline = time.monotonic() + 30
    while PartnerSource.objects.get().last_refreshed_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
    source = PartnerSource.objects.get()
    assert source.last_refreshed_at is not None, source.last_error
    assert ExternalVerdict.objects.filter(partner=source).count() == 2
