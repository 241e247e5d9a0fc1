"""A Celery worker for the notification emails: a real worker, on the
configured broker (Redis in CI), run in a thread of the test process so
Django's in-memory outbox (the locmem backend the tests use) shows what it
sent. It consumes a queue of its own, so it never takes another test's jobs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker

from tests.conftest import purge

QUEUE = "test-notifications"
TASKS = ("claims.mail.notifications.email_notification", "claims.mail.notifications.sweep_notifications")


@pytest.fixture
def mail_worker(transactional_db: None, settings: Any) -> Iterator[Any]:
    from factcheck.celery import app

    purge(QUEUE)
    saved = app.conf.task_routes
    app.conf.task_routes = {task: {"queue": QUEUE} for task in TASKS}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, queues=[QUEUE]) as worker:
            yield worker
    finally:
        app.conf.task_routes = saved
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)


@pytest.fixture
def with_emails(checker: Any, second_checker: Any, editor: Any) -> None:
    """The personas with addresses to write to."""
    for person in (checker, second_checker, editor):
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])
