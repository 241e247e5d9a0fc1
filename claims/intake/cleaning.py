"""Clean text pasted from the web: keep the article, drop the page around it.

Copying a story out of a browser brings the page's chrome along: advert
markers, share buttons, font-size pickers, reading times, membership pleas,
topic lists. The rules here look at the shape of a line (very short with no
sentence punctuation, all capitals, a known button or prompt, a repeat), never
at one site's wording, and every line dropped is returned with its reason so
the desk can show it and nothing is lost silently.

Lines that a hard wrap cut mid-sentence (plain-text releases, PDFs) are joined
again, so each line of the cleaned text is a paragraph, a heading or a quote's
credit line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.intake.claimants import credited


@dataclass(frozen=True)
class DroppedLine:
    number: int  # 1-based, in the text as pasted
    text: str
    reason: str


@dataclass(frozen=True)
class CleanText:
    text: str
    dropped: tuple[DroppedLine, ...]


# Invisible characters that pages carry (zero-width spaces, soft hyphens, byte
# order marks) would split words for every pattern downstream.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"[^\S\n]+")

_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
_ENDS_CLAUSE = re.compile(r"[.!?…:;][\"'”’)\]]*$")
# A line that starts like this goes on a sentence from the line above.
_CONTINUES = re.compile(r"[a-z(\d$€£%]")
_WRAPPED_LINE_WORDS = 8
_WORD = re.compile(r"[^\W_]+(?:[’'.-][^\W_]+)*")

# Words a hard-wrapped line can end on only in the middle of a sentence.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "or",
        "but",
        "nor",
        "than",
        "that",
        "which",
        "who",
        "whose",
        "whom",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "this",
        "these",
        "those",
        "about",
        "into",
        "over",
        "under",
        "after",
        "before",
    ]
)

_AD_MARKER = re.compile(r"ADVERT|SPONSOR|PROMOTED|\bADS?\b")
_BUTTONS = frozenset(
    [
        "advertisement",
        "back to top",
        "check member benefits",
        "comments",
        "continue reading",
        "copy link",
        "link copied",
        "listen to this article",
        "load more",
        "most read",
        "print this article",
        "read more",
        "read next",
        "related articles",
        "related stories",
        "remove ad",
        "share this article",
        "share this story",
        "show more",
        "sign in to continue",
        "skip to content",
        "skip to main content",
        "view comments",
    ]
)
_RULES: tuple[tuple[re.Pattern[str], Promise], ...] = (
    (re.compile(r"^\d+\s*(?:min(?:ute)?s?|hrs?)\.?\s+(?:read|listen|watch)$", re.I), _("a reading-time label")),
    (
        re.compile(r"^(?:topics|tags|related|filed under|also read|read also|see also|more on|more from)\s*:", re.I),
        _("a list of topics or links"),
    ),
    (
        re.compile(
            r"^(?:read|watch|listen|browse|click|tap|follow|subscribe|sign up|download|get)\b"
            r".*\b(?:news|more|stories|app|newsletter|here|us|updates|podcasts?|channel)\b",
            re.I,
        ),
        _("a navigation or follow prompt"),
    ),
    (re.compile(r"©|\ball rights reserved\b|\bwe use cookies\b", re.I), _("a legal or cookie notice")),
    (
        re.compile(r"^\(?(?:photo|image|picture|video|file photo|graphic|illustration)(?: credit)?\s*:", re.I),
        _("a picture credit"),
    ),
)
# A plea needs both halves: the ask, and the reader or "our journalism" it is
# addressed to; "Finland will become a member of NATO." is news, not chrome.
_PLEA_ASK = re.compile(
    r"\bbecom\w* a (?:member|subscriber|supporter)\b|\bsubscri(?:be|ption)\b|\bdonat\w+|\bsupport (?:us|our)\b"
    r"|\bmembership\b",
    re.I,
)
_PLEA_ADDRESSEE = re.compile(r"\bour (?:journalism|reporting|newsroom|work|journalists)\b|\byou\b|\byour\b", re.I)
_BYLINE = re.compile(r"^(?i:by|written by|reported by)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}$")
_TIMESTAMP = re.compile(r"^(?:published|updated|posted|last updated)\b", re.I)


def clean(pasted: str) -> CleanText:
    """The pasted text without its web chrome, and what was dropped and why."""
    kept: list[tuple[int, str]] = []
    dropped: list[DroppedLine] = []
    seen: set[str] = set()
    for number, raw in enumerate(pasted.splitlines(), start=1):
        line = normalize(raw)
        if not line:
            continue
        reason = why_chrome(line)
        key = line.casefold()
        attached = bool(kept) and kept[-1][0] == number - 1
        # A pull quote's credit line repeats under every quote by design: a
        # repeat attached to the text above it stays; a free-standing one
        # (a second copy of a heading, a paragraph pasted twice) goes.
        if reason is None and key in seen and not attached:
            reason = "repeats an earlier line"
        if reason is not None:
            dropped.append(DroppedLine(number, raw.strip(), reason))
            continue
        seen.add(key)
        kept.append((number, line))
    return CleanText(_join(kept), tuple(dropped))


def normalize(line: str) -> str:
    line = unicodedata.normalize("NFC", line).translate(_INVISIBLE)
    return _SPACES.sub(" ", line).strip()


def why_chrome(line: str) -> str | None:
    """Why this line is the page's chrome rather than the article, or None."""
    words = _WORD.findall(line)
    if not words:
        return gettext("no words")
    if not any(c.islower() for c in line) and _AD_MARKER.search(line):
        return gettext("an advertising marker")
    bare = " ".join(words).casefold()
    if bare in _BUTTONS:
        return gettext("a button or menu item")
    for pattern, reason in _RULES:
        if pattern.search(line):
            return str(reason)
    if _PLEA_ASK.search(line) and _PLEA_ADDRESSEE.search(line):
        return gettext("a membership or subscription plea")
    if _BYLINE.match(line):
        return gettext("a byline")
    ends_sentence = bool(_ENDS_SENTENCE.search(line))
    if _TIMESTAMP.match(line) and not ends_sentence and len(words) <= 8:
        return gettext("a time stamp")
    if len(words) < 4 and not ends_sentence:
        return gettext("too short to be a sentence")
    if len(words) <= 6 and not any(c.islower() for c in line) and not ends_sentence:
        return gettext("an all-capitals label")
    return None


def _join(kept: list[tuple[int, str]]) -> str:
    """Kept lines in order: a blank line where anything stood between two of
    them, a hard wrap mended, a line break kept otherwise."""
    parts: list[str] = []
    previous: tuple[int, str] | None = None
    for number, line in kept:
        if previous is None:
            parts.append(line)
        elif previous[0] != number - 1:
            parts.append("\n\n" + line)
        elif _wraps_into(previous[1], line):
            # A word hyphenated at the wrap ("high-" / "paying") joins whole.
            joiner = "" if previous[1].endswith("-") and not previous[1].endswith("--") else " "
            parts.append(joiner + line)
        else:
            parts.append("\n" + line)
        previous = (number, line)
    return "".join(parts)


def _wraps_into(line: str, following: str) -> bool:
    """Whether a line break only wrapped a sentence that goes on below."""
    if _ENDS_CLAUSE.search(line) or credited(following):
        return False
    if _CONTINUES.match(following) or line.endswith((",", "-")):
        return True
    # A long line that stops on a lower-case word was cut by a wrap ("Osama
    # bin" / "Laden"); a heading is short or ends on a capital.
    last_word = line.rsplit(" ", 1)[-1]
    return last_word in _FUNCTION_WORDS or (last_word[0].islower() and len(line.split()) >= _WRAPPED_LINE_WORDS)
