"""The desk through the Django test client: who sees what, HTMX and plain form
posts, refusals and stale pages, bad input, escaping, pagination and query
budgets."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from claims import workflow
from claims.models import Activity, Article, Claim, Evidence, Rating, Source, Verdict
from claims.workflow import State
from tests.conftest import ArticleFactory, ClaimFactory, UserFactory, add_research

HX = {"HTTP_HX_REQUEST": "true"}
DESK_REFUSAL = "The desk is for fact-checkers and editors"


def html(response: Any) -> str:
    return response.content.decode()


def counts() -> dict[str, int]:
    """Row counts of everything a desk post could write."""
    return {model.__name__: model.objects.count() for model in (Article, Claim, Evidence, Source, Verdict, Activity)}


def field_errors(page: str, name: str) -> str:
    """The text of the field block (label, widget, errors) that holds the
    widget with id `id_<name>`, if that block is marked as having errors."""
    for block in re.findall(r'<div class="field has-error">(.*?)</div>', page, flags=re.DOTALL):
        if f'id="id_{name}"' in block:
            return block
    return ""


def messages_shown(page: str) -> list[str]:
    return re.findall(r'<li class="message [a-z]+">([^<]*)</li>', page)


def state_shown(page: str) -> str:
    found = re.search(r'data-testid="state">([^<]*)<', page)
    return found.group(1) if found else ""


def table_rows(page: str) -> int:
    """Claim rows in the (first) claims table of `page`."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, flags=re.DOTALL)
    return body.group(1).count("<tr") if body else 0


@pytest.fixture
def article(desk_defaults: None) -> Article:
    return ArticleFactory(title="Army spokesman's briefing")


@pytest.fixture
def claim(make_claim: Any, article: Article) -> Claim:
    return make_claim(state=State.RESEARCHING, article=article)


def desk_pages(claim: Claim, article: Article) -> list[str]:
    return [
        "/desk/",
        "/desk/claims/",
        "/desk/articles/",
        "/desk/articles/new/",
        f"/desk/articles/{article.pk}/",
        "/desk/claims/new/",
        f"/desk/claims/{claim.pk}/",
    ]


def desk_posts(claim: Claim) -> list[tuple[str, dict[str, str]]]:
    """Every URL that changes something, with a valid body for `claim`
    (researching, researched by `checker`)."""
    rating = Rating.objects.get(label="False")
    return [
        ("/desk/articles/new/", {"title": "A new article"}),
        (f"/desk/articles/{claim.article_id}/", {"text": "A new claim.", "priority": "2"}),
        ("/desk/claims/new/", {"text": "A new claim.", "priority": "2"}),
        (
            f"/desk/claims/{claim.pk}/act/reassign/",
            {"reassign-state": "researching", "reassign-person": str(claim.assignee_id)},
        ),
        (f"/desk/claims/{claim.pk}/evidence/", {"offline_source": "A call", "stance": "context"}),
        (f"/desk/claims/{claim.pk}/verdict/", {"rating": str(rating.pk), "summary": "Fine."}),
        (f"/desk/claims/{claim.pk}/comment/", {"text": "Hello"}),
    ]


# --- Who may see the desk


@pytest.mark.parametrize("persona", ["checker", "editor"])
def test_every_desk_page_renders_for_desk_members(
    persona: str, request: Any, client_for: Any, claim: Claim, article: Article
) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in desk_pages(claim, article):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<html" in html(response), url
        assert "factcheck" in html(response), url


def test_claim_page_shows_the_claim(client_for: Any, checker: Any, claim: Claim) -> None:
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    assert claim.text in page
    assert state_shown(page) == "Researching"
    assert escape(claim.article.title) in page


def test_anonymous_visitors_are_sent_to_log_in(client: Client, claim: Claim, article: Article) -> None:
    login = reverse("login")
    for url in desk_pages(claim, article):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{login}?next="), url
    before = counts()
    for url, data in desk_posts(claim):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{login}?next="), url
    assert counts() == before


def test_outsiders_are_refused_every_page_with_a_reason(
    client_for: Any, outsider: Any, claim: Claim, article: Article
) -> None:
    client = client_for(outsider)
    for url in desk_pages(claim, article):
        for headers in ({}, HX):
            response = client.get(url, **headers)
            assert response.status_code == 403, url
            assert DESK_REFUSAL in html(response), url


def test_outsiders_cannot_post_anything(client_for: Any, outsider: Any, claim: Claim) -> None:
    client = client_for(outsider)
    before = counts()
    for url, data in desk_posts(claim):
        for headers in ({}, HX):
            response = client.post(url, data, **headers)
            assert response.status_code == 403, url
            assert DESK_REFUSAL in html(response), url
    assert counts() == before
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.state, fresh.assignee_id) == (claim.state, claim.assignee_id)


def test_the_same_posts_work_for_the_researcher(client_for: Any, checker: Any, claim: Claim) -> None:
    """The control for the refusals above: the bodies are good ones."""
    client = client_for(checker)
    for url, data in desk_posts(claim):
        before = counts()
        response = client.post(url, data)
        assert response.status_code == 302, (url, html(response)[:2000])
        assert counts() != before, url


def test_changes_need_a_post(client_for: Any, checker: Any, claim: Claim) -> None:
    client = client_for(checker)
    before = counts()
    for url, _ in desk_posts(claim)[3:]:
        assert client.get(url).status_code == 405, url
    assert counts() == before


def test_desk_posts_need_the_csrf_token(checker: Any, claim: Claim) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(checker)
    before = counts()
    for url, data in desk_posts(claim):
        assert client.post(url, data).status_code == 403, url
    assert counts() == before


# --- Queues and filters


@pytest.fixture
def two_claims(make_claim: Any, checker: Any, desk_defaults: None) -> tuple[Claim, Claim]:
    today = timezone.localdate()
    first = make_claim(
        state=State.ASSIGNED,
        text="Inflation fell to four percent last year.",
        claimant="Imran Khan",
        article=ArticleFactory(title="Budget speech"),
        priority=Claim.Priority.HIGH,
        due_on=today - timedelta(days=1),
    )
    second = make_claim(
        state=State.SUBMITTED,
        text="Unemployment doubled since 2018.",
        claimant="Nawaz Sharif",
        article=ArticleFactory(title="Rally transcript"),
        priority=Claim.Priority.LOW,
        due_on=today + timedelta(days=3),
    )
    return first, second


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {0, 1}),
        ("state=assigned", {0}),
        ("state=submitted", {1}),
        ("assignee={checker}", {0}),
        ("claimant=imran", {0}),
        ("claimant=SHARIF", {1}),
        ("article={article0}", {0}),
        ("article={article1}", {1}),
        ("priority=1", {0}),
        ("priority=3", {1}),
        ("overdue=on", {0}),
        ("q=inflation", {0}),
        ("q=nawaz", {1}),
        ("q=nobody+said+this", set()),
        ("state=assigned&priority=3", set()),
    ],
)
def test_team_queue_filters(
    query: str, expected: set[int], two_claims: tuple[Claim, Claim], client_for: Any, checker: Any
) -> None:
    query = query.format(checker=checker.pk, article0=two_claims[0].article_id, article1=two_claims[1].article_id)
    response = client_for(checker).get(f"/desk/claims/?{query}")
    assert response.status_code == 200
    page = html(response)
    shown = {i for i, claim in enumerate(two_claims) if claim.text in page}
    assert shown == expected
    assert {c.pk for c in response.context["page"].object_list} == {two_claims[i].pk for i in expected}


def test_team_queue_shows_only_open_claims_unless_asked(make_claim: Any, client_for: Any, editor: Any) -> None:
    published = make_claim(state=State.PUBLISHED, text="A claim already published.")
    client = client_for(editor)
    assert published.text not in html(client.get("/desk/claims/"))
    assert published.text in html(client.get("/desk/claims/?state=published"))


def test_team_queue_filter_over_htmx_returns_only_the_results(
    two_claims: tuple[Claim, Claim], client_for: Any, checker: Any
) -> None:
    response = client_for(checker).get("/desk/claims/?q=inflation", **HX)
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page
    assert "<form" not in page  # the filter form stays where it is
    assert two_claims[0].text in page
    assert two_claims[1].text not in page


def test_my_queue_sections(make_claim: Any, client_for: Any, checker: Any, second_checker: Any, editor: Any) -> None:
    mine = make_claim(state=State.RESEARCHING, text="Mine to research.")
    to_review = make_claim(state=State.IN_REVIEW, researcher=editor, text="Theirs, waiting for anyone.")
    unassigned = make_claim(state=State.SUBMITTED, text="Nobody has it yet.")
    someone_elses = make_claim(state=State.RESEARCHING, researcher=second_checker, text="Research by another checker.")
    published = make_claim(state=State.PUBLISHED, text="Long done.")
    response = client_for(checker).get("/desk/")
    assert [c.pk for c in response.context["researching"]] == [mine.pk]
    assert [c.pk for c in response.context["needing_reviewer"]] == [to_review.pk]
    assert [c.pk for c in response.context["unassigned"]] == [unassigned.pk]
    page = html(response)
    assert someone_elses.text not in page
    assert published.text not in page
    # The researcher does not see their own claim as needing a reviewer.
    assert to_review.pk not in [c.pk for c in client_for(editor).get("/desk/").context["needing_reviewer"]]


def test_team_queue_pages_by_25(client_for: Any, checker: Any, desk_defaults: None) -> None:
    ClaimFactory.create_batch(30)
    client = client_for(checker)
    first = client.get("/desk/claims/")
    assert len(first.context["page"].object_list) == 25
    page = html(first)
    assert table_rows(page) == 25
    assert "30 claims" in page
    assert 'href="?page=2"' in page
    assert "Next" in page
    second = client.get("/desk/claims/?page=2")
    assert len(second.context["page"].object_list) == 5
    page = html(second)
    assert table_rows(page) == 5
    assert 'href="?page=1"' in page
    assert "page=3" not in page
    # The rows of the two pages are all the claims, once each.
    shown = {c.pk for c in first.context["page"].object_list} | {c.pk for c in second.context["page"].object_list}
    assert shown == set(Claim.objects.values_list("pk", flat=True))


def test_pager_keeps_the_filters(client_for: Any, checker: Any, desk_defaults: None) -> None:
    ClaimFactory.create_batch(27, claimant="Imran Khan")
    ClaimFactory.create_batch(3, claimant="Someone else")
    page = html(client_for(checker).get("/desk/claims/?claimant=imran"))
    assert "27 claims" in page
    assert 'href="?claimant=imran&amp;page=2"' in page


def test_team_queue_sorts_by_priority_then_due_date(client_for: Any, checker: Any, desk_defaults: None) -> None:
    today = timezone.localdate()
    high, normal, low = Claim.Priority.HIGH, Claim.Priority.NORMAL, Claim.Priority.LOW
    made = {
        "low, no date": (low, None),
        "high, in 5 days": (high, today + timedelta(days=5)),
        "normal, tomorrow": (normal, today + timedelta(days=1)),
        "high, in 2 days": (high, today + timedelta(days=2)),
        "high, no date": (high, None),
        "normal, no date": (normal, None),
        "low, yesterday": (low, today - timedelta(days=1)),
    }
    for text, (priority, due_on) in made.items():
        ClaimFactory(text=text, priority=priority, due_on=due_on)
    expected = [
        "high, in 2 days",
        "high, in 5 days",
        "high, no date",
        "normal, tomorrow",
        "normal, no date",
        "low, yesterday",
        "low, no date",
    ]
    response = client_for(checker).get("/desk/claims/")
    assert [c.text for c in response.context["page"].object_list] == expected
    page = html(response)
    positions = [page.index(f">{text}</a>") for text in expected]
    assert positions == sorted(positions)


# --- HTMX and plain posts


@pytest.fixture
def submitted(make_claim: Any) -> Claim:
    return make_claim(state=State.SUBMITTED)


def change(kind: str, claim: Claim, people: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[Claim], bool]]:
    """A valid post of `kind` on `claim`: the URL, the body, and a check that it took effect."""
    pk = claim.pk
    if kind == "transition":
        return (
            f"/desk/claims/{pk}/act/take/",
            {"take-state": "submitted"},
            lambda c: (c.state, c.assignee_id) == ("assigned", people["checker"].pk),
        )
    if kind == "assignment":
        return (
            f"/desk/claims/{pk}/act/assign/",
            {"assign-state": "submitted", "assign-person": people["second_checker"].pk},
            lambda c: (c.state, c.assignee_id) == ("assigned", people["second_checker"].pk),
        )
    if kind == "comment":
        return (
            f"/desk/claims/{pk}/comment/",
            {"text": "Call the press office."},
            lambda c: c.activities.filter(action="comment", note="Call the press office.").exists(),
        )
    if kind == "evidence":
        return (
            f"/desk/claims/{pk}/evidence/",
            {"url": "https://example.org/report", "quote": "309 people", "stance": "contradicts"},
            lambda c: c.evidence.filter(source__url="https://example.org/report", stance="contradicts").exists(),
        )
    if kind == "verdict":
        rating = Rating.objects.get(label="Misleading")
        return (
            f"/desk/claims/{pk}/verdict/",
            {"rating": rating.pk, "summary": "The figure leaves out the context.", "based_on": ""},
            lambda c: c.verdicts.filter(rating=rating, summary="The figure leaves out the context.").exists(),
        )
    raise AssertionError(kind)


KINDS = ["transition", "assignment", "comment", "evidence", "verdict"]


@pytest.fixture
def people(checker: Any, second_checker: Any, editor: Any) -> dict[str, Any]:
    return {"checker": checker, "second_checker": second_checker, "editor": editor}


def claim_for_kind(kind: str, make_claim: Any) -> Claim:
    return make_claim(state=State.SUBMITTED if kind in ("transition", "assignment") else State.RESEARCHING)


@pytest.mark.parametrize("kind", KINDS)
def test_htmx_post_gets_the_claim_fragment(kind: str, make_claim: Any, people: dict[str, Any], client_for: Any) -> None:
    claim = claim_for_kind(kind, make_claim)
    url, data, took_effect = change(kind, claim, people)
    activities = Activity.objects.filter(claim=claim).count()
    response = client_for(people["checker"]).post(url, data, **HX)
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<div id="claim-main"')
    assert "<html" not in page
    assert 'class="messages"' in page  # the confirmation travels with the fragment
    fresh = Claim.objects.get(pk=claim.pk)
    assert took_effect(fresh)
    assert state_shown(page) == fresh.get_state_display()
    assert Activity.objects.filter(claim=claim).count() == activities + 1


@pytest.mark.parametrize("kind", KINDS)
def test_plain_post_redirects_to_the_claim_page(
    kind: str, make_claim: Any, people: dict[str, Any], client_for: Any
) -> None:
    claim = claim_for_kind(kind, make_claim)
    url, data, took_effect = change(kind, claim, people)
    activities = Activity.objects.filter(claim=claim).count()
    client = client_for(people["checker"])
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == f"/desk/claims/{claim.pk}/"
    assert took_effect(Claim.objects.get(pk=claim.pk))
    assert Activity.objects.filter(claim=claim).count() == activities + 1
    # The get after the redirect carries the confirmation, once.
    page = html(client.get(response.url))
    assert 'class="message success"' in page
    assert 'class="message success"' not in html(client.get(response.url))


def hidden_value(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{re.escape(name)}"(?: value="([^"]*)")?', page)
    assert found, name
    return found.group(1) or ""


def test_htmx_fragment_carries_the_fresh_state_for_the_next_action(
    submitted: Claim, client_for: Any, checker: Any
) -> None:
    """Each swapped-in fragment's forms say the state they were drawn in, so
    the next click is not refused as stale."""
    client = client_for(checker)
    page = html(client.post(f"/desk/claims/{submitted.pk}/act/take/", {"take-state": "submitted"}, **HX))
    assert hidden_value(page, "start-state") == "assigned"
    response = client.post(
        f"/desk/claims/{submitted.pk}/act/start/", {"start-state": hidden_value(page, "start-state")}, **HX
    )
    assert response.status_code == 200
    assert Claim.objects.get(pk=submitted.pk).state == State.RESEARCHING


def test_htmx_fragment_carries_the_new_draft_revision(claim: Claim, client_for: Any, checker: Any) -> None:
    """Saving the draft twice from the swapped-in fragment works: the form
    in the fragment is based on the revision just saved."""
    client = client_for(checker)
    rating = Rating.objects.get(label="False")
    page = html(client.get(f"/desk/claims/{claim.pk}/"))
    for summary in ("First draft.", "Second draft.", "Third draft."):
        response = client.post(
            f"/desk/claims/{claim.pk}/verdict/",
            {"rating": rating.pk, "summary": summary, "based_on": hidden_value(page, "based_on")},
            **HX,
        )
        assert response.status_code == 200, summary
        page = html(response)
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.summary, verdict.revision) == ("Third draft.", 3)
    assert hidden_value(page, "based_on") == "3"


def test_article_page_adds_a_claim_over_htmx(client_for: Any, checker: Any, article: Article) -> None:
    response = client_for(checker).post(
        f"/desk/articles/{article.pk}/", {"text": "Exports rose 10%.", "priority": "2"}, **HX
    )
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<section id="article-claims"')
    assert "<html" not in page
    assert "Exports rose 10%." in page
    assert Claim.objects.get(text="Exports rose 10%.").article == article


def test_article_page_adds_a_claim_and_redirects(client_for: Any, checker: Any, article: Article) -> None:
    response = client_for(checker).post(f"/desk/articles/{article.pk}/", {"text": "Exports rose 10%.", "priority": "2"})
    assert response.status_code == 302
    assert response.url == f"/desk/articles/{article.pk}/"
    claim = Claim.objects.get(text="Exports rose 10%.")
    assert (claim.article, claim.state, claim.created_by) == (article, State.SUBMITTED, checker)
    assert claim.activities.get().action == "created"


def test_new_claim_and_article_forms_save_and_redirect(client_for: Any, checker: Any, desk_defaults: None) -> None:
    client = client_for(checker)
    response = client.post("/desk/articles/new/", {"title": "Interview", "url": "https://example.org/a"})
    article = Article.objects.get(title="Interview")
    assert response.status_code == 302
    assert response.url == f"/desk/articles/{article.pk}/"
    response = client.post("/desk/claims/new/", {"text": "GDP grew 6%.", "priority": "1", "article": article.pk})
    claim = Claim.objects.get(text="GDP grew 6%.")
    assert response.status_code == 302
    assert response.url == f"/desk/claims/{claim.pk}/"
    assert (claim.article, claim.priority) == (article, Claim.Priority.HIGH)


def test_a_claim_without_an_article_shows_everywhere(client_for: Any, checker: Any, desk_defaults: None) -> None:
    client = client_for(checker)
    response = client.post(
        "/desk/claims/new/", {"text": "Said on the radio.", "claimant": "A minister", "priority": "2"}
    )
    claim = Claim.objects.get(text="Said on the radio.")
    assert response.status_code == 302
    assert claim.article is None
    for url in (f"/desk/claims/{claim.pk}/", "/desk/", "/desk/claims/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Said on the radio." in html(response), url


def test_remove_evidence_through_the_page(client_for: Any, checker: Any, claim: Claim) -> None:
    evidence = claim.add_evidence(by=checker, offline_source="A call with the ministry")
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/evidence/{evidence.pk}/remove/", **HX)
    assert response.status_code == 200
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert "A call with the ministry" in html(response)  # in the activity log, as removed


def test_editor_corrects_a_published_verdict_through_the_page(make_claim: Any, client_for: Any, editor: Any) -> None:
    claim = make_claim(state=State.PUBLISHED)
    rating = Rating.objects.get(label="Mostly false")
    response = client_for(editor).post(
        f"/desk/claims/{claim.pk}/act/correct/",
        {
            "correct-state": "published",
            "correct-note": "The figure was 3,400.",
            "correct-rating": rating.pk,
            "correct-summary": "Corrected summary.",
        },
        **HX,
    )
    assert response.status_code == 200
    versions = list(claim.verdicts.order_by("version").values_list("version", "rating", "correction_note"))
    assert versions[-1] == (2, rating.pk, "The figure was 3,400.")
    assert len(versions) == 2
    assert "Earlier versions" in html(response)


# --- Refusals and stale pages


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_forbidden_transition_is_403_with_the_reason(
    headers: dict[str, str], make_claim: Any, client_for: Any, checker: Any
) -> None:
    claim = make_claim(state=State.APPROVED)
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/act/publish/", {"publish-state": "approved"}, **headers
    )
    assert response.status_code == 403
    page = html(response)
    assert "Only an editor may do this." in messages_shown(page)
    assert state_shown(page) == "Approved"
    assert counts() == before
    assert Claim.objects.get(pk=claim.pk).state == State.APPROVED


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_stale_form_is_409_and_shows_the_fresh_state(
    headers: dict[str, str], make_claim: Any, client_for: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state=State.ASSIGNED)  # checker took it
    before = counts()
    response = client_for(second_checker).post(
        f"/desk/claims/{claim.pk}/act/take/", {"take-state": "submitted"}, **headers
    )
    assert response.status_code == 409
    page = html(response)
    assert "This claim changed" in page
    assert escape(checker.get_full_name()) in page
    assert state_shown(page) == "Assigned"
    assert counts() == before
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.state, fresh.assignee) == (State.ASSIGNED, checker)


def test_stale_form_is_refused_even_when_the_action_would_now_apply(
    make_claim: Any, client_for: Any, checker: Any
) -> None:
    """The page was drawn when the claim was submitted; it is assigned now, so
    `start` is valid, but the person acted on a page that no longer holds."""
    claim = make_claim(state=State.ASSIGNED)
    before = counts()
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/act/start/", {"start-state": "submitted"}, **HX)
    assert response.status_code == 409
    assert state_shown(html(response)) == "Assigned"
    assert counts() == before


def form_fields(page: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form that posts to `action`, as the page drew
    them: whatever the page uses to tell a stale post from a fresh one."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, flags=re.DOTALL)
    assert form, action
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


@pytest.mark.parametrize("action", ["reassign", "correct"])
def test_second_post_from_the_same_page_is_stale_even_when_the_state_stays(
    action: str, make_claim: Any, client_for: Any, editor: Any, second_checker: Any, desk_defaults: None
) -> None:
    claim = make_claim(state=State.RESEARCHING if action == "reassign" else State.PUBLISHED)
    other_editor = UserFactory(groups=[workflow.EDITORS_GROUP])
    url = f"/desk/claims/{claim.pk}/act/{action}/"
    first, second = client_for(editor), client_for(other_editor)
    # Both open the claim page before either acts.
    pages = [html(first.get(f"/desk/claims/{claim.pk}/")), html(second.get(f"/desk/claims/{claim.pk}/"))]
    rating = Rating.objects.get(label="Mostly false")
    bodies = [
        {f"{action}-person": second_checker.pk}
        if action == "reassign"
        else {f"{action}-note": "First fix.", f"{action}-rating": rating.pk, f"{action}-summary": "First fix."},
        {f"{action}-person": editor.pk}
        if action == "reassign"
        else {f"{action}-note": "Second fix.", f"{action}-rating": rating.pk, f"{action}-summary": "Second fix."},
    ]
    assert first.post(url, {**form_fields(pages[0], url), **bodies[0]}).status_code == 302
    before = counts()
    response = second.post(url, {**form_fields(pages[1], url), **bodies[1]}, **HX)
    assert response.status_code == 409
    assert counts() == before


def test_stale_draft_verdict_is_409_and_shows_their_version(
    claim: Claim, client_for: Any, checker: Any, editor: Any, rating: Rating
) -> None:
    claim.save_draft_verdict(by=editor, rating=rating, summary="The editor's summary.", explanation="", based_on=None)
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/verdict/", {"rating": rating.pk, "summary": "My summary.", "based_on": ""}, **HX
    )
    assert response.status_code == 409
    page = html(response)
    assert "saved the draft verdict while you were editing" in page
    assert escape("The editor's summary.") in page
    assert counts() == before
    assert Verdict.objects.get(claim=claim).summary == "The editor's summary."


def test_transition_not_ready_is_422_with_the_guard(claim: Claim, client_for: Any, checker: Any) -> None:
    before = counts()
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/act/submit/", {"submit-state": "researching"}, **HX)
    assert response.status_code == 422
    assert "Write the draft verdict (rating and summary) first." in messages_shown(html(response))
    assert counts() == before


def test_unknown_action_is_refused(submitted: Claim, client_for: Any, editor: Any) -> None:
    before = counts()
    response = client_for(editor).post(f"/desk/claims/{submitted.pk}/act/destroy/", {"destroy-state": "submitted"})
    assert response.status_code == 403
    assert "destroy" in html(response)
    assert counts() == before


def test_missing_claim_is_404(client_for: Any, checker: Any) -> None:
    assert client_for(checker).get("/desk/claims/999999/").status_code == 404


# --- The claim page offers only what the user may do


def action_urls(page: str) -> set[str]:
    return set(re.findall(r'action="/desk/claims/\d+/act/([a-z_]+)/"', page))


@pytest.mark.parametrize(
    ("state", "persona", "offered"),
    [
        (State.SUBMITTED, "checker", {"take", "assign", "reject"}),
        (State.ASSIGNED, "checker", {"reassign", "start"}),
        (State.ASSIGNED, "second_checker", {"reassign"}),
        (State.IN_REVIEW, "checker", set()),
        (State.IN_REVIEW, "second_checker", {"approve", "request_changes"}),
        (State.APPROVED, "editor", {"publish", "send_back"}),
        (State.APPROVED, "checker", set()),
        (State.APPROVED, "second_checker", set()),
        (State.PUBLISHED, "editor", {"correct", "retract"}),
        (State.PUBLISHED, "second_checker", set()),
        (State.REJECTED, "second_checker", {"reopen"}),
    ],
)
def test_claim_page_offers_only_permitted_actions(
    state: str, persona: str, offered: set[str], make_claim: Any, client_for: Any, request: Any
) -> None:
    claim = make_claim(state=state)
    page = html(client_for(request.getfixturevalue(persona)).get(f"/desk/claims/{claim.pk}/"))
    assert action_urls(page) == offered
    if not offered:
        assert "No action is yours to take on this claim now." in page


def test_researcher_does_not_see_approve_on_own_claim(
    make_claim: Any, client_for: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state=State.IN_REVIEW)
    assert "Approve" not in html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    assert ">Approve</button>" in html(client_for(second_checker).get(f"/desk/claims/{claim.pk}/"))


def test_not_ready_action_is_shown_disabled_with_the_reason(claim: Claim, client_for: Any, checker: Any) -> None:
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    submit = re.search(r'<button[^>]*value="submit"[^>]*>', page).group(0)
    assert "disabled" in submit
    assert "Write the draft verdict (rating and summary) first." in page


def test_research_forms_only_for_the_researcher(
    claim: Claim, client_for: Any, checker: Any, second_checker: Any
) -> None:
    assert f'action="/desk/claims/{claim.pk}/evidence/"' in html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    page = html(client_for(second_checker).get(f"/desk/claims/{claim.pk}/"))
    assert f'action="/desk/claims/{claim.pk}/evidence/"' not in page
    assert f'action="/desk/claims/{claim.pk}/verdict/"' not in page
    # And the server refuses what the page does not offer.
    before = counts()
    response = client_for(second_checker).post(
        f"/desk/claims/{claim.pk}/evidence/", {"offline_source": "A call", "stance": "context"}
    )
    assert response.status_code == 403
    assert counts() == before


# --- Bad input: a form error beside the field, status 422, nothing saved


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
@pytest.mark.parametrize("text", ["", "   "], ids=["empty", "blank"])
def test_claim_needs_its_text(
    text: str, headers: dict[str, str], client_for: Any, checker: Any, article: Article
) -> None:
    client = client_for(checker)
    before = counts()
    for url in ("/desk/claims/new/", f"/desk/articles/{article.pk}/"):
        response = client.post(url, {"text": text, "claimant": "Someone", "priority": "2"}, **headers)
        assert response.status_code == 422, url
        assert "This field is required." in field_errors(html(response), "text"), url
    assert counts() == before


def test_due_date_in_the_past_is_refused(client_for: Any, checker: Any, desk_defaults: None) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    before = counts()
    response = client_for(checker).post(
        "/desk/claims/new/", {"text": "A claim.", "priority": "2", "due_on": yesterday.isoformat()}
    )
    assert response.status_code == 422
    assert "The due date is in the past." in field_errors(html(response), "due_on")
    assert counts() == before


def test_five_megabyte_article_paste_is_refused(client_for: Any, checker: Any, desk_defaults: None) -> None:
    before = counts()
    response = client_for(checker).post("/desk/articles/new/", {"title": "Huge", "body": "x" * (5 * 1024 * 1024)})
    assert response.status_code == 422
    errors = field_errors(html(response), "body")
    assert "5,242,880 characters long" in errors
    assert "the limit is 200,000" in errors
    assert counts() == before


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
@pytest.mark.parametrize("rating_id", ["999999", "not-a-number"])
def test_verdict_with_unknown_rating_is_refused(
    rating_id: str, headers: dict[str, str], claim: Claim, client_for: Any, checker: Any
) -> None:
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/verdict/", {"rating": rating_id, "summary": "A summary."}, **headers
    )
    assert response.status_code == 422
    assert "Choose a rating from the scale." in field_errors(html(response), "rating")
    assert counts() == before


def test_verdict_with_a_retired_rating_is_refused(claim: Claim, client_for: Any, checker: Any) -> None:
    retired = Rating.objects.create(label="Pants on fire", order=99, retired=True)
    before = counts()
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/verdict/", {"rating": retired.pk, "summary": "x"})
    assert response.status_code == 422
    assert "Choose a rating from the scale." in field_errors(html(response), "rating")
    assert counts() == before


def post_url(client: Any, where: str, claim: Claim, url: str, headers: dict[str, str]) -> Any:
    """Cite `url` as evidence on `claim`, or give it as a new article's URL."""
    if where == "evidence":
        data = {"url": url, "quote": "309", "stance": "context"}
        return client.post(f"/desk/claims/{claim.pk}/evidence/", data, **headers)
    return client.post("/desk/articles/new/", {"title": "A story", "url": url}, **headers)


@pytest.mark.parametrize("where", ["evidence", "article"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("not a url", "a space or an invisible character"),
        ("javascript:alert(1)", "starts with javascript:"),
        ("ftp://x", "Only http:// and https://"),
        ("ftp://example.org/file.txt", "Only http:// and https://"),
        ("http://127.0.0.1/", "private network"),
        ("http://10.0.0.1/", "private network"),
        ("http://192.168.1.1/admin", "private network"),
        ("http://169.254.169.254/latest/meta-data/", "private network"),
        ("http://[::1]/", "private network"),
        ("http://localhost:8000/", "our own network"),
        ("https://user:secret@example.org/", "user name and password"),
        ("http://0x7f000001/", "written as a number"),
        ("http://2130706433/", "written as a number"),
        ("http://example.org:8080/", "Links to port 8080 are not fetched"),
        ("http://168.63.129.16/", "Azure platform service"),
    ],
)
def test_a_url_must_be_one_the_fetcher_would_fetch(
    url: str, error: str, headers: dict[str, str], where: str, claim: Claim, client_for: Any, checker: Any
) -> None:
    before = counts()
    response = post_url(client_for(checker), where, claim, url, headers)
    assert response.status_code == 422
    errors = field_errors(html(response), "url")
    assert 'class="error"' in errors
    assert error in errors
    assert counts() == before


@pytest.mark.parametrize(
    ("where", "data", "field", "error"),
    [
        ("claims/new/", {"text": "x" * 2001, "priority": "2"}, "text", "The claim is 2,001 characters long"),
        ("claims/{pk}/comment/", {"text": "x" * 10_001}, "text", "The comment is 10,001 characters long"),
        (
            "claims/{pk}/evidence/",
            {"offline_source": "A call", "note": "x" * 10_001, "stance": "context"},
            "note",
            "The note is 10,001",
        ),
        ("claims/{pk}/evidence/", {"offline_source": "A call", "stance": "made-up"}, "stance", "Select a valid choice"),
        ("claims/{pk}/verdict/", {"rating": "1", "summary": "x" * 301}, "summary", "at most 300 characters"),
        ("claims/{pk}/verdict/", {"rating": "1", "summary": ""}, "summary", "This field is required."),
    ],
    ids=["claim-too-long", "comment-too-long", "note-too-long", "unknown-stance", "summary-too-long", "no-summary"],
)
def test_other_bad_input_is_refused_beside_the_field(
    where: str, data: dict[str, str], field: str, error: str, claim: Claim, client_for: Any, checker: Any
) -> None:
    before = counts()
    response = client_for(checker).post("/desk/" + where.format(pk=claim.pk), data, **HX)
    assert response.status_code == 422
    assert error in field_errors(html(response), field)
    assert counts() == before


def test_evidence_needs_a_url_or_an_offline_source(claim: Claim, client_for: Any, checker: Any) -> None:
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/evidence/", {"url": "", "offline_source": "  ", "quote": "309", "stance": "context"}
    )
    assert response.status_code == 422
    page = html(response)
    errors = re.search(r'<div class="errors" role="alert">(.*?)</div>', page, flags=re.DOTALL)
    assert errors
    assert "Give a URL or describe the offline source" in errors.group(1)
    assert counts() == before


def test_transition_form_errors_are_shown_beside_the_field(
    make_claim: Any, client_for: Any, checker: Any, outsider: Any
) -> None:
    claim = make_claim(state=State.SUBMITTED)
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/act/assign/", {"assign-state": "submitted", "assign-person": outsider.pk}, **HX
    )
    assert response.status_code == 422
    assert "Select a valid choice" in field_errors(html(response), "assign-person")
    assert counts() == before


# --- Escaping what people type

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def assert_escaped(page: str, where: str) -> None:
    assert SCRIPT not in page, where
    assert "<img src=x" not in page, where
    assert ESCAPED_SCRIPT in page, where
    assert ESCAPED_IMG in page, where


def test_what_people_type_is_escaped_everywhere(client_for: Any, checker: Any, desk_defaults: None) -> None:
    client = client_for(checker)
    client.post("/desk/articles/new/", {"title": f"Title {PAYLOAD}", "body": f"Body {PAYLOAD}"})
    article = Article.objects.get()
    client.post(
        f"/desk/articles/{article.pk}/", {"text": f"Text {PAYLOAD}", "claimant": f"By {PAYLOAD}", "priority": "1"}
    )
    claim = Claim.objects.get()
    client.post(f"/desk/claims/{claim.pk}/act/take/", {"take-state": "submitted"})
    client.post(f"/desk/claims/{claim.pk}/act/start/", {"start-state": "assigned"})
    client.post(
        f"/desk/claims/{claim.pk}/evidence/",
        {
            "offline_source": f"Source {PAYLOAD}",
            "quote": f"Quote {PAYLOAD}",
            "note": f"Note {PAYLOAD}",
            "stance": "context",
        },
    )
    client.post(f"/desk/claims/{claim.pk}/comment/", {"text": f"Comment {PAYLOAD}"})
    assert claim.evidence.count() == 1
    assert claim.activities.filter(action="comment").count() == 1

    page = html(client.get(f"/desk/claims/{claim.pk}/"))
    assert_escaped(page, "claim page")
    for prefix in ("Text", "By", "Source", "Quote", "Note", "Comment"):
        assert f"{prefix} {ESCAPED_SCRIPT}" in page, prefix
    for where, url in [
        ("my queue", "/desk/"),
        ("team queue", "/desk/claims/"),
        ("team queue search", "/desk/claims/?q=script"),
        ("article page", f"/desk/articles/{article.pk}/"),
        ("article list", "/desk/articles/"),
    ]:
        assert_escaped(html(client.get(url)), where)


def test_search_text_is_escaped_in_the_filter_form(client_for: Any, checker: Any, desk_defaults: None) -> None:
    page = html(client_for(checker).get("/desk/claims/", {"q": PAYLOAD, "claimant": PAYLOAD}))
    assert_escaped(page, "filter form")


def test_errors_echo_input_escaped(claim: Claim, client_for: Any, checker: Any) -> None:
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/evidence/", {"url": f"javascript:{PAYLOAD}", "note": PAYLOAD, "stance": "context"}
    )
    assert response.status_code == 422
    assert_escaped(html(response), "evidence form errors")


# --- Query budgets: a page's query count does not grow with its rows


def desk_person(group: str = workflow.CHECKERS_GROUP) -> Any:
    return UserFactory(groups=[group])


@pytest.mark.parametrize(
    "url", ["/desk/claims/", "/desk/claims/?state=assigned&q=militants", "/desk/claims/?overdue=on"]
)
def test_team_queue_query_count_does_not_grow(
    url: str, make_claim: Any, client_for: Any, checker: Any, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            # Each row with its own assignee and article, so a lookup per row would show.
            make_claim(
                state=State.ASSIGNED,
                researcher=desk_person(),
                due_on=timezone.localdate() - timedelta(days=1 + i),
            )

    client = client_for(checker)
    add(3)
    with django_assert_max_num_queries(10) as few:
        assert table_rows(html(client.get(url))) == 3
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert table_rows(html(client.get(url))) == 25


def test_my_queue_query_count_does_not_grow(
    make_claim: Any, client_for: Any, checker: Any, editor: Any, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            other = desk_person()
            make_claim(state=State.RESEARCHING, researcher=checker)
            make_claim(state=State.IN_REVIEW, researcher=other)  # needs a reviewer
            claim = make_claim(state=State.RESEARCHING, researcher=other)
            add_research(claim, other)
            claim.transition("submit", by=other, expected_state="researching", params=workflow.Params(person=checker))
            ClaimFactory()  # unassigned

    client = client_for(checker)
    add(1)
    with django_assert_max_num_queries(10) as few:
        response = client.get("/desk/")
    rows = sum(len(response.context[key]) for key in ("researching", "reviewing", "needing_reviewer", "unassigned"))
    assert rows == 4
    add(9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/desk/")
    rows = sum(len(response.context[key]) for key in ("researching", "reviewing", "needing_reviewer", "unassigned"))
    assert rows == 40


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_claim_page_query_count_does_not_grow(
    headers: dict[str, str], claim: Claim, client_for: Any, checker: Any, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            # Each row by someone else, so a lookup per row would show.
            i = Evidence.objects.count()
            claim.add_evidence(
                by=desk_person(workflow.EDITORS_GROUP), url=f"https://example.org/report-{i}", stance="context"
            )
            claim.comment(by=desk_person(), text=f"Comment {i}")

    client = client_for(checker)
    add(3)
    with django_assert_max_num_queries(16) as few:
        page = html(client.get(f"/desk/claims/{claim.pk}/", **headers))
    assert page.count('class="evidence-item') == 3
    add(17)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(client.get(f"/desk/claims/{claim.pk}/", **headers))
    assert page.count('class="evidence-item') == 20
    assert page.count('class="activity-comment"') == 20


def test_published_claim_page_query_count_does_not_grow_with_versions(
    make_claim: Any, client_for: Any, editor: Any, django_assert_max_num_queries: Any
) -> None:
    claim = make_claim(state=State.PUBLISHED)
    ratings = list(Rating.objects.all())

    def correct(n: int) -> None:
        for i in range(n):
            claim.transition(
                "correct",
                by=desk_person(workflow.EDITORS_GROUP),
                expected_state="published",
                params=workflow.Params(
                    note=f"Correction {i}", verdict={"rating": ratings[i % len(ratings)], "summary": f"Summary {i}"}
                ),
            )

    client = client_for(editor)
    correct(2)
    with django_assert_max_num_queries(16) as few:
        client.get(f"/desk/claims/{claim.pk}/")
    correct(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(client.get(f"/desk/claims/{claim.pk}/"))
    assert "Correction 14" in page
