"""A spotted sentence repeats a published verdict when it is alike by the
measure "checked before?" uses and carries the verdict's content words: a
reworded repeat is found with its score; a sentence with the same figures
about something else is not, though its trigram similarity alone would
pass; claims not published (or retracted) are never matched. Run on SQLite
and on PostgreSQL (pg_trgm)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from claims.models import Claim, Repeat
from claims.monitoring.repeats import carries_content, content_words
from tests.monitoring.repeats_helpers import REWORDED, SAME_NUMBERS, VERDICT, article_saying, find_in
from tests.public.conftest import retract

pytestmark = pytest.mark.django_db


def test_a_reworded_repeat_is_found_with_its_score(publish: Any, checker: Any) -> None:
    verdict = publish(text=VERDICT, claimant="Asim Bajwa")
    article = article_saying("The weather was fine on Monday.", REWORDED, by=checker)
    [repeat] = find_in(article)
    assert repeat.claim == verdict
    assert repeat.sentence == REWORDED
    assert repeat.article == article
    assert article.spotting().text[repeat.start :].startswith(REWORDED)
    assert settings.REPEAT_MATCH_THRESHOLD <= repeat.score <= 1
    assert repeat.claimant == "Lt Gen Asim Bajwa"
    assert repeat.status == Repeat.Status.FOUND
    assert list(Repeat.objects.all()) == [repeat]
    assert repeat.verdict_url == f"{settings.SITE_URL}/verdicts/{verdict.slug}/"


def test_the_same_numbers_about_something_else_are_not_a_repeat(publish: Any, checker: Any) -> None:
    verdict = publish(text=VERDICT)
    # Trigram similarity alone would take it: the check of content words is what refuses it.
    [alike] = Claim.objects.standing().similar_to(SAME_NUMBERS)
    assert alike == verdict
    assert alike.similarity >= settings.REPEAT_MATCH_THRESHOLD
    assert not carries_content(SAME_NUMBERS, VERDICT)
    article = article_saying(SAME_NUMBERS, by=checker)
    assert find_in(article) == []
    assert not Repeat.objects.exists()


def test_content_words_leave_out_figures_and_common_words() -> None:
    assert content_words("More than 3,500 militants have been killed in 2023.") == {"militants", "killed"}
    assert carries_content(REWORDED, VERDICT)


def test_a_claim_of_figures_alone_matches_nothing() -> None:
    assert not carries_content("In 2023: 3,500 and 40.", "3,500 in 2023, 40 in 2024.")


def test_claims_not_published_or_retracted_are_never_matched(
    make_claim: Any, publish: Any, editor: Any, checker: Any
) -> None:
    for state in ("submitted", "researching", "in_review", "approved"):
        make_claim(state=state, text=VERDICT)
    retract(publish(text=VERDICT), editor)
    article = article_saying(REWORDED, by=checker)
    assert find_in(article) == []
    standing = publish(text=VERDICT)
    assert [repeat.claim for repeat in find_in(article)] == [standing]


def test_weak_sentences_are_not_looked_up(publish: Any, checker: Any, settings: Any) -> None:
    publish(text=VERDICT)
    article = article_saying(REWORDED, by=checker)
    [candidate] = article.spotting().candidates
    settings.REPEAT_MIN_SPOTTING_SCORE = candidate.score + 1
    assert find_in(article) == []
    settings.REPEAT_MIN_SPOTTING_SCORE = candidate.score
    assert len(find_in(article)) == 1


def test_the_match_threshold_is_a_setting(publish: Any, checker: Any, settings: Any) -> None:
    publish(text=VERDICT)
    article = article_saying(REWORDED, by=checker)
    settings.REPEAT_MATCH_THRESHOLD = 0.99
    assert find_in(article) == []
    settings.REPEAT_MATCH_THRESHOLD = 0.4
    assert len(find_in(article)) == 1


def test_one_sentence_may_repeat_two_verdicts_and_one_verdict_come_back_twice(publish: Any, checker: Any) -> None:
    first = publish(text=VERDICT)
    second = publish(text="More than 3,500 militants have been killed in the operation in North Waziristan.")
    again = "Officials said more than 3,500 militants have been killed in the operation, the army said."
    article = article_saying(REWORDED, again, by=checker)
    found = find_in(article)
    assert {(repeat.sentence, repeat.claim_id) for repeat in found} == {
        (sentence, claim.pk) for sentence in (REWORDED, again) for claim in (first, second)
    }


def test_a_repeat_without_figures_is_found(publish: Any, checker: Any) -> None:
    """A comparison of no figures is still check-worthy: spotting scores it
    high enough to be looked up, and its repeat is found."""
    verdict = publish(text="The tribal areas spend more on rainfall than any other province.")
    said = (
        "The opposition leader claimed at a rally that the tribal areas spend more on rainfall than any other province."
    )
    article = article_saying("The weather was fine on Monday.", said, by=checker)

    assert [repeat.claim for repeat in find_in(article)] == [verdict]
