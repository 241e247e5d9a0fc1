"""extract(): the article's text and metadata, whatever the format, and no exceptions."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from claims.sources.extraction import Extracted, extract
from tests.pages import BOILERPLATE, article_html, article_paragraphs, make_pdf

URL = "https://news.example/world/no-good-or-bad-taliban"


def test_html_article_gives_its_title_metadata_and_main_text() -> None:
    extracted = extract(article_html(), "text/html", URL, "utf-8")
    assert extracted.title == "No Good or Bad Taliban for Us: Pakistan Army"
    assert extracted.site_name == "Sample Times"
    assert extracted.author == "Reuters"
    assert extracted.published_on == date(2016, 10, 6)
    for paragraph in article_paragraphs()[:4]:
        assert paragraph in extracted.text
    assert "arrested 309 people associated with Islamic State" in extracted.text


def test_html_text_leaves_out_menus_adverts_and_footers() -> None:
    text = extract(article_html(), "text/html", URL, "utf-8").text
    for boilerplate in BOILERPLATE:
        assert boilerplate not in text
    assert "Politics" not in text


def test_html_without_a_declared_charset_uses_the_pages_own() -> None:
    page = '<html><head><meta charset="windows-1252"><title>Café crème</title></head><body></body></html>'
    extracted = extract(page.encode("cp1252"), "text/html", URL)
    assert extracted.title == "Café crème"


def test_html_with_no_article_still_gives_the_title() -> None:
    extracted = extract(b"<html><head><title>Only a title</title></head><body></body></html>", "text/html", URL)
    assert extracted.title == "Only a title"


def test_pdf_gives_its_title_and_the_text_of_every_page() -> None:
    pdf = make_pdf(
        [["Pakistani authorities have so far arrested 309 people."], ["He added that 516 soldiers had been killed."]],
        title="Army report card",
        author="ISPR",
    )
    extracted = extract(pdf, "application/pdf", URL)
    assert extracted.title == "Army report card"
    assert extracted.author == "ISPR"
    assert extracted.published_on == date(2016, 10, 6)
    assert "arrested 309 people" in extracted.text
    assert "516 soldiers" in extracted.text


def test_pdf_without_a_title_uses_its_first_line() -> None:
    pdf = make_pdf([["Report on militant arrests", "More text below."]])
    assert extract(pdf, "application/pdf", URL).title == "Report on militant arrests"


def test_pdf_reading_stops_after_the_page_limit(settings: Any) -> None:
    settings.EXTRACT_MAX_PDF_PAGES = MAX_PDF_PAGES = 40
    pdf = make_pdf([[f"Page number {n}"] for n in range(MAX_PDF_PAGES + 5)])
    text = extract(pdf, "application/pdf", URL).text
    assert f"Page number {MAX_PDF_PAGES - 1}" in text
    assert f"Page number {MAX_PDF_PAGES}" not in text


def test_plain_text_is_kept_as_it_is() -> None:
    body = "Army figures\n\nMore than 3,500 militants – killed.\n".encode()
    extracted = extract(body, "text/plain", URL, "utf-8")
    assert extracted.text == "Army figures\n\nMore than 3,500 militants – killed."
    assert extracted.title == "Army figures"


def test_plain_text_in_a_declared_charset_is_decoded() -> None:
    extracted = extract("Café".encode("latin-1"), "text/plain; charset=iso-8859-1", URL, "iso-8859-1")
    assert extracted.text == "Café"


def test_json_is_kept_as_it_is() -> None:
    body = json.dumps({"claim": "309 arrested", "by": "Bajwa"}).encode()
    extracted = extract(body, "application/json", URL)
    assert json.loads(extracted.text) == {"claim": "309 arrested", "by": "Bajwa"}
    assert extracted.title == ""


@pytest.mark.parametrize("content_type", ["text/html", "application/pdf", "text/plain", "application/json"])
@pytest.mark.parametrize(
    "body",
    [b"", b"\x00\xff\xfe\x00junk\x89PNG", b"%PDF-1.4\n1 0 obj << /Type /Catalog", bytes(range(256)) * 40],
    ids=["empty", "binary", "truncated-pdf", "every-byte"],
)
def test_junk_never_raises(body: bytes, content_type: str) -> None:
    extracted = extract(body, content_type, URL)
    assert isinstance(extracted, Extracted)
    assert "\x00" not in extracted.text
    assert "\x00" not in extracted.title


def test_an_unknown_type_gives_nothing() -> None:
    assert extract(b"\x89PNG", "image/png", URL) == Extracted()
