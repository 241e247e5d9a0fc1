"""Citing a URL: one Source per normalized address, shared by every claim citing it."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Source


@pytest.mark.django_db
def test_citing_the_same_page_twice_shares_one_source(make_claim: Any, checker: Any) -> None:
    first, second = make_claim(state="researching"), make_claim(state="researching")
    first.add_evidence(by=checker, url="HTTPS://Example.org:443/report?utm_source=x#top", stance="context")
    second.add_evidence(by=checker, url="https://example.org/report", stance="supports")
    assert Source.objects.get().url == "https://example.org/report"
    assert Source.objects.count() == 1
    assert Source.objects.get().evidence.count() == 2
