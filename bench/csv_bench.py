"""Do the desk's CSV exports stream? Time and peak memory of exporting N rows
against 1,000 rows, in the same run, on PostgreSQL.

    python3 dev.py bench csv [--size desk|small|network] [--rows 100000] [--out FILE]

1. Fills (or reuses) the benchmark's database, `factcheck_bench_<size>`
   (bench/data.py); the `desk` size has 100,000 claims.
2. In this process, for each export (the team queue in every state, in the
   queue's order; the published verdicts, newest first): the export's own
   code (`claims.desk.views.exports`: the rows, the CSV blocks and the
   StreamingHttpResponse) over the first 1,000 rows and over the first
   --rows rows, the response read to its end as a WSGI server would.
   Time is measured in a run of its own; then, in a second run, the peak of
   Python's allocations (tracemalloc) and the process's peak resident memory
   (VmHWM, reset before each run through /proc/self/clear_refs).

Streaming holds one chunk of rows (CHUNK_ROWS, 2,000) and one block of text
at a time, so the peaks should not grow with the rows past one chunk: the
table's "ratio" columns say by how much they did (1,000 rows are half a
chunk, hence --middle, 10,000 rows, to compare 100,000 with). A
materialized export (a list of 100,000 rows) would show a ratio near 100
for memory.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402 (after the path is set)


def peak_rss_reset() -> bool:
    """Reset the process's peak resident memory (Linux 4.0+); False if not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def consume(make_response: Callable[[], Any]) -> tuple[int, int]:
    """Read the response to its end; (bytes, lines)."""
    size = lines = 0
    for block in make_response().streaming_content:
        size += len(block)
        lines += block.count(b"\n")
    return size, lines


def measure(make_response: Callable[[], Any]) -> dict[str, Any]:
    started = time.perf_counter()
    size, lines = consume(make_response)
    seconds = time.perf_counter() - started
    rss_before = peak_rss_kib()
    can_reset = peak_rss_reset()
    rss_base = peak_rss_kib()
    tracemalloc.start()
    consume(make_response)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = peak_rss_kib()
    return {
        "seconds": seconds,
        "bytes": size,
        "rows": lines - 1,  # the header
        "traced_peak": traced_peak,
        "rss_growth": (rss_peak - rss_base) * 1024 if can_reset else None,
        "rss_before": rss_before,
    }


def fmt_bytes(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value / 1024 / 1024:.1f} MB" if value >= 1024 * 1024 else f"{value / 1024:.0f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(data.SIZES), default="desk")
    parser.add_argument("--rows", type=int, default=100_000, help="the large export's rows (at most the size's)")
    parser.add_argument("--small", type=int, default=1_000, help="the small export's rows")
    parser.add_argument("--middle", type=int, default=10_000, help="rows in between (0: none)")
    parser.add_argument("--out", type=Path, help="write the table to this file too")
    args = parser.parse_args()

    app_database = os.environ.get("DATABASE_URL", "")
    env = data.bench_env(args.size)
    if app_database and app_database.rstrip("/") == env["DATABASE_URL"]:
        raise SystemExit("DATABASE_URL names the benchmark's database; the benchmark may drop it")
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ.update(env)
    Path(env["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    marker = data.ensure(args.size, env)
    print(f"Database factcheck_bench_{args.size}: {'reused' if marker['reused'] else 'filled'}", flush=True)

    import django

    django.setup()
    from django.test import RequestFactory

    from claims.desk.views import exports
    from claims.models import Claim

    request = RequestFactory().get("/desk/claims/export.csv")
    desk_url = exports.desk_url_template(request)
    queue = Claim.objects.for_list().queue_order()
    verdicts = exports.published_verdicts()
    exports_measured = {
        "team queue, every state": lambda n: exports.csv_response(
            "q", exports.QUEUE_HEADER, exports.queue_rows(queue[:n], desk_url)
        ),
        "published verdicts": lambda n: exports.csv_response(
            "v", exports.VERDICT_HEADER, exports.verdict_rows(verdicts[:n])
        ),
    }
    counts = {"team queue, every state": Claim.objects.count(), "published verdicts": Claim.objects.standing().count()}

    lines = [
        f"CSV exports at the `{args.size}` size: {args.small:,} rows against up to {args.rows:,} "
        f"(chunks of {exports.CHUNK_ROWS:,} rows, blocks of {exports.BLOCK_BYTES // 1024} KB)",
        "",
        "| export | rows | time | rows/s | size | Python peak (tracemalloc) | RSS growth | time ratio | memory ratio |",
        "| --- | --: | --: | --: | --: | --: | --: | --: | --: |",
    ]
    for label, make in exports_measured.items():
        large_rows = min(args.rows, counts[label])
        small = measure(lambda make=make: make(args.small))
        sizes = [n for n in (args.middle, large_rows) if n and n > args.small]
        for result in (small, *(measure(lambda make=make, n=n: make(n)) for n in sorted(set(sizes)))):
            time_ratio = result["seconds"] / small["seconds"]
            memory_ratio = result["traced_peak"] / small["traced_peak"]
            cells = [
                label,
                f"{result['rows']:,}",
                f"{result['seconds']:.2f} s",
                f"{result['rows'] / result['seconds']:,.0f}",
                fmt_bytes(result["bytes"]),
                fmt_bytes(result["traced_peak"]),
                fmt_bytes(result["rss_growth"]),
                f"{time_ratio:.1f}",
                f"{memory_ratio:.2f}",
            ]
            lines.append(f"| {' | '.join(cells)} |")
        print("\n".join(lines[-2:]), flush=True)
    table = "\n".join(lines)
    print()
    print(table)
    if args.out:
        args.out.write_text(table + "\n")


if __name__ == "__main__":
    main()
