"""Can one worker process keep up with the news? Watched outlets polled,
their new stories fetched, extracted, spotted, stored and matched against
the published verdicts (repeats alerted), against the rate a desk watching
200 outlets with 50 new stories an hour each needs (200 x 50 / 3600 = 2.8
stories a second).

The database holds --verdicts published verdicts, written in bulk as
bench/repeats_bench.py writes them (its `fill`), each claim assigned to a
researcher, so a repeat alerts the editor and the researcher. A local news
network (bench/feed_server.py) serves every outlet's RSS feed and every
story's page: the sample article with commentary, and in one story of
--repeat-every a published claim reworded (a different claim each time).
One Celery worker process (the `celery` and `fetch` queues, a thread pool,
as `dev.py serve` runs it) does all the work, through the real code: the
guard, conditional GETs, Source rows, stored copies, trafilatura, spotting,
the NewsSentence rows, find_repeats and its notifications.

 1. Capacity: each outlet lists --backlog stories at once; one beat's poll
    takes them all. Stories per second from the poll to the last one
    polled, fetched, extracted, spotted and matched (the worker's last
    spotting job done).
 2. Lag: the outlets publish at --speed times the real rate for --minutes,
    each polled every minute (the shortest interval the benchmark allows;
    the desk's default is OUTLET_DEFAULT_INTERVAL), the beat's task sent
    every 10 s. For every story: from its publication (its entry in the
    feed) to its sentences stored, split into waiting for the poll and the
    work after it; for every planted repeat, to its alert (the repeat
    Notification's created_at).

Each planted repeat must raise exactly one alert to the editor: found /
planted counts those that did. Alerts on other verdicts are counted apart:
the generated verdicts come from a few shapes, so a reworded claim can also
match its near-copies.

    python3 dev.py bench outlets [--outlets 200] [--per-hour 50] [--backlog 5] [--minutes 3] [--speed 1]
                                 [--verdicts 20000] [--repeat-every 10]

Uses PostgreSQL and Redis of its own, never DATABASE_URL or CELERY_BROKER_URL:
BENCH_DATABASE_URL (default: a `factcheck_outlets_bench` database on
127.0.0.1, made fresh and dropped at the end) and BENCH_BROKER_URL (default:
Redis database 13, purged).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.data import BENCH_EDITOR  # noqa: E402
from bench.fetch_bench import free_port, fresh_database, start  # noqa: E402

NEEDED = 200 * 50 / 3600
RESEARCHER = "bench-researcher"
# How a story says a checked claim again: around it, as reporters do.
REWORDINGS = [
    "The minister said on Tuesday that {claim}",
    "The opposition leader claimed at a rally that {claim}",
    "{bare}, a party spokesperson said.",
]
# The worker's log (Celery's own lines, --loglevel INFO): when each spotting job came and went.
JOB_LINE = re.compile(
    r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}): [^\]]*\] "
    r"Task claims\.monitoring\.tasks\.spot_news\[[^\]]+\] (received|succeeded|raised|failed)",
    re.MULTILINE,
)


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values):6.1f} s, 95th {p95:6.1f} s, max {values[-1]:6.1f} s"


def wait_until_stored(expected: int, since: float, timeout: float) -> tuple[int, float]:
    """Poll the database until `expected` outlet stories are spotted (or none
    is left to spot); (spotted, seconds since `since`)."""
    from django.db import connection

    sql = (
        "SELECT COUNT(*) FILTER (WHERE e.spotted_at IS NOT NULL), "
        "COUNT(*) FILTER (WHERE e.spotted_at IS NULL AND s.status IN ('pending', 'fetching', 'fetched')) "
        "FROM claims_outletentry e JOIN claims_article a ON a.id = e.article_id "
        "LEFT JOIN claims_source s ON s.id = a.source_id"
    )
    with connection.cursor() as cursor:
        while True:
            spotted, waiting = cursor.execute(sql).fetchone()
            if spotted >= expected or (spotted and not waiting and time.time() - since > 5):
                return spotted, time.time() - since
            if time.time() - since > timeout:
                return spotted, time.time() - since
            time.sleep(0.2)


def worker_done(log: Path) -> float | None:
    """When the worker finished its last spotting job (epoch seconds), if
    every job it received is finished; spotting a story ends with matching
    it, so this is when the last story was matched."""
    received = finished = 0
    last = None
    for stamp, millis, outcome in JOB_LINE.findall(log.read_text()):
        if outcome == "received":
            received += 1
        else:
            finished += 1
            last = time.mktime(time.strptime(stamp, "%Y-%m-%d %H:%M:%S")) + int(millis) / 1000
    return last if received and finished >= received else None


def wait_until_matched(log: Path, timeout: float) -> float | None:
    """Once every story is spotted: wait for the worker's spotting jobs (and
    so their matching) to be done, none left in the queue."""
    from factcheck.celery import app

    deadline = time.time() + timeout
    while time.time() < deadline:
        with app.connection_for_write() as broker:
            queued = broker.default_channel.client.llen("celery")
        done = worker_done(log)
        if done and not queued:
            return done
        time.sleep(0.5)
    return None


def set_up_desk(verdicts: int, rng: random.Random) -> None:
    """The published verdicts, in bulk, each claim a researcher's."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from bench.repeats_bench import fill
    from claims import workflow
    from claims.models import Claim

    fill(verdicts, rng)
    researcher = get_user_model().objects.create(username=RESEARCHER, email="r@example.org")
    researcher.groups.add(Group.objects.get(name=workflow.CHECKERS_GROUP))
    Claim.objects.update(assignee=researcher)


def plant(count: int, rng: random.Random) -> list[tuple[int, str]]:
    """`count` published claims, each reworded as a story would say it:
    (claim id, sentence). Only claims whose text no other verdict has, so
    the alert of each is told apart."""
    from claims.models import Claim

    claims = list(Claim.objects.standing().values_list("pk", "text"))
    copies: dict[str, int] = {}
    for _, text in claims:
        copies[text] = copies.get(text, 0) + 1
    chosen = rng.sample([claim for claim in claims if copies[claim[1]] == 1], count)
    return [
        (pk, REWORDINGS[n % len(REWORDINGS)].format(claim=text[0].lower() + text[1:], bare=text.rstrip(".")))
        for n, (pk, text) in enumerate(chosen)
    ]


def story(url: str) -> tuple[float, int | None]:
    """When a story was published, and the repeat it carries (its index)."""
    query = parse_qs(urlsplit(url).query)
    return int(query["t"][0]) / 1000, int(query["r"][0]) if "r" in query else None


def alerts() -> tuple[dict[tuple[int, int], float], int]:
    """The alerted repeats, (article, claim) -> when the editor was told,
    and how many of them were not alerted exactly once to the editor and
    once to the researcher (the notifications of a verdict against its
    alerted repeats)."""
    from django.conf import settings
    from django.db.models import Count

    from claims.models import Notification, Repeat

    repeats = Repeat.objects.filter(score__gte=settings.REPEAT_ALERT_MIN_SCORE).order_by("found_at")
    notes: dict[tuple[int, str], list[float]] = {}
    rows = Notification.objects.filter(kind=Notification.Kind.REPEAT).order_by("created_at")
    for claim, who, created in rows.values_list("claim_id", "recipient__username", "created_at"):
        notes.setdefault((claim, who), []).append(created.timestamp())
    per_claim = dict(repeats.order_by().values("claim_id").annotate(n=Count("pk")).values_list("claim_id", "n"))
    wrong = sum(
        len(notes.get((claim, RESEARCHER), [])) != count or len(notes.get((claim, BENCH_EDITOR), [])) != count
        for claim, count in per_claim.items()
    )
    told = {}
    for article, claim, found in repeats.values_list("article_id", "claim_id", "found_at"):
        # The editor's first alert on the verdict from the moment it was found.
        times = [at for at in notes.get((claim, BENCH_EDITOR), []) if at >= found.timestamp()]
        told[(article, claim)] = times[0] if times else found.timestamp()
    return told, wrong


def repeats_found(entries: list[tuple[str, int]], planted: list[tuple[int, str]]) -> tuple[int, int, int, list[float]]:
    """Of the stored stories carrying a planted repeat: how many, how many
    were alerted, how many alerts were on other verdicts (near-copies of the
    planted ones) and the lag from each one's publication to its alert."""
    told, _ = alerts()
    count = found = 0
    lags = []
    ours = set()
    for url, article in entries:
        published, index = story(url)
        if index is None:
            continue
        count += 1
        claim = planted[index][0]
        ours.add((article, claim))
        if (article, claim) in told:
            found += 1
            lags.append(told[(article, claim)] - published)
    articles = {article for _, article in entries}
    others = sum(article in articles and (article, claim) not in ours for article, claim in told)
    return count, found, others, lags


def stage_ends(since: float) -> list[tuple[str, int, float]]:
    """For the stories so far: each stage, how many reached it and when the
    last did (seconds after `since`)."""
    from django.db.models import Count, Max

    from claims.models import OutletEntry

    entries = OutletEntry.objects.all()
    stages = [
        ("polled", entries.aggregate(n=Count("pk"), last=Max("seen_at"))),
        ("fetched", entries.aggregate(n=Count("article__source__fetched_at"), last=Max("article__source__fetched_at"))),
        (
            "extracted",
            entries.aggregate(n=Count("article__source__extracted_at"), last=Max("article__source__extracted_at")),
        ),
        ("spotted", entries.aggregate(n=Count("spotted_at"), last=Max("spotted_at"))),
    ]
    return [(name, row["n"], row["last"].timestamp() - since if row["last"] else 0.0) for name, row in stages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outlets", type=int, default=200)
    parser.add_argument("--per-hour", type=float, default=50, help="new stories an hour, each outlet")
    parser.add_argument("--backlog", type=int, default=5, help="stories each outlet lists at the start (capacity)")
    parser.add_argument("--minutes", type=float, default=3, help="how long the outlets publish (lag)")
    parser.add_argument("--speed", type=float, default=1.0, help="times the real publishing rate")
    parser.add_argument("--threads", type=int, default=8, help="the worker's thread pool")
    parser.add_argument("--verdicts", type=int, default=20_000, help="published verdicts to match against")
    parser.add_argument("--repeat-every", type=int, default=10, help="one story in this many repeats a verdict")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="factcheck-outlets-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_outlets_bench"
        ),
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13"),
        "VAR_DIR": str(work),
        "FETCH_ALLOW_LOOPBACK": "True",
        "FETCH_ALLOWED_PORTS": str(port),
        "OUTLET_MIN_INTERVAL": "1",
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "LOG_LEVEL": "WARNING",
    }
    app_database = os.environ.get("DATABASE_URL", "")
    os.environ.update(env)
    bench_database = urlsplit(env["DATABASE_URL"])
    if not bench_database.scheme.startswith("postgres") or not bench_database.path.strip("/"):
        raise SystemExit("BENCH_DATABASE_URL must name a PostgreSQL database the benchmark may drop")
    if app_database and urlsplit(app_database).path == bench_database.path:
        raise SystemExit("BENCH_DATABASE_URL names the app's own database: the benchmark drops it; choose another")
    fresh_database(env["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from claims.models import NewsSentence, Outlet, OutletEntry
    from claims.monitoring.tasks import poll_due_outlets
    from factcheck.celery import app

    call_command("migrate", verbosity=0)
    with app.connection_for_write() as broker:  # jobs an aborted run left
        for queue in ("celery", "fetch"):
            broker.default_channel.queue_purge(queue)
    rng = random.Random(13)
    print(f"Filling {args.verdicts:,} published verdicts ...", flush=True)
    set_up_desk(args.verdicts, rng)
    expected = args.outlets * args.backlog
    stream = args.minutes * 60
    per_hour = args.per_hour * args.speed
    streamed_at_most = args.outlets * (int(stream * per_hour / 3600) + 2)
    planted = plant(-(-expected // args.repeat_every) + -(-streamed_at_most // args.repeat_every), rng)
    planted_a, planted_b = planted[: -(-expected // args.repeat_every)], planted[-(-expected // args.repeat_every) :]
    for phase, sentences in (("a", planted_a), ("b", planted_b)):
        (work / f"{phase}.json").write_text(json.dumps([sentence for _, sentence in sentences]))
    server_command = [sys.executable, "bench/feed_server.py", str(port), str(args.outlets)]
    processes: list[subprocess.Popen] = []
    log = work / "worker.log"
    try:
        # 1. Capacity: a backlog, taken by one beat.
        repeats = [str(work / "a.json"), str(args.repeat_every)]
        server = start([*server_command, str(args.backlog), "0", "0", "a", *repeats], env, "ready", work / "a.log")
        processes.append(server)
        Outlet.objects.bulk_create(
            Outlet(name=f"Outlet {i}", url=f"http://127.0.0.1:{port}/o/{i}/feed", interval_minutes=1)
            for i in range(args.outlets)
        )
        worker = [str(Path(sys.executable).parent / "celery"), "-A", "factcheck", "worker", "-Q", "celery,fetch"]
        worker += ["--pool", "threads", "--concurrency", str(args.threads), "--hostname", "outlets-bench@%h"]
        worker += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"]
        processes.append(start(worker, env, "ready.", log))
        time.sleep(2)  # the worker's log says ready just before it consumes
        started = time.time()
        poll_due_outlets.delay()
        backlog_done, _ = wait_until_stored(expected, started, timeout=1800)
        matched_at = wait_until_matched(log, timeout=600)
        stages = stage_ends(started)
        stages.append(("matched", backlog_done, (matched_at or time.time()) - started))
        backlog_entries = list(OutletEntry.objects.exclude(spotted_at=None).values_list("url", "article_id"))
        capacity_repeats = repeats_found(backlog_entries, planted_a)
        server.terminate()
        server.wait(10)
        processes.remove(server)

        # 2. Lag: publishing at the set rate, a beat every 10 s, every outlet due each minute.
        repeats = [str(work / "b.json"), str(args.repeat_every)]
        server = start([*server_command, "0", str(per_hour), str(stream), "b", *repeats], env, "ready", work / "b.log")
        processes.append(server)
        stream_started = time.time()
        Outlet.objects.update(next_poll_at=timezone.now(), etag="", last_modified="")
        while time.time() - stream_started < stream + 65:  # a last poll after the last story
            poll_due_outlets.delay()
            time.sleep(10)
        published = int(args.outlets * (stream / (3600 / per_hour)))
        streamed = OutletEntry.objects.filter(url__contains="/s/b-")
        wait_until_stored(expected + streamed.count(), stream_started, timeout=stream + 600)
        wait_until_matched(log, timeout=600)
        rows = list(streamed.exclude(spotted_at=None).values_list("url", "seen_at", "spotted_at"))
        stream_repeats = repeats_found(list(streamed.values_list("url", "article_id")), planted_b)
        alerted_wrong = alerts()[1]
        unstored = streamed.filter(spotted_at=None).count()
        sentences = NewsSentence.objects.count()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        connection.close()
        fresh_database(env["DATABASE_URL"], create=False)

    to_poll = [seen.timestamp() - story(url)[0] for url, seen, _ in rows]
    to_store = [(spotted - seen).total_seconds() for _, seen, spotted in rows]
    total = [spotted.timestamp() - story(url)[0] for url, _, spotted in rows]
    print(
        f"{args.outlets} outlets, one worker process ({args.threads} threads, queues celery and fetch), "
        f"{args.verdicts:,} published verdicts, one story in {args.repeat_every} repeating one"
    )
    print(f"  capacity: {expected} stories listed at once, taken by one beat; from its poll to the last one")
    for name, count, seconds in stages:
        rate = count / seconds if seconds else 0
        ratio = rate / NEEDED
        print(f"            {name:>9}: {count:5} in {seconds:6.1f} s = {rate:5.1f} stories/s ({ratio:.1f}x needed)")
    print(f"            (needed: 200 outlets x 50 stories an hour = {NEEDED:.1f} stories/s)")
    print(f"            repeats alerted: {capacity_repeats[1]} found / {capacity_repeats[0]} planted")
    print(f"                             and {capacity_repeats[2]} on near-copies of the planted verdicts")
    print(f"  lag, {per_hour:g} stories an hour an outlet ({args.outlets * per_hour / 3600:.1f}/s) for {stream:g} s:")
    print(f"            {len(rows)} stories stored (about {published} published)")
    print(f"            publication to poll:   {percentiles(to_poll)}  (each outlet polled every minute)")
    print(f"            poll to stored:        {percentiles(to_store)}")
    print(f"            publication to stored: {percentiles(total)}")
    print(f"            publication to alert:  {percentiles(stream_repeats[3])}  (the planted repeats)")
    print(f"            repeats alerted: {stream_repeats[1]} found / {stream_repeats[0]} planted")
    print(f"                             and {stream_repeats[2]} on near-copies of the planted verdicts")
    print(f"  verdicts whose repeats were not alerted exactly once each (editor and researcher): {alerted_wrong}")
    print(f"  {sentences} check-worthy sentences stored in all")
    if backlog_done < expected or unstored or matched_at is None:
        print(f"  not every story was stored and matched; the logs are in {work}")
        return
    if capacity_repeats[1] < capacity_repeats[0] or stream_repeats[1] < stream_repeats[0] or alerted_wrong:
        print(f"  not every planted repeat raised exactly one alert; the logs are in {work}")
        return
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
