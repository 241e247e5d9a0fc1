"""The rating scale as readers and ClaimReview see it, and one claimant's
record on it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import Count

from claims.models import ClaimQuerySet, Rating


@dataclass(frozen=True)
class Scale:
    """Every rating, in order: one query serves a page or a whole JSON page."""

    ratings: tuple[Rating, ...]

    def steps(self, current: Rating | None = None) -> list[Rating]:
        """The scale a reader sees: ratings still in use, plus `current` if it was retired since."""
        return [r for r in self.ratings if not r.retired or (current is not None and r.pk == current.pk)]

    def on_truth_scale(self, rating: Rating) -> bool:
        """Whether `rating` is a point between true and false. A rating with no
        ClaimReview value says something else ("Unproven": the evidence does
        not settle it) and is no point on that line; on a scale where no
        rating has a value, every one is a point."""
        return rating.value is not None or all(r.value is None for r in self.ratings)

    def position(self, rating: Rating) -> tuple[int, int] | None:
        """(n, total) for "3 of 6", counting only the steps on the truth scale;
        None for a rating off it, which has no place to tell."""
        if not self.on_truth_scale(rating):
            return None
        steps = [r for r in self.steps(rating) if self.on_truth_scale(r)]
        return next(n for n, r in enumerate(steps, start=1) if r.pk == rating.pk), len(steps)

    @property
    def bounds(self) -> tuple[int, int] | None:
        """(bestRating, worstRating): the highest and lowest numeric values on the scale."""
        values = [r.value for r in self.ratings if r.value is not None]
        return (max(values), min(values)) if values else None

    def digest(self) -> str:
        """Changes whenever an editor changes the scale, which every public page shows."""
        parts = [(r.pk, r.label, r.order, r.colour, r.value, r.retired) for r in self.ratings]
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def load_scale() -> Scale:
    return Scale(tuple(Rating.objects.all()))


@dataclass(frozen=True)
class RatingCount:
    """One bar of a claimant's record: how many of their verdicts stand at `rating`."""

    rating: Rating
    count: int
    share: float  # of the rated verdicts, 0..100


def rating_distribution(claims: ClaimQuerySet, scale: Scale) -> list[RatingCount]:
    """How many of `claims` have each rating as their current verdict, in scale
    order: one query, grouped in the database, however many claims there are.
    Every step in use is listed, empty ones too, so the bars read against the
    whole scale; a retired rating only when a verdict still carries it."""
    counts = dict(claims.order_by().values("current_rating").annotate(n=Count("pk")).values_list("current_rating", "n"))
    total = sum(n for rating_id, n in counts.items() if rating_id is not None)
    return [
        RatingCount(
            rating=rating,
            count=counts.get(rating.pk, 0),
            share=round(100 * counts.get(rating.pk, 0) / total, 1) if total else 0.0,
        )
        for rating in scale.ratings
        if not rating.retired or counts.get(rating.pk)
    ]
