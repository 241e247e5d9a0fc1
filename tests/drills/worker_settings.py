"""Settings of the workers a drill starts: the tests' worker settings, plus how
soon the broker hands out again a job whose worker died without acking it
(`DRILL_VISIBILITY_TIMEOUT`; kombu's default, and production's, is an hour)."""

from __future__ import annotations

import os

from tests.worker_settings import *  # noqa: F403
from tests.worker_settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": float(os.environ.get("DRILL_VISIBILITY_TIMEOUT", "3600")),
    # Look for such jobs every second rather than every 100.
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
