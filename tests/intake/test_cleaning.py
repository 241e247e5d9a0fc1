"""Cleaning pasted text: the page's chrome goes, the article stays, and every
dropped line is kept with its reason."""

from __future__ import annotations

from pathlib import Path

from claims.intake import clean

SAMPLE = Path(__file__).resolve().parents[2] / "claims" / "demo" / "pakistan-army-report-card.txt"


def test_the_sample_article_loses_its_web_chrome_and_keeps_every_sentence_and_quote() -> None:
    cleaned = clean(SAMPLE.read_text())

    for chrome in ["ADVERTISEMENT", "Aa", "Hindi Female", "3 min read", "Become a Member", "Topics:", "×"]:
        assert chrome not in cleaned.text
    assert "answerable only to our audience" not in cleaned.text
    assert "Read Latest News" not in cleaned.text
    for kept in [
        "arrested 309 people associated with Islamic State",
        "They tried to make an ingress, and they failed and they have been apprehended so far.",
        "There is no concept of good or bad Taliban.",
        "We have paid $106.9 billion (on) this war",
        "“indiscriminate operation”",
    ]:
        assert kept in cleaned.text


def test_every_dropped_line_is_reported_with_its_line_number_and_reason() -> None:
    pasted = SAMPLE.read_text()
    lines = pasted.splitlines()

    cleaned = clean(pasted)

    reasons = {line.text: line.reason for line in cleaned.dropped}
    assert reasons["ADVERTISEMENTREMOVE AD"] == "an advertising marker"
    assert reasons["3 min read"] == "a reading-time label"
    assert reasons["Check Member Benefits"] == "a button or menu item"
    assert reasons["Hindi Female"] == "too short to be a sentence"
    assert reasons["Read Latest News and Breaking News at The Quint, browse for more from news and world"] == (
        "a navigation or follow prompt"
    )
    assert [line.reason for line in cleaned.dropped if line.text.startswith("(At The Quint")] == [
        "a membership or subscription plea"
    ]
    assert [line.number for line in cleaned.dropped if line.text == "ADVERTISEMENTREMOVE AD"] == [1, 25, 55]
    for line in cleaned.dropped:
        assert lines[line.number - 1].strip() == line.text
    # Nothing is lost silently: every line with words is kept or reported.
    reported = {line.number for line in cleaned.dropped}
    for number, line in enumerate(lines, start=1):
        if line.strip() and number not in reported:
            assert " ".join(line.split()) in cleaned.text, line


def test_rules_go_by_the_shape_of_a_line_not_by_one_site() -> None:
    pasted = "\n".join(
        [
            "SPONSORED CONTENT",
            "Share this article",
            "By Maria Lopez",
            "Updated 14 March 2023, 10:02",
            "Listen to this article",
            "Photo: Reuters",
            "Follow us on WhatsApp for the latest news",
            "Support our journalism: subscribe today for less than $1 a week.",
            "© 2023 Example Media. All rights reserved.",
            "",
            "The city council approved a budget of $2.1 billion on Tuesday, the mayor said.",
        ]
    )

    cleaned = clean(pasted)

    assert cleaned.text == "The city council approved a budget of $2.1 billion on Tuesday, the mayor said."
    assert [line.reason for line in cleaned.dropped] == [
        "an advertising marker",
        "a button or menu item",
        "a byline",
        "a time stamp",
        "a button or menu item",
        "a picture credit",
        "a navigation or follow prompt",
        "a membership or subscription plea",
        "a legal or cookie notice",
    ]


def test_news_about_membership_or_subscriptions_is_not_mistaken_for_a_plea() -> None:
    pasted = (
        "Finland will become a member of NATO next month, the government said.\n"
        "Netflix said subscriptions fell by 200,000 in the first quarter."
    )

    cleaned = clean(pasted)

    assert cleaned.dropped == ()
    assert cleaned.text == pasted


def test_a_line_repeated_on_its_own_is_dropped_but_a_pull_quote_credit_repeats_by_design() -> None:
    pasted = "\n".join(
        [
            "We will rebuild every school by June.",
            "Ana Ruiz, Minister of Education",
            "",
            "The ministry says 412 schools were damaged.",
            "",
            "The ministry says 412 schools were damaged.",
            "",
            "Nothing will stop us.",
            "Ana Ruiz, Minister of Education",
        ]
    )

    cleaned = clean(pasted)

    assert [(line.number, line.reason) for line in cleaned.dropped] == [(6, "repeats an earlier line")]
    assert cleaned.text.count("Ana Ruiz, Minister of Education") == 2
    assert cleaned.text.count("412 schools") == 1


def test_hard_wrapped_lines_are_joined_into_their_sentences_and_paragraphs_stay_apart() -> None:
    pasted = (
        "The unemployment rate fell by 0.4 percentage point to 6.3 percent in January, while \n"
        "nonfarm payroll employment changed little (+49,000), the U.S. Bureau of Labor Statistics\n"
        "reported today. The labor market continued to reflect the impact of the coronavirus \n"
        "(COVID-19) pandemic. For the first time in two decades, Osama bin\n"
        "Laden is not a threat to this country. An America that attracts high-\n"
        "paying jobs.\n"
        "\n"
        "Household Survey Data\n"
        "\n"
        "In January, the number of unemployed persons decreased to 10.1 million."
    )

    cleaned = clean(pasted)

    assert cleaned.text == (
        "The unemployment rate fell by 0.4 percentage point to 6.3 percent in January, while "
        "nonfarm payroll employment changed little (+49,000), the U.S. Bureau of Labor Statistics "
        "reported today. The labor market continued to reflect the impact of the coronavirus "
        "(COVID-19) pandemic. For the first time in two decades, Osama bin "
        "Laden is not a threat to this country. An America that attracts high-paying jobs."
        "\n\n"
        "In January, the number of unemployed persons decreased to 10.1 million."
    )
    assert [line.text for line in cleaned.dropped] == ["Household Survey Data"]


def test_invisible_characters_and_odd_spaces_from_web_pages_are_normalized() -> None:
    cleaned = clean("The\u00a0army\u200b said 516\u00a0soldiers were killed.\ufeff")

    assert cleaned.text == "The army said 516 soldiers were killed."
