"""The readable text and metadata of a fetched source.

HTML goes through trafilatura, which keeps the article and drops menus,
adverts and footers, and reads title, site, author and date from the page's
metadata. PDFs go through pypdf, bounded in pages and characters. Plain text
and JSON are kept as they are. Whatever arrives, `extract()` returns what it
could and never raises: a page we cannot read is a source with no text, not a
failed job.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from pypdf import PdfReader
from trafilatura import bare_extraction
from trafilatura.metadata import extract_metadata

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
JSON_TYPES = frozenset({"application/json", "application/ld+json"})
PDF_TYPE = "application/pdf"

# The lengths of the Source fields these land in.
TITLE_CHARS, SITE_CHARS, AUTHOR_CHARS = 500, 200, 200

# PostgreSQL text columns refuse NUL, and a PDF or a junk page can carry it.
_NUL = re.compile("\x00")


@dataclass(frozen=True)
class Extracted:
    title: str = ""
    site_name: str = ""
    author: str = ""
    published_on: date | None = None
    text: str = ""


def extract(body: bytes, content_type: str, url: str, charset: str | None = None) -> Extracted:
    """Title, site, author, published date and main text of `body`; empty
    fields for whatever could not be read."""
    content_type = content_type.split(";", 1)[0].strip().lower()
    try:
        if content_type in HTML_TYPES:
            result = _from_html(body, url, charset)
        elif content_type == PDF_TYPE:
            result = _from_pdf(body)
        elif content_type.startswith("text/") or content_type in JSON_TYPES:
            result = _from_text(body, charset, titled=content_type == "text/plain")
        else:
            return Extracted()
    except SoftTimeLimitExceeded:
        raise  # the job's time is up: not a fact about this page
    except Exception:
        # Parsers meet hostile input here; one bad source must not stop the worker.
        log.warning("could not extract text from %s (%s)", url, content_type, exc_info=True)
        return Extracted()
    return _tidy(result)


def decode(body: bytes, charset: str | None) -> str:
    """Text in the declared charset, else UTF-8, else Windows-1252 (what
    browsers assume for undeclared Western pages); never raises."""
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            pass
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _from_html(body: bytes, url: str, charset: str | None) -> Extracted:
    # With a declared charset we decode; without, trafilatura reads the page's
    # own <meta charset> and guesses, which beats assuming UTF-8.
    html: str | bytes = decode(body, charset) if charset else body
    # extensive_search off: a date must come from the page's metadata or
    # markup, not from any date-looking string in the text.
    dates = {"extensive_search": False, "original_date": True}
    document = bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True, date_extraction_params=dates
    )
    if document is None:
        # No main text found; the metadata may still give a title.
        document = extract_metadata(html if isinstance(html, str) else decode(body, None), url, dates, extensive=False)
    return Extracted(
        title=document.title or "",
        site_name=document.sitename or "",
        author=document.author or "",
        published_on=_date(document.date),
        text=getattr(document, "text", None) or "",
    )


def _from_pdf(body: bytes) -> Extracted:
    reader = PdfReader(io.BytesIO(body))
    if reader.is_encrypted and not reader.decrypt(""):
        return Extracted()
    parts: list[str] = []
    length = 0
    for number, page in enumerate(reader.pages):
        if number >= settings.EXTRACT_MAX_PDF_PAGES or length >= settings.EXTRACT_MAX_TEXT_CHARS:
            break
        try:
            text = page.extract_text() or ""
        except Exception:
            # One broken page should not cost the rest of the document.
            log.warning("could not read page %s of a PDF", number + 1, exc_info=True)
            continue
        parts.append(text)
        length += len(text)
    text = "\n\n".join(part.strip() for part in parts if part.strip())
    info = reader.metadata
    title = _pdf_field(info, "title") or _first_line(text)
    created = getattr(info, "creation_date", None) if info is not None else None
    return Extracted(
        title=title,
        author=_pdf_field(info, "author"),
        published_on=created.date() if isinstance(created, datetime) else None,
        text=text,
    )


def _pdf_field(info: object, name: str) -> str:
    try:
        value = getattr(info, name, None) if info is not None else None
    except Exception:
        return ""  # a malformed metadata dictionary
    return " ".join(str(value).split()) if value else ""


def _from_text(body: bytes, charset: str | None, titled: bool) -> Extracted:
    text = decode(body[: settings.EXTRACT_MAX_TEXT_CHARS * 4], charset)
    return Extracted(title=_first_line(text) if titled else "", text=text)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())
    return ""


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _tidy(result: Extracted) -> Extracted:
    def clean(value: str, limit: int) -> str:
        return _NUL.sub("", value).strip()[:limit]

    return Extracted(
        title=clean(result.title, TITLE_CHARS),
        site_name=clean(result.site_name, SITE_CHARS),
        author=clean(result.author, AUTHOR_CHARS),
        published_on=result.published_on,
        text=clean(result.text, settings.EXTRACT_MAX_TEXT_CHARS),
    )
