"""Review: a partner's review URL is a link the desk follows, so one pointing
into our own network (a private, link-local or loopback-by-name address) is
skipped with its reason, never stored and shown as "Checked by others"."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import ExternalVerdict, PartnerSource
from claims.partners.importing import refresh_and_record
from tests.partners.conftest import CLAIM_ON_ARMY, CLAIM_ON_WHEAT, claim_review, feed, partner

pytestmark = pytest.mark.django_db

INTERNAL = [
    "http://192.168.1.1/admin",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost/checks/army",
    "http://0x7f000001/checks/army",
]


@pytest.mark.parametrize("review_url", INTERNAL)
def test_a_review_linking_into_our_network_is_skipped_with_a_reason(partner_site: Any, review_url: str) -> None:
    partner_site.routes["/internal.json"] = feed(
        [
            claim_review(CLAIM_ON_ARMY, "False", review_url),
            claim_review(CLAIM_ON_WHEAT, "False", partner_site.url("/checks/wheat")),
        ]
    )
    source = partner(PartnerSource.Kind.VERDICTS_JSON, partner_site.url("/internal.json"))

    assert refresh_and_record(source)

    source.refresh_from_db()
    stored = list(ExternalVerdict.objects.values_list("claim_text", "review_url"))
    assert stored == [(CLAIM_ON_WHEAT, partner_site.url("/checks/wheat"))]
    assert "1 skipped" in source.last_report
    assert "the review's url is refused" in source.last_report
