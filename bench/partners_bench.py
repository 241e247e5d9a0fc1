"""How fast other fact-checkers' verdicts are imported and matched.

Import: a partner's /verdicts.json-style feed of --entries ClaimReviews in
pages of 500, served on 127.0.0.1, read through the guard, parsed and
upserted; then read again (every row an update). Matching: "checked by
others?" for reworded claims over --rows external verdicts, the query the
desk runs as a claim is typed (the verdicts sharing the claim's rarest words
through the GIN words index, scored by pg_trgm, on PostgreSQL; the Python
fallback on SQLite).

    DATABASE_URL=postgres://... .venv/bin/python bench/partners_bench.py [--rows 100000] [--entries 5000]

Uses the database DATABASE_URL names (migrated first): run it on a scratch one.
It adds a partner source "Benchmark partner" and removes it at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from claims.models import ExternalVerdict, PartnerSource  # noqa: E402
from claims.models.partners import ReviewEntry  # noqa: E402
from claims.partners.importing import refresh_and_record  # noqa: E402
from claims.partners.matching import similar_external  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from data import Words  # noqa: E402  (the claims benchmark's text, so both compare)

WHO = ["The minister", "The army", "A senator", "The governor", "The central bank", "An opposition leader"]
PAGE_SIZE = 500


def claim_text(rng: random.Random) -> str:
    return WORDS.claim()


def fill(partner: PartnerSource, rows: int, rng: random.Random) -> None:
    have = ExternalVerdict.objects.filter(partner=partner).count()
    for start in range(have, rows, 5_000):
        entries = [
            ReviewEntry(claim_text(rng), "False", f"https://bench.example.org/{n}", "Bench Check")
            for n in range(start, min(start + 5_000, rows))
        ]
        ExternalVerdict.objects.upsert(partner, entries)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_externalverdict")


def serve_feed(entries: int, rng: random.Random) -> tuple[ThreadingHTTPServer, str]:
    reviews = [
        {
            "@type": "ClaimReview",
            "url": f"https://feed.example.org/review/{n}",
            "claimReviewed": claim_text(rng),
            "datePublished": "2024-05-03",
            "author": {"@type": "Organization", "name": "Feed Check"},
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": rng.choice(WHO)}},
            "reviewRating": {"@type": "Rating", "ratingValue": 2, "alternateName": "Mostly false"},
        }
        for n in range(entries)
    ]
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    count = (entries + PAGE_SIZE - 1) // PAGE_SIZE
    for number in range(1, count + 1):
        following = f"{base}/feed/{number + 1}.json" if number < count else None
        chunk = reviews[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        pages[f"/feed/{number}.json"] = json.dumps({"next": following, "results": chunk}).encode()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = (server.server_address[1],)
    settings.PARTNER_MAX_FEED_PAGES = count + 1
    settings.PARTNER_MAX_ENTRIES = entries
    return server, f"{base}/feed/1.json"


def bench_import(entries: int, rng: random.Random) -> None:
    server, url = serve_feed(entries, rng)
    feed = PartnerSource.objects.create(name="Benchmark feed", kind=PartnerSource.Kind.VERDICTS_JSON, urls=url)
    try:
        for label in ("first import", "re-import"):
            started = time.perf_counter()
            assert refresh_and_record(feed), PartnerSource.objects.get(pk=feed.pk).last_error
            seconds = time.perf_counter() - started
            report = PartnerSource.objects.get(pk=feed.pk).last_report.splitlines()[0]
            print(f"{label}: {entries:,} entries in {seconds:.2f} s = {entries / seconds:,.0f} entries/s ({report})")
    finally:
        feed.delete()
        server.shutdown()


def bench_matching(rows: int, queries: int, rng: random.Random) -> None:
    partner, _ = PartnerSource.objects.get_or_create(
        name="Benchmark partner", kind=PartnerSource.Kind.VERDICTS_JSON, defaults={"urls": "https://bench.example.org"}
    )
    started = time.perf_counter()
    fill(partner, rows, rng)
    print(f"{rows:,} external verdicts ready in {time.perf_counter() - started:.1f} s")
    texts = [t.claim_text for t in ExternalVerdict.objects.filter(partner=partner).order_by("?")[:queries]]
    # Reworded as a desk would type it: other words around the same claim.
    reworded = [f"Did you know that {text.rstrip('.')}, as was said this week?" for text in texts]
    similar_external(reworded[0])  # warm the cache and the connection
    times, found = [], 0
    for text in reworded:
        started = time.perf_counter()
        found += bool(similar_external(text))
        times.append((time.perf_counter() - started) * 1_000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"similar_external on {connection.vendor}: {len(times)} reworded claims over {rows:,} rows, "
        f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms; matched {found}/{len(times)}"
    )


WORDS = Words(random.Random(13))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark rows for the next run")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(13)
    bench_import(args.entries, rng)
    bench_matching(args.rows, args.queries, rng)
    if not args.keep:
        PartnerSource.objects.filter(name="Benchmark partner").delete()


if __name__ == "__main__":
    main()
