"""Ranking sentences for check-worthiness: the sample article's figures on top,
on other real texts a factual sentence above an opinion or a question, and
reasons a checker can read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from claims.intake import Candidate, spot

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "claims" / "demo" / "pakistan-army-report-card.txt"
# Real texts, excerpts of a few paragraphs each, both works of the United
# States government and so in the public domain:
# - bls-employment-situation-2021-01.txt: the Bureau of Labor Statistics'
#   "The Employment Situation -- January 2021" (USDL-21-0158, 5 February 2021),
#   hard-wrapped as the plain-text release is; the last paragraph is the
#   release's paragraph on revisions.
# - state-of-the-union-2012.txt: President Obama's State of the Union address
#   of 24 January 2012, the White House transcript's opening paragraphs (House
#   Document 112-76 prints the same words), and the passage on jobs as
#   delivered (quoted in CNN's "Truth Squad" of 25 January 2012).
TEXTS = Path(__file__).resolve().parent / "texts"


def rank_of(candidates: tuple[Candidate, ...], words: str) -> int:
    """The 1-based rank of the one sentence containing `words`."""
    ranks = [rank for rank, c in enumerate(candidates, start=1) if words in c.sentence]
    assert len(ranks) == 1, (words, ranks)
    return ranks[0]


@pytest.fixture(scope="module")
def sample() -> tuple[Candidate, ...]:
    return spot(SAMPLE.read_text()).candidates


@pytest.mark.parametrize(
    "figure",
    [
        "arrested 309 people",
        "about 25 were foreigners",
        "killed more than 70 people",
        "$300 million",
        "more than 3,500 had been killed",
        "516 soldiers",
        "$106.9 billion",
    ],
)
def test_the_sample_articles_figures_rank_among_the_top_ten(sample: tuple[Candidate, ...], figure: str) -> None:
    assert rank_of(sample, figure) <= 10


def test_the_sample_articles_advertising_and_navigation_are_dropped_and_headings_rank_at_the_bottom(
    sample: tuple[Candidate, ...],
) -> None:
    sentences = " ".join(c.sentence for c in sample)
    for chrome in ["ADVERTISEMENT", "REMOVE AD", "Read More", "Become a Member", "Aa", "Read Latest News"]:
        assert chrome not in sentences
    figures_last = max(rank_of(sample, f) for f in ["309 people", "516 soldiers", "$106.9 billion"])
    for heading in [
        "Pak Army Presents Its Report Card",
        "Pak Army Cries Foul",
        "No Good or Bad Taliban for Us: Pak Army",
    ]:
        assert rank_of(sample, heading) > figures_last
        assert sample[rank_of(sample, heading) - 1].score == 0


def test_candidates_come_best_first_with_offsets_into_the_cleaned_text() -> None:
    spotting = spot(SAMPLE.read_text())

    scores = [c.score for c in spotting.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 100 for score in scores)
    for candidate in spotting.candidates:
        assert spotting.text[candidate.start : candidate.end] == candidate.sentence


def test_reasons_say_what_was_found_and_what_it_counted(sample: tuple[Candidate, ...]) -> None:
    arrests = sample[rank_of(sample, "309 people") - 1]
    money = sample[rank_of(sample, "$300 million") - 1]
    first = sample[rank_of(sample, "Pakistan’s military on Thursday") - 1]

    assert "a count of people: arrested 309 people (+30)" in arrests.reasons
    assert "names a person or organization: Islamic State, IS (+10)" in arrests.reasons
    assert "an amount of money: $300 million (+30)" in money.reasons
    assert "a date: in July (+10)" in money.reasons
    assert "a comparison or superlative: more than (+15)" in first.reasons
    assert "attributed: 'Pakistan’s military said' (+15)" in first.reasons
    assert first.score == sum(int(reason.rsplit("(", 1)[1].rstrip(")")) for reason in first.reasons)


def test_on_a_statistics_release_the_figures_outrank_the_methodology_and_the_see_table_notes() -> None:
    candidates = spot((TEXTS / "bls-employment-situation-2021-01.txt").read_text()).candidates

    headline_figures = rank_of(candidates, "to 6.3 percent in January, while nonfarm payroll")
    unemployed = rank_of(candidates, "decreased to 10.1 million")
    assert headline_figures == 1
    assert candidates[0].claimant == "the U.S. Bureau of Labor Statistics"
    for lower in ["The household survey measures labor force status", "(See table A-1.", "The labor market continued"]:
        assert rank_of(candidates, lower) > unemployed


def test_in_a_speech_factual_sentences_outrank_opinions_and_exhortations() -> None:
    candidates = spot((TEXTS / "state-of-the-union-2012.txt").read_text()).candidates

    factual = [
        rank_of(candidates, "no Americans fighting in Iraq"),
        rank_of(candidates, "businesses have created more than 3 million jobs"),
        rank_of(candidates, "we lost nearly 4 million jobs"),
    ]
    opinions = [
        rank_of(candidates, "Imagine what we could accomplish"),
        rank_of(candidates, "I know we can, because we've done it before."),
        rank_of(candidates, "We can do this."),
        rank_of(candidates, "They work together."),
    ]
    assert max(factual) < min(opinions)
    imagine = candidates[rank_of(candidates, "Imagine what we could accomplish") - 1]
    assert imagine.score == 0
    assert "an opinion or prescription: Imagine (-25)" in imagine.reasons
    assert {c.score for c in candidates if c.sentence == "(Applause.)"} == {0}


def test_a_question_ranks_below_the_factual_statement_it_asks_about() -> None:
    candidates = spot(
        "Is the economy really better off than it was four years ago?\n"
        "The economy added 2.1 million jobs in 2011, the Labor Department said."
    ).candidates

    assert candidates[0].sentence.startswith("The economy added 2.1 million jobs")
    assert "a question (-40)" in candidates[1].reasons
    assert candidates[1].score < candidates[0].score


def test_an_opinion_without_figures_scores_low_however_it_is_attributed() -> None:
    candidates = spot(
        "The senator said the decision was a disgraceful mistake that should be reversed.\n"
        "The decision cut the program's budget by 40 percent in 2019, the senator said."
    ).candidates

    assert candidates[0].sentence.startswith("The decision cut")
    assert candidates[1].score < 20
    assert "an opinion or prescription: disgraceful, should (-25)" in candidates[1].reasons


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("The province spends more on rainfall than any other province, the minister said.", "more on rainfall than"),
        ("Fewer nurses work in clinics than in 2010, the report said.", "Fewer nurses work in clinics than"),
        ("The port handles more cargo than any other in the region, the minister said.", "more cargo than"),
    ],
)
def test_a_comparison_split_by_what_it_compares_counts_as_one(sentence: str, found: str) -> None:
    [candidate] = spot(sentence).candidates

    assert f"a comparison or superlative: {found} (+15)" in candidate.reasons
    assert candidate.score >= 30


def test_empty_or_blank_text_has_no_candidates() -> None:
    assert spot("").candidates == ()
    assert spot("\n \n\t\n").candidates == ()


@pytest.mark.parametrize(
    "text",
    [", ".join(["said"] * 5000), ", saying" * 5000, "according to " * 5000, " ".join(["12,345.6"] * 5000)],
    ids=["many-said", "many-saying", "many-according-to", "many-numbers"],
)
def test_a_pathological_line_is_scored_in_linear_time(text: str) -> None:
    # Every pattern looks a bounded way back or ahead: this once took 5 s.
    started = time.perf_counter()
    spot(text)
    assert time.perf_counter() - started < 1
