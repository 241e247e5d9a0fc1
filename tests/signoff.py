"""Helpers of the sign-off tests: a cited page as the workers would record
it (fetched, its quotes checked), the desk policy, a third desk member."""

from __future__ import annotations

from typing import Any

from claims import workflow
from claims.models import Claim, DeskPolicy, Evidence, Source
from claims.sources.extraction import Extracted
from claims.sources.guard import Fetched
from claims.sources.quotes import check_quotes
from tests.conftest import UserFactory

PAGE_TEXT = "The army said on Monday that 309 people associated with the group had been arrested since June."


def cite_fetched(claim: Claim, by: Any, url: str, quote: str = "", text: str = PAGE_TEXT) -> Evidence:
    """Cite `url`, then record its fetch and extraction through the models'
    own paths, as the fetch and extraction workers do: the quote is checked
    against `text`."""
    item = claim.add_evidence(by=by, url=url, quote=quote, stance=Evidence.Stance.SUPPORTS)
    source = Source.objects.get(pk=item.source_id)
    assert source.take()
    body = text.encode()
    fetched = Fetched(
        url=url, final_url=url, redirects=[], status=200, content_type="text/plain", charset="utf-8", body=body
    )
    source.record_fetched(fetched)
    Source.objects.get(pk=source.pk).record_extracted(Extracted(text=text), check_quotes)
    return Evidence.objects.select_related("source").get(pk=item.pk)


def set_policy(by: Any, **values: Any) -> DeskPolicy:
    DeskPolicy.change(by=by, **values)
    return DeskPolicy.current()


def desk_member(username: str, group: str = workflow.CHECKERS_GROUP) -> Any:
    return UserFactory(username=username, groups=[group])
