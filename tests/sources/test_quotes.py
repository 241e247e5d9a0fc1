"""check_quote(): typography never decides; words do."""

from __future__ import annotations

import pytest

from claims.sources.quotes import check_quote, normalize
from tests.pages import article_paragraphs

SOURCE = "\n\n".join(article_paragraphs())


@pytest.mark.parametrize(
    "quote",
    [
        "Pakistani authorities have so far arrested 309 people associated with Islamic State",
        "PAKISTANI AUTHORITIES   have so far\narrested 309 people",
        'saying Pakistan was pursuing an "indiscriminate operation" against all militants',
        "“Pakistan's military on Thursday said it has halted Islamic State's attempts”",
        "Pakistan-based militants",
        "the Pakistan army began the latest phase of its military offensive against Pakistan — based militants",
        "Terrorists of all organisations, including Haqqanis, including Afghan Taliban, have been killed "
        "and some apprehended … so if you say",
        "There is no concept of good or bad Taliban ... that is wrong.",
        "We told them that you will have to take action [...] that did not happen unfortunately",
    ],
    ids=[
        "exact",
        "case-and-whitespace",
        "straight-for-curly-quotes",
        "curly-for-straight-and-wrapping-quotes",
        "hyphen",
        "spaced-em-dash-for-hyphen",
        "ellipsis-character-for-three-dots",
        "elision-with-dots",
        "elision-in-brackets",
    ],
)
def test_a_quote_in_the_source_is_found(quote: str) -> None:
    assert check_quote(quote, SOURCE) == "found"


def test_a_quote_with_a_word_changed_is_close() -> None:
    quote = "Pakistani authorities have so far detained 309 people associated with Islamic State"
    assert check_quote(quote, SOURCE) == "close"


def test_a_quote_with_a_dropped_comma_is_close() -> None:
    quote = "Terrorists of all organisations including Haqqanis including Afghan Taliban have been killed"
    assert check_quote(quote, SOURCE) == "close"


def test_an_elided_quote_with_parts_out_of_order_is_not_found_as_is() -> None:
    quote = "that is wrong ... There is no concept of good or bad Taliban"
    assert check_quote(quote, SOURCE) != "found"


def test_a_quote_not_in_the_source_is_not_found() -> None:
    quote = "The army said it had killed 5,000 militants in the tribal areas since July"
    assert check_quote(quote, SOURCE) == "not_found"


def test_a_changed_figure_in_a_short_quote_is_not_found() -> None:
    assert check_quote("arrested 390 people", SOURCE) != "found"


@pytest.mark.parametrize(
    ("quote", "text"),
    [("", SOURCE), ("   \n", SOURCE), ("“”", SOURCE), ("...", SOURCE), ("309 people", ""), ("309 people", " \n ")],
)
def test_no_quote_or_no_text_is_not_checkable(quote: str, text: str) -> None:
    assert check_quote(quote, text) == "not_checkable"


def test_normalize_folds_typography() -> None:
    assert normalize("“It’s  done” — he said…\u00a0OK") == normalize('"it\'s done"-he said... ok')
