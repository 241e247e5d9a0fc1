"""What makes a sentence worth checking, or not, found by plain patterns.

Each pattern finds its matches in one sentence, so the scorer can quote them
back as its reasons ("a count of people: 309 people"). Regular expressions and
not a quantity parser: quantulum3 took 1.2 ms a sentence here, more than the
whole budget (1,000 sentences a second), and without its optional classifier
reads "309 people" as a bare 309.
"""

from __future__ import annotations

import re

NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE = r"(?:\s?(?:thousand|million|billion|trillion|bn|mn|crore|lakh)\b|(?:m|k|bn)\b)"
_NUMBER_WORD = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty"
    r"|seventy|eighty|ninety|(?:a |one |several )?(?:hundred|thousand|million|billion)s?|dozens)"
)
# A number standing alone: not part of "COVID-19", "A-1", "Q3", "F-16" or a
# phone number, and with a word boundary on both sides.
_BARE_NUMBER = rf"(?<![\w.])(?<![A-Za-z0-9]-){NUMBER}(?![\w/])"
_COUNT = rf"(?:{_BARE_NUMBER}{_SCALE}?|\b{_NUMBER_WORD}\b)"
_YEAR = r"(?:1[89]|20)\d{2}"

_PEOPLE_NOUN = (
    r"(?:people|persons?|individuals|men|women|children|kids|boys|girls|adults|babies|residents|citizens|civilians"
    r"|inhabitants|soldiers|troops|servicemen|militants|fighters|terrorists|insurgents|rebels|jihadists|police"
    r"|policemen|officers|officials|workers|employees|staff|students|pupils|teachers|doctors|nurses|patients"
    r"|voters|members|migrants|refugees|immigrants|asylum seekers|foreigners|nationals|prisoners|inmates"
    r"|detainees|suspects|victims|survivors|deaths|fatalities|casualties|lives|households|families|passengers"
    r"|protesters|demonstrators|journalists|unemployed|homeless"
    # Nationalities and groups written as capitalized plurals: Afghans, Iraqis.
    r"|(?-i:[A-Z][a-z]+(?:ans|is|ese)))\b"
)
_TOLL_VERB = (
    r"(?:killed|died|dead|wounded|injured|arrested|detained|captured|displaced|evacuated|rescued|missing"
    r"|executed|fled|gave their lives|lost their lives)\b"
)
# Up to three words may stand between a count and whom it counts ("25 were
# foreigners", "a million of our fellow citizens"), but not a unit of time or
# a rate, which would make "20 years ago people" a count.
_BETWEEN = (
    r"(?:\s+(?!(?:years?|months?|weeks?|days?|hours?|minutes?|percent|per|in|on|at|to|from|since|ago)\b)[\w’'-]+){0,3}?"
)

FIGURES = re.compile(_COUNT, re.I)
COUNTS_OF_PEOPLE = re.compile(
    rf"(?!{_YEAR}\b){_COUNT}{_BETWEEN}\s+(?:{_PEOPLE_NOUN}|{_TOLL_VERB})"
    rf"|\b{_TOLL_VERB}(?:\s+(?:at least|more than|about|nearly|almost|over|some))?\s+{_COUNT}"
    rf"(?:{_BETWEEN}\s+{_PEOPLE_NOUN})?",
    re.I,
)
_CURRENCY = r"(?:US\$|A\$|C\$|HK\$|\$|€|£|¥|₹|₨|\bRs\.?\s?|\b(?:USD|EUR|GBP|INR|PKR)\s?)"
_CURRENCY_NAME = (
    r"(?:dollars|euros|pounds|rupees|yuan|yen|pesos|naira|rand|francs|rubles|roubles|riyals|dirhams|cents)\b"
)
AMOUNTS_OF_MONEY = re.compile(
    rf"{_CURRENCY}{NUMBER}{_SCALE}?|{_BARE_NUMBER}{_SCALE}?\s+{_CURRENCY_NAME}",
    re.I,
)
PERCENTAGES = re.compile(rf"{_BARE_NUMBER}\s?(?:%|per\s?cent\b|percentage points?\b)", re.I)

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
DATES = re.compile(
    # "May" and "March" are verbs too: a month name alone counts after a
    # preposition, or with a day or a year.
    rf"(?:\b(?i:in|on|since|until|by|for|from|through|during|between|last|this|next|early|late|mid-?)\s+)?"
    rf"(?:{_MONTH}\s+{_DAY}(?:,?\s*{_YEAR})?\b|{_MONTH}\s+{_YEAR}\b)"
    rf"|\b{_DAY}\s+{_MONTH}(?:\s+{_YEAR})?\b"
    rf"|\b(?i:in|on|since|until|by|for|from|through|during|between|last|this|next|early|late|mid-?)\s+{_MONTH}"
    rf"|(?<![\w,.$-]){_YEAR}(?![\w,]|\.\d)"
    rf"|\b(?i:on|last|this|next)\s+{_WEEKDAY}\b"
    r"|\b(?i:yesterday|(?:last|this|next) (?:week|month|year|decade))\b"
)

_SUPERLATIVES = (
    r"largest|biggest|highest|lowest|smallest|greatest|worst|best|fastest|slowest|longest|shortest|deadliest"
    r"|richest|poorest|oldest|youngest|strongest|weakest|cheapest|costliest|hottest|coldest|safest|busiest"
)
COMPARISONS = re.compile(
    r"\b(?:more|less|fewer|greater|higher|lower|larger|smaller|bigger|worse|better|faster|slower)\s+than\b"
    # A comparison split by what it compares: "spends more on defence than".
    r"|\b(?:more|less|fewer)(?:\s+[\w’'-]+){1,4}?\s+than\b"
    r"|\bthan (?:any|every) (?:other|one)\b"
    rf"|\b(?:{_SUPERLATIVES})\b"
    r"|\bthe (?:most|least)\s+\w+"
    r"|\b(?:record|all-time|for the first time|first time)\b"
    r"|\b(?:rose|fell|increased|decreased|declined|dropped|grew|jumped|surged|soared|plunged|doubled|tripled|halved"
    r"|edged (?:up|down)|revised (?:up|down)|(?:up|down) by)\b"
    r"|\bcompared (?:with|to)\b",
    re.I,
)

_NAME_WORD = r"(?:[A-Z][a-z’'-]*[a-z]|[A-Z]{2,}|[A-Z]\.(?:[A-Z]\.)+)"
NAMES = re.compile(
    rf"{_NAME_WORD}(?:\s+(?:(?:of|for|al|bin|de|van|von)\s+(?:the\s+)?)?{_NAME_WORD})*",
)
# Capitalized for other reasons than being a name.
_NOT_NAME = re.compile(
    r"(?:A|An|And|As|At|But|By|For|From|He|Her|His|How|I|If|In|It|Its|Mr|Mrs|Ms|Dr|Of|On|Or|Our|She|So|That|The"
    r"|Their|There|These|They|This|Those|To|We|What|When|Where|Which|While|Who|Why|With|You|Your|Yes|No|Not"
    r"|Most|Some|Many|All|Each|Every|One|Two|Three|After|Before|Since|Although|Because|Last|Next|Then|Also"
    r"|Today|Tonight|Together|Still|Imagine|Think|Read|See)\.?"
)
_CALENDAR_WORD = re.compile(rf"^(?:{_MONTH}|{_WEEKDAY})$".replace(r"\.", ""))

OPINIONS = re.compile(
    r"\b(?:I|we)\s+(?:think|believe|feel|hope|wish|guess|suppose|know)\b"
    r"|\bin (?:my|our) (?:view|opinion)\b"
    r"|\b(?:should|must|ought to|needs? to|have to|has to)\b"
    r"|^(?:imagine|let(?:’|')s|let us|think about)\b"
    # Evaluative words, lower case only: "great" judges, "Great Britain" names.
    r"|\b(?-i:great|wonderful|terrible|awful|horrible|shameful|disgraceful|outrageous|ridiculous|absurd|amazing"
    r"|incredible|fantastic|disastrous|brilliant|proud|unfortunately|sadly|hopefully)\b",
    re.I,
)
PREDICTIONS = re.compile(r"\b(?:will|won[’']t|going to|(?:is|are) expected to)\b", re.I)


def names(sentence: str) -> list[str]:
    """People, organizations and places named, in order, without repeats."""
    found: list[str] = []
    opening = len(sentence) - len(sentence.lstrip("“\"'‘("))
    for match in NAMES.finditer(sentence):
        words = match.group().split()
        # One capitalized word opening the sentence is only sentence case.
        if match.start() == opening and len(words) == 1:
            continue
        while words and (_NOT_NAME.fullmatch(words[0]) or _CALENDAR_WORD.match(words[0])):
            words.pop(0)
        name = re.sub(r"[’']s$", "", " ".join(words))
        if name and not _CALENDAR_WORD.match(name) and name not in found:
            found.append(name)
    return found
