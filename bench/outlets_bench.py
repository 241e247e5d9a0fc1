"""Can one worker process keep up with the news? Watched outlets polled,
their new stories fetched, extracted, spotted and stored, against the rate
a desk watching 200 outlets with 50 new stories an hour each needs
(200 x 50 / 3600 = 2.8 stories a second).

A local news network (bench/feed_server.py) serves every outlet's RSS feed
and every story's page. One Celery worker process (the `celery` and `fetch`
queues, a thread pool, as `dev.py serve` runs it) does all the work, through
the real code: the guard, conditional GETs, Source rows, stored copies,
trafilatura, spotting, the NewsSentence rows.

 1. Capacity: each outlet lists --backlog stories at once; one beat's poll
    takes them all. Stories per second from the poll to the last one stored.
 2. Lag: the outlets publish at --speed times the real rate for --minutes,
    each polled every minute (the shortest interval the benchmark allows;
    the desk's default is OUTLET_DEFAULT_INTERVAL), the beat's task sent
    every 10 s. For every story: from its publication (its entry in the
    feed) to its sentences stored, split into waiting for the poll and the
    work after it.

    python3 dev.py bench outlets [--outlets 200] [--per-hour 50] [--backlog 5] [--minutes 3] [--speed 1]

Uses PostgreSQL and Redis of its own, never DATABASE_URL or CELERY_BROKER_URL:
BENCH_DATABASE_URL (default: a `factcheck_outlets_bench` database on
127.0.0.1, made fresh and dropped at the end) and BENCH_BROKER_URL (default:
Redis database 13, purged).
"""

from __future__ import annotations

import argparse
import os
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

from bench.fetch_bench import free_port, fresh_database, start  # noqa: E402

NEEDED = 200 * 50 / 3600


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outlets", type=int, default=200)
    parser.add_argument("--per-hour", type=float, default=50, help="new stories an hour, each outlet")
    parser.add_argument("--backlog", type=int, default=5, help="stories each outlet lists at the start (capacity)")
    parser.add_argument("--minutes", type=float, default=3, help="how long the outlets publish (lag)")
    parser.add_argument("--speed", type=float, default=1.0, help="times the real publishing rate")
    parser.add_argument("--threads", type=int, default=8, help="the worker's thread pool")
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
    server_command = [sys.executable, "bench/feed_server.py", str(port), str(args.outlets)]
    processes: list[subprocess.Popen] = []
    try:
        # 1. Capacity: a backlog, taken by one beat.
        server = start([*server_command, str(args.backlog), "0", "0", "a"], env, "ready", work / "a.log")
        processes.append(server)
        Outlet.objects.bulk_create(
            Outlet(name=f"Outlet {i}", url=f"http://127.0.0.1:{port}/o/{i}/feed", interval_minutes=1)
            for i in range(args.outlets)
        )
        worker = [str(Path(sys.executable).parent / "celery"), "-A", "factcheck", "worker", "-Q", "celery,fetch"]
        worker += ["--pool", "threads", "--concurrency", str(args.threads), "--hostname", "outlets-bench@%h"]
        worker += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"]
        processes.append(start(worker, env, "ready.", work / "worker.log"))
        time.sleep(2)  # the worker's log says ready just before it consumes
        expected = args.outlets * args.backlog
        started = time.time()
        poll_due_outlets.delay()
        backlog_done, backlog_seconds = wait_until_stored(expected, started, timeout=900)
        server.terminate()
        server.wait(10)
        processes.remove(server)

        # 2. Lag: publishing at the set rate, a beat every 10 s, every outlet due each minute.
        stream = args.minutes * 60
        per_hour = args.per_hour * args.speed
        server = start([*server_command, "0", str(per_hour), str(stream), "b"], env, "ready", work / "b.log")
        processes.append(server)
        stream_started = time.time()
        Outlet.objects.update(next_poll_at=timezone.now(), etag="", last_modified="")
        while time.time() - stream_started < stream + 65:  # a last poll after the last story
            poll_due_outlets.delay()
            time.sleep(10)
        published = int(args.outlets * (stream / (3600 / per_hour)))
        streamed = OutletEntry.objects.filter(url__contains="/s/b-")
        wait_until_stored(expected + streamed.count(), stream_started, timeout=stream + 600)
        rows = list(streamed.exclude(spotted_at=None).values_list("url", "seen_at", "spotted_at"))
        unstored = streamed.filter(spotted_at=None).count()
        sentences = NewsSentence.objects.count()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        connection.close()
        fresh_database(env["DATABASE_URL"], create=False)

    def at(url: str) -> float:
        return int(parse_qs(urlsplit(url).query)["t"][0]) / 1000

    to_poll = [seen.timestamp() - at(url) for url, seen, _ in rows]
    to_store = [(spotted - seen).total_seconds() for _, seen, spotted in rows]
    total = [spotted.timestamp() - at(url) for url, _, spotted in rows]
    rate = backlog_done / backlog_seconds if backlog_seconds else 0
    print(f"{args.outlets} outlets, one worker process ({args.threads} threads, queues celery and fetch)")
    print(f"  capacity: {backlog_done} of {expected} stories polled, fetched, extracted, spotted and stored")
    print(
        f"            in {backlog_seconds:.1f} s: {rate:.1f} stories/s (needed: {NEEDED:.1f}/s; {rate / NEEDED:.1f}x)"
    )
    print(f"  lag, {per_hour:g} stories an hour an outlet ({args.outlets * per_hour / 3600:.1f}/s) for {stream:g} s:")
    print(f"            {len(rows)} stories stored (about {published} published)")
    print(f"            publication to poll:  {percentiles(to_poll)}  (each outlet polled every minute)")
    print(f"            poll to stored:       {percentiles(to_store)}")
    print(f"            publication to stored: {percentiles(total)}")
    print(f"  {sentences} check-worthy sentences stored in all")
    if backlog_done < expected or unstored:
        print(f"  not every story was stored; the logs are in {work}")
        return
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
