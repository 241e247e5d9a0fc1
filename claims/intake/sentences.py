"""Split cleaned text into sentences, with their offsets in that text.

sentencex (Wikimedia's rule-based segmenter, compiled, its abbreviation lists
inside the wheel) does the splitting: it keeps quoted speech whole and does not
end a sentence at "Lt. Gen.", "U.S.", "$106.9 billion", "No. 3", "Dr." or
"Jan. 5", and it answers in character offsets. It runs on one line at a time,
because after `cleaning` a line break always ends a paragraph, a heading or a
credit line. One fix-up: it ends a sentence after the few abbreviations below,
which never end one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sentencex


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offsets in the cleaned text: text == cleaned[start:end]
    end: int


_LINE = re.compile(r"[^\n]+")
# Abbreviations sentencex ends a sentence after (measured on 1.0.32) that are
# always followed by a name or a number.
_NEVER_FINAL = re.compile(r"(?:^|[\s(])(?:Ms|Ft|approx|est)\.$")
# A transcript's stage direction ("(Applause.)", "(Laughter.)") is a sentence
# of its own; sentencex glues it to the sentence after it.
_LEADING_ASIDE = re.compile(r"\([^()]*[.!?]\)\s+(?=\S)")


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        spans: list[tuple[int, int]] = []
        for boundary in sentencex.get_sentence_boundaries("en", line.group()):
            start, end = _trim(line.group(), boundary["start_index"], boundary["end_index"])
            if start == end:
                continue
            if spans and _NEVER_FINAL.search(line.group()[spans[-1][0] : spans[-1][1]]):
                spans[-1] = (spans[-1][0], end)
                continue
            aside = _LEADING_ASIDE.match(line.group(), start, end)
            if aside:
                spans.append(_trim(line.group(), start, aside.end()))
                start = aside.end()
            spans.append((start, end))
        offset = line.start()
        sentences.extend(Sentence(text[offset + s : offset + e], offset + s, offset + e) for s, e in spans)
    return sentences


def _trim(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
