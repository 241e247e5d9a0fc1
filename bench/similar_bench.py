"""How fast "checked before?" answers at a size (issue 10: under 50 ms at a
million claims), and whether it still finds what it must.

    .venv/bin/python bench/similar_bench.py [--size small|desk|network] [--lookups 50]

Looks up, through `Claim.objects.similar_to` as the desk does, two kinds of
new claim: half are rewordings of existing claims as a checker retypes them
(bench/claim_texts.py `reword`: a word or two changed, the figure written
another way, an attribution added), which must be found; half are new claims
from the same generator with another seed, like nothing in particular. Each
text is looked up twice: the first time (its words' index pages and claims
not yet read by this query) and again (warm). The baseline is a primary-key
lookup of the same claims with their speaker, in the same run. pages_bench
prints this table as part of its "other work".
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402 (after the path is set)
from bench.claim_texts import ClaimTexts, reword  # noqa: E402

SEED = 2026


def lookups(count: int) -> list[tuple[str, Any]]:
    """(text, the claim it rewords or None), rewordings and new claims in turn."""
    from django.db.models import Max

    from claims.models import Claim

    rng = random.Random(SEED)
    top = Claim.objects.aggregate(top=Max("pk"))["top"] or 0
    originals = list(
        Claim.objects.filter(pk__in=rng.sample(range(1, top + 1), min(top, count * 4)), duplicate_of__isnull=True)
    )
    rng.shuffle(originals)
    originals = originals[: (count + 1) // 2]
    words = data.Words(random.Random(SEED))
    new = ClaimTexts(rng, words.topics, words.topic_weights, ["Ayesha Khan", "Omar Bajwa", "Sara Lopez"])
    texts: list[tuple[str, Any]] = []
    for original in originals:
        texts.append((reword(original.text, rng), original))
        texts.append((new.claim(), None))
    return texts[:count]


def same_side(original: Any) -> Any:
    """The claims published like `original`, or not like it: among them the
    desk ranks by similarity alone (it puts published verdicts first)."""
    from claims.models import Claim
    from claims.workflow import PUBLIC_STATES

    claims = Claim.objects.filter(duplicate_of__isnull=True)
    public = original.state in PUBLIC_STATES
    return claims.filter(state__in=PUBLIC_STATES) if public else claims.exclude(state__in=PUBLIC_STATES)


def timed(call: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def percentile(values: list[float], share: float) -> float:
    """Nearest rank, as pages_bench's."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ms(values: list[float], share: float | None = None) -> str:
    value = statistics.median(values) if share is None else percentile(values, share)
    return f"{value * 1000:,.1f} ms"


def run(count: int = 50) -> str:
    from claims.models import Claim
    from claims.models.similar import similar_claims

    texts = lookups(count)
    first: dict[str, list[float]] = {"rewording": [], "new": []}
    again: dict[str, list[float]] = {"rewording": [], "new": []}
    shown = closest = 0
    for text, original in texts:
        kind = "rewording" if original else "new"
        seconds, similar = timed(lambda text=text: Claim.objects.similar_to(text))
        first[kind].append(seconds)
        if original is not None:
            shown += original in similar
            closest += original in similar_claims(same_side(original), text, 5)
    for text, original in texts:
        again["rewording" if original else "new"].append(timed(lambda text=text: Claim.objects.similar_to(text))[0])
    keys = [original.pk for _, original in texts if original] * 3
    primary = [timed(lambda pk=pk: Claim.objects.select_related("speaker").get(pk=pk))[0] for pk in keys]
    base = statistics.median(primary)
    everything = first["rewording"] + first["new"]
    rewordings = len(first["rewording"])
    lines = [
        "| checked before? (`Claim.objects.similar_to`) | p50 | p95 | p50 again | p95 again | p50 / primary key |",
        "| --- | --: | --: | --: | --: | --: |",
    ]
    for label, kind in (("rewordings of existing claims", "rewording"), ("new claims", "new")):
        lines.append(
            f"| {len(first[kind])} {label} | {ms(first[kind])} | {ms(first[kind], 0.95)} | {ms(again[kind])} "
            f"| {ms(again[kind], 0.95)} | {statistics.median(first[kind]) / base:,.0f}x |"
        )
    lines.append(
        f"| all {len(everything)} | {ms(everything)} | {ms(everything, 0.95)} "
        f"| {ms(again['rewording'] + again['new'])} | {ms(again['rewording'] + again['new'], 0.95)} "
        f"| {statistics.median(everything) / base:,.0f}x |"
    )
    lines.append(f"| primary-key lookup (the baseline) | {ms(primary)} | {ms(primary, 0.95)} | | | 1x |")
    lines.append(
        f"\nOver {Claim.objects.count():,} claims: the original of {closest} of {rewordings} rewordings is among "
        f"the 5 most alike of those published as it is (or not); {shown} among the 5 the desk shows "
        "(published verdicts alike come first)."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(data.SIZES), default="small")
    parser.add_argument("--lookups", type=int, default=50)
    args = parser.parse_args()
    env = data.bench_env(args.size)
    data.ensure(args.size, env)
    os.environ.update(env)
    import django

    django.setup()
    print(run(args.lookups))


if __name__ == "__main__":
    main()
