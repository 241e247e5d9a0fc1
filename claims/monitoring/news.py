"""The check-worthy sentences of a watched outlet's stories, stored once each
story's page is in: the desk's "From the news" list reads them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.models import Article, NewsSentence, OutletEntry, Repeat
from claims.monitoring.repeats import find_repeats


@dataclass(frozen=True)
class Spotted:
    """What one story gave: the sentences stored, and the published verdicts
    it repeats (found for the first time)."""

    sentences: list[NewsSentence] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)


def store_spotted(article: Article) -> Spotted:
    """Spot `article` (a watched outlet's story, its text in), store its best
    sentences from NEWS_MIN_SCORE up and match them against the published
    verdicts (claims.monitoring.repeats: each new repeat alerted once). Empty
    if the story was spotted before (by this job or another: the outlet
    entry's `spotted_at`, set under the same transaction, is the claim on the
    work)."""
    with transaction.atomic():
        now = timezone.now()
        if not OutletEntry.objects.filter(article=article, spotted_at=None).update(spotted_at=now):
            return Spotted()
        outlet_id = OutletEntry.objects.filter(article=article).values_list("outlet_id", flat=True).first()
        candidates = article.spotting().candidates
        # The same story under another article (listed by a second outlet, or
        # by an outlet watched again): its sentences are listed, or were
        # dismissed, already.
        listed = NewsSentence.objects.filter(article__url=article.url).exclude(article=article) if article.url else None
        shown = set(listed.values_list("sentence", flat=True)) if listed is not None else set()
        best = [c for c in candidates if c.score >= settings.NEWS_MIN_SCORE and c.sentence not in shown]
        stored = NewsSentence.objects.bulk_create(
            NewsSentence(
                article=article,
                outlet_id=outlet_id,
                start=candidate.start,
                sentence=candidate.sentence,
                score=candidate.score,
                reasons=[str(reason) for reason in candidate.reasons],
                claimant=(candidate.claimant or "")[:200],
                spotted_at=now,
            )
            for candidate in best[: settings.NEWS_SENTENCES_PER_ARTICLE]
        )
    # Matched apart from storing: a lookup per sentence, and its alerts, in
    # their own transaction (a repeat is recorded under the article's lock).
    return Spotted(stored, find_repeats(article, candidates))


def spot_articles(article_ids: Iterable[int]) -> list[tuple[Article, Spotted]]:
    """A batch of stories spotted and stored, in one read of the articles."""
    articles = Article.objects.filter(pk__in=list(article_ids)).only("pk", "url", "body", "original_body")
    return [(article, store_spotted(article)) for article in articles.order_by("pk")]
