"""Who made a statement, guessed from how the sentence attributes it.

"..., said Lt Gen Asim Bajwa." -> "Lt Gen Asim Bajwa"; "the minister told
reporters" -> "the minister"; "according to the UN" -> "the UN"; a pull quote
credited on the line below it ("Lt General Asim Bajwa, Spokesperson, Pakistan
Army") -> "Lt General Asim Bajwa". A guess the checker edits before saving,
so it errs towards the words as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERBS = (
    r"said|says|say|told|tells|added|adds|stated|announced|claimed|claims|reported|reports|estimated|confirmed"
    r"|denied|insisted|argued|warned|noted|wrote|tweeted|declared|acknowledged|admitted|alleged|explained"
    r"|revealed|testified|disclosed"
)
_ACCORDING_TO = re.compile(r"\baccording to\s+", re.I)
_INVERTED = re.compile(rf"[,”\"’]\s*(?:{_VERBS})\s+(?=[A-Z]|the\b|a\b|an\b)")
_SUBJECT_VERB = re.compile(rf"\s(?:(?:also|has|have|had|then|later)\s+)*(?:{_VERBS})\b")
_SAYING = re.compile(r",\s*saying\b")

# Where the phrase naming the speaker ends, reading forwards.
_PHRASE_END = re.compile(r"\s*[,;:()“”\"—]|\.(?:\s|$)|\s(?:that|which|who|in|on|at|as|when|after|before)\s|$")
# Where the subject before the verb begins, reading backwards.
_CLAUSE_START = re.compile(
    r"(?:^|[,;:“”\"(—]\s*|\s(?:that|after|before|when|while|because|as|and|but|which|who|if|since|although)\s)"
)
_TRAILING_TIME = re.compile(
    r"(?:\s+(?:on|last|this)\s+\w+|\s+(?:today|yesterday|tonight|also|in a statement|on \w+ \w+))+$", re.I
)
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "our"})
_AUXILIARIES = frozenset({"is", "are", "was", "were", "be", "been", "being"})
_MAX_WORDS = 7
_LOOK_BACK = 300  # characters

CREDIT_LINE = re.compile(
    r"^(?:[-—–~]+\s*(?P<dashed>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,5})(?:\s*,\s*[^,.!?]{2,60}){0,3}"
    r"|(?P<named>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,5})(?:\s*,\s*[^,.!?]{2,60}){1,3})$"
)


@dataclass(frozen=True)
class Attribution:
    claimant: str
    phrase: str  # the words that attribute it, as written

    @property
    def is_pronoun(self) -> bool:
        return self.claimant.casefold() in _PRONOUNS


def attribution(sentence: str) -> Attribution | None:
    """The statement's speaker as the sentence names it, or None."""
    for find in (_according_to, _inverted, _subject_verb, _saying):
        found = find(sentence)
        if found is not None:
            return found
    return None


def credited(line: str) -> str | None:
    """The name on a pull quote's credit line ("Name, Title, Outlet"), or None."""
    match = CREDIT_LINE.match(line)
    if match is None:
        return None
    return match.group("dashed") or match.group("named")


def _according_to(sentence: str) -> Attribution | None:
    match = _ACCORDING_TO.search(sentence)
    if match is None:
        return None
    who = _phrase_after(sentence, match.end())
    return Attribution(who, f"according to {who}") if who else None


def _inverted(sentence: str) -> Attribution | None:
    match = _INVERTED.search(sentence)
    if match is None:
        return None
    who = _phrase_after(sentence, match.end())
    verb = match.group().strip(',”"’ ').split()[0]
    return Attribution(who, f"{verb} {who}") if who else None


def _subject_verb(sentence: str) -> Attribution | None:
    for match in _SUBJECT_VERB.finditer(sentence):
        who = _phrase_before(sentence, match.start())
        if who:
            return Attribution(who, f"{who}{match.group()}")
    return None


def _saying(sentence: str) -> Attribution | None:
    if _SAYING.search(sentence) is None:
        return None
    opening = sentence.lstrip("“\"‘'(").split(",", 1)[0]
    words = opening.split()
    if len(words) <= _MAX_WORDS and _looks_like_subject(words):
        who = " ".join(words)
    elif words and words[0].casefold() in _PRONOUNS:
        who = words[0]
    else:
        return None
    return Attribution(who, f"{who} ..., saying")


def _phrase_after(sentence: str, start: int) -> str | None:
    end = _PHRASE_END.search(sentence, start)
    words = sentence[start : end.start() if end else len(sentence)].split()
    return " ".join(words) if len(words) <= _MAX_WORDS and _looks_like_subject(words) else None


def _phrase_before(sentence: str, end: int) -> str | None:
    # A subject is a few words, with an apposition at most: looking further
    # back would make a sentence of many "said"s cost its length squared.
    head = _TRAILING_TIME.sub("", sentence[max(0, end - _LOOK_BACK) : end])
    if head.endswith(","):
        # "Dr. Jane Smith, an economist at the bank, said": past the apposition.
        parts = head.rstrip(",").split(",")
        head = parts[-2] if len(parts) >= 2 else ""
    starts = [m.end() for m in _CLAUSE_START.finditer(head)]
    words = head[starts[-1] if starts else 0 :].split()
    # "The figures were reported": a passive names no speaker.
    if words and words[-1].casefold() in _AUXILIARIES:
        return None
    return " ".join(words) if len(words) <= _MAX_WORDS and _looks_like_subject(words) else None


def _looks_like_subject(words: list[str]) -> bool:
    if not words:
        return False
    first = words[0].casefold()
    return words[0][0].isupper() or first in _PRONOUNS or first in _DETERMINERS
