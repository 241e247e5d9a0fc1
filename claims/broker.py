"""Sending jobs to Celery's broker, softly.

A job's state is on its database row, so a broker that is down or silent
loses nothing: the row stays as it is, and the sweeper sends it later. A send
therefore logs and reports a failure rather than raising into the request or
the task that made the work."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def send(task: Any, *args: Any, countdown: float | None = None) -> bool:
    """Send `task(*args)`; False, logged, if the broker did not take it."""
    try:
        task.apply_async(args, countdown=countdown)
    except Exception:
        log.warning("could not send %s%r; the sweeper will", task.name, args, exc_info=True)
        return False
    return True
