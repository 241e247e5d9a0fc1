"""python manage.py export_desk FILE: the whole desk in one archive."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.archive import export


class Command(BaseCommand):
    help = "Write every person, claim, verdict, activity entry, source and stored copy to one archive (a zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        # It holds password hashes, webhook secrets and unpublished work: the
        # owner's alone, and never written over an existing file.
        try:
            descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"{file} exists; choose a new name.") from None
        with os.fdopen(descriptor, "wb") as out:
            manifest = export(out)
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Wrote {file}: {rows} rows and {len(manifest['files'])} stored copies.")
