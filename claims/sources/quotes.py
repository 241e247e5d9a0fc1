"""Is the quoted passage really in the source?

A fact-checker pastes a quote from a page; the worker checks it against the
text extracted from that page. Typography must not decide the answer: curly
versus straight quotes, em dash versus hyphen, "…" versus "...", case and
line breaks all differ between a page and a paste. So both sides are
normalized, then:

- "found": the quote appears as it is. An ellipsis in the quote marks words the
  fact-checker left out, so each part must appear, in order.
- "close": nearly (rapidfuzz partial_ratio >= 90): a word changed, a comma
  dropped. Worth a look before publishing.
- "not_found": neither.
- "not_checkable": no quote, or no text to look in.

The values are Evidence.QuoteCheck's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz

FOUND = "found"
CLOSE = "close"
NOT_FOUND = "not_found"
NOT_CHECKABLE = "not_checkable"

CLOSE_SCORE = 90

_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        # Invisible characters a page or a paste may carry inside words.
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", None),
    }
)
# Pages and pastes disagree on which dash and whether it has spaces around it
# ("army—which", "army - which", "army -- which"), so all become one bare "-".
# Both patterns run after whitespace is collapsed and allow one space at most
# on each side: `\s*-+` tried at every space of a long run of spaces is
# quadratic, and a page of 1 MB of padding held the worker for hours.
_DASHES = re.compile(r" ?-+ ?")
_ELLIPSIS = re.compile(r" ?\.{3,} ?")
_ELISION = re.compile(r"\s*(?:\[\s*\.\.\.\s*\]|\.\.\.)\s*")
_SPACE = re.compile(r"\s+")
_EDGE_QUOTES = "\"' "


def normalize(text: str) -> str:
    """Text with typography, case and whitespace differences removed."""
    # NFKC turns "…" into "...", no-break spaces into spaces, ligatures into letters.
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).casefold()
    text = _SPACE.sub(" ", text)
    text = _DASHES.sub("-", text)
    text = _ELLIPSIS.sub(" ... ", text)
    return _SPACE.sub(" ", text).strip()


def check_quote(quote: str, text: str) -> str:
    """One of "found", "close", "not_found", "not_checkable"."""
    return check_quotes([quote], text)[0]


def check_quotes(quotes: Iterable[str], text: str) -> list[str]:
    """`check_quote` for every quote citing one page, normalizing the page
    (up to megabytes) once."""
    haystack = normalize(text)
    return [_check(quote, haystack) for quote in quotes]


def _check(quote: str, haystack: str) -> str:
    wanted = normalize(quote).strip(_EDGE_QUOTES)
    parts = [part.strip(_EDGE_QUOTES) for part in _ELISION.split(wanted)]
    parts = [part for part in parts if part]
    if not parts or not haystack:
        return NOT_CHECKABLE
    if wanted in haystack or _in_order(parts, haystack):
        return FOUND
    if all(fuzz.partial_ratio(part, haystack, score_cutoff=CLOSE_SCORE) for part in parts):
        return CLOSE
    return NOT_FOUND


def _in_order(parts: list[str], haystack: str) -> bool:
    position = 0
    for part in parts:
        found = haystack.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True
