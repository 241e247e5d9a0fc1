"""Fill a PostgreSQL database of the benchmark's own to a named size.

    .venv/bin/python bench/data.py --size small|desk|network [--force]

The database is `factcheck_bench_<size>` on BENCH_POSTGRES_URL (by default
postgres://postgres@127.0.0.1:5432), created if missing and migrated with
`manage.py migrate`. A row in `bench_generated` marks a finished fill, so a
second run only checks it and migrates; a fill that stopped half-way (no
marker) is dropped and made again, and so is one made by another version of
this generator (GENERATOR_VERSION).

Rows go in with PostgreSQL COPY (psycopg 3 `cursor.copy`), in one
transaction, with ids chosen here so that foreign keys are wired without
reading anything back. They are what the app itself would have written:
every claim walked the workflow (its activity log says so, step by step),
published and retracted claims have published verdicts rated on the default
scale, drafts sit on claims in research, and cited sources are already
fetched, failed or blocked, so nothing is left pending for a sweeper and no
job is ever sent (COPY announces nothing on `jobs_waiting`).

Distributions: most claims closed (published or rejected), open ones recent;
claims per claimant and citations per source are Zipf-like (a long tail);
evidence and comments per claim heavy-tailed, capped, plus one heavy claim
with 100 evidence rows and 1,000 activity rows for the claim page's worst case.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.claim_texts import ClaimTexts  # noqa: E402 (after the path is set)

# Bump when the shape of the data changes: a database filled by an older
# generator is made again rather than measured as if it were the same.
GENERATOR_VERSION = 3
MARKER_TABLE = "bench_generated"
SEED = 12


@dataclass(frozen=True)
class Size:
    claims: int
    published: int
    evidence: int
    sources: int
    activity: int
    claimants: int
    articles: int
    checkers: int
    editors: int


SIZES = {
    "small": Size(
        claims=1_000,
        published=600,
        evidence=3_000,
        sources=500,
        activity=10_000,
        claimants=50,
        articles=200,
        checkers=6,
        editors=2,
    ),
    # The figures of issue 12.
    "desk": Size(
        claims=100_000,
        published=60_000,
        evidence=300_000,
        sources=50_000,
        activity=1_000_000,
        claimants=5_000,
        articles=20_000,
        checkers=40,
        editors=8,
    ),
    "network": Size(
        claims=1_000_000,
        published=600_000,
        evidence=3_000_000,
        sources=500_000,
        activity=10_000_000,
        claimants=50_000,
        articles=200_000,
        checkers=200,
        editors=30,
    ),
}

HEAVY_EVIDENCE = 100
HEAVY_ACTIVITY = 1_000
BENCH_EDITOR = "bench-editor"


def server_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def database_url(size: str) -> str:
    """`factcheck_bench_<size>`, or `factcheck_bench_<BENCH_DATABASE_TAG>_<size>`
    when several people share one server and must not drop each other's."""
    tag = os.environ.get("BENCH_DATABASE_TAG", "")
    parts = urlsplit(server_url())
    return urlunsplit(parts._replace(path=f"/factcheck_bench_{tag + '_' if tag else ''}{size}"))


def _maintenance(url: str) -> Any:
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def _database_exists(url: str) -> bool:
    name = urlsplit(url).path.lstrip("/")
    with _maintenance(url) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _recreate_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith("factcheck_bench_"):
        raise SystemExit(f"refusing to drop {name!r}: the benchmark only drops factcheck_bench_* databases")
    with _maintenance(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _configure_database(url: str) -> None:
    """The database's settings as the README deploys PostgreSQL: no JIT
    compiling (it cost the dashboard 68 of 230 ms for one query at the
    `network` size, and no page's query runs long enough to win it back).
    Sessions opened afterwards take it."""
    name = urlsplit(url).path.lstrip("/")
    with _maintenance(url) as connection:
        connection.execute(f'ALTER DATABASE "{name}" SET jit = off')


def _vacuum(url: str) -> None:
    """Statistics and the visibility map, as autovacuum would leave them."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def _marker(url: str) -> dict[str, Any] | None:
    """The finished fill's record, or None (no marker table, no row, or an
    older generator's)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        exists = connection.execute("SELECT to_regclass(%s)", [MARKER_TABLE]).fetchone()[0]
        if exists is None:
            return None
        row = connection.execute(
            f"SELECT targets, seconds FROM {MARKER_TABLE} WHERE version = %s",  # noqa: S608 (a constant)
            [GENERATOR_VERSION],
        ).fetchone()
    if row is None:
        return None
    return {"targets": row[0], "seconds": row[1]}


def migrate(env: dict[str, str]) -> None:
    """`manage.py migrate`, as a deployment runs it (the app's migrations and
    the data migrations that make the rating scale and the groups)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"manage.py migrate failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")


def ensure(size: str, env: dict[str, str], force: bool = False) -> dict[str, Any]:
    """The database for `size`, filled; returns its marker: `targets` (the
    claims, slugs and words the page benchmark asks for) and `seconds` (how
    long the fill took). Runs in a process of its own, so the caller's Django
    connects only once the database exists."""
    url = env["DATABASE_URL"]
    if not force and _database_exists(url):
        marker = _marker(url)
        if marker is not None:
            _configure_database(url)
            migrate(env)  # the app may have new migrations since the fill
            _vacuum(url)  # one that rewrote rows leaves them dead until autovacuum comes by
            return {**marker, "reused": True}
    print(f"Filling {urlsplit(url).path.lstrip('/')} to the {size!r} size ...", flush=True)
    _recreate_database(url)
    _configure_database(url)
    migrate(env)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--size", size, "--fill"], cwd=ROOT, env=env
    )
    if result.returncode:
        raise SystemExit("the data generator failed (see above)")
    marker = _marker(url)
    if marker is None:
        raise SystemExit("the data generator finished without its marker")
    return {**marker, "reused": False}


# --- Text. A few hundred building blocks, combined, so search and TOAST see
# text of realistic length and variety without a corpus to download.

TOPICS = [
    # (words, weight): "inflation" is a common search, "desalination" a rare one.
    ("inflation", 40),
    ("unemployment", 30),
    ("the budget deficit", 20),
    ("crime", 25),
    ("vaccination rates", 12),
    ("electricity prices", 18),
    ("fuel prices", 18),
    ("school enrolment", 10),
    ("hospital beds", 9),
    ("tax revenue", 14),
    ("exports", 14),
    ("foreign debt", 12),
    ("the minimum wage", 10),
    ("housing starts", 8),
    ("rainfall", 5),
    ("migration", 15),
    ("road deaths", 6),
    ("corruption cases", 9),
    ("wheat production", 6),
    ("internet access", 6),
    ("poverty", 14),
    ("literacy", 5),
    ("military spending", 9),
    ("police numbers", 7),
    ("air pollution", 6),
    ("water supply", 6),
    ("pensions", 8),
    ("tourism", 5),
    ("the stock market", 6),
    ("desalination", 0.2),
]
REGIONS = [
    "Punjab",
    "Sindh",
    "the capital",
    "the north",
    "rural districts",
    "Karachi",
    "Lahore",
    "the coastal belt",
    "the province",
    "the country",
    "Balochistan",
    "the tribal areas",
]
CLAIM_TEMPLATES = [
    "{Topic} has {moved} by {pct}% since {year}, the {extreme} in {n} years.",
    "Under this government {topic} {moved} by {pct}% in {region}.",
    "{Region} spends more on {topic} than any other province.",
    "We have cut {topic} in half in {region} since {year}.",
    "{num} people in {region} were affected by {topic} last year.",
    "{Topic} in {region} is now {extreme} than at any time since {year}.",
    "The opposition doubled {topic} when it was in power, from {num} to {num2}.",
    "Every {unit} of {topic} costs the taxpayer {money}.",
]
MOVES = ["risen", "fallen", "grown", "dropped", "increased", "decreased"]
EXTREMES = ["highest", "lowest", "worst", "best"]
UNITS = ["unit", "tonne", "household", "district", "family"]
SENTENCES = [
    "The figure comes from the ministry's annual report, which counts only registered cases.",
    "Independent researchers estimate the number at less than half of what was claimed.",
    "The statistics bureau revised its series in {year}, so earlier years are not comparable.",
    "A spokesperson said the number referred to the fiscal year, not the calendar year.",
    "Provincial data published in {year} tell a different story for {region}.",
    "The claim leaves out inflation, which changes the picture considerably.",
    "Economists we spoke to agreed that the trend is real but smaller than stated.",
    "The same claim circulated on social media in {year} with a different number.",
    "Court records list {num} cases, not the total the speaker gave.",
    "The central bank's data, updated monthly, show a steady decline since {year}.",
    "Local officials in {region} could not provide records for the period in question.",
    "The report the speaker cited does not contain the number at all.",
    "Survey data cover only urban households, so the national figure is an extrapolation.",
    "When asked for a source, the press office pointed to a speech from {year}.",
]
FIRST_NAMES = (  # noqa: SIM905 (a list of words reads better as words)
    "Asim Ayesha Tom Maria Imran Sara Bilal Fatima Omar Hina Kamran Nadia Faisal Zainab Hamza Sana Usman Amina "
    "Tariq Mehwish Ali Rabia Junaid Samina Adnan Saima Rizwan Uzma Shahid Nasreen Javed Farah Khalid Bushra "
    "Arif Lubna Waqar Shazia Nabeel Asma Pervez Huma Saleem Sadia Zafar Iqra Naveed Mariam Yasir Kiran Babar "
    "Sidra Ahsan Noor Fahad Alia Haris Mahnoor Danish Anam"
).split()
LAST_NAMES = (  # noqa: SIM905 (a list of words reads better as words)
    "Khan Baker Lopez Bajwa Ahmed Malik Hussain Qureshi Siddiqui Chaudhry Butt Sheikh Raza Abbasi Mirza Akhtar "
    "Iqbal Javed Aslam Rehman Shah Gill Cheema Dar Lodhi Niazi Afridi Yousafzai Durrani Kazmi Naqvi Rizvi "
    "Jafri Zaidi Hashmi Ansari Farooqi Bhatti Awan Janjua Tiwana Leghari Mazari Bugti Magsi Jamali Soomro "
    "Junejo Pirzada Memon Baloch Shaikh Talpur Bhutto Zardari Sharif Gilani Tareen Khattak Marwat Bangash "
    "Orakzai Wazir Mehsud Achakzai Kakar Mengal Raisani Zehri Bizenjo Hasni Rind Marri Domki Jatoi Mahar Unar "
    "Wassan Kalhoro Abro Chandio Shar Brohi Lashari Khoso Jakhrani Pitafi Dahri Mangi Solangi Samoon Channa "
    "Bhayo Lakho Rajpar Kolachi Panhwar Halepoto Palijo Narejo Sahito Jiskani Keerio Bughio"
).split()
TITLES = ["", "", "", "Dr ", "Lt Gen ", "Senator ", "Minister ", "Prof "]
OUTLETS = [
    "Daily Dawn",
    "The Express Tribune",
    "The News",
    "Business Recorder",
    "Sample Times",
    "Morning Herald",
    "City Gazette",
    "National Post",
    "Evening Star",
    "Frontier Post",
    "Capital Times",
    "Coastal Chronicle",
    "Valley Voice",
    "Channel 24 (transcript)",
    "Radio Metro (transcript)",
]
DOMAINS = [
    f"{name}.example.{tld}"
    for name in ("stats", "finance", "news", "data", "report", "gov", "ngo")
    for tld in ("org", "com", "net", "pk", "int")
]
DOMAINS += [f"outlet{n}.example.com" for n in range(200)]


class Words:
    """Random text from the building blocks above, seeded."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.topics = [t for t, _ in TOPICS]
        self.topic_weights = list(itertools.accumulate(w for _, w in TOPICS))
        self.paragraphs = [self._paragraph() for _ in range(400)]
        speakers = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        self.claims = ClaimTexts(rng, self.topics, self.topic_weights, rng.sample(speakers, 3_000))

    def fill(self, template: str, topic: str | None = None) -> str:
        rng = self.rng
        topic = topic or rng.choices(self.topics, cum_weights=self.topic_weights)[0]
        region = rng.choice(REGIONS)
        return template.format(
            topic=topic,
            Topic=topic[0].upper() + topic[1:],
            region=region,
            Region=region[0].upper() + region[1:],
            moved=rng.choice(MOVES),
            pct=rng.randint(2, 80),
            year=rng.randint(1998, 2024),
            extreme=rng.choice(EXTREMES),
            n=rng.randint(3, 40),
            num=f"{rng.randint(2, 900):,}{rng.choice(['', ',000', ' million'])}",
            num2=f"{rng.randint(2, 900):,}{rng.choice(['', ',000', ' million'])}",
            unit=rng.choice(UNITS),
            money=f"Rs {rng.randint(2, 900)}{rng.choice(['', ',000', ' million'])}",
        )

    def claim(self) -> str:
        return self.claims.claim()

    def sentence(self) -> str:
        return self.fill(self.rng.choice(SENTENCES))

    def _paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 6)))

    def text(self, low: int, high: int) -> str:
        """Paragraphs from the pool, `low` to `high` of them."""
        return "\n\n".join(self.rng.choices(self.paragraphs, k=self.rng.randint(low, high)))


def zipf_cumulative(count: int, offset: float, exponent: float = 1.0) -> list[float]:
    """Cumulative weights of a Zipf-like law over ranks 0..count-1: rank r has
    weight 1/(r + offset)^exponent. The offset flattens the head, so the most
    cited source is cited thousands of times, not a third of all citations."""
    total, out = 0.0, []
    for rank in range(count):
        total += 1.0 / (rank + offset) ** exponent
        out.append(total)
    return out


def capped_weights(rng: random.Random, count: int, cap: float) -> list[float]:
    """Heavy-tailed weights (Pareto, alpha 1.6), capped so that no ordinary
    claim outgrows the designated heavy one."""
    return [min(rng.paretovariate(1.6), cap) for _ in range(count)]


def spread(rng: random.Random, total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """`total` split over len(weights) buckets, each at least `minimum`, the
    rest in proportion to the weights (drawn, so the counts vary)."""
    counts = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total too small for the minimum")
    for index, extra in Counter(rng.choices(range(len(weights)), weights=weights, k=rest)).items():
        counts[index] += extra
    return counts


# --- Writing.


def _column_default(field: Any) -> Any:
    """What the ORM would write for a field this generator leaves out."""
    from django.db import models

    value = field.get_default()
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return value


def copy_rows(cursor: Any, model: Any, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (values for the columns `names`, by attname) into `model`'s
    table; every other column gets the model's default, so a column added by
    a later migration does not break the generator."""
    given = set(names)
    table = model._meta.db_table
    # Only columns the migrations made: a field being written (no migration
    # yet) is not in the table, and the ORM would not find it either.
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    present = {name for (name,) in cursor.fetchall()}
    missing = [f for f in model._meta.concrete_fields if f.attname not in given and f.column in present]
    defaults = tuple(_column_default(f) for f in missing)
    columns = ", ".join(f'"{c}"' for c in [*names, *(f.column for f in missing)])
    count = 0
    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row((*row, *defaults))
            count += 1
    return count


# --- The fill.

DAY = 86_400.0


def fill(size_name: str) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils.text import slugify

    from claims import workflow
    from claims.models import Activity, Article, Claim, Claimant, Evidence, Rating, Source, Verdict, claimant_key
    from claims.workflow import State

    size = SIZES[size_name]
    rng = random.Random(SEED)
    words = Words(rng)
    started = time.monotonic()
    now = time.time()
    span = 4 * 365 * DAY  # the desk's history
    steps: list[str] = []

    def step(label: str, since: float) -> float:
        moment = time.monotonic()
        steps.append(f"{label} {moment - since:.1f} s")
        print(f"  {label}: {moment - since:.1f} s", flush=True)
        return moment

    def moment(seconds: float) -> datetime:
        return datetime.fromtimestamp(seconds, UTC)

    with transaction.atomic():
        cursor = connection.cursor()
        mark = time.monotonic()

        # People: fact-checkers, editors, and the benchmark's own editor.
        User = get_user_model()
        password = make_password(None)  # unusable: the benchmark logs in with force_login
        checkers_group = Group.objects.get(name=workflow.CHECKERS_GROUP)
        editors_group = Group.objects.get(name=workflow.EDITORS_GROUP)
        people = []
        for n in range(size.checkers):
            first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n * 7) % len(LAST_NAMES)]
            people.append(User(username=f"checker{n + 1}", first_name=first, last_name=last, password=password))
        for n in range(size.editors):
            first, last = FIRST_NAMES[(n + 30) % len(FIRST_NAMES)], LAST_NAMES[(n * 11) % len(LAST_NAMES)]
            people.append(User(username=f"editor{n + 1}", first_name=first, last_name=last, password=password))
        people.append(User(username=BENCH_EDITOR, first_name="Bench", last_name="Editor", password=password))
        people = User.objects.bulk_create(people)
        for person in people[size.checkers :]:
            person.is_staff = True  # as the demo editor: manages the scale in the admin
        User.objects.bulk_update(people[size.checkers :], ["is_staff"])
        Membership = User.groups.through
        Membership.objects.bulk_create(
            [Membership(user_id=p.pk, group_id=checkers_group.pk) for p in people[: size.checkers]]
            + [Membership(user_id=p.pk, group_id=editors_group.pk) for p in people[size.checkers :]]
        )
        checkers = [p.pk for p in people[: size.checkers]]
        editors = [p.pk for p in people[size.checkers :]]
        ratings = {r.label: r.pk for r in Rating.objects.all()}
        rating_labels = ["False", "Mostly false", "Misleading", "Half true", "Mostly true", "True", "Unproven"]
        rating_cum = list(itertools.accumulate([25, 15, 15, 12, 10, 13, 10]))

        # Claimants: unique names, Zipf-like numbers of claims.
        claimant_rows = []
        claimant_names = []
        for n in range(size.claimants):
            first = FIRST_NAMES[n % len(FIRST_NAMES)]
            # Every pair (first, last) once, mixed so the first names do not all share a surname.
            last = LAST_NAMES[(n // len(FIRST_NAMES) + 7 * n) % len(LAST_NAMES)]
            initial = n // (len(FIRST_NAMES) * len(LAST_NAMES))
            middle = f" {chr(ord('A') + initial - 1)}." if initial else ""
            name = f"{TITLES[n % len(TITLES)]}{first}{middle} {last}"
            claimant_names.append(name)
            created = now - span - rng.uniform(0, 30 * DAY)
            claimant_rows.append((n + 1, name, claimant_key(name), f"{slugify(name)[:100]}-{n + 1:x}", moment(created)))
        copy_rows(cursor, Claimant, ["id", "name", "key", "slug", "created_at"], claimant_rows)
        claimant_cum = zipf_cumulative(size.claimants, offset=5)
        mark = step(f"{size.checkers + size.editors + 1} people, {size.claimants:,} claimants", mark)

        # Claims: states first (most closed), then times (open ones recent),
        # ids in order of creation as the sequence would give them.
        retracted = max(1, size.published // 150)
        rest = size.claims - size.published - retracted
        rejected = int(rest * 0.6)
        open_left = rest - rejected
        open_split = {
            State.SUBMITTED: 0.35,
            State.ASSIGNED: 0.10,
            State.RESEARCHING: 0.30,
            State.IN_REVIEW: 0.15,
            State.APPROVED: 0.10,
        }
        states = [State.PUBLISHED] * size.published + [State.RETRACTED] * retracted + [State.REJECTED] * rejected
        for state, share in open_split.items():
            states += [state] * int(open_left * share)
        states += [State.SUBMITTED] * (size.claims - len(states))  # what rounding left
        rng.shuffle(states)

        def created_time(state: str) -> float:
            if state in workflow.OPEN_STATES:
                return now - rng.uniform(0.1, 60) * DAY
            # Growing over the years: more claims lately.
            return now - span * (1 - math.sqrt(rng.random())) - 2 * DAY

        drafts = [(created_time(state), state) for state in states]
        drafts.sort()
        speakers = rng.choices(range(1, size.claimants + 1), cum_weights=claimant_cum, k=size.claims)

        claim_rows = []
        claims: list[dict[str, Any]] = []  # what later tables need to know about each claim
        article_rows = []
        article_id = 0
        article_time = 0.0
        for index, (created, state) in enumerate(drafts):
            pk = index + 1
            text = words.claim()
            if rng.random() < 0.03:
                speaker, said_by = None, ""
            else:
                speaker = speakers[index]
                said_by = claimant_names[speaker - 1]
            # Articles: a new one now and then, the claims of one story after it.
            article = None
            if rng.random() < 0.85:
                if article_id == 0 or rng.random() < size.articles / (0.85 * size.claims):
                    article_id += 1
                    article_time = created - rng.uniform(0.01, 1) * DAY
                    outlet = rng.choice(OUTLETS)
                    article_rows.append(
                        (
                            article_id,
                            f"{words.fill(rng.choice(CLAIM_TEMPLATES))[:-1]}, says {said_by or 'spokesman'}"[:300],
                            outlet,
                            f"https://{slugify(outlet)}.example.com/{article_id}" if rng.random() < 0.7 else "",
                            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                            moment(article_time).date(),
                            words.text(3, 8),
                            moment(article_time),
                            rng.choice(checkers),
                        )
                    )
                article = article_id
            researcher = rng.choice(checkers)
            # The steps this claim went through, in order (PATHS in tests/conftest.py).
            path: list[str] = {
                State.SUBMITTED: [],
                State.REJECTED: ["reject"],
                State.ASSIGNED: [rng.choice(["take", "assign"])],
                State.RESEARCHING: ["take", "start"],
                State.IN_REVIEW: ["take", "start", "submit"],
                State.APPROVED: ["take", "start", "submit", "approve"],
                State.PUBLISHED: ["take", "start", "submit", "approve", "publish"],
                State.RETRACTED: ["take", "start", "submit", "approve", "publish", "retract"],
            }[state]
            versions = 0
            if state in workflow.PUBLIC_STATES:
                versions = 1 + (rng.random() < 0.05) + (rng.random() < 0.005)
                path = path[:5] + ["correct"] * (versions - 1) + path[5:]
            # Time: open claims up to now, closed ones within days.
            end = rng.uniform(created, now) if state in workflow.OPEN_STATES else created + rng.uniform(0.05, 12) * DAY
            times = sorted(rng.uniform(created, end) for _ in path)
            submitted_at = times[path.index("submit")] if "submit" in path else None
            published_at = times[path.index("publish")] if "publish" in path else None
            retracted_at = times[-1] if state == State.RETRACTED else None
            updated = times[-1] if times else created
            due = None
            if state in workflow.OPEN_STATES and rng.random() < 0.5:
                due = date.fromtimestamp(now) + timedelta(days=rng.randint(-14, 21))
            has_assignee = state not in (State.SUBMITTED, State.REJECTED)
            claim_rows.append(
                (
                    pk,
                    text,
                    said_by,
                    speaker,
                    article,
                    state,
                    researcher if has_assignee else None,
                    rng.choice(checkers) if has_assignee and rng.random() < 0.2 else None,
                    rng.choices([1, 2, 3], weights=[15, 70, 15])[0],
                    due,
                    f"{slugify(text)[:80].strip('-') or 'claim'}-{pk:06x}",
                    rng.choice(checkers),
                    moment(created),
                    moment(updated),
                    moment(submitted_at) if submitted_at else None,
                    moment(published_at) if published_at else None,
                    moment(retracted_at) if retracted_at else None,
                    "Retracted: the figures it relied on were withdrawn by their publisher." if retracted_at else "",
                    len(path),
                )
            )
            claims.append(
                {
                    "pk": pk,
                    "state": state,
                    "path": path,
                    "times": times,
                    "created": created,
                    "end": end,
                    "researcher": researcher,
                    "versions": versions,
                    "text": text,
                }
            )
        copy_rows(
            cursor,
            Article,
            ["id", "title", "outlet", "url", "author", "published_on", "body", "created_at", "created_by_id"],
            article_rows,
        )

        # The heavy claim: a published one from the middle of the history.
        published_claims = [c for c in claims if c["state"] == State.PUBLISHED]
        heavy = published_claims[len(published_claims) // 2]

        # Verdicts: published versions on public claims, drafts on claims in research.
        verdict_rows = []
        verdict_id = 0
        rated: dict[int, int] = {}  # each public claim's newest version's rating (Claim.current_rating)
        for claim in claims:
            state = claim["state"]
            label = rng.choices(rating_labels, cum_weights=rating_cum)[0]
            researched_at = claim["times"][2] if len(claim["times"]) > 2 else claim["end"]
            if claim["versions"]:
                moments = [
                    t
                    for step_name, t in zip(claim["path"], claim["times"], strict=True)
                    if step_name in ("publish", "correct")
                ]
                for version, published_at in enumerate(moments, start=1):
                    verdict_id += 1
                    author = claim["researcher"] if version == 1 else rng.choice(editors)
                    if version > 1:
                        label = rng.choices(rating_labels, cum_weights=rating_cum)[0]
                    rated[claim["pk"]] = ratings[label]
                    verdict_rows.append(
                        (
                            verdict_id,
                            claim["pk"],
                            version,
                            ratings[label],
                            words.sentence()[:300],
                            words.text(1, 3),
                            author,
                            "An earlier version gave the wrong year for the figure." if version > 1 else "",
                            rng.randint(1, 3),
                            moment(researched_at if version == 1 else published_at),
                            moment(published_at),
                            moment(published_at),
                        )
                    )
            elif state in (State.IN_REVIEW, State.APPROVED) or (state == State.RESEARCHING and rng.random() < 0.5):
                verdict_id += 1
                verdict_rows.append(
                    (
                        verdict_id,
                        claim["pk"],
                        1,
                        ratings[label],
                        words.sentence()[:300],
                        words.text(1, 2),
                        claim["researcher"],
                        "",
                        rng.randint(1, 4),
                        moment(researched_at),
                        moment(researched_at),
                        None,
                    )
                )
                claim["draft"] = True
        copy_rows(
            cursor,
            Claim,
            [
                "id",
                "text",
                "claimant",
                "speaker_id",
                "article_id",
                "state",
                "assignee_id",
                "reviewer_id",
                "priority",
                "due_on",
                "slug",
                "created_by_id",
                "created_at",
                "updated_at",
                "submitted_at",
                "published_at",
                "retracted_at",
                "retraction_note",
                "revision",
                "current_rating_id",
            ],
            [(*row, rated.get(row[0])) for row in claim_rows],
        )
        del claim_rows, article_rows
        mark = step(f"{size.claims:,} claims, {article_id:,} articles", mark)
        copy_rows(
            cursor,
            Verdict,
            [
                "id",
                "claim_id",
                "version",
                "rating_id",
                "summary",
                "explanation",
                "author_id",
                "correction_note",
                "revision",
                "created_at",
                "updated_at",
                "published_at",
            ],
            verdict_rows,
        )
        del verdict_rows, rated
        mark = step(f"{verdict_id:,} verdicts", mark)

        # Evidence: on every researched claim (most claims in research have
        # some), heavy-tailed counts; 90% cite a URL. Every source is cited at
        # least once, the rest Zipf-like: a few pages cited everywhere.
        researched = [
            c
            for c in claims
            if c is not heavy
            and (
                c["state"] in (State.PUBLISHED, State.RETRACTED, State.IN_REVIEW, State.APPROVED)
                or (c["state"] == State.RESEARCHING and rng.random() < 0.7)
            )
        ]
        counts = spread(rng, size.evidence - HEAVY_EVIDENCE, capped_weights(rng, len(researched), 12), 1)
        per_claim = [(heavy, HEAVY_EVIDENCE), *zip(researched, counts, strict=True)]
        cited = sum(1 for _ in range(size.evidence) if rng.random() < 0.9)
        # Every source once, in the first citations (so none is left uncited
        # however the draws for offline evidence fall), then the long tail:
        # the popular ones cited again and again.
        source_ids = list(range(1, size.sources + 1))
        rng.shuffle(source_ids)
        extra = rng.choices(
            range(1, size.sources + 1), cum_weights=zipf_cumulative(size.sources, offset=10), k=cited - size.sources
        )
        rng.shuffle(extra)
        source_ids += extra
        # What each source is: fetched and extracted, or failed, or blocked.
        statuses = rng.choices(
            [Source.Status.FETCHED, Source.Status.FAILED, Source.Status.BLOCKED], weights=[90, 8, 2], k=size.sources
        )
        first_cited: dict[int, float] = {}
        evidence_rows = []
        evidence_id = 0
        citations = iter(source_ids)
        url_of = {}
        for claim, count in per_claim:
            start = claim["times"][1] if len(claim["times"]) > 1 else claim["created"]
            stop = claim["times"][2] if len(claim["times"]) > 2 else claim["end"]
            claim["evidence"] = []
            for _ in range(count):
                evidence_id += 1
                added = rng.uniform(start, stop)
                source = next(citations, None) if rng.random() < 0.9 or claim is heavy else None
                if source is not None:
                    first_cited[source] = min(added, first_cited.get(source, added))
                    status = statuses[source - 1]
                    check = (
                        rng.choices(["found", "close", "not_found", "not_checkable"], weights=[60, 15, 10, 15])[0]
                        if status == Source.Status.FETCHED
                        else "unchecked"
                    )
                    offline = ""
                else:
                    check = "unchecked"
                    offline = rng.choice(
                        [
                            "Interview with the press office",
                            "Ministry statement (PDF, by email)",
                            "Phone call with the statistics bureau",
                        ]
                    )
                stance = rng.choices(["supports", "contradicts", "context"], weights=[30, 40, 30])[0]
                evidence_rows.append(
                    (
                        evidence_id,
                        claim["pk"],
                        source,
                        offline,
                        words.sentence(),
                        words.sentence() if rng.random() < 0.5 else "",
                        stance,
                        check,
                        claim["researcher"],
                        moment(added),
                    )
                )
                claim["evidence"].append((added, source, offline, stance))
        # Citations left over (offline ones drew none) go nowhere: the sources
        # they would have cited are cited already, every one at least once.
        missing = [s for s in range(1, size.sources + 1) if s not in first_cited]
        if missing:
            raise SystemExit(f"{len(missing)} sources ended up cited by nothing; the generator needs fixing")
        source_rows = []
        for source in range(1, size.sources + 1):
            domain = DOMAINS[min(int(rng.paretovariate(1.2)) - 1, len(DOMAINS) - 1)]
            url = f"https://{domain}/{rng.choice(['report', 'news', 'data', 'article', 'release'])}/{source}"
            url_of[source] = url
            created = first_cited[source]
            checked = created + rng.uniform(1, 30)
            status = statuses[source - 1]
            fetched = status == Source.Status.FETCHED
            sha = f"{rng.getrandbits(256):064x}" if fetched else ""
            source_rows.append(
                (
                    source,
                    url,
                    status,
                    200 if fetched else (rng.choice([404, 403, 500, 410]) if status == Source.Status.FAILED else None),
                    "text/html" if fetched else "",
                    "utf-8" if fetched else "",
                    words.fill(rng.choice(CLAIM_TEMPLATES))[:500] if fetched else "",
                    domain if fetched else "",
                    words.text(2, 6) if fetched else "",
                    sha,
                    f"snapshots/{sha[:2]}/{sha}.gz" if fetched else "",
                    moment(checked) if fetched else None,
                    moment(checked + rng.uniform(1, 60)) if fetched else None,
                    moment(checked),
                    moment(created),
                    1,
                    {
                        Source.Status.FETCHED: "",
                        Source.Status.FAILED: "The site answered 404: the page is not there.",
                        Source.Status.BLOCKED: "Refused: the address is on a private network.",
                    }[status],
                    moment(checked),
                )
            )
        copy_rows(
            cursor,
            Source,
            [
                "id",
                "url",
                "status",
                "http_status",
                "content_type",
                "charset",
                "title",
                "site_name",
                "text",
                "sha256",
                "snapshot",
                "fetched_at",
                "extracted_at",
                "checked_at",
                "created_at",
                "attempts",
                "last_error",
                "updated_at",
            ],
            source_rows,
        )
        del source_rows
        copy_rows(
            cursor,
            Evidence,
            [
                "id",
                "claim_id",
                "source_id",
                "offline_source",
                "quote",
                "note",
                "stance",
                "quote_check",
                "added_by_id",
                "created_at",
            ],
            evidence_rows,
        )
        del evidence_rows
        mark = step(f"{size.sources:,} sources, {evidence_id:,} evidence", mark)

        # Activity: each claim's path as transition() logs it, its evidence
        # added and its sources fetched (as the fetch worker logs them), draft
        # saves, then comments to the total (heavy-tailed, and the heavy claim
        # to HEAVY_ACTIVITY). Ids in order of time, as the sequence gives them.
        activity: list[tuple[float, int, int | None, str, str, str, str]] = []
        stance_label = dict(Evidence.Stance.choices)
        url_evidence = 0
        for claim in claims:
            state_now = State.SUBMITTED
            pk, researcher = claim["pk"], claim["researcher"]
            activity.append(
                (claim["created"], pk, rng.choice(checkers), "created", state_now, state_now, claim["text"])
            )
            for action_name, at in zip(claim["path"], claim["times"], strict=True):
                action = workflow.ACTIONS[action_name]
                target = action.target or state_now
                actor = {
                    "take": researcher,
                    "start": researcher,
                    "submit": researcher,
                    "reject": rng.choice(checkers),
                    "assign": rng.choice(editors),
                    "approve": rng.choice(checkers),
                }.get(action_name, rng.choice(editors))
                note = {
                    "reject": "A statement of policy, not a checkable fact.",
                    "retract": "Retracted: the figures it relied on were withdrawn.",
                    "correct": "An earlier version gave the wrong year for the figure.",
                }.get(action_name, "")
                activity.append((at, pk, actor, action_name, state_now, target, note))
                state_now = target
            research_state = State.RESEARCHING
            for added, source, offline, stance in claim.get("evidence", []):
                where = url_of[source] if source else offline
                activity.append(
                    (
                        added,
                        pk,
                        researcher,
                        "evidence_added",
                        research_state,
                        research_state,
                        f"{stance_label[stance]}: {where}",
                    )
                )
                if source:
                    url_evidence += 1
            if claim["versions"] or claim.get("draft"):
                at = claim["times"][2] if len(claim["times"]) > 2 else claim["end"]
                for _ in range(rng.randint(1, 3)):
                    activity.append(
                        (
                            at - rng.uniform(60, 3600),
                            pk,
                            researcher,
                            "verdict_saved",
                            research_state,
                            research_state,
                            "False: " + words.sentence()[:120],
                        )
                    )
        # Sources fetched, logged on the citing claim, as many as the total allows
        # (a tenth of it is kept for comments).
        room = size.activity - len(activity) - size.activity // 10
        share = max(0.0, min(1.0, room / max(1, url_evidence)))
        for claim in claims:
            for added, source, _, _ in claim.get("evidence", []):
                if source and rng.random() < share:
                    activity.append(
                        (
                            added + rng.uniform(1, 40),
                            claim["pk"],
                            None,
                            "source_fetched",
                            "",
                            "",
                            f"{url_of[source]}: fetched (HTTP 200)",
                        )
                    )
        heavy_now = sum(1 for row in activity if row[1] == heavy["pk"])
        comments = size.activity - len(activity)
        heavy_comments = HEAVY_ACTIVITY - heavy_now
        if comments < heavy_comments:
            raise SystemExit("the activity total leaves no room for the heavy claim's comments")
        talked = [c for c in claims if c["state"] != State.SUBMITTED and c is not heavy]
        comment_counts = spread(rng, comments - heavy_comments, capped_weights(rng, len(talked), 10), 0)
        for claim, count in [(heavy, heavy_comments), *zip(talked, comment_counts, strict=True)]:
            for _ in range(count):
                at = rng.uniform(claim["created"], claim["end"])
                activity.append(
                    (
                        at,
                        claim["pk"],
                        rng.choice(checkers),
                        "comment",
                        claim["state"],
                        claim["state"],
                        rng.choice(words.paragraphs)[:400],
                    )
                )
        activity.sort(key=lambda row: row[0])
        copy_rows(
            cursor,
            Activity,
            ["id", "created_at", "claim_id", "actor_id", "action", "from_state", "to_state", "note"],
            ((n, moment(at), *rest) for n, (at, *rest) in enumerate(activity, start=1)),
        )
        total_activity = len(activity)
        del activity
        mark = step(f"{total_activity:,} activity rows", mark)

        # The sequences continue after the ids chosen here.
        for model in (Claimant, Article, Claim, Verdict, Source, Evidence, Activity):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"  # noqa: S608
            )

        # What the page benchmark asks for, found once here.
        normal = next(
            c
            for c in claims[len(claims) // 2 :]
            if c["state"] == State.IN_REVIEW and 3 <= len(c.get("evidence", [])) <= 5
        )
        typical_public = next(
            c for c in published_claims[len(published_claims) // 3 :] if 3 <= len(c.get("evidence", [])) <= 5
        )
        cursor.execute("SELECT slug FROM claims_claim WHERE id = %s", [typical_public["pk"]])
        verdict_slug = cursor.fetchone()[0]
        cursor.execute(
            "SELECT s.slug, count(*) FROM claims_claim c JOIN claims_claimant s ON s.id = c.speaker_id "
            "WHERE c.state = 'published' GROUP BY s.slug ORDER BY count(*) DESC, s.slug"
        )
        by_claims = cursor.fetchall()
        targets = {
            "heavy_claim": heavy["pk"],
            "normal_claim": normal["pk"],
            "verdict_slug": verdict_slug,
            "top_claimant": list(by_claims[0]),
            "typical_claimant": list(by_claims[len(by_claims) // 2]),
            "search_common": "inflation",
            "search_rare": "desalination",
            "editor": BENCH_EDITOR,
        }
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (version integer PRIMARY KEY, size text NOT NULL, "
            "targets jsonb NOT NULL, seconds double precision NOT NULL, steps text NOT NULL, "
            "made_at timestamptz NOT NULL DEFAULT now())"
        )
        seconds = time.monotonic() - started
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (version, size, targets, seconds, steps) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
            [GENERATOR_VERSION, size_name, json.dumps(targets), seconds, "; ".join(steps)],
        )
        print("  committing (deferred foreign-key checks run now) ...", flush=True)
    mark = step("commit", mark)
    # Statistics and the visibility map, as autovacuum would leave a database
    # that has run for a while: the planner must not guess on an empty table.
    connection.close()
    _vacuum(os.environ["DATABASE_URL"])
    mark = step("vacuum analyze", mark)
    total = time.monotonic() - started
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as direct:
        direct.execute(
            f"UPDATE {MARKER_TABLE} SET seconds = %s WHERE version = %s",  # noqa: S608
            [total, GENERATOR_VERSION],
        )
    print(f"Filled in {total:.0f} s.", flush=True)


def bench_env(size: str) -> dict[str, str]:
    """The environment of every process the benchmark starts: its own
    database, VAR_DIR and broker, production-like settings."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(size),
        "VAR_DIR": os.environ.get("VAR_DIR", str(Path(tempfile.gettempdir()) / "bench-var")),
        # Nothing here sends a job (COPY announces no rows), but should
        # anything try, it goes to a Redis database of the benchmark's own.
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/11"),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "False",
        "LOG_LEVEL": "WARNING",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--force", action="store_true", help="drop and fill again even if already filled")
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.fill:
        fill(args.size)
        return
    env = bench_env(args.size)
    os.environ.update(env)
    started = time.monotonic()
    marker = ensure(args.size, env, force=args.force)
    state = "already filled" if marker["reused"] else "filled"
    checked = time.monotonic() - started
    print(f"{database_url(args.size)}: {state} (the fill took {marker['seconds']:.0f} s); checked in {checked:.1f} s")


if __name__ == "__main__":
    main()
