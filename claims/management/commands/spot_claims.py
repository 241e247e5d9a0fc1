"""python manage.py spot_claims FILE: the sentences worth checking, best first.

For desks that feed transcripts in batches: one JSON object a line on standard
output (sentence, score, reasons, claimant, start and end in the cleaned
text), so `jq` or a script can take the top of the list. FILE `-` reads
standard input.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.intake import spot


class Command(BaseCommand):
    help = "Print the check-worthy sentences of a text file (- for standard input), best first, as JSON lines."
    # call_command(..., stdin=...) hands in another stream, as tests do.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a UTF-8 text file, or - for standard input")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        if file == "-":
            stream: IO[Any] = options.get("stdin") or sys.stdin
            data = getattr(stream, "buffer", stream).read()
        else:
            data = _read(file)
        spotting = spot(_decode(data, "standard input" if file == "-" else file))
        for candidate in spotting.candidates:
            line = {
                "sentence": candidate.sentence,
                "score": candidate.score,
                "reasons": list(candidate.reasons),
                "claimant": candidate.claimant,
                "start": candidate.start,
                "end": candidate.end,
            }
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        sentences, dropped = len(spotting.candidates), len(spotting.dropped)
        self.stderr.write(
            f"{sentences} sentence{'' if sentences == 1 else 's'}; "
            f"{dropped} line{'' if dropped == 1 else 's'} dropped as boilerplate."
        )


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise CommandError(f"{path} is a directory, not a text file.") from None
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error.strerror}.") from None


def _decode(data: bytes | str, name: str) -> str:
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"{name} is not UTF-8 text (a binary file, or another encoding).") from None
    # Valid UTF-8 can still be binary: no text carries NUL bytes.
    if "\x00" in text:
        raise CommandError(f"{name} is not text: it holds NUL bytes, as binary files do.")
    return text
