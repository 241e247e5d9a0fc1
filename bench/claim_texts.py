"""Claim texts for the benchmark's data, varied as a newsroom's are.

A year of a fact-checking network's claims is said by thousands of people
about hundreds of places and thousands of topics, with different figures:
two claims that read alike are the exception (a repeat, a rewording), not
the rule. So a claim here is one of ~40 sentence shapes filled with a speaker
(a name, an office or an institution), a place (~180 districts, cities and
countries), a topic (a measure of a thing: ~70 x ~60 combinations, plus the
weighted topics of bench/data.py that the search benchmark asks for), a
period and figures. `reword` makes the near-identical rewording a checker
types when a claim comes round again; the benchmark looks those up.
"""

from __future__ import annotations

import random
import re

PLACES = (  # noqa: SIM905 (a list of words reads better as words)
    "Karachi|Lahore|Faisalabad|Rawalpindi|Multan|Hyderabad|Gujranwala|Peshawar|Quetta|Islamabad|Sargodha|"
    "Sialkot|Bahawalpur|Sukkur|Larkana|Sheikhupura|Jhang|Rahim Yar Khan|Gujrat|Mardan|Kasur|Dera Ghazi Khan|"
    "Sahiwal|Nawabshah|Okara|Mingora|Chiniot|Kamoke|Mandi Bahauddin|Jhelum|Sadiqabad|Jacobabad|Shikarpur|"
    "Khanewal|Hafizabad|Kohat|Muzaffargarh|Khanpur|Gojra|Abbottabad|Muridke|Pakpattan|Dadu|Khuzdar|Gwadar|"
    "Turbat|Chaman|Zhob|Mirpur|Muzaffarabad|Gilgit|Skardu|Chitral|Swat|Bannu|Dera Ismail Khan|Thatta|Badin|"
    "Tharparkar|Umerkot|Mirpurkhas|Sanghar|Khairpur|Ghotki|Kashmore|Jaffarabad|Lasbela|Kalat|Sibi|Loralai|Hub|"
    "Attock|Chakwal|Mianwali|Bhakkar|Layyah|Lodhran|Vehari|Narowal|Toba Tek Singh|Nankana Sahib|Punjab|Sindh|"
    "Balochistan|Khyber Pakhtunkhwa|Gilgit-Baltistan|Azad Kashmir|the capital|the tribal districts|"
    "the coastal belt|the Thar desert|the Indus delta|the Potohar plateau|the southern districts|"
    "the northern areas|the federal territory|rural Sindh|south Punjab|central Punjab|upper Dir|lower Dir|"
    "Delhi|Mumbai|Dhaka|Chittagong|Kathmandu|Colombo|Kabul|Kandahar|Tehran|Mashhad|Dubai|Riyadh|Doha|Muscat|"
    "Baghdad|Basra|Cairo|Alexandria|Istanbul|Ankara|Nairobi|Mombasa|Lagos|Abuja|Kano|Accra|Dakar|Addis Ababa|"
    "Kampala|Kigali|Harare|Lusaka|Johannesburg|Cape Town|Manila|Cebu|Jakarta|Surabaya|Kuala Lumpur|Bangkok|"
    "Hanoi|Yangon|Beijing|Shanghai|Tokyo|Seoul|London|Manchester|Birmingham|Paris|Marseille|Berlin|Madrid|"
    "Rome|Warsaw|Kyiv|Moscow|New York|Chicago|Houston|Toronto|Mexico City|Bogota|Lima|Santiago|Buenos Aires|"
    "Sao Paulo|Rio de Janeiro|Caracas|Brazil|India|Bangladesh|Nepal|Sri Lanka|Afghanistan|Iran|Turkey|Egypt|"
    "Kenya|Nigeria|Ghana|Ethiopia|Uganda|the Philippines|Indonesia|Malaysia|Vietnam|China|Japan|Britain|"
    "France|Germany|Spain|Italy|Poland|Ukraine|the United States|Canada|Mexico|Colombia|Peru|Chile|Argentina"
).split("|")
THINGS = (  # noqa: SIM905 (what is counted or priced)
    "primary school|secondary school|university|madrasa|girls' school|teacher|doctor|nurse|midwife|hospital|"
    "clinic|ambulance|vaccine|polio|measles|dengue|malaria|tuberculosis|hepatitis|cholera|maternal|infant|"
    "child|youth|pension|farm|wheat|rice|cotton|sugarcane|maize|mango|dairy|poultry|fishing|textile|garment|"
    "leather|cement|steel|fertiliser|tractor|car|motorcycle|petrol|diesel|gas|electricity|solar|wind power|"
    "coal|railway|bus|airline|airport|port|road|bridge|motorway|housing|rent|land|water|sewerage|flood|"
    "drought|heatwave|forest|police|prison|court|kidnapping|robbery|murder|terrorism|smuggling|tax|customs|"
    "remittance|tourism|mobile phone|broadband|television|newspaper|refugee|migrant|minimum wage|loan|"
    "microfinance|stock exchange|gold|onion|tomato|flour|cooking oil|medicine"
).split("|")
MEASURES = (  # noqa: SIM905 (a list of words reads better as words)
    "prices|exports|imports|production|output|enrolment|spending|budget|subsidies|revenue|debt|arrears|jobs|"
    "wages|salaries|vacancies|staff|graduates|dropouts|cases|deaths|arrests|convictions|complaints|accidents|"
    "connections|tariffs|bills|losses|profits|investment|loans|defaults|beds|patients|waiting times|"
    "coverage|shortages|imports from China|sales|registrations|licences|permits|inspections|fines|seizures|"
    "stocks|capacity|consumption|emissions|connections in villages|users|subscribers|visitors|applications|"
    "recruitment|transfers|strikes"
).split("|")
TITLES = (  # noqa: SIM905 (a list of words reads better as words)
    "Minister|Senator|Dr|Prof|Chief Minister|Governor|Mayor|Justice|Lt Gen|Ambassador|MNA|MPA|Commissioner|"
    "Spokesperson|Chairman|Advocate|Engineer"
).split("|")
OFFICES = (  # noqa: SIM905 (a list of words reads better as words)
    "The government|The opposition|The ruling party|Our party|The previous government|The caretaker government|"
    "The finance ministry|The health ministry|The planning commission|The central bank|The World Bank|"
    "The IMF|The election commission|The statistics bureau|The chamber of commerce|The farmers' union|"
    "The teachers' union|The bar council|The provincial cabinet|The district administration|The army|"
    "The police chief|The power regulator|The water authority|The metropolitan corporation|The auditor general"
).split("|")
MONTHS = "January February March April May June July August September October November December".split()  # noqa: SIM905
SHAPES = [
    "{Thing} {measure} in {place} have {moved} by {pct}% since {year}, the {extreme} in {n} years.",
    "Under this government {thing} {measure} {moved} by {pct}% in {place}.",
    "{place} spends more on {thing} {measure} than {place2}.",
    "We have cut {thing} {measure} in half in {place} since {year}.",
    "{num} people in {place} lost out because of {thing} {measure} last year.",
    "{Thing} {measure} in {place} are now {extreme} than at any time since {year}.",
    "The opposition doubled {thing} {measure} when it was in power, from {num} to {num2}.",
    "Every {thing} in {place} costs the taxpayer {money} a year.",
    "{speaker} said {thing} {measure} in {place} reached {num} in {month} {year}.",
    "{Thing} {measure} fell to {num} in {place} in {year}, {speaker} told reporters.",
    "According to {speaker}, {place} has {num} fewer {thing} {measure} than in {year}.",
    "{place} now has more {thing} {measure} than {place2} and {place3} combined.",
    "{num} {thing} {measure} were recorded in {place} between {month} and {month2} {year}.",
    "Only {pct}% of {thing} {measure} in {place} reach the people they are meant for.",
    "{Thing} {measure} have tripled in {place} in the last {n} years.",
    "{speaker} claimed that {money} was spent on {thing} {measure} in {place} in {year}.",
    "{place} lost {money} in {thing} {measure} in {year} alone.",
    "There are {num} {thing} {measure} waiting for approval in {place}.",
    "{Thing} {measure} in {place} went up {pct}% in {month}, the fastest rise since {year}.",
    "Not a single rupee of the {thing} budget reached {place} in {year}, says {speaker}.",
    "{place} has the {extreme} {thing} {measure} in the region, {pct}% above {place2}.",
    "Since {year} the number of {thing} {measure} in {place} has grown from {num} to {num2}.",
    "{speaker}: {thing} {measure} in {place} are down {pct}% on last year.",
    "{pct} out of every 100 {thing} {measure} in {place} are never checked.",
    "In {month} {year} {place} reported {num} {thing} {measure}, the {extreme} on record.",
    "{Thing} {measure} cost {place} {money} in {year}, {pct}% more than in {year2}.",
    "The {thing} scheme created {num} jobs in {place}, {speaker} said.",
    "{place} imports {pct}% of its {thing} {measure} from {place2}.",
    "More than {num} families in {place} have no access to {thing} {measure}, says {speaker}.",
    "{Thing} {measure} in {place} have not changed since {year}, despite the promises.",
    "Half of all {thing} {measure} in {place} go to {place2}.",
    "{speaker} said {place} will double its {thing} {measure} by {year3}.",
    "{Thing} {measure} have {moved} every year since {speaker} took office.",
    "Our {thing} {measure} are {pct}% {comparison} than those of {place}.",
    "{num} {thing} {measure} in {place} were cancelled in {year} because of corruption.",
    "{place} was ranked {n}th in the world for {thing} {measure} in {year}.",
]
MOVES = ["risen", "fallen", "grown", "dropped", "increased", "decreased", "gone up", "gone down", "doubled"]
EXTREMES = ["highest", "lowest", "worst", "best", "largest", "smallest"]
COMPARISONS = ["higher", "lower", "cheaper", "more expensive", "better", "worse"]
# What a checker changes when the same claim comes round again.
SWAPS = [
    ("risen", "gone up"),
    ("fallen", "gone down"),
    ("increased", "grown"),
    ("decreased", "dropped"),
    ("highest", "largest"),
    ("lowest", "smallest"),
    ("said", "stated"),
    ("claimed", "said"),
    ("more than", "over"),
    ("since", "from"),
    ("gone up", "risen"),
    ("gone down", "fallen"),
    ("grown", "increased"),
    ("dropped", "fallen"),
    ("stated", "said"),
    ("over", "more than"),
    ("people", "residents"),
    ("told reporters", "told the press"),
]


def _number(rng: random.Random) -> str:
    return f"{rng.randint(2, 980):,}{rng.choice(['', ',000', ',500', ' thousand', ' million', ' lakh'])}"


class ClaimTexts:
    """Seeded claim texts; `topics` and `topic_weights` are data.py's
    weighted topics (the search benchmark's common and rare words), used for
    a share of the claims so those words keep their frequencies."""

    def __init__(self, rng: random.Random, topics: list[str], topic_weights: list[float], speakers: list[str]):
        self.rng = rng
        self.topics = topics
        self.topic_weights = topic_weights
        self.speakers = speakers

    def speaker(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            return rng.choice(OFFICES)
        name = rng.choice(self.speakers)
        return f"{rng.choice(TITLES)} {name}" if roll < 0.6 else name

    def claim(self) -> str:
        rng = self.rng
        shape = rng.choice(SHAPES)
        if rng.random() < 0.3:  # one of the weighted topics, as a whole
            topic = rng.choices(self.topics, cum_weights=self.topic_weights)[0]
            thing, measure = topic, ""
        else:
            thing, measure = rng.choice(THINGS), rng.choice(MEASURES)
        places = rng.sample(PLACES, 3)
        year = rng.randint(1990, 2025)
        months = rng.sample(MONTHS, 2)
        text = shape.format(
            thing=thing,
            Thing=thing[0].upper() + thing[1:],
            measure=measure,
            place=places[0],
            place2=places[1],
            place3=places[2],
            moved=rng.choice(MOVES),
            pct=rng.randint(2, 95),
            year=year,
            year2=year - rng.randint(1, 12),
            year3=year + rng.randint(2, 15),
            month=months[0],
            month2=months[1],
            extreme=rng.choice(EXTREMES),
            comparison=rng.choice(COMPARISONS),
            n=rng.randint(3, 60),
            num=_number(rng),
            num2=_number(rng),
            money=f"Rs {_number(rng)}" if rng.random() < 0.7 else f"${_number(rng)}",
            speaker=self.speaker(),
        )
        text = re.sub(r"  +", " ", text).replace(" .", ".").replace(" ,", ",")
        text = re.sub(r"(?<=[a-z,] )The ", "the ", text).replace("its the ", "its ")
        return text[0].upper() + text[1:]


def reword(text: str, rng: random.Random) -> str:
    """The same claim as a checker retypes it: a word or two swapped, the
    figure written another way, an attribution added or dropped."""
    changed = text
    swaps = [(old, new) for old, new in SWAPS if re.search(rf"\b{old}\b", changed)]
    for old, new in rng.sample(swaps, min(2, len(swaps))):
        changed = re.sub(rf"\b{old}\b", new, changed, count=1)
    changed = re.sub(r"(\d+)%", r"\1 per cent", changed, count=1)
    if changed == text or rng.random() < 0.5:
        said = rng.choice(["a minister said", "according to a viral post", "he claimed"])
        changed = f"{changed.rstrip('.')}, {said}."
    return changed
