"""Sentence splitting: quotes kept whole, abbreviations and decimals do not end
a sentence, and each sentence's offsets point at it in the cleaned text."""

from __future__ import annotations

import pytest

from claims.intake.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Lt. Gen. Asim Bajwa said 309 people were arrested. He spoke in Rawalpindi.",
            ["Lt. Gen. Asim Bajwa said 309 people were arrested.", "He spoke in Rawalpindi."],
        ),
        (
            "The U.S. withheld $300 million. Pakistan objected.",
            ["The U.S. withheld $300 million.", "Pakistan objected."],
        ),
        (
            "We have paid $106.9 billion on this war. They need to know this cost.",
            ["We have paid $106.9 billion on this war.", "They need to know this cost."],
        ),
        ("He ranked No. 3 on the list. Dr. Smith disagreed.", ["He ranked No. 3 on the list.", "Dr. Smith disagreed."]),
        ("On Jan. 5 the minister spoke. It rained.", ["On Jan. 5 the minister spoke.", "It rained."]),
        (
            "Sen. Warren and Ms. Khan spoke. St. Louis was quiet.",
            ["Sen. Warren and Ms. Khan spoke.", "St. Louis was quiet."],
        ),
        (
            "The bill, H.R. 1, passed on Jan. 5, 2021. It cost $1.2 trillion.",
            ["The bill, H.R. 1, passed on Jan. 5, 2021.", "It cost $1.2 trillion."],
        ),
    ],
)
def test_abbreviations_and_decimals_do_not_end_a_sentence(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "He said: “There is no concept of good or bad Taliban. Terrorists of all organisations have been "
            "killed.” The spokesman left.",
            [
                "He said: “There is no concept of good or bad Taliban. Terrorists of all organisations have been "
                "killed.”",
                "The spokesman left.",
            ],
        ),
        (
            '"We will win. We always win," he said. Then he left.',
            ['"We will win. We always win," he said.', "Then he left."],
        ),
        ("“Is it true?” she asked. Nobody knew.", ["“Is it true?” she asked.", "Nobody knew."]),
    ],
)
def test_quoted_speech_is_kept_whole(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_each_line_is_its_own_paragraph_so_a_heading_never_joins_the_sentence_below() -> None:
    assert texts("Pak Army Cries Foul\nBajwa criticised the border forces.") == [
        "Pak Army Cries Foul",
        "Bajwa criticised the border forces.",
    ]


def test_a_transcript_stage_direction_is_a_sentence_of_its_own() -> None:
    assert texts("It was hard. (Applause.) For the first time in nine years, no troops are there.") == [
        "It was hard.",
        "(Applause.)",
        "For the first time in nine years, no troops are there.",
    ]


def test_offsets_point_at_each_sentence_in_the_text() -> None:
    text = "Über “Zölle” – ça va. The U.S. said so 😀.\n\nOn Jan. 5 it rained. Dr. Smith agreed."

    sentences = split_sentences(text)

    assert [s.text for s in sentences] == [
        "Über “Zölle” – ça va.",
        "The U.S. said so 😀.",
        "On Jan. 5 it rained.",
        "Dr. Smith agreed.",
    ]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
