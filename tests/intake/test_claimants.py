"""The claimant guessed from how a sentence attributes its statement."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.intake import spot
from claims.intake.claimants import attribution

SAMPLE = Path(__file__).resolve().parents[2] / "claims" / "demo" / "pakistan-army-report-card.txt"


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        ("“We have paid $106.9 billion on this war,” said Lt Gen Asim Bajwa.", "Lt Gen Asim Bajwa"),
        ("The country lost 4 million jobs last year, the minister told reporters.", "the minister"),
        ("More than 70 people were killed, according to the UN.", "the UN"),
        ("According to the United Nations refugee agency, 1.2 million fled.", "the United Nations refugee agency"),
        ("Pakistan’s military on Thursday said it has halted the attempts.", "Pakistan’s military"),
        (
            "The rate fell to 6.3 percent, the U.S. Bureau of Labor Statistics reported today.",
            "the U.S. Bureau of Labor Statistics",
        ),
        ("Prices rose 5 percent, Dr. Jane Smith, an economist at the bank, said on Monday.", "Dr. Jane Smith"),
        ("Critics say Pakistan has targeted only militants.", "Critics"),
    ],
)
def test_the_claimant_is_read_from_the_attribution(sentence: str, claimant: str) -> None:
    found = attribution(sentence)

    assert found is not None
    assert found.claimant == claimant


@pytest.mark.parametrize(
    "sentence",
    ["It rained on Tuesday in Lahore.", "The figures were reported in 2019.", "Unemployment fell to 6.3 percent."],
)
def test_a_sentence_that_attributes_nothing_has_no_claimant(sentence: str) -> None:
    assert attribution(sentence) is None


def test_he_said_is_taken_as_the_speaker_named_before_and_the_reason_says_so() -> None:
    candidates = spot(
        "Lt Gen Asim Bajwa, the military’s spokesman, said 309 people had been arrested.\n"
        "About 25 were foreigners, including Afghans, he said."
    ).candidates

    foreigners = next(c for c in candidates if c.sentence.startswith("About 25"))
    assert foreigners.claimant == "Lt Gen Asim Bajwa"
    assert "attributed: 'he said', he taken as Lt Gen Asim Bajwa (+15)" in foreigners.reasons


def test_he_said_with_nobody_named_before_stays_he() -> None:
    (candidate,) = spot("About 25 were foreigners, including Afghans, he said.").candidates

    assert candidate.claimant == "he"


def test_a_pull_quote_is_credited_to_the_name_on_the_line_under_it() -> None:
    candidates = spot(SAMPLE.read_text()).candidates

    quote = next(c for c in candidates if c.sentence.startswith("They tried to make an ingress"))
    assert quote.claimant == "Lt General Asim Bajwa"
    assert "attributed: a pull quote credited to 'Lt General Asim Bajwa' (+15)" in quote.reasons
    article_sentence = next(c for c in candidates if c.sentence.startswith("The United States has criticised"))
    assert article_sentence.claimant is None
