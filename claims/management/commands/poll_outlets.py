"""python manage.py poll_outlets [--sync]: poll every watched outlet now.

Without --sync the polls go to the workers (as the beat sends them when
due). With --sync this process does everything, no worker needed: it polls
each outlet, fetches and extracts each new story and spots it, through the
same guard and the same functions the jobs run, and prints what it found,
one JSON object a line: {"kind": "article", "url": ...} for each new story,
{"kind": "candidate", "sentence": ..., "score": ..., "url": ...} for each
check-worthy sentence stored from it, {"kind": "repeat", "sentence": ...,
"verdict_url": ..., "score": ..., "url": ...} for each published verdict it
repeats."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claims.broker import send
from claims.models import Article
from claims.monitoring import polling, tasks
from claims.monitoring.news import Spotted


def records(article: Article, spotted: Spotted) -> list[dict[str, Any]]:
    """The lines printed for one new story."""
    url = article.url
    lines: list[dict[str, Any]] = [{"kind": "article", "url": url}]
    lines += [
        {"kind": "candidate", "sentence": sentence.sentence, "score": sentence.score, "url": url}
        for sentence in spotted.sentences
    ]
    lines += [
        {
            "kind": "repeat",
            "sentence": repeat.sentence,
            "verdict_url": repeat.verdict_url,
            "score": repeat.score,
            "url": url,
        }
        for repeat in spotted.repeats
    ]
    return lines


class Command(BaseCommand):
    help = "Poll every watched outlet now: on the workers, or with --sync in this process, printing JSON lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sync", action="store_true", help="poll, fetch, extract and spot here, now")

    def handle(self, *args: Any, sync: bool, **options: Any) -> None:
        outlets = polling.lease_all()
        if not outlets:
            self.stderr.write("No outlet to poll: none is watched, or every one is paused or flagged.")
            return
        if not sync:
            for outlet in outlets:
                send(tasks.poll_outlet, outlet.pk)
            count = len(outlets)
            self.stderr.write(f"{count} poll{'' if count == 1 else 's'} sent to the workers.")
            return
        with tasks.spotting_here():
            for outlet in outlets:
                for article, spotted in polling.poll_inline(outlet):
                    for line in records(article, spotted):
                        self.stdout.write(json.dumps(line, ensure_ascii=False))
                outlet.refresh_from_db()
                if outlet.last_error:
                    self.stderr.write(f"{outlet.name}: {outlet.last_error}")
