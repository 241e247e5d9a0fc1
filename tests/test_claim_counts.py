"""The claims in each state, each claimant's verdicts that stand, and the
claims new and published each quarter hour, kept by PostgreSQL's triggers
(counted on SQLite), agree with the claims after every kind of write:
created, moved through the workflow, assigned, published, retracted,
updated in bulk, deleted, moved by two people at once, and moved from one
claimant to another (a merge)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from claims import workflow
from claims.models import Claim, Claimant, ClaimantCount, ClaimCount, ClaimFlow, claim_counts
from claims.workflow import State
from tests.conftest import ClaimFactory


def assert_counts_agree() -> None:
    claims = list(Claim.objects.values_list("state", "published_at", "assignee_id"))
    states = Counter(state for state, _, _ in claims)
    unassigned = Counter(state for state, _, assignee in claims if assignee is None)
    counted = claim_counts.by_state()
    assert {state: counted.get(state, (0, 0)) for state in State} == {
        state: (states[state], unassigned[state]) for state in State
    }
    assert claim_counts.public() == Claim.objects.public().count()
    assert claim_counts.standing() == Claim.objects.standing().count()
    assert_claimants_agree()
    assert_flow_agrees()
    for states_asked in ([State.PUBLISHED], workflow.PUBLIC_STATES, workflow.OPEN_STATES, list(State)):
        for published in (None, True, False):
            expected = sum(
                1
                for state, published_at, _ in claims
                if state in states_asked and (published is None or (published_at is not None) == published)
            )
            assert claim_counts.claims_in(states_asked, published=published) == expected, (states_asked, published)


def quarter(moment: datetime) -> datetime:
    return datetime.fromtimestamp(moment.timestamp() // 900 * 900, tz=UTC)


def assert_flow_agrees() -> None:
    """The claims new and published in each quarter hour (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    flow: Counter = Counter()
    for state, created_at, published_at in Claim.objects.values_list("state", "created_at", "published_at"):
        flow["new", quarter(created_at)] += 1
        if state in workflow.PUBLIC_STATES and published_at is not None:
            flow["published", quarter(published_at)] += 1
    kept = {(row.kind, row.quarter): row.claims for row in ClaimFlow.objects.exclude(claims=0)}
    assert kept == dict(flow)


def assert_claimants_agree() -> None:
    """Each claimant's verdicts that stand, whether they have a page (the
    desk's list, the sitemap's sections) and how many have one (the sitemap's
    index), as the claims say."""
    standing = Counter(Claim.objects.standing().exclude(speaker=None).values_list("speaker_id", flat=True))
    for claimant in Claimant.objects.with_page_flag():
        assert claim_counts.standing_of(claimant.pk) == standing[claimant.pk], claimant
        assert claimant.has_page == (standing[claimant.pk] > 0), claimant
    paged = Claimant.objects.filter(merged_into=None, pk__in=[pk for pk, n in standing.items() if n])
    assert claim_counts.claimant_pages() == paged.count()


@pytest.mark.django_db
def test_a_claimants_verdicts_are_counted_through_publication_retraction_and_merge(
    publish: Any, make_claim: Any, editor: Any
) -> None:
    bajwa = publish(claimant="Asim Bajwa")
    publish(claimant="Asim Bajwa")
    general = publish(claimant="Lt Gen Asim Bajwa")
    make_claim(state=State.RESEARCHING, claimant="Asim Bajwa")  # on the desk: no page, not counted
    alias, survivor = bajwa.speaker, general.speaker
    assert claim_counts.standing_of(alias.pk) == 2
    assert claim_counts.claimant_pages() == 2
    bajwa.refresh_from_db()
    bajwa.transition("retract", by=editor, expected_state=State.PUBLISHED, params=workflow.Params(note="Wrong figure."))
    assert claim_counts.standing_of(alias.pk) == 1
    assert_counts_agree()
    alias.merge_into(survivor)  # their claims move: the alias's page goes, the survivor's grows
    assert claim_counts.standing_of(alias.pk) == 0
    assert claim_counts.standing_of(survivor.pk) == 2
    assert claim_counts.claimant_pages() == 1
    assert_counts_agree()
    Claim.objects.filter(speaker=survivor).update(speaker=None)
    assert claim_counts.claimant_pages() == 0
    assert_counts_agree()
    Claim.objects.filter(pk=general.pk).update(speaker=alias)  # a merged name with a verdict: still no page
    assert claim_counts.standing_of(alias.pk) == 1
    assert claim_counts.claimant_pages() == 0
    assert_counts_agree()
    Claimant.objects.filter(pk=alias.pk).delete()  # its claims lose their speaker; nothing is left counted
    assert claim_counts.claimant_pages() == 0
    assert_counts_agree()


@pytest.mark.django_db
def test_the_counts_follow_every_kind_of_write(make_claim: Any, checker: Any, editor: Any) -> None:
    assert_counts_agree()
    claims = [make_claim(state=state) for state in (State.SUBMITTED, State.RESEARCHING, State.PUBLISHED)]
    assert_counts_agree()
    retracted = make_claim(state=State.RETRACTED)
    assert retracted.published_at is not None
    assert_counts_agree()
    claims[0].transition("take", by=checker, expected_state=State.SUBMITTED)
    assert_counts_agree()
    Claim.objects.get(pk=claims[0].pk).transition(
        "reassign", by=editor, expected_state=State.ASSIGNED, params=workflow.Params(person=editor)
    )
    assert_counts_agree()
    Claim.objects.filter(pk__in=[claims[1].pk, claims[2].pk]).update(state=State.REJECTED, assignee=None)
    assert_counts_agree()
    Claim.objects.bulk_create(
        [ClaimFactory.build(state=State.SUBMITTED, slug=f"bulk-{n}", article=claims[0].article) for n in range(3)]
    )
    assert_counts_agree()
    Claim.objects.filter(state=State.SUBMITTED).update(priority=Claim.Priority.HIGH)  # moves nothing counted
    assert_counts_agree()
    # Imported with their own dates: to other quarter hours and weeks.
    Claim.objects.filter(pk=claims[0].pk).update(created_at=claims[0].created_at - timedelta(days=9, minutes=7))
    Claim.objects.filter(pk=retracted.pk).update(published_at=retracted.published_at - timedelta(hours=30))
    assert_counts_agree()
    Claim.objects.filter(slug__startswith="bulk-").delete()  # claims with a log are kept (it is append-only)
    assert_counts_agree()
    if connection.vendor == "postgresql":  # a state emptied stays, at zero
        assert ClaimCount.objects.filter(state=State.SUBMITTED, claims=0).exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_moving_claims_at_once_are_both_counted(make_claim: Any, checker: Any, second_checker: Any) -> None:
    claims = [make_claim(state=State.SUBMITTED) for _ in range(12)]
    if connection.vendor == "sqlite":
        pytest.skip("the test database on SQLite is in memory: another thread sees none of it")
    failures: list[BaseException] = []

    def take(person: Any, mine: list[Claim]) -> None:
        try:
            for claim in mine:
                claim.transition("take", by=person, expected_state=State.SUBMITTED)
        except BaseException as error:  # a deadlock would surface here
            failures.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=take, args=(checker, claims[0::2])),
        threading.Thread(target=take, args=(second_checker, claims[1::2])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert claim_counts.claims_in([State.ASSIGNED]) == 12
    assert claim_counts.claims_in([State.SUBMITTED]) == 0
    assert_counts_agree()


@pytest.mark.django_db
def test_lists_with_no_other_filter_read_the_kept_counts(make_claim: Any, client_for: Any, editor: Any) -> None:
    for state in (State.SUBMITTED, State.SUBMITTED, State.RESEARCHING, State.PUBLISHED):
        make_claim(state=state)
    client = client_for(editor)

    def counted(path: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(path).content.decode()
        return sum("COUNT(" in query["sql"].upper() for query in queries.captured_queries), page

    kept = connection.vendor == "postgresql"
    made, page = counted("/desk/claims/?state=submitted")
    assert made == (0 if kept else 1)
    assert '<p class="count">2 claims\n' in page
    made, page = counted("/desk/claims/")  # the open states
    assert made == (0 if kept else 1)
    assert '<p class="count">3 claims\n' in page
    made, page = counted(f"/desk/claims/?state=submitted&assignee={editor.pk}")
    assert made == 1  # another filter: counted
    assert '<p class="count">0 claims\n' in page


@pytest.mark.django_db
def test_counts_left_wrong_are_counted_again(make_claim: Any) -> None:
    make_claim(state=State.SUBMITTED)
    make_claim(state=State.PUBLISHED)
    out = StringIO()
    call_command("recount_claims", stdout=out)
    if connection.vendor != "postgresql":
        assert "Nothing to do" in out.getvalue()
        return
    assert "The counts were right." in out.getvalue()
    ClaimCount.objects.filter(state=State.SUBMITTED).update(claims=40)  # as a data-only restore could leave them
    ClaimCount.objects.filter(state=State.PUBLISHED).delete()
    ClaimantCount.objects.all().delete()  # the published claim's speaker
    out = StringIO()
    call_command("recount_claims", stdout=out)
    assert "3 of the counts were wrong" in out.getvalue()
    assert_counts_agree()
    ClaimFlow.objects.update(claims=5)
    out = StringIO()
    call_command("recount_claims", stdout=out)
    assert "of the counts were wrong" in out.getvalue()
    assert_counts_agree()
