"""The check-worthy sentences of a watched outlet's stories, stored once each
story's page is in: the desk's "From the news" list reads them."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.models import Article, NewsSentence, OutletEntry


def store_spotted(article: Article) -> list[NewsSentence]:
    """Spot `article` (a watched outlet's story, its text in) and store its
    best sentences from NEWS_MIN_SCORE up; the rows stored, or [] if its
    sentences were stored before (by this job or another: the outlet entry's
    `spotted_at`, set under the same transaction, is the claim on the work)."""
    with transaction.atomic():
        now = timezone.now()
        if not OutletEntry.objects.filter(article=article, spotted_at=None).update(spotted_at=now):
            return []
        outlet_id = OutletEntry.objects.filter(article=article).values_list("outlet_id", flat=True).first()
        best = [c for c in article.spotting().candidates if c.score >= settings.NEWS_MIN_SCORE]
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
    # At merge: claims.monitoring.repeats.find_repeats(article, stored) is called here.
    return stored


def spot_articles(article_ids: Iterable[int]) -> list[tuple[Article, list[NewsSentence]]]:
    """A batch of stories spotted and stored, in one read of the articles."""
    articles = Article.objects.filter(pk__in=list(article_ids)).only("pk", "url", "body", "original_body")
    return [(article, store_spotted(article)) for article in articles.order_by("pk")]
