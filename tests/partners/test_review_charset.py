"""Review: a partner answering with a charset Python knows but that is no
text encoding (rot13, zlib, base64) is refused with a reason, like any other
answer that is not JSON, rather than failing the refresh "on our side"."""

from __future__ import annotations

import json
from typing import Any

import pytest

from claims.models import ExternalVerdict, PartnerSource
from claims.partners import google
from claims.partners.importing import refresh_and_record
from tests.pages import Page, serving
from tests.partners.conftest import CLAIM_ON_ARMY, claim_review, partner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("charset", ["rot13", "zlib", "base64"])
def test_a_feed_in_a_charset_that_is_no_text_encoding_is_refused_with_a_reason(partner_site: Any, charset: str) -> None:
    body = json.dumps({"results": [claim_review(CLAIM_ON_ARMY, "False", partner_site.url("/checks/army"))]})
    partner_site.routes["/odd.json"] = Page(body.encode(), content_type=f"application/json; charset={charset}")
    source = partner(PartnerSource.Kind.VERDICTS_JSON, partner_site.url("/odd.json"))

    assert refresh_and_record(source) is False

    source.refresh_from_db()
    assert "is not valid JSON" in source.last_error
    assert charset in source.last_error
    assert ExternalVerdict.objects.count() == 0


@pytest.mark.parametrize("charset", ["rot13", "zlib"])
def test_a_page_in_a_charset_that_is_no_text_encoding_is_refused_with_a_reason(partner_site: Any, charset: str) -> None:
    review = json.dumps(claim_review(CLAIM_ON_ARMY, "False", partner_site.url("/checks/army")))
    html = f'<html><head><script type="application/ld+json">{review}</script></head><body></body></html>'
    partner_site.routes["/odd.html"] = Page(html.encode(), content_type=f"text/html; charset={charset}")
    source = partner(PartnerSource.Kind.CLAIMREVIEW_PAGES, partner_site.url("/odd.html"))

    assert refresh_and_record(source) is False

    source.refresh_from_db()
    assert "could not be read as HTML" in source.last_error
    assert ExternalVerdict.objects.count() == 0


def test_google_answering_in_such_a_charset_is_recorded_with_a_reason(settings: Any) -> None:
    with serving(settings) as server:
        server.routes["/search"] = Page(b'{"claims": []}', content_type="application/json; charset=rot13")
        settings.GOOGLE_FACTCHECK_ENDPOINT = server.url("/search")
        settings.GOOGLE_FACTCHECK_API_KEY = "test-key"

        assert google.store_matches("Wheat exports doubled in 2023.") == 0

    source = PartnerSource.google()
    assert "did not answer JSON" in source.last_error
    assert source.failures == 1
