"""Settings for the Celery worker processes the tests start (tests/conftest.py):
the project's settings, plus what the tests' pages need (local servers on any
port) and short retries. Queues are prefixed with TEST_QUEUE_PREFIX, so the
workers started once per session never take a job that a test without
workers sent (that one stays queued, as it would with the broker's worker
down)."""

from __future__ import annotations

import os

from factcheck.settings import *  # noqa: F403
from factcheck.settings import CELERY_TASK_ROUTES

# The tests serve pages on 127.0.0.1, each server on a port of its own.
FETCH_ALLOW_LOOPBACK = True
FETCH_ALLOWED_PORTS = tuple(range(1024, 65536))
JOB_RETRY_BACKOFF = float(os.environ.get("JOB_RETRY_BACKOFF", "0.01"))
FETCH_MAX_BYTES = int(os.environ.get("FETCH_MAX_BYTES", "200000"))
# Where the test process looks for the snapshots the workers store.
MEDIA_ROOT = os.environ["TEST_MEDIA_ROOT"]

TEST_QUEUE_PREFIX = os.environ.get("TEST_QUEUE_PREFIX", "")
CELERY_TASK_DEFAULT_QUEUE = f"{TEST_QUEUE_PREFIX}celery"
CELERY_TASK_ROUTES = {
    task: {"queue": f"{TEST_QUEUE_PREFIX}{route['queue']}"} for task, route in CELERY_TASK_ROUTES.items()
}
