"""How fast the public and desk pages answer at a named size (issue 12).

    python3 dev.py bench pages [--size small|desk|network] [--out FILE] [--requests 200] [--no-load]

1. Fills (or reuses) a database of its own, `factcheck_bench_<size>` (bench/data.py).
2. In this process, with Django's test Client through the whole middleware
   stack: p50 and p95 over --requests requests per page (fewer for a page
   too slow to repeat 200 times in --budget seconds: the `runs` column says
   how many), the CPU this process spent (Python: views, ORM, templates), the
   SQL queries and their time (one more request, under CaptureQueriesContext),
   and the response size. Desk pages as an editor who gave the second factor
   (a confirmed TOTP device in the session, as tests/conftest.py `log_in`).
3. Under gunicorn, 2 sync workers as the README deploys it, loaded with
   `wrk -t2 -c16 -d10s` on 127.0.0.1: requests per second of a few pages,
   and their ratio to a trivial view (50 static rows through the same
   middleware and base template: bench/urls.py) measured in the same run,
   before and after the pages (the ratio uses their mean).

Prints one markdown table; --out writes it to a file too. --explain N
prints EXPLAIN ANALYZE of the slowest query of the N slowest pages.

Settings: production-like (DEBUG off, two-factor on), the app's URLconf plus
the trivial view (bench/settings.py). The partners' JSON is rate-limited per
address (120 a minute); the benchmark raises RATE_LIMIT_PUBLIC_JSON so it
measures the page, not the 429. VAR_DIR defaults to /tmp/bench-var, the
broker to Redis database 11 (nothing is sent: the data is written with COPY
and no measured request enqueues a job).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402 (after the path is set)

WRK = ["-t2", "-c16"]


@dataclass
class Page:
    label: str
    path: str
    desk: bool = False  # needs the editor's session
    post: dict[str, str] | None = None  # an HTMX POST with this form
    load: bool = False  # also measured under gunicorn
    runs: int = 0
    p50: float = 0.0
    p95: float = 0.0
    cpu50: float = 0.0
    cold50: float = 0.0  # with the page cache emptied before each request
    queries: int = 0
    sql_ms: float = 0.0
    size: int = 0
    slowest_sql: str = ""
    rps: float | None = None
    errors: str = ""
    notes: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the value `share` of the runs took at most."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def pages_for(targets: dict[str, Any], counts: dict[str, int]) -> list[Page]:
    from django.conf import settings

    from claims.models import Claim, Rating
    from claims.pagination import SEARCH_COUNT_LIMIT

    verdict_pages = max(1, math.ceil(counts["standing"] / settings.PUBLIC_PAGE_SIZE))
    json_pages = max(1, math.ceil(counts["public"] / settings.PUBLIC_JSON_PAGE_SIZE))
    deep_json = min(1000, json_pages)
    queue_pages = max(1, math.ceil(counts["published"] / settings.DESK_PAGE_SIZE))
    top, top_count = targets["top_claimant"]
    typical, typical_count = targets["typical_claimant"]
    common, rare = targets["search_common"], targets["search_rare"]
    # A search lists its first SEARCH_COUNT_LIMIT matches: its last page is the deepest.
    search_pages = math.ceil(SEARCH_COUNT_LIMIT / settings.PUBLIC_PAGE_SIZE)
    desk_search_pages = math.ceil(SEARCH_COUNT_LIMIT / settings.DESK_PAGE_SIZE)
    heavy, normal = targets["heavy_claim"], targets["normal_claim"]
    rating = Rating.objects.get(label="False")
    rated_pages = max(1, math.ceil(Claim.objects.standing().rated(rating.pk).count() / settings.PUBLIC_PAGE_SIZE))
    return [
        Page("trivial view (50 static rows, base template)", "/bench/trivial/", load=True),
        Page("public verdict page", f"/verdicts/{targets['verdict_slug']}/", load=True),
        Page("`/verdicts/` page 1", "/verdicts/", load=True),
        Page(f"`/verdicts/?q={common}`", f"/verdicts/?q={common}"),
        Page(f"`/verdicts/?q={rare}`", f"/verdicts/?q={rare}"),
        Page(f"`/verdicts/?q={common}`, last page ({search_pages})", f"/verdicts/?q={common}&page={search_pages}"),
        Page(f"`/verdicts/` last page ({verdict_pages:,})", f"/verdicts/?page={verdict_pages}"),
        Page(f"`/verdicts/?rating=` {rating.label}", f"/verdicts/?rating={rating.pk}"),
        Page(
            f"`/verdicts/?rating=` {rating.label}, last page ({rated_pages:,})",
            f"/verdicts/?rating={rating.pk}&page={rated_pages}",
        ),
        Page("`/verdicts.json` page 1", "/verdicts.json", load=True),
        Page(f"`/verdicts.json` page {deep_json:,}", f"/verdicts.json?page={deep_json}"),
        Page("`/verdicts/feed/`", "/verdicts/feed/"),
        Page("`/sitemap.xml`", "/sitemap.xml"),
        Page(f"`/sitemap-verdicts.xml` ({counts['public']:,} public)", "/sitemap-verdicts.xml"),
        Page(f"claimant page, top ({top_count:,} verdicts)", f"/claimants/{top}/"),
        Page(f"claimant page, typical ({typical_count:,} verdicts)", f"/claimants/{typical}/"),
        Page("team queue page 1", "/desk/claims/", desk=True, load=True),
        Page(
            f"team queue, published, last page ({queue_pages:,})",
            f"/desk/claims/?state=published&page={queue_pages}",
            desk=True,
        ),
        Page(f"team queue, published, `q={common}`", f"/desk/claims/?state=published&q={common}", desk=True),
        Page(f"team queue, every state, `q={common}`", f"/desk/claims/?q={common}", desk=True),
        Page(
            f"team queue, every state, `q={common}`, last page ({desk_search_pages})",
            f"/desk/claims/?q={common}&page={desk_search_pages}",
            desk=True,
        ),
        Page(f"team queue, every state, `q={rare}`", f"/desk/claims/?q={rare}", desk=True),
        Page("my queue (an editor's five sections)", "/desk/", desk=True),
        Page("dashboard", "/desk/dashboard/", desk=True),
        Page("claim page, 100 evidence, 1,000 activity", f"/desk/claims/{heavy}/", desk=True),
        Page("claim page, normal (in review)", f"/desk/claims/{normal}/", desk=True, load=True),
        Page(
            "HTMX comment POST on the heavy claim",
            f"/desk/claims/{heavy}/comment/",
            desk=True,
            post={"text": "Checked the ministry's figures again; they match the report."},
        ),
    ]


def log_in_editor(username: str) -> Any:
    """A Client logged in as `username`, with the second factor given, as
    tests/conftest.py `log_in` does: a confirmed TOTP device, its id in the
    session."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Bench app"})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(page: Page, client: Any, requests: int, budget: float) -> None:
    """Time `requests` requests (fewer if the page is too slow for `budget`
    seconds), then count one more request's queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_HX_REQUEST": "true"} if page.post else {}

    def once() -> Any:
        if page.post:
            return client.post(page.path, page.post, **headers)
        return client.get(page.path)

    response = once()  # the first request warms caches (templates, the scale, the plan cache)
    if response.status_code != 200:
        raise SystemExit(f"{page.path} answered {response.status_code}:\n{response.content[:2000]!r}")
    once()
    # How many runs fit the budget, judged by a warm request.
    started = time.perf_counter()
    once()
    warm = time.perf_counter() - started
    runs = requests if warm * requests <= budget else max(10, int(budget / max(warm, 1e-6)))
    times, cpu = [], []
    for _ in range(runs):
        wall, processor = time.perf_counter(), time.process_time()
        response = once()
        times.append(time.perf_counter() - wall)
        cpu.append(time.process_time() - processor)
        if response.status_code != 200:
            raise SystemExit(f"{page.path} answered {response.status_code} during the run")
    # Cold: the first reader after a change (the public pages' cache emptied).
    from django.core.cache import cache

    colds = []
    for _ in range(min(runs, 30)):
        cache.clear()
        wall = time.perf_counter()
        once()
        colds.append(time.perf_counter() - wall)
    page.cold50 = statistics.median(colds)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = once()
    page.runs = runs
    page.p50, page.p95 = statistics.median(times), percentile(times, 0.95)
    page.cpu50 = statistics.median(cpu)
    page.queries = len(captured.captured_queries)
    timed = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
    page.sql_ms = sum(t for t, _ in timed) * 1000
    page.slowest_sql = max(timed)[1] if timed else ""
    page.size = len(response.content)


def explain(page: Page) -> str:
    from django.db import connection

    sql = page.slowest_sql
    if not sql.lstrip().upper().startswith("SELECT"):
        return f"(slowest query is not a SELECT: {sql[:200]})"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"{sql[:1500]}\n{plan}"


# --- Under gunicorn.


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """The README's web process (gunicorn, sync workers), 2 workers."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "factcheck.wsgi", "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    handle = log.open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial/", timeout=5) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")


def wrk(url: str, seconds: int, cookie: str | None) -> tuple[float, str]:
    """Requests per second, and a warning when some answers were not 2xx/3xx."""
    command = ["wrk", *WRK, f"-d{seconds}s", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not found:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    warning = ""
    if bad:
        warning += f"{bad.group(1)} non-2xx answers"
    if errors:
        warning += f" {errors.group(0)}"
    return float(found.group(1)), warning.strip()


def warm(url: str, cookie: str | None) -> None:
    # Each worker compiles its templates and fills its connection pool.
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    for _ in range(6):
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
            if answer.status != 200:
                raise SystemExit(f"{url} answered {answer.status} under gunicorn")


# --- The table.


def table(pages: list[Page], trivial_rps: float | None) -> str:
    lines = [
        "| page | p50 | p95 | cold p50 | queries | bytes | req/s | ratio to trivial | runs | CPU p50 | SQL |",
        "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
    ]
    for page in pages:
        rps = f"{page.rps:,.0f}" if page.rps is not None else ""
        ratio = f"{page.rps / trivial_rps:.2f}" if page.rps is not None and trivial_rps else ""
        lines.append(
            f"| {page.label} | {page.p50 * 1000:,.1f} ms | {page.p95 * 1000:,.1f} ms | {page.cold50 * 1000:,.1f} ms "
            f"| {page.queries} "
            f"| {page.size:,} | {rps} | {ratio} | {page.runs} | {page.cpu50 * 1000:,.1f} ms | {page.sql_ms:,.1f} ms |"
        )
    return "\n".join(lines)


def other_work() -> str:
    """The desk's other costly steps at this size: "checked before?" over
    every claim (bench/similar_bench.py), and spotting the claims in 1,000
    sentences."""
    from bench import similar_bench, spotting_bench

    articles = [path.read_text(encoding="utf-8") for path in spotting_bench.TEXTS]
    spotting_bench.run(articles, 1)  # load sentencex and compile the patterns once, as a worker would
    runs = [spotting_bench.run(articles, 1000) for _ in range(5)]
    found = runs[0][0]
    seconds = sorted(seconds for _, seconds in runs)
    return "\n".join(
        [
            similar_bench.run(),
            "",
            "| other work | p50 | p95 | |",
            "| --- | --: | --: | --- |",
            f"| claim spotting, {found:,} sentences (3 real texts in turn) | "
            f"{statistics.median(seconds) * 1000:,.1f} ms | {seconds[-1] * 1000:,.1f} ms | "
            f"{found / statistics.median(seconds):,.0f} sentences a second |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(data.SIZES), default="small")
    parser.add_argument("--requests", type=int, default=200, help="requests per page in-process")
    parser.add_argument("--budget", type=float, default=40.0, help="seconds per page at most, in-process")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn and wrk")
    parser.add_argument("--out", type=Path, help="write the table to this file too")
    parser.add_argument("--explain", type=int, default=0, metavar="N", help="EXPLAIN ANALYZE the N slowest pages")
    parser.add_argument("--regenerate", action="store_true", help="drop the database and fill it again")
    args = parser.parse_args()

    if not args.no_load and shutil.which("wrk") is None:
        raise SystemExit(
            "wrk is not installed: `sudo apt-get install wrk` (Debian/Ubuntu), "
            "or run with --no-load for the in-process figures only."
        )
    app_database = os.environ.get("DATABASE_URL", "")
    env = data.bench_env(args.size)
    if app_database and app_database.rstrip("/") == env["DATABASE_URL"]:
        raise SystemExit("DATABASE_URL names the benchmark's database; the benchmark may drop it")
    env.update(
        {
            # One key for this process and gunicorn's, so the session made here is valid there.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # Measure the JSON, not its rate limit (120 a minute per address).
            "RATE_LIMIT_PUBLIC_JSON": "100000000/m",
        }
    )
    os.environ.update(env)
    Path(env["VAR_DIR"]).mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    marker = data.ensure(args.size, env, force=args.regenerate)
    fill_note = (
        f"reused (filled earlier in {marker['seconds']:.0f} s)"
        if marker["reused"]
        else f"filled in {marker['seconds']:.0f} s"
    )
    name = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    print(f"Database {name}: {fill_note}; ready in {time.monotonic() - started:.0f} s", flush=True)

    import django

    django.setup()
    from django.test import Client

    from claims.models import Activity, Claim, Evidence, Source
    from claims.workflow import State

    targets = marker["targets"]
    counts = {
        "claims": Claim.objects.count(),
        "published": Claim.objects.filter(state=State.PUBLISHED).count(),
        "public": Claim.objects.public().count(),
        "standing": Claim.objects.standing().count(),
        "evidence": Evidence.objects.count(),
        "sources": Source.objects.count(),
        "activity": Activity.objects.count(),
    }
    print(", ".join(f"{name} {count:,}" for name, count in counts.items()), flush=True)

    pages = pages_for(targets, counts)
    load_before = os.getloadavg()[0]
    anonymous = Client()
    editor = log_in_editor(targets["editor"])
    from django.db import transaction

    for page in pages:
        print(f"  in-process: {page.label} ...", end="", flush=True)
        if page.post:
            # The comments the POST adds are rolled back: the database stays at its size.
            with transaction.atomic():
                measure(page, editor, args.requests, args.budget)
                transaction.set_rollback(True)
        else:
            measure(page, editor if page.desk else anonymous, args.requests, args.budget)
        print(f" p50 {page.p50 * 1000:.1f} ms, {page.queries} queries, {page.runs} runs", flush=True)

    trivial_rps = None
    if not args.no_load:
        from django.conf import settings

        cookie = f"{settings.SESSION_COOKIE_NAME}={editor.cookies[settings.SESSION_COOKIE_NAME].value}"
        port = free_port()
        log = Path(env["VAR_DIR"]) / "gunicorn.log"
        server = start_gunicorn(env, port, log)
        try:
            loaded = [page for page in pages if page.load]
            trivial = loaded[0]
            order = [*loaded, trivial]  # the trivial view again at the end: drift shows
            readings: list[float] = []
            for page in order:
                url = f"http://127.0.0.1:{port}{page.path}"
                warm(url, cookie if page.desk else None)
                print(f"  wrk {page.path} ...", end="", flush=True)
                rps, warning = wrk(url, args.duration, cookie if page.desk else None)
                print(f" {rps:,.0f} req/s {warning}", flush=True)
                if warning:
                    page.errors = warning
                if page is trivial:
                    readings.append(rps)
                else:
                    page.rps = rps
            trivial_rps = statistics.mean(readings)
            trivial.rps = trivial_rps
            trivial.notes.append(" / ".join(f"{r:,.0f}" for r in readings))
        finally:
            server.terminate()
            server.wait(timeout=30)

    size = data.SIZES[args.size]
    header = [
        f"## factcheck pages at the `{args.size}` size",
        "",
        f"{counts['claims']:,} claims ({counts['published']:,} published, {counts['public']:,} public), "
        f"{counts['evidence']:,} evidence, {counts['sources']:,} sources, {counts['activity']:,} activity rows, "
        f"{size.claimants:,} claimants; database {fill_note}. In-process: Django's test Client, "
        f"p50/p95 of `runs` requests, CPU p50 of this process, SQL time and query count of one request.",
    ]
    if trivial_rps:
        header.append(
            f"Under gunicorn (2 sync workers), `wrk {' '.join(WRK)} -d{args.duration}s` on 127.0.0.1; "
            f"the trivial view served {trivial_rps:,.0f} req/s (before / after: {pages[0].notes[0]})."
        )
    # Other work on the machine shows in every figure; say how much there was.
    header.append(
        f"Load average (1 min) on this {os.cpu_count()}-core machine: {load_before:.1f} before the run, "
        f"{os.getloadavg()[0]:.1f} after."
    )
    for page in pages:
        if page.errors:
            header.append(f"Under load, {page.label}: {page.errors}.")
    output = "\n".join([*header, "", table(pages, trivial_rps), "", other_work(), ""])
    print()
    print(output)
    if args.out:
        args.out.write_text(output)
        print(f"Written to {args.out}")
    if args.explain:
        for page in sorted(pages, key=lambda p: p.p50, reverse=True)[: args.explain]:
            print(f"\n### {page.label}: its slowest query\n")
            print(explain(page))


if __name__ == "__main__":
    main()
