"""The text paths against hostile text: quote checking, extraction of
fetched bodies (random bytes, 1 MB pages, PDF-looking junk), URL
normalization and the query-string readers. Each finishes within the
profile's deadline on 1 MB of input, and raises nothing it does not document."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from claims import params
from claims.models import normalize_url
from claims.sources import extraction, quotes
from claims.sources.guard import BlockedURL, check_url
from tests.fuzz.strategies import hostile_text, huge_line, urls, web_urls

VERDICTS = {quotes.FOUND, quotes.CLOSE, quotes.NOT_FOUND, quotes.NOT_CHECKABLE}


# Quotes -------------------------------------------------------------------------

words = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12)


# A long quote is prose: rapidfuzz's partial_ratio on a 2,000-character run
# of one character against a 1 MB run of the same takes minutes (see the
# report of issue 11); a quote as people paste it takes well under a second.
long_quotes = st.lists(words, min_size=300, max_size=400).map(" ".join)


@given(quote=st.one_of(hostile_text(), long_quotes), text=st.one_of(hostile_text(), huge_line()))
@example(quote="army—which", text=" " * 1_000_000 + "army - which")
@example(quote="309 people", text=" " * 1_000_000)
def test_quote_check_answers_one_of_its_four_values_for_any_text(quote: str, text: str) -> None:
    """Broke: normalize() matched `\\s*-+\\s*` and `\\s*\\.{3,}\\s*` at every
    space of a run of spaces, quadratic in its length: a page with 40,000
    spaces took 13 s, one with 1 MB of them hours, holding the worker.
    Checked: any quote against any page text (every Unicode category, bidi
    and zero-width characters, NUL, lone surrogates, a 1 MB line) gets one of
    the four answers within the deadline."""
    assert quotes.check_quote(quote, text) in VERDICTS


@given(text=st.one_of(hostile_text(), huge_line()))
def test_quote_normalization_is_idempotent(text: str) -> None:
    """Broke: nothing. Checked: normalizing normalized text changes nothing,
    so a quote and a page meet on one spelling however often either was
    cleaned before."""
    once = quotes.normalize(text)
    assert quotes.normalize(once) == once


@given(
    page=st.lists(words, min_size=1, max_size=60),
    span=st.tuples(st.integers(0, 59), st.integers(1, 20)),
    noise=st.sampled_from(["", "\u200b", "\u00ad", "\ufeff"]),
)
def test_a_passage_copied_from_the_page_is_found(page: list[str], span: tuple[int, int], noise: str) -> None:
    """Broke: nothing. Checked: a run of whole words copied from the page,
    in any script, with a zero-width character or soft hyphen pasted into it,
    is "found"."""
    start = min(span[0], len(page) - 1)
    passage = " ".join(page[start : start + span[1]])
    quoted = passage[: len(passage) // 2] + noise + passage[len(passage) // 2 :]
    assert quotes.check_quote(quoted, " ".join(page)) == quotes.FOUND


# Extraction ---------------------------------------------------------------------

CONTENT_TYPES = [
    "text/html",
    "application/xhtml+xml",
    "application/pdf",
    "text/plain",
    "application/json",
    "text/csv",
    "image/png",
    "",
    "TEXT/HTML; charset=utf-8",
    "text/html\x00",
]
CHARSETS = [None, "utf-8", "utf-16", "latin-1", "cp1252", "x-unknown", "utf-8\x00", "", "shift_jis", "utf-7"]


def _html(parts: list[str]) -> bytes:
    body = "".join(f"<p>{part}</p>" for part in parts)
    head = '<meta charset="utf-16"><title>\u202eevil\x00</title><meta name="author" content="\x00">'
    return f"<html><head>{head}</head><body>{body}</body></html>".encode("utf-8", "surrogatepass")


def _pdf_ish(junk: bytes) -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + junk + b"\n%%EOF"


bodies = st.one_of(
    st.binary(max_size=4_000),
    st.lists(hostile_text(), max_size=20).map(_html),
    huge_line().map(lambda line: f"<html><body><p>{line}</p></body></html>".encode()),
    huge_line().map(lambda line: line.encode("utf-8", "surrogatepass")),
    st.binary(max_size=2_000).map(_pdf_ish),
    st.integers(1, 5_000).map(lambda depth: b"<div>" * depth + b"deep" + b"</div>" * depth),
)


@given(body=bodies, content_type=st.sampled_from(CONTENT_TYPES), charset=st.sampled_from(CHARSETS))
@example(body=b"%PDF-1.7\n" + b"\x00" * 1000, content_type="application/pdf", charset=None)
@example(body=b"\xff\xfe<\x00p\x00>\x00", content_type="text/html", charset=None)
def test_extraction_never_raises_and_stores_no_nul(body: bytes, content_type: str, charset: str | None) -> None:
    """Broke: nothing. Checked: extract() on random bytes, hostile markup, a
    1 MB line, junk behind a PDF header or 5,000 nested elements, under any
    declared type and charset (bogus ones too), returns within the deadline,
    raises nothing, and gives fields PostgreSQL can store: no NUL, each
    within its column's length."""
    result = extraction.extract(body, content_type, "https://example.org/page", charset)
    for value, limit in [
        (result.title, extraction.TITLE_CHARS),
        (result.site_name, extraction.SITE_CHARS),
        (result.author, extraction.AUTHOR_CHARS),
    ]:
        assert "\x00" not in value
        assert len(value) <= limit
    assert "\x00" not in result.text


# normalize_url ------------------------------------------------------------------

query_parts = st.lists(
    st.tuples(
        st.sampled_from(["id", "page", "q", "utm_source", "fbclid", "print", "%E9", "a%26b", ""]),
        st.one_of(
            st.sampled_from(["", "=", "=5", "=caf%E9", "=%zz", "=a+b", "=%2B", "=例", "=a=b", "=%00"]),
            st.text(string.ascii_letters + string.digits + "%+=;", max_size=6).map(lambda v: "=" + v),
        ),
    ),
    max_size=5,
).map(lambda pairs: "&".join(name + value for name, value in pairs))


@given(
    url=st.builds(
        lambda base, query: f"{base}?{query}" if query else base,
        web_urls(),
        query_parts,
    )
)
@example(url="https://example.org/search?q=caf%E9")
@example(url="https://example.org/page?print")
def test_normalize_url_keeps_the_page_that_was_checked(url: str) -> None:
    """Broke: the query was decoded and encoded again, so bytes that are not
    UTF-8 (`?q=caf%E9`, a Latin-1 page) became U+FFFD (`?q=caf%EF%BF%BD`),
    `%zz` became `%25zz` and `?print` became `?print=`: the Source fetched
    another address than the one cited. Checked: for a URL the guard accepts,
    normalize_url gives a URL the guard still accepts, on the same host, with
    every parameter but the tracking ones byte for byte, and is idempotent."""
    try:
        check_url(url)
    except BlockedURL:
        return
    normalized = normalize_url(url)
    check_url(normalized)
    assert normalize_url(normalized) == normalized
    before, after = httpx.URL(url), httpx.URL(normalized)
    assert after.raw_host == before.raw_host
    assert after.raw_path.split(b"?")[0] == (before.raw_path.split(b"?")[0] or b"/")
    kept = [part for part in before.query.split(b"&") if not _tracking(part)] if before.query else []
    assert (after.query.split(b"&") if after.query else []) == kept


def _tracking(part: bytes) -> bool:
    name = part.split(b"=", 1)[0].lower()
    return name in (b"utm_source", b"fbclid")


@given(url=st.one_of(urls(), hostile_text(max_size=30), huge_line()))
def test_normalize_url_is_idempotent_on_anything_it_reads(url: str) -> None:
    """Broke: nothing. Checked: on any string, normalize_url either raises
    ValueError (what urlsplit raises for a broken address; the form refuses
    those first) or returns a spelling it maps to itself."""
    try:
        normalized = normalize_url(url)
    except ValueError:
        return
    assert normalize_url(normalized) == normalized


# The query-string readers ---------------------------------------------------------

numbers = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["", " 7 ", "1e3", "0x10", "1_000", "٣", "\x00", "9" * 5000, "+5", "-0", "NaN", "٩" * 30]),
    hostile_text(max_size=8),
)
moments = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+05:00",
            "9999-12-31T23:59:59-05:00",
            "9999-12-31T23:59:59 05:00",
            "2025-13-01T00:00:00Z",
            "2025-01-31T09:00:00+99:99",
            "2025-01-31T24:00:00Z",
            "2025-01-31",
            "\x00",
        ]
    ),
    hostile_text(max_size=30),
    huge_line(),
)


@given(value=st.one_of(numbers, huge_line()))
def test_positive_id_gives_an_id_the_column_holds_or_none(value: str) -> None:
    """Broke: nothing. Checked: any text, including numbers past 2**63, 5,000
    digits and digits of other scripts, gives None or an id from 1 to the
    largest BigAutoField value."""
    result = params.positive_id(value)
    assert result is None or 0 < result <= params.MAX_ID


@given(value=st.one_of(hostile_text(), huge_line()), limit=st.integers(1, 300))
def test_search_text_is_short_and_free_of_nul(value: str, limit: int) -> None:
    """Broke: nothing. Checked: any text gives a search term PostgreSQL
    accepts (no NUL) of at most `limit` characters, with no surrounding space."""
    result = params.search_text(value, limit)
    assert "\x00" not in result
    assert len(result) <= limit
    assert result == result.strip() or len(result) == limit


@given(value=moments)
def test_moment_is_an_aware_utc_datetime_or_none(value: str) -> None:
    """Broke: nothing. Checked: any text, including offsets that push year 1
    or year 9999 off the calendar, gives None or an aware datetime in UTC that
    the database can compare against."""
    result = params.moment(value)
    if result is not None:
        assert isinstance(result, datetime)
        assert result.utcoffset() is not None
        assert result.tzinfo is UTC


@pytest.mark.parametrize("reader", [params.positive_id, params.search_text, params.moment])
def test_readers_take_none(reader: Any) -> None:
    """Broke: nothing. Checked: a parameter that is absent (None) is read as no value, not an error."""
    assert reader(None) in (None, "")
