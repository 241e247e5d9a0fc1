"""Repeats of checked claims: the spotted sentences of an article matched
against the verdicts that stand.

A sentence repeats a verdict when two tests pass:

- it is alike by the measure "checked before?" uses (trigram similarity,
  claims.models.similar: pg_trgm's KNN on PostgreSQL, the same measure in
  Python on SQLite), at least REPEAT_MATCH_THRESHOLD;
- it carries the verdict's content: at least REPEAT_CONTENT_SHARE of the
  trigrams of the claim's content words (numbers and common words left
  out) are in the sentence's. Figures weigh heavily in trigram similarity
  ("12", "2023" and "40" are a third of a short claim), so "The team scored
  12 goals in 2023, the most in 40 years" is close to "Unemployment rose to
  12 percent in 2023, the highest in 40 years"; it shares none of its words.

Each sentence costs one similarity lookup; sentences spotting scored below
REPEAT_MIN_SPOTTING_SCORE are not looked up, nor more than the best
REPEAT_MAX_SENTENCES of an article."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING

from django.conf import settings

from claims.intake import Candidate
from claims.models import Article, Claim, Repeat
from claims.models.similar import similar_claims, trigrams

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

_WORD = re.compile(r"\w+")
# Words that say nothing of what a claim is about. English only: in another
# language every word counts, which asks a little more of a match, not less.
_COMMON = frozenset(
    _WORD.findall(
        """a an and are as at be been but by can could did do does for from had has have he her his how if in into is
    it its more most much not of on or our over said says she so some than that the their them then there these
    they this those to told under up very was we were what when where which while who will with would you your
    all also any about after again against before between both during each few just less many only other own
    same since such too until us because per out"""
    )
)


def find_repeats(
    article: Article, candidates: Iterable[Candidate], *, by: AbstractBaseUser | None = None
) -> list[Repeat]:
    """The repeats of published verdicts found in `article`'s spotted
    sentences (`article.spotting().candidates`, best first) that were not
    found before: each saved, and each at least REPEAT_ALERT_MIN_SCORE alike
    alerted once to the editors (and the researcher), never to `by`, who
    caused this run if anyone did. Matching an article again returns []."""
    # A claim marked as a duplicate is rejected: none of these is one.
    verdicts = Claim.objects.standing()
    threshold = max(settings.REPEAT_MATCH_THRESHOLD, settings.SIMILAR_CLAIMS_THRESHOLD)
    matches = []
    for candidate in islice(_worth_matching(candidates), settings.REPEAT_MAX_SENTENCES):
        for claim in similar_claims(verdicts, candidate.sentence, settings.REPEAT_MATCHES_PER_SENTENCE):
            if claim.similarity >= threshold and carries_content(candidate.sentence, claim.text):
                matches.append((candidate, claim, claim.similarity))
    return Repeat.objects.record(article, matches, by=by) if matches else []


def _worth_matching(candidates: Iterable[Candidate]) -> Iterable[Candidate]:
    return (c for c in candidates if c.score >= settings.REPEAT_MIN_SPOTTING_SCORE)


def content_words(text: str) -> set[str]:
    """Its words that say what it is about: no figures, no common words."""
    words = _WORD.findall(text.casefold())
    return {w for w in words if len(w) > 2 and w not in _COMMON and not any(c.isdigit() for c in w)}


def carries_content(sentence: str, claim: str) -> bool:
    return content_share(sentence, claim) >= settings.REPEAT_CONTENT_SHARE


def content_share(sentence: str, claim: str) -> float:
    """How much of the claim's content is in the sentence (0-1): the share of
    the trigrams of its content words found among the sentence's, so "rose"
    and "risen" or "killed" and "kills" count in part. 0 for a claim of
    figures alone: nothing tells its subject apart."""
    wanted = trigrams(" ".join(content_words(claim)))
    if not wanted:
        return 0.0
    found = trigrams(" ".join(content_words(sentence)))
    return len(wanted & found) / len(wanted)
