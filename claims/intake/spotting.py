"""Score each sentence of an article for check-worthiness, and say why.

The score is 0-100: the points of every signal found (table below), less the
points of every sign against, kept within 0 and 100. Each signal counts once
however often it appears, and each is listed in the candidate's reasons with
what was found and its points, so a checker can see why a sentence ranks where
it does.

| signal | points |
| --- | --- |
| a count of people (309 people, 3,500 had been killed) | +30 |
| an amount of money | +30 |
| a percentage | +25 |
| another figure | +20 |
| a comparison or superlative | +15 |
| attributed to someone (said, told, according to, a pull quote's credit) | +15 |
| a date | +10 |
| names a person or organization | +10 |
| looks like web chrome that cleaning kept | -50 |
| a question | -40 |
| no sentence punctuation (a heading, caption or credit line) | -30 |
| an opinion or prescription (I think, should, must, evaluative words) | -25 |
| too short to state a checkable fact (under 5 words) | -20 |
| a prediction or promise | -10 |
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, ngettext

from claims.intake import signals
from claims.intake.claimants import Attribution, attribution, credited
from claims.intake.cleaning import DroppedLine, clean, why_chrome
from claims.intake.sentences import split_sentences


@dataclass(frozen=True)
class Candidate:
    sentence: str
    start: int  # offsets in Spotting.text
    end: int
    score: int  # 0-100
    reasons: tuple[str, ...]
    claimant: str | None


@dataclass(frozen=True)
class Spotting:
    text: str  # the cleaned text the offsets refer to
    dropped: tuple[DroppedLine, ...]
    candidates: tuple[Candidate, ...]  # every sentence, best first


_Finder = Callable[[str], Iterable[re.Match[str]]]
# Most specific first: a figure already read as money, a percentage, a count
# of people or a date is not counted again as "another figure".
_QUANTITIES: tuple[tuple[Promise, int, _Finder], ...] = (
    (gettext_lazy("a count of people: %(found)s"), 30, signals.COUNTS_OF_PEOPLE.finditer),
    (gettext_lazy("an amount of money: %(found)s"), 30, signals.AMOUNTS_OF_MONEY.finditer),
    (gettext_lazy("a percentage: %(found)s"), 25, signals.PERCENTAGES.finditer),
    (gettext_lazy("a date: %(found)s"), 10, signals.DATES.finditer),
)
_FIGURE_POINTS = 20
_COMPARISON_POINTS = 15
_ATTRIBUTION_POINTS = 15
_NAME_POINTS = 10
_CHROME_POINTS = -50
_QUESTION_POINTS = -40
_HEADING_POINTS = -30
_OPINION_POINTS = -25
_SHORT_POINTS = -20
_SHORT_WORDS = 5
_PREDICTION_POINTS = -10

_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
_PERSONAL_PRONOUNS = frozenset({"he", "she", "they"})


def spot(pasted: str) -> Spotting:
    """Clean the pasted text and rank its sentences, best first."""
    cleaned = clean(pasted)
    sentences = split_sentences(cleaned.text)
    credits = _pull_quote_credits(cleaned.text)
    line_starts = [0, *(m.end() for m in re.finditer("\n", cleaned.text))]
    candidates: list[Candidate] = []
    last_named: str | None = None
    for sentence in sentences:
        said = attribution(sentence.text)
        credit = credits.get(line_starts[bisect_right(line_starts, sentence.start) - 1])
        claimant, reason = _claimant(said, credit, last_named)
        if claimant and (said is None or not said.is_pronoun):
            last_named = claimant
        points, reasons = _score(sentence.text, reason)
        candidates.append(Candidate(sentence.text, sentence.start, sentence.end, points, reasons, claimant))
    ranked = sorted(candidates, key=lambda c: (-c.score, c.start))
    return Spotting(cleaned.text, cleaned.dropped, tuple(ranked))


def _score(text: str, attribution_reason: str | None) -> tuple[int, tuple[str, ...]]:
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for label, points, finder in _QUANTITIES:
        matches = [m for m in finder(text) if not _overlaps(m.span(), taken)]
        if matches:
            taken.extend(m.span() for m in matches)
            found.append((points, label % {"found": _quote(matches)}))
    figures = [m for m in signals.FIGURES.finditer(text) if not _overlaps(m.span(), taken)]
    if figures:
        found.append((_FIGURE_POINTS, gettext("a figure: %(found)s") % {"found": _quote(figures)}))
    comparisons = list(signals.COMPARISONS.finditer(text))
    if comparisons:
        comparison = gettext("a comparison or superlative: %(found)s") % {"found": _quote(comparisons)}
        found.append((_COMPARISON_POINTS, comparison))
    if attribution_reason:
        found.append((_ATTRIBUTION_POINTS, attribution_reason))
    named = signals.names(text)
    if named:
        names = gettext("names a person or organization: %(names)s") % {"names": ", ".join(named[:3])}
        found.append((_NAME_POINTS, names))
    found.extend(_signs_against(text))
    total = max(0, min(100, sum(points for points, _ in found)))
    return total, tuple(f"{reason} ({points:+d})" for points, reason in found)


def _signs_against(text: str) -> list[tuple[int, str]]:
    against: list[tuple[int, str]] = []
    chrome = why_chrome(text)
    if chrome and chrome != gettext("too short to be a sentence"):
        against.append((_CHROME_POINTS, gettext("looks like web chrome: %(why)s") % {"why": chrome}))
    if "?" in text:
        against.append((_QUESTION_POINTS, gettext("a question")))
    if not _ENDS_SENTENCE.search(text):
        against.append((_HEADING_POINTS, gettext("no sentence punctuation: a heading, caption or credit line")))
    opinions = list(signals.OPINIONS.finditer(text))
    if opinions:
        opinion = gettext("an opinion or prescription: %(found)s") % {"found": _quote(opinions)}
        against.append((_OPINION_POINTS, opinion))
    words = len(text.split())
    if words < _SHORT_WORDS:
        short = ngettext(
            "too short to state a checkable fact (%(words)d word)",
            "too short to state a checkable fact (%(words)d words)",
            words,
        )
        against.append((_SHORT_POINTS, short % {"words": words}))
    predictions = list(signals.PREDICTIONS.finditer(text))
    if predictions:
        prediction = gettext("a prediction or promise: %(found)s") % {"found": _quote(predictions)}
        against.append((_PREDICTION_POINTS, prediction))
    return against


def _claimant(said: Attribution | None, credit: str | None, last_named: str | None) -> tuple[str | None, str | None]:
    """The claimant guess and the reason that names it."""
    if said is not None and not said.is_pronoun:
        return said.claimant, _attribution_reason(said)
    if credit is not None:
        return credit, gettext("attributed: a pull quote credited to '%(name)s'") % {"name": credit}
    if said is None:
        return None, None
    # "he said": journalists name a speaker before they write "he", so the
    # last speaker named is the best guess; the reason shows the guess.
    if said.claimant.casefold() in _PERSONAL_PRONOUNS and last_named:
        guess = gettext("%(reason)s, %(pronoun)s taken as %(name)s")
        return last_named, guess % {"reason": _attribution_reason(said), "pronoun": said.claimant, "name": last_named}
    return said.claimant, _attribution_reason(said)


def _attribution_reason(said: Attribution | None) -> str | None:
    return gettext("attributed: '%(phrase)s'") % {"phrase": said.phrase} if said else None


def _pull_quote_credits(text: str) -> dict[int, str]:
    """Line start -> credited speaker, for each line of a paragraph whose last
    line is a credit ("Name, Title, Outlet") set directly under the quote."""
    credits: dict[int, str] = {}
    offset = 0
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        name = credited(lines[-1]) if len(lines) > 1 else None
        line_start = offset
        for line in lines[:-1]:
            if name:
                credits[line_start] = name
            line_start += len(line) + 1
        offset += len(paragraph) + 2
    return credits


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _quote(matches: list[re.Match[str]]) -> str:
    seen: list[str] = []
    for match in matches:
        text = match.group().strip()
        if text not in seen:
            seen.append(text)
    return ", ".join(seen[:3])
