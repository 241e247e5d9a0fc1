"""Personas, factories and shared fixtures.

Personas: `checker` and `second_checker` (group Fact-checkers), `editor`
(group Editors), `outsider` (logged in, in no group). `make_claim(state=...)`
walks a new claim through the real workflow to the state a test needs, so no
test writes `claim.state` by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import factory
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from claims import workflow
from claims.defaults import ensure_defaults
from claims.models import Article, Claim, Claimant, Evidence, Rating, Source
from claims.sources.jobs import extract_source, fetch_source
from claims.workflow import State

User = get_user_model()
PASSWORD = "correct-horse-battery"


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


@pytest.fixture
def client_for() -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

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


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    """A real Celery worker, in a thread of this process, consuming from the
    broker the settings name (Redis in CI)."""
    from celery.contrib.testing.worker import start_worker

    from factcheck.celery import app

    # Jobs other tests (or an earlier run) queued with no worker running
    # belong to rows that are gone: empty both queues, by name.
    with app.connection_for_write() as broker:
        for queue in ("celery", "fetch"):
            broker.default_channel.queue_purge(queue)
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, queues=["celery", "fetch"]) as w:
        yield w
