"""Who may open what, and who may do what, over HTTP, for every address the
URLconf has. A new view without an entry in these tables fails
`test_every_address_is_in_the_table`.

Roles: anonymous, outsider (logged in, in no group), checker (the claim's
researcher), second_checker (a colleague), editor. Expected statuses: 200 a
page, 302 a redirect (after a change; to the log-in page for anonymous
people), 403 refused, 405 the wrong method."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from claims import workflow
from claims.models import (
    Activity,
    Article,
    Claim,
    Claimant,
    DeskPolicy,
    Evidence,
    NewsSentence,
    Outlet,
    Rating,
    Source,
    store_snapshot,
)
from tests.conftest import ArticleFactory, add_research, log_in

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "checker", "second_checker", "editor")
DESK = {"anonymous": "login", "outsider": 403, "checker": 200, "second_checker": 200, "editor": 200}
PUBLIC = dict.fromkeys(ROLES, 200)
POST_ONLY = dict.fromkeys(ROLES, 405)


@pytest.fixture
def world(make_claim: Any, publish: Any, checker: Any) -> dict[str, Any]:
    """A claim being researched by `checker`, citing a fetched source and an
    offline one; an article given by URL; a published claim."""
    body = b"<html><title>Report</title><p>309 people</p></html>"
    sha256 = hashlib.sha256(body).hexdigest()
    source = Source.objects.create(
        url="https://example.org/report",
        status=Source.Status.FETCHED,
        content_type="text/html",
        sha256=sha256,
        snapshot=store_snapshot(body, sha256),
    )
    claim = make_claim(state="researching")
    # Its quote was not found in the page (a scan, say): checked by hand, once.
    cited = Evidence.objects.create(
        claim=claim, source=source, quote="309 people", added_by=checker, quote_check=Evidence.QuoteCheck.NOT_FOUND
    )
    offline = Evidence.objects.create(claim=claim, offline_source="Interview", added_by=checker)
    article = ArticleFactory(url="https://example.org/story", source=source)
    published = publish(claimant="Lt Gen Asim Bajwa")
    outlet = Outlet.objects.create(name="Sample Times", url="https://example.org/rss.xml")
    news = NewsSentence.objects.create(
        article=article, outlet=outlet, start=0, sentence="309 people were held.", score=70
    )
    return {
        "news": news,
        "claim": claim,
        "cited": cited,
        "offline": offline,
        "source": source,
        "article": article,
        "published": published,
    }


# --- GET: every named address, its path from the world, and who may open it.

GETS: dict[str, tuple[Callable[[dict[str, Any]], str], dict[str, Any]]] = {
    "desk:my_queue": (lambda w: "/desk/", DESK),
    "desk:team_queue": (lambda w: "/desk/claims/", DESK),
    "desk:team_queue_bulk": (lambda w: "/desk/claims/bulk/", POST_ONLY),
    "desk:team_queue_csv": (lambda w: "/desk/claims/export.csv", DESK),
    "desk:published_csv": (lambda w: "/desk/verdicts.csv", DESK),
    "desk:dashboard": (lambda w: "/desk/dashboard/", DESK),
    "desk:claim_new": (lambda w: "/desk/claims/new/", DESK),
    "desk:similar_claims": (lambda w: "/desk/claims/similar/?text=309+people+were+arrested", DESK),
    "desk:claim": (lambda w: f"/desk/claims/{w['claim'].pk}/", DESK),
    "desk:claim_transition": (lambda w: f"/desk/claims/{w['claim'].pk}/act/take/", POST_ONLY),
    "desk:claim_evidence": (lambda w: f"/desk/claims/{w['claim'].pk}/evidence/", POST_ONLY),
    "desk:claim_evidence_remove": (
        lambda w: f"/desk/claims/{w['claim'].pk}/evidence/{w['offline'].pk}/remove/",
        POST_ONLY,
    ),
    # Without HTMX, the polled fragment sends the browser to the claim page.
    "desk:evidence_item": (
        lambda w: f"/desk/claims/{w['claim'].pk}/evidence/{w['cited'].pk}/",
        {**DESK, "checker": 302, "second_checker": 302, "editor": 302},
    ),
    "desk:evidence_refetch": (
        lambda w: f"/desk/claims/{w['claim'].pk}/evidence/{w['cited'].pk}/refetch/",
        POST_ONLY,
    ),
    "desk:claim_verdict": (lambda w: f"/desk/claims/{w['claim'].pk}/verdict/", POST_ONLY),
    # A colleague may change a researched claim's priority and due date, not its evidence.
    "desk:claim_edit": (lambda w: f"/desk/claims/{w['claim'].pk}/edit/", DESK),
    "desk:evidence_edit": (
        lambda w: f"/desk/claims/{w['claim'].pk}/evidence/{w['offline'].pk}/edit/",
        {**DESK, "second_checker": 403},
    ),
    "desk:article_edit": (lambda w: f"/desk/articles/{w['article'].pk}/edit/", DESK),
    "desk:claim_conflict": (lambda w: f"/desk/claims/{w['claim'].pk}/conflict/", POST_ONLY),
    "desk:evidence_hand_check": (
        lambda w: f"/desk/claims/{w['claim'].pk}/evidence/{w['cited'].pk}/hand-check/",
        POST_ONLY,
    ),
    "desk:settings": (lambda w: "/desk/settings/", {**DESK, "checker": 403, "second_checker": 403}),
    "desk:claim_comment": (lambda w: f"/desk/claims/{w['claim'].pk}/comment/", POST_ONLY),
    "desk:claim_activity": (lambda w: f"/desk/claims/{w['claim'].pk}/activity/", DESK),
    "desk:source": (lambda w: f"/desk/sources/{w['source'].pk}/", DESK),
    "desk:source_snapshot": (lambda w: f"/desk/sources/{w['source'].pk}/snapshot/", DESK),
    "desk:claimants": (lambda w: "/desk/claimants/", DESK),
    "desk:suggestions": (lambda w: "/desk/suggestions/", DESK),
    "desk:suggestion_act": (lambda w: "/desk/suggestions/1/make/", POST_ONLY),
    "desk:partners": (lambda w: "/desk/partners/", DESK),
    "desk:outlets": (lambda w: "/desk/outlets/", DESK),
    "desk:outlet_act": (lambda w: "/desk/outlets/1/pause/", POST_ONLY),
    "desk:news": (lambda w: "/desk/news/", DESK),
    # Without HTMX, a sentence's row sends the browser to the list.
    "desk:news_item": (
        lambda w: f"/desk/news/{w['news'].pk}/",
        {**DESK, "checker": 302, "second_checker": 302, "editor": 302},
    ),
    "desk:news_dismiss": (lambda w: f"/desk/news/{w['news'].pk}/dismiss/", POST_ONLY),
    "desk:news_claim": (lambda w: f"/desk/news/{w['news'].pk}/claim/", DESK),
    "desk:repeats": (lambda w: "/desk/repeats/", DESK),
    "desk:repeat_act": (lambda w: "/desk/repeats/1/confirm/", POST_ONLY),
    "desk:partner_refresh": (lambda w: "/desk/partners/1/refresh/", POST_ONLY),
    "desk:partner_delete": (lambda w: "/desk/partners/1/delete/", POST_ONLY),
    "desk:article_list": (lambda w: "/desk/articles/", DESK),
    "desk:article_new": (lambda w: "/desk/articles/new/", DESK),
    "desk:article": (lambda w: f"/desk/articles/{w['article'].pk}/", DESK),
    "desk:article_refetch": (lambda w: f"/desk/articles/{w['article'].pk}/refetch/", POST_ONLY),
    # The article's one sentence starts at 0. Without HTMX, a sentence's entry
    # sends the browser to its place on the article page.
    "desk:article_sentence": (
        lambda w: f"/desk/articles/{w['article'].pk}/sentences/0/",
        {**DESK, "checker": 302, "second_checker": 302, "editor": 302},
    ),
    "desk:article_sentence_claim": (lambda w: f"/desk/articles/{w['article'].pk}/sentences/0/claim/", DESK),
    "desk:notifications": (lambda w: "/desk/notifications/", DESK),
    "desk:notification_count": (lambda w: "/desk/notifications/count/", DESK),
    "desk:notifications_read_all": (lambda w: "/desk/notifications/read/", POST_ONLY),
    # The checker's own (the published claim's researcher): sent on to its
    # claim; anyone else's is not there for them.
    "desk:notification_open": (
        lambda w: f"/desk/notifications/{w['published'].notifications.get(recipient__username='checker').pk}/",
        {**DESK, "checker": 302, "second_checker": 404, "editor": 404},
    ),
    "desk:notification_read": (
        lambda w: f"/desk/notifications/{w['published'].notifications.get(recipient__username='checker').pk}/read/",
        POST_ONLY,
    ),
    "desk:me": (lambda w: "/desk/me/", DESK),
    # A mention's link: the team queue of that person's claims.
    "desk:person": (lambda w: "/desk/people/checker/", {**DESK, "checker": 302, "second_checker": 302, "editor": 302}),
    "public:verdicts": (lambda w: "/verdicts/", PUBLIC),
    "public:verdicts_json": (lambda w: "/verdicts.json", PUBLIC),
    "public:feed": (lambda w: "/verdicts/feed/", PUBLIC),
    "public:atom": (lambda w: "/verdicts/atom/", PUBLIC),
    "public:verdict": (lambda w: f"/verdicts/{w['published'].slug}/", PUBLIC),
    "public:verdict_version": (lambda w: f"/verdicts/{w['published'].slug}/v/1/", PUBLIC),
    "public:bundle": (lambda w: f"/verdicts/{w['published'].slug}/bundle.zip", PUBLIC),
    "public:claimant": (lambda w: f"/claimants/{w['published'].speaker.slug}/", PUBLIC),
    # A source only a draft cites is not the public's to download.
    "public:snapshot": (lambda w: f"/sources/{w['source'].pk}/snapshot/", dict.fromkeys(ROLES, 404)),
    "public:sitemap": (lambda w: "/sitemap.xml", PUBLIC),
    "public:rating_styles": (lambda w: "/ratings.css", PUBLIC),
    "public:suggest": (lambda w: "/suggest/", PUBLIC),
    "public:suggest_thanks": (lambda w: "/suggest/thanks/", PUBLIC),
    "public:sitemap_section": (lambda w: "/sitemap-verdicts.xml", PUBLIC),
    "login": (lambda w: "/accounts/login/", PUBLIC),
    "logout": (lambda w: "/accounts/logout/", POST_ONLY),
    "password_change": (lambda w: "/accounts/password_change/", {**DESK, "outsider": 200}),
    "password_change_done": (lambda w: "/accounts/password_change/done/", {**DESK, "outsider": 200}),
    # Nobody here owes a second factor (the editor has given it): sent on.
    "two_factor_check": (lambda w: "/accounts/two-factor/", {**dict.fromkeys(ROLES, 302), "anonymous": "login"}),
    "two_factor_setup": (lambda w: "/accounts/two-factor/setup/", {**DESK, "outsider": 200}),
    "security": (lambda w: "/accounts/security/", {**DESK, "outsider": 200}),
}


def named_addresses(patterns: list[Any], namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin's own permissions: test_the_admin_offers_editors_only_what_they_manage
            names |= named_addresses(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_address_is_in_the_table() -> None:
    assert named_addresses(get_resolver().url_patterns) == set(GETS)


def assert_answer(response: Any, expected: Any) -> None:
    """`expected`: a status, or "login" for the redirect to the log-in page."""
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected


def client_as(role: str, request: Any) -> Client:
    client = Client()
    if role != "anonymous":
        log_in(client, request.getfixturevalue(role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(GETS))
def test_who_may_open_what(name: str, role: str, world: dict[str, Any], request: Any) -> None:
    path, expected = GETS[name]
    response = client_as(role, request).get(path(world))
    assert_answer(response, expected[role])


# --- POST: every action on a claim, from the state it starts in.

PEOPLE = ("anonymous", "outsider", "checker", "second_checker", "editor")
ANYONE_ON_THE_DESK = ("login", 403, 302, 302, 302)
THE_RESEARCHER = ("login", 403, 302, 403, 302)
A_REVIEWER = ("login", 403, 403, 302, 302)
AN_EDITOR = ("login", 403, 403, 403, 302)

ACTIONS = {
    "take": ("submitted", {}, ANYONE_ON_THE_DESK),
    "assign": ("submitted", {"person": "second_checker"}, ANYONE_ON_THE_DESK),
    "reassign": ("assigned", {"person": "second_checker"}, ANYONE_ON_THE_DESK),
    "reject": ("submitted", {"note": "Not checkable."}, ANYONE_ON_THE_DESK),
    "reopen": ("rejected", {}, ANYONE_ON_THE_DESK),
    "mark_duplicate": ("submitted", {"original": True}, ANYONE_ON_THE_DESK),
    "start": ("assigned", {}, THE_RESEARCHER),
    "submit": ("researching", {}, THE_RESEARCHER),
    "request_changes": ("in_review", {"note": "Add a source."}, A_REVIEWER),
    "approve": ("in_review", {}, A_REVIEWER),
    "publish": ("approved", {}, AN_EDITOR),
    "send_back": ("approved", {"note": "More sources."}, AN_EDITOR),
    "correct": ("published", {"note": "New figures.", "verdict": True}, AN_EDITOR),
    "retract": ("published", {"note": "Wrong claim."}, AN_EDITOR),
}


def test_every_action_is_in_the_table() -> None:
    assert set(ACTIONS) == set(workflow.ACTIONS)


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_who_may_take_each_action(
    action: str, role: str, make_claim: Any, checker: Any, request: Any, rating: Rating
) -> None:
    state, params, expected = ACTIONS[action]
    claim = make_claim(state=state)
    if action == "submit":
        add_research(claim, checker)
    data = {f"{action}-state": state, f"{action}-revision": claim.revision}
    if "note" in params:
        data[f"{action}-note"] = params["note"]
    if "person" in params:
        data[f"{action}-person"] = request.getfixturevalue(params["person"]).pk
    if params.get("original"):
        data[f"{action}-original"] = Claim.objects.add(by=checker, text="The same claim, said before.").pk
    if params.get("verdict"):
        data.update({f"{action}-rating": rating.pk, f"{action}-summary": "Corrected.", f"{action}-explanation": ""})

    response = client_as(role, request).post(f"/desk/claims/{claim.pk}/act/{action}/", data)

    status = expected[PEOPLE.index(role)]
    moved = Claim.objects.get(pk=claim.pk).revision != claim.revision
    assert_answer(response, status)
    assert moved == (status == 302 and role != "anonymous")


# --- POST: research, comments, articles and claimants.

RESEARCH = ("login", 403, 302, 403, 302)
EDITOR = ("login", 403, 403, 403, 302)
DESK_POST = ("login", 403, 302, 302, 302)


def posts(world: dict[str, Any], rating: Rating) -> dict[str, tuple[str, dict[str, Any], tuple[Any, ...]]]:
    claim, article = world["claim"], world["article"]
    return {
        "add evidence": (
            f"/desk/claims/{claim.pk}/evidence/",
            {"offline_source": "A call", "stance": "context"},
            RESEARCH,
        ),
        "remove evidence": (f"/desk/claims/{claim.pk}/evidence/{world['offline'].pk}/remove/", {}, RESEARCH),
        "save the draft": (
            f"/desk/claims/{claim.pk}/verdict/",
            {"rating": rating.pk, "summary": "No records."},
            RESEARCH,
        ),
        "comment": (f"/desk/claims/{claim.pk}/comment/", {"text": "Who has the ledger?"}, DESK_POST),
        "declare a conflict": (f"/desk/claims/{claim.pk}/conflict/", {"reason": "My sister said it."}, DESK_POST),
        "check a quote by hand": (
            f"/desk/claims/{claim.pk}/evidence/{world['cited'].pk}/hand-check/",
            {"reason": "The page is a scan; I read it."},
            RESEARCH,
        ),
        "set the desk policy": ("/desk/settings/", {"approvals_needed": 2, "min_evidence": 1, "min_sites": 1}, EDITOR),
        "fetch a source again": (f"/desk/claims/{claim.pk}/evidence/{world['cited'].pk}/refetch/", {}, DESK_POST),
        "new claim": ("/desk/claims/new/", {"text": "309 people were arrested.", "priority": 2}, DESK_POST),
        "new article": ("/desk/articles/new/", {"title": "Briefing"}, DESK_POST),
        "claim from an article": (
            f"/desk/articles/{article.pk}/",
            {"text": "516 soldiers died.", "priority": 2},
            DESK_POST,
        ),
        "fetch an article again": (f"/desk/articles/{article.pk}/refetch/", {}, DESK_POST),
        "edit a claim": (
            f"/desk/claims/{claim.pk}/edit/",
            {"revision": claim.revision, "text": "Reworded.", "priority": 1},
            DESK_POST,
        ),
        "edit evidence": (
            f"/desk/claims/{claim.pk}/evidence/{world['offline'].pk}/edit/",
            {"revision": 0, "offline_source": "A call", "stance": "context"},
            RESEARCH,
        ),
        "edit an article": (
            f"/desk/articles/{article.pk}/edit/",
            {"revision": 0, "title": "Briefing", "url": article.url},
            DESK_POST,
        ),
        "bulk action": (
            "/desk/claims/bulk/",
            {"row": f"{claim.pk}:{claim.state}:{claim.revision}", "action": "priority", "priority": 1},
            DESK_POST,
        ),
        "watch an outlet": (
            "/desk/outlets/",
            {"name": "Other Times", "url": "https://example.org/other.xml", "every": 15},
            EDITOR,
        ),
        "dismiss a news sentence": (f"/desk/news/{world['news'].pk}/dismiss/", {}, DESK_POST),
        "add a partner source": (
            "/desk/partners/",
            {"name": "PolitiFact", "kind": "verdicts-json", "urls": "https://example.org/v.json", "refresh_hours": 24},
            EDITOR,
        ),
    }


POSTS = (
    "add evidence",
    "remove evidence",
    "save the draft",
    "comment",
    "declare a conflict",
    "check a quote by hand",
    "set the desk policy",
    "fetch a source again",
    "new claim",
    "new article",
    "claim from an article",
    "fetch an article again",
    "edit a claim",
    "edit evidence",
    "edit an article",
    "bulk action",
    "add a partner source",
    "watch an outlet",
    "dismiss a news sentence",
)


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("what", POSTS)
def test_who_may_change_what(what: str, role: str, world: dict[str, Any], request: Any, rating: Rating) -> None:
    Source.objects.update(status=Source.Status.FAILED)  # a fetch may be asked for again
    path, data, expected = posts(world, rating)[what]
    counts = (Evidence.objects.count(), Claim.objects.count(), Article.objects.count(), Activity.objects.count())
    policy = DeskPolicy.current().approvals_needed
    response = client_as(role, request).post(path, data)
    status = expected[PEOPLE.index(role)]
    assert_answer(response, status)
    if status != 302 or role == "anonymous":
        assert (Evidence.objects.count(), Claim.objects.count(), Article.objects.count(), Activity.objects.count()) == (
            counts
        )
        assert DeskPolicy.current().approvals_needed == policy


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", "login"), ("outsider", 403), ("checker", 403), ("editor", 302)]
)
def test_only_editors_merge_claimants(role: str, status: Any, desk_defaults: None, request: Any) -> None:
    alias, survivor = Claimant.for_name("Asim Bajwa"), Claimant.for_name("Lt Gen Asim Bajwa")
    response = client_as(role, request).post("/desk/claimants/", {"merge": alias.pk, "into": survivor.pk})
    assert_answer(response, status)
    assert (Claimant.objects.get(pk=alias.pk).merged_into == survivor) == (status == 302)


# --- The admin: staff editors manage the scale, webhooks and claimants' names; nothing else.

EDITOR_MANAGES = {"rating", "webhook", "webhookdelivery", "claimant"}
DESK_MODELS = {"claim", "article", "source", "evidence", "verdict", "activity"}


def test_the_admin_offers_editors_only_what_they_manage(editor: Any, checker: Any, outsider: Any) -> None:
    for person in (outsider, checker, editor):
        response = client_as_user(person).get("/admin/")
        assert response.status_code == 302  # not staff
    editor.is_staff = True
    editor.save()
    client = client_as_user(editor)
    assert client.get("/admin/").status_code == 200
    for model in EDITOR_MANAGES:
        assert client.get(f"/admin/claims/{model}/").status_code == 200, model
    for model in DESK_MODELS:
        assert client.get(f"/admin/claims/{model}/").status_code == 403, model
    assert client.get("/admin/auth/user/").status_code == 403


def client_as_user(user: Any) -> Client:
    return log_in(Client(), user)
