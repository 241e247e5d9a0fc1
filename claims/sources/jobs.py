"""The work on a cited source, between the guard and the row: fetch it and
record the outcome, extract its text and check the quotes citing it. The
tasks (claims.sources.tasks) call these with a row they hold."""

from __future__ import annotations

import logging

from claims.models import Source
from claims.models.jobs import release_connection
from claims.sources import extraction, guard
from claims.sources.quotes import check_quotes

log = logging.getLogger(__name__)


def fetch_source(source: Source) -> bool:
    """Fetch and store the bytes; True if they were recorded and await
    extraction. The caller holds the job (`source.take()`) and queues the
    extraction apart: it is CPU work, and would starve the fetch greenlets. A
    transient failure is raised (`guard.FetchError` with `transient`) for the
    caller to retry; anything else is recorded on the row."""
    release_connection()  # not held while the network answers
    try:
        fetched = guard.fetch(source.url)
    except guard.BlockedURL as error:
        source.record_failure(Source.Status.BLOCKED, str(error))
        return False
    except guard.FetchError as error:
        if error.transient:
            raise
        source.record_failure(Source.Status.FAILED, str(error), http_status=error.status)
        return False
    return source.record_fetched(fetched)


def extract_source(source: Source) -> None:
    """Title, metadata and main text from the stored copy, and every citing
    quote checked against that text. A stored copy that cannot be read leaves
    the source without text, like a page with none."""
    try:
        with source.open_stored_copy() as original:
            body = original.read()
    except (OSError, EOFError, ValueError):
        log.warning("the stored copy of source %s cannot be read", source.pk, exc_info=True)
        body = b""
    extracted = extraction.extract(body, source.content_type, source.final_url or source.url, source.charset or None)
    source.record_extracted(extracted, check_quotes)


def give_up_extracting(source: Source) -> None:
    """The page took its extraction's time: it stays without text (its quotes
    cannot be checked)."""
    source.record_extracted(extraction.Extracted(), check_quotes)
