"""Personas, factories and shared fixtures.

Personas: `checker` and `second_checker` (group Fact-checkers), `editor`
(group Editors), `outsider` (logged in, in no group). `make_claim(state=...)`
walks a new claim through the real workflow to the state a test needs, so no
test writes `claim.state` by hand."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import factory
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims import workflow
from claims.accounts import two_factor
from claims.defaults import ensure_defaults
from claims.models import Article, Claim, Claimant, Evidence, Rating, Source
from claims.sources.jobs import extract_source, fetch_source
from claims.workflow import State

User = get_user_model()
PASSWORD = "correct-horse-battery"
ROOT = Path(__file__).resolve().parents[1]
TEST_QUEUES = "test-"  # the prefix of the session workers' queues


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, names: list[str] | None, **kwargs: Any) -> None:
        for name in names or []:
            self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Army spokesman's briefing {n}")
    outlet = "Sample Times"
    body = "Pakistani authorities have so far arrested 309 people associated with Islamic State."


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"More than {3500 + n} militants have been killed.")
    claimant = "Lt Gen Asim Bajwa"
    speaker = factory.LazyAttribute(lambda claim: Claimant.for_name(claim.claimant))
    article = factory.SubFactory(ArticleFactory)


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # Personas are made per test; the production hasher costs ~0.3 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """Rate-limit counts live in the cache: each test starts with none."""
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> None:
    # Snapshots a test stores go to its own folder, not var/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def desk_defaults(db: None) -> None:
    """The groups and rating scale the migrations create; a transactional
    test's flush removes them, so put them back."""
    ensure_defaults(Rating, Group)


@pytest.fixture
def checker(desk_defaults: None) -> Any:
    return UserFactory(username="checker", groups=[workflow.CHECKERS_GROUP])


@pytest.fixture
def second_checker(desk_defaults: None) -> Any:
    return UserFactory(username="checker2", groups=[workflow.CHECKERS_GROUP])


@pytest.fixture
def editor(desk_defaults: None) -> Any:
    return UserFactory(username="editor", groups=[workflow.EDITORS_GROUP])


@pytest.fixture
def outsider(desk_defaults: None) -> Any:
    return UserFactory(username="outsider")


@pytest.fixture
def rating(desk_defaults: None) -> Rating:
    return Rating.objects.get(label="False")


def log_in(client: Client, user: Any) -> Client:
    """Logged in as `user`, with the second factor given where their role
    needs one (TWO_FACTOR_REQUIRED is on in the tests, as in production)."""
    client.force_login(user)
    if two_factor.is_required_of(user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Test app"})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        return log_in(Client(), user)

    return make


# The path from submitted to each state, as (action, who) pairs; "who" names a
# persona: the researcher, the reviewer or the editor.
PATHS: dict[str, list[tuple[str, str]]] = {
    State.SUBMITTED: [],
    State.REJECTED: [("reject", "researcher")],
    State.ASSIGNED: [("take", "researcher")],
    State.RESEARCHING: [("take", "researcher"), ("start", "researcher")],
    State.IN_REVIEW: [
        ("take", "researcher"),
        ("start", "researcher"),
        ("research", "researcher"),
        ("submit", "researcher"),
    ],
}
PATHS[State.APPROVED] = [*PATHS[State.IN_REVIEW], ("approve", "reviewer")]
PATHS[State.PUBLISHED] = [*PATHS[State.APPROVED], ("publish", "editor")]
PATHS[State.RETRACTED] = [*PATHS[State.PUBLISHED], ("retract", "editor")]


def add_research(claim: Claim, by: Any, rating: Rating | None = None) -> None:
    """Evidence and a draft verdict: what `submit` needs."""
    claim.add_evidence(
        by=by, offline_source="Interview with the army press office", quote="309 people", stance=Evidence.Stance.CONTEXT
    )
    claim.save_draft_verdict(
        by=by,
        rating=rating or Rating.objects.get(label="Unproven"),
        summary="The army gave no records for the figure.",
        explanation="",
        based_on=None,
    )


def fetch_as_worker(source_id: int) -> Source:
    """Fetch and extract a cited source now, in this thread, as the workers would."""
    source = Source.objects.get(pk=source_id)
    assert source.take()
    fetch_source(source)
    source.refresh_from_db()
    if source.status == Source.Status.FETCHED:
        extract_source(source)
    return Source.objects.get(pk=source_id)


@pytest.fixture
def make_claim(checker: Any, second_checker: Any, editor: Any) -> Callable[..., Claim]:
    def make(state: str = State.SUBMITTED, researcher: Any = None, reviewer: Any = None, **fields: Any) -> Claim:
        people = {"researcher": researcher or checker, "reviewer": reviewer or second_checker, "editor": editor}
        claim = ClaimFactory(**fields)
        for action, who in PATHS[state]:
            if action == "research":
                add_research(claim, people[who])
                continue
            note = "Not checkable." if action in ("reject", "retract") else ""
            claim = claim.transition(action, by=people[who], expected_state=None, params=workflow.Params(note=note))
        assert claim.state == state
        return Claim.objects.get(pk=claim.pk)

    return make


@pytest.fixture
def publish(make_claim: Any, checker: Any, second_checker: Any, editor: Any) -> Callable[..., Claim]:
    """A claim published through the real workflow: rated `rating`, citing
    `urls` (fetched first by the worker's code in this thread when `fetch`),
    with any other claim fields (`text`, `claimant`, `article__url`...)."""

    def make(rating: str = "False", urls: tuple[str, ...] = (), fetch: bool = False, **fields: Any) -> Claim:
        claim = make_claim(state="researching", **fields)
        for url in urls:
            item = claim.add_evidence(by=checker, url=url, quote="309 people", stance=Evidence.Stance.CONTRADICTS)
            if fetch:
                fetch_as_worker(item.source_id)
        add_research(claim, checker, Rating.objects.get(label=rating))
        claim = claim.transition("submit", by=checker, expected_state="researching")
        claim = claim.transition("approve", by=second_checker, expected_state="in_review")
        claim = claim.transition("publish", by=editor, expected_state="approved")
        return Claim.objects.get(pk=claim.pk)

    return make


def database_url() -> str:
    """The test database, as a URL for a worker process."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port, name = (settings_dict[key] for key in ("USER", "HOST", "PORT", "NAME"))
        return f"postgres://{user}@{host}:{port}/{name}"
    return f"sqlite:///{settings_dict['NAME']}"


class Workers:
    """Celery worker processes as production runs them: the fetch queue on a
    gevent pool, the default queue (extraction, sweeps) on a process pool, on
    the configured broker and the test database. Settings: tests/worker_settings.py."""

    def __init__(self, log_dir: Path, media_root: str, queue_prefix: str = "", **env: str) -> None:
        self.media_root = media_root
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        base = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": database_url(),
            "TEST_QUEUE_PREFIX": queue_prefix,
            "TEST_MEDIA_ROOT": media_root,
            **env,
        }
        pools = [("fetch", ["--pool", "gevent", "--concurrency", "8"]), ("celery", ["--pool", "prefork", "-c", "2"])]
        for queue, pool in pools:
            log = log_dir / f"worker-{queue_prefix}{queue}.log"
            command = [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "-Q", f"{queue_prefix}{queue}"]
            command += [*pool, "--hostname", f"{queue_prefix}{queue}@%h", "--without-gossip", "--without-mingle"]
            with log.open("w") as out:
                self.processes.append(
                    subprocess.Popen(
                        [*command, "--loglevel", "INFO"],
                        cwd=ROOT,
                        env=base,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            self.logs.append(log)
        deadline = time.monotonic() + 90
        while not all(" ready." in log.read_text() for log in self.logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                self.stop()
                raise RuntimeError("a worker did not start:\n" + self.tail(3000))
            time.sleep(0.1)

    def tail(self, chars: int = 4000) -> str:
        """The end of each worker's log, for a test's failure to say what they did."""
        return "\n".join(f"--- {log.name}\n{log.read_text()[-chars:]}" for log in self.logs)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()  # a warm shutdown: jobs under way finish
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(30)


def purge(*queues: str) -> None:
    """Jobs an earlier test or run queued belong to rows that are gone."""
    from factcheck.celery import app

    with app.connection_for_write() as broker:
        for queue in queues:
            broker.default_channel.queue_purge(queue)


@pytest.fixture(scope="session")
def session_workers(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workers]:
    """Started once, by the first test that asks for `celery_worker`, and
    stopped before the test database goes. They consume queues of their own
    ("test-fetch", "test-celery"), which only tests holding `celery_worker`
    send to: a test that runs without workers keeps its jobs queued, as it
    expects."""
    purge(*(f"{TEST_QUEUES}{queue}" for queue in ("celery", "fetch")))
    with django_db_blocker.unblock():
        folder = tmp_path_factory.mktemp("workers")
        workers = Workers(folder, media_root=str(folder / "media"), queue_prefix=TEST_QUEUES)
    yield workers
    workers.stop()


@pytest.fixture
def celery_worker(transactional_db: None, session_workers: Workers, settings: Any) -> Iterator[Workers]:
    """The session's workers, with this test's jobs sent to them."""
    from factcheck.celery import app

    settings.MEDIA_ROOT = session_workers.media_root
    routes = {
        task: {"queue": f"{TEST_QUEUES}{route['queue']}"} for task, route in django_settings.CELERY_TASK_ROUTES.items()
    }
    routes.update(
        {
            f"claims.sources.tasks.{name}": {"queue": f"{TEST_QUEUES}celery"}
            for name in ("extract_sources", "sweep_sources", "refresh_published_sources")
        }
    )
    routes["claims.webhooks.tasks.sweep_deliveries"] = {"queue": f"{TEST_QUEUES}celery"}
    saved = app.conf.task_routes
    app.conf.task_routes = routes
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    yield session_workers
    app.conf.task_routes = saved
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


@pytest.fixture
def start_workers(transactional_db: None, tmp_path: Path, settings: Any) -> Iterator[Callable[..., Workers]]:
    """Workers of this test's own, with settings given as environment
    variables (`FETCH_DEADLINE="1"`), on the default queues; stopped at the end."""
    started: list[Workers] = []

    def start(**env: str) -> Workers:
        purge("celery", "fetch")
        workers = Workers(tmp_path, media_root=settings.MEDIA_ROOT, **env)
        started.append(workers)
        return workers

    yield start
    for workers in started:
        workers.stop()
