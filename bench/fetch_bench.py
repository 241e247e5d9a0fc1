"""How fast factcheck fetches cited sources, against the practical limit.

A local server answers every request after 100 ms. In the same run:
 1. the practical limit: one asyncio process, aiohttp, N URLs at concurrency C;
 2. factcheck: the same N URLs as Source rows, each cited by a claim, sent by
    `enqueue_fetches` (as the sweeper sends a backlog) to real Celery workers
    (W processes x C/W greenlets or threads, the `fetch` queue) on the real
    broker, through the real fetcher (SSRF guard, limits, bounded
    decompression) and the real model layer (row taken with a compare-and-set,
    snapshot stored, outcome recorded, "source fetched" logged on the claim).
    Extraction is off: it is queued to the default queue, which has no worker.

    python3 dev.py bench [--sources 1000] [--concurrency 100] [--workers 2] [--pool gevent|threads]

Uses PostgreSQL and Redis of its own, never DATABASE_URL or CELERY_BROKER_URL
(it drops its database and purges its queues): BENCH_DATABASE_URL, by default
a `factcheck_bench` database on 127.0.0.1, made fresh and dropped at the end,
and BENCH_BROKER_URL, by default Redis database 14.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict[str, str], ready: str, log: Path) -> subprocess.Popen:
    """Start a process and wait for `ready` in its output."""
    handle = log.open("w+")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if ready in log.read_text():
            return process
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{command[0]} did not start:\n{log.read_text()[-3000:]}")


async def aiohttp_run(urls: list[str], concurrency: int) -> float:
    import aiohttp

    limit = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(url: str) -> int:
            async with limit, session.get(url) as response:
                await response.read()
                return response.status

        started = time.perf_counter()
        statuses = await asyncio.gather(*(one(url) for url in urls))
        elapsed = time.perf_counter() - started
    assert statuses.count(200) == len(urls), "aiohttp: not every page answered 200"
    return elapsed


def fresh_database(url: str, create: bool = True) -> None:
    """Drop the benchmark's database, and make it again unless `create` is False."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def cite(urls: list[str]) -> list[int]:
    """The sources as a desk has them: each cited by a claim, ten to a claim
    (so every fetch also writes the claim's activity log); their ids."""
    from claims.models import Claim, Evidence, Source

    sources = Source.objects.bulk_create(Source(url=url) for url in urls)
    claims = Claim.objects.bulk_create(Claim(text=f"Claim {n}", slug=f"claim-{n}") for n in range(0, len(sources), 10))
    Evidence.objects.bulk_create(
        Evidence(claim=claims[n // 10], source=source, quote="arrested 309 people") for n, source in enumerate(sources)
    )
    return [source.pk for source in sources]


def cpu_seconds(workers: list[subprocess.Popen], server: subprocess.Popen) -> dict[str, float]:
    """CPU time used so far by the workers, PostgreSQL, Redis and the page
    server (Linux /proc; zeros elsewhere)."""

    def of(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def named(prefix: str) -> float:
        total = 0.0
        for comm in Path("/proc").glob("[0-9]*/comm"):
            try:
                if comm.read_text().startswith(prefix):
                    total += of(int(comm.parent.name))
            except OSError:
                continue
        return total

    return {
        "workers": sum(of(worker.pid) for worker in workers),
        "PostgreSQL": named("postgres"),
        "Redis": named("redis-server"),
        "page server": of(server.pid),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="worker processes; threads each = concurrency / workers")
    parser.add_argument("--delay-ms", type=int, default=100)
    parser.add_argument("--pool", default="gevent", choices=["gevent", "threads"])
    parser.add_argument("--batch-size", type=int, default=10, help="FETCH_BATCH_SIZE; 1 = a job per source")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_bench"),
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"),
        "VAR_DIR": str(work),
        "FETCH_ALLOW_LOOPBACK": "True",
        "FETCH_ALLOWED_PORTS": str(port),
        "FETCH_SLOTS": str(args.concurrency),
        "FETCH_BATCH_SIZE": str(args.batch_size),
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "LOG_LEVEL": "WARNING",
    }
    app_database = os.environ.get("DATABASE_URL", "")
    os.environ.update(env)
    bench_database = urlsplit(env["DATABASE_URL"])
    if not bench_database.scheme.startswith("postgres") or not bench_database.path.strip("/"):
        raise SystemExit("BENCH_DATABASE_URL must name a PostgreSQL database the benchmark may drop")
    if app_database and urlsplit(app_database).path == bench_database.path:  # same name: maybe the same database
        raise SystemExit("BENCH_DATABASE_URL names the app's own database: the benchmark drops it; choose another")
    fresh_database(env["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from claims.models import Activity, Source
    from claims.sources.tasks import enqueue_fetches
    from factcheck.celery import app

    call_command("migrate", verbosity=0)
    with app.connection_for_write() as broker:  # jobs an aborted run left
        for queue in ("celery", "fetch"):
            broker.default_channel.queue_purge(queue)
    server = start(
        [sys.executable, "bench/slow_server.py", str(port), str(args.delay_ms)], env, "ready", work / "s.log"
    )
    workers: list[subprocess.Popen] = []
    try:
        urls = [f"http://127.0.0.1:{port}/page/{n}" for n in range(args.sources)]
        asyncio.run(aiohttp_run(urls[:50], args.concurrency))  # warm up the server
        baseline = asyncio.run(aiohttp_run(urls, args.concurrency))

        threads = max(1, args.concurrency // args.workers)
        for n in range(args.workers):
            command = [str(Path(sys.executable).parent / "celery"), "-A", "factcheck", "worker", "-Q", "fetch"]
            command += ["--pool", args.pool, "--concurrency", str(threads), "--hostname", f"bench{n}@%h"]
            command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"]
            workers.append(start(command, env, "ready.", work / f"w{n}.log"))

        ids = cite(urls)
        before = cpu_seconds(workers, server)
        started = time.perf_counter()
        enqueue_fetches(ids)  # as the sweeper and the re-check of published sources send them
        enqueued = time.perf_counter() - started
        # Polled with one plain statement, so the loop takes no CPU from the workers.
        unsettled = "SELECT EXISTS (SELECT 1 FROM claims_source WHERE id BETWEEN %s AND %s AND status IN (%s, %s))"
        params = [min(ids), max(ids), Source.Status.PENDING, Source.Status.FETCHING]
        with connection.cursor() as cursor:
            while cursor.execute(unsettled, params).fetchone()[0]:
                if time.perf_counter() - started > 600:
                    raise SystemExit("factcheck: not done after 600 s")
                time.sleep(0.05)
        elapsed = time.perf_counter() - started
        used = {name: seconds - before[name] for name, seconds in cpu_seconds(workers, server).items()}
        fetched = Source.objects.filter(pk__in=ids, status=Source.Status.FETCHED).count()
        logged = Activity.objects.filter(action="source_fetched").count()
    finally:
        try:
            for process in [*workers, server]:
                process.terminate()
            for process in [*workers, server]:
                process.wait(timeout=30)
        finally:
            connection.close()
            fresh_database(env["DATABASE_URL"], create=False)

    ratio = elapsed / baseline
    print(f"{args.sources} sources, each answering in {args.delay_ms} ms, concurrency {args.concurrency}")
    print(f"  aiohttp, one asyncio process:           {baseline:6.2f} s")
    pool = f"Celery {args.workers} x {args.pool} {threads}, batch {args.batch_size}"
    print(f"  factcheck, {pool + ':':29s}{elapsed:6.2f} s  (enqueue {enqueued:.2f} s)")
    print(f"  ratio: {ratio:.2f}x the practical limit (target: within 2.5x)")
    print(f"  fetched {fetched}, 'source fetched' logged on claims {logged}; extraction off (its queue has no worker)")
    print(
        "  CPU seconds during the run (PostgreSQL: every postgres process on the machine): "
        + ", ".join(f"{name} {seconds:.2f}" for name, seconds in used.items())
    )
    if fetched != args.sources or logged != args.sources:
        raise SystemExit(f"not every source was fetched and logged; the workers' logs are in {work}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
