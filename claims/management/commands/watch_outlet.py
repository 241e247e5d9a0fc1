"""python manage.py watch_outlet URL [--name NAME] [--every MINUTES]: watch
an outlet's feed or sitemap. The URL passes the guard's check like any
other; a refusal is printed as it is, with exit status 2."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from claims.models import Outlet
from claims.models.outlets import OutletRefused
from claims.sources import guard


class Command(BaseCommand):
    help = "Watch an outlet: its feed (RSS, Atom, JSON Feed) or sitemap is polled every MINUTES."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the feed's or sitemap's address")
        parser.add_argument("--name", default="", help="the outlet's name (default: the URL)")
        parser.add_argument("--every", type=int, default=settings.OUTLET_DEFAULT_INTERVAL, help="minutes between polls")

    def handle(self, *args: Any, url: str, name: str, every: int, **options: Any) -> None:
        url = url.strip()
        try:
            guard.check_url(url)
            outlet = Outlet.objects.watch(by=None, name=name or url, url=url, every=every)
        except guard.BlockedURL as refused:
            self._refuse(str(refused))
        except OutletRefused as refused:
            self._refuse(refused.message)
        self.stdout.write(f"Watching {outlet.name} ({outlet.url}) every {outlet.interval_minutes} minutes.")

    def _refuse(self, message: str) -> None:
        self.stderr.write(f"Not watched: {message}")
        sys.exit(2)
