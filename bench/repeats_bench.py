"""How fast repeats of checked claims are found: articles spotted and their
sentences matched against the published verdicts (find_repeats), on
PostgreSQL with pg_trgm, as the monitoring pipeline runs it.

    .venv/bin/python bench/repeats_bench.py [--verdicts 20000] [--articles 100]

1. Fills a database of its own (`factcheck_bench_repeats` on BENCH_POSTGRES_URL,
   made and migrated if missing) with --verdicts published claims and their
   verdicts, written in bulk (bench/data.py's text: claims of a few shapes
   about many topics, regions and figures).
2. Adds --articles articles of about 30 sentences each (bench/data.py's
   commentary, with figures), two of which reword a published claim.
3. Times, for each article in turn, what the pipeline does once the text is
   in: spotting (`article.spotting()`) and matching (`find_repeats`, alerts
   included). Prints sentences spotted and matched per second, each
   article's latency (median and 95th percentile) and how many of the
   planted repeats were found, and how many other matches were raised.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402 (after the path is set)


def database_url() -> str:
    parts = urlsplit(data.server_url())
    return urlunsplit(parts._replace(path="/factcheck_bench_repeats"))


def ensure_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(data.server_url() + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def fill(count: int, rng: random.Random) -> None:
    """`count` published claims with a verdict each (in bulk: the workflow's
    own path costs a dozen queries a claim)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from claims import workflow
    from claims.models import Claim, Rating, Verdict

    editor, _ = get_user_model().objects.get_or_create(username=data.BENCH_EDITOR, defaults={"email": "e@example.org"})
    editor.groups.add(Group.objects.get(name=workflow.EDITORS_GROUP))
    have = Claim.objects.standing().count()
    if have >= count:
        return
    words = data.Words(rng)
    ratings = list(Rating.objects.all())
    now = timezone.now()
    for first in range(have, count, 2_000):
        claims = Claim.objects.bulk_create(
            Claim(
                text=words.claim(),
                claimant=f"Speaker {rng.randint(1, 500)}",
                state=workflow.State.PUBLISHED,
                slug=f"bench-{first + i}-{rng.getrandbits(32):x}",
                published_at=now,
            )
            for i in range(min(2_000, count - first))
        )
        Verdict.objects.bulk_create(
            Verdict(claim=claim, rating=rng.choice(ratings), summary="Bench.", author=editor, published_at=now)
            for claim in claims
        )
        print(f"  {first + len(claims):,} verdicts", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load: the planner's row counts


def articles(count: int, rng: random.Random) -> list[tuple[Any, list[Any]]]:
    """New articles, each with the claims it rewords."""
    from django.contrib.auth import get_user_model

    from claims.models import Article, Claim

    words = data.Words(rng)
    editor = get_user_model().objects.get(username=data.BENCH_EDITOR)
    ids = list(Claim.objects.standing().values_list("pk", flat=True))
    made = []
    for _ in range(count):
        planted = list(Claim.objects.filter(pk__in=rng.sample(ids, 2)))
        sentences = [words.sentence() for _ in range(28)]
        for claim in planted:
            sentences.insert(
                rng.randrange(len(sentences)),
                f"The minister said on Tuesday that {claim.text[0].lower()}{claim.text[1:]}",
            )
        body = "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
        article = Article.objects.add(by=editor, title="Bench article", outlet="Bench Times", body=body)
        made.append((article, planted))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verdicts", type=int, default=20_000)
    parser.add_argument("--articles", type=int, default=100)
    args = parser.parse_args()
    url = database_url()
    ensure_database(url)
    os.environ.update({**data.bench_env("repeats"), "DATABASE_URL": url})

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from claims.models import Repeat
    from claims.monitoring.repeats import find_repeats

    call_command("migrate", verbosity=0)
    rng = random.Random(13)
    fill(args.verdicts, rng)
    batch = articles(args.articles, rng)
    spotted = looked_up = found = planted_found = 0
    latencies = []
    started = time.perf_counter()
    for article, planted in batch:
        began = time.perf_counter()
        candidates = article.spotting().candidates
        repeats = find_repeats(article, candidates)
        latencies.append(time.perf_counter() - began)
        spotted += len(candidates)
        worth = sum(c.score >= settings.REPEAT_MIN_SPOTTING_SCORE for c in candidates)
        looked_up += min(worth, settings.REPEAT_MAX_SENTENCES)
        found += len(repeats)
        # The generated verdicts repeat one another's text at times: a copy
        # of the planted claim matched is the planted claim found.
        matched = {r.claim.text for r in repeats}
        planted_found += sum(claim.text in matched for claim in planted)
    seconds = time.perf_counter() - started
    latencies.sort()
    median, p95 = statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.95) - 1] * 1000
    print(
        f"find_repeats over {args.verdicts:,} published verdicts: {len(batch)} articles, {spotted:,} sentences "
        f"spotted, {looked_up:,} matched, in {seconds:.2f} s = {spotted / seconds:,.0f} sentences/s spotted, "
        f"{looked_up / seconds:,.0f} sentences/s matched; per article median {median:.0f} ms, p95 {p95:.0f} ms"
    )
    print(f"planted repeats found: {planted_found} of {2 * len(batch)}; other matches: {found - planted_found}")
    Repeat.objects.filter(article__in=[a for a, _ in batch]).delete()


if __name__ == "__main__":
    main()
