"""python manage.py import_desk FILE: load an archive into an empty desk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.archive import ArchiveError, load


class Command(BaseCommand):
    help = "Load an archive written by export_desk into an empty database (after migrate), checking counts and hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            manifest = load(file)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Loaded {file}: {rows} rows and {len(manifest['files'])} stored copies, hashes checked.")
