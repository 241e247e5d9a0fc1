"""What the tests of repeats share: a published verdict, articles that
repeat it or only share its figures, and finding repeats in them as the
monitoring pipeline does."""

from __future__ import annotations

from typing import Any

from claims.models import Article, Repeat
from claims.monitoring.repeats import find_repeats

VERDICT = "More than 3,500 militants have been killed in the operation."
# The same claim, reworded and attributed.
REWORDED = "Lt Gen Asim Bajwa said more than 3,500 militants had been killed in the operation so far."
# The same figures and much of the wording, about something else.
SAME_NUMBERS = "More than 3,500 tickets have been sold in the operation of the fair."


def article_saying(*sentences: str, by: Any, **fields: Any) -> Article:
    fields.setdefault("title", "Briefing on the operation")
    fields.setdefault("outlet", "Sample Times")
    return Article.objects.add(body="\n\n".join(sentences), by=by, **fields)


def find_in(article: Article, **kwargs: Any) -> list[Repeat]:
    return find_repeats(article, article.spotting().candidates, **kwargs)


def make_repeat(claim: Any, *, by: Any, sentence: str = REWORDED, score: float = 0.6, **article: Any) -> Repeat:
    """A repeat as find_repeats leaves it, for tests of what is done with one."""
    made = article_saying(sentence, by=by, **article)
    start = made.spotting().text.index(sentence)
    return Repeat.objects.create(article=made, start=start, sentence=sentence, claim=claim, score=score)
