"""python manage.py export_desk FILE: the whole desk in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claims.archive import export


class Command(BaseCommand):
    help = "Write every person, claim, verdict, activity entry, source and stored copy to one archive (a zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        with file.open("wb") as out:
            manifest = export(out)
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Wrote {file}: {rows} rows and {len(manifest['files'])} stored copies.")
