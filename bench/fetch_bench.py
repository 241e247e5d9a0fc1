"""How fast factcheck fetches cited sources, against the practical limit.

A local server answers every request after 100 ms. In the same run:
 1. the practical limit: one asyncio process, aiohttp, N URLs at concurrency C;
 2. factcheck: the same N URLs as Source rows fetched by real Celery workers
    (W processes x T threads, the `fetch` queue) from the real broker, through
    the real fetcher (SSRF guard, limits, bounded decompression) and the real
    model layer (row claimed with a conditional UPDATE, text extracted, snapshot
    stored, outcome recorded).

    python3 dev.py bench [--sources 1000] [--concurrency 100] [--workers 2]

Uses PostgreSQL and Redis (DATABASE_URL / CELERY_BROKER_URL, by default a
`factcheck_bench` database on 127.0.0.1 and Redis database 14); nothing it
writes outlives the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="worker processes; threads each = concurrency / workers")
    parser.add_argument("--delay-ms", type=int, default=100)
    parser.add_argument("--pool", default="threads", choices=["threads", "gevent"])
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_bench"),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14"),
        "VAR_DIR": str(work),
        "FETCH_ALLOW_LOOPBACK": "True",
        "FETCH_ALLOWED_PORTS": str(port),
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    if env["DATABASE_URL"].startswith("postgres"):
        ensure_database(env["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    from claims.models import Source
    from claims.tasks import fetch_source
    from factcheck.celery import app

    call_command("migrate", verbosity=0)
    app.control.purge()
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

        Source.objects.filter(url__startswith=f"http://127.0.0.1:{port}/").delete()
        sources = Source.objects.bulk_create(Source(url=url) for url in urls)
        ids = [source.pk for source in sources]
        started = time.perf_counter()
        for source_id in ids:
            fetch_source.delay(source_id)
        enqueued = time.perf_counter() - started
        unsettled = Source.objects.filter(pk__in=ids, status__in=[Source.Status.PENDING, Source.Status.FETCHING])
        while unsettled.exists():
            if time.perf_counter() - started > 600:
                raise SystemExit("factcheck: not done after 600 s")
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        fetched = Source.objects.filter(pk__in=ids, status=Source.Status.FETCHED).count()
        with_text = Source.objects.filter(pk__in=ids).exclude(text="").count()
        Source.objects.filter(pk__in=ids).delete()
    finally:
        for process in [*workers, server]:
            process.terminate()
        for process in [*workers, server]:
            process.wait(timeout=30)

    ratio = elapsed / baseline
    print(f"{args.sources} sources, each answering in {args.delay_ms} ms, concurrency {args.concurrency}")
    print(f"  aiohttp, one asyncio process:           {baseline:6.2f} s")
    print(
        f"  factcheck, Celery {args.workers} x {args.pool} {threads}:        {elapsed:6.2f} s"
        f"  (enqueue {enqueued:.2f} s; fetched {fetched}, with extracted text {with_text})"
    )
    print(f"  ratio: {ratio:.2f}x the practical limit (target: within 2.5x)")
    if fetched != args.sources:
        raise SystemExit("not every source was fetched")


if __name__ == "__main__":
    main()
