"""The desk's Repeats list: every desk member reads it (newest first, paged,
by status, one view for the page and its HTMX fragment); editors confirm or
dismiss a repeat in place, logged on the claim, from the right status only:
a stale form or a second click is told what happened and changes nothing.
Sentences and titles are escaped, and read in their own direction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Activity, Repeat
from tests.monitoring.repeats_helpers import VERDICT, make_repeat
from tests.public.conftest import PAYLOADS
from tests.test_content_security_policy import assert_obeys_the_policy
from tests.test_text_direction import assert_in_own_direction

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ARABIC = "قال الجنرال إن أكثر من ٣٥٠٠ مسلح قتلوا في العملية"


@pytest.fixture
def repeat(publish: Any, checker: Any) -> Repeat:
    verdict = publish(text=VERDICT, rating="False")
    return make_repeat(verdict, by=checker, url="https://news.example.com/briefing", title="Army briefing")


def act(client: Any, repeat: Repeat, action: str, status: str, **headers: str) -> Any:
    data = {"status": status, "listed": "found"}
    return client.post(f"/desk/repeats/{repeat.pk}/{action}/", data, **headers)


def test_the_list_shows_the_sentence_its_article_and_the_verdict(repeat: Repeat, checker: Any, client_for: Any) -> None:
    response = client_for(checker).get("/desk/repeats/")
    page = response.content.decode()
    assert response.status_code == 200
    assert repeat.sentence in page
    assert f'href="/desk/articles/{repeat.article_id}/"' in page
    assert 'href="https://news.example.com/briefing"' in page
    assert f'href="/verdicts/{repeat.claim.slug}/"' in page
    assert f'href="/desk/claims/{repeat.claim_id}/"' in page
    assert "False" in page
    assert "alike 0.60" in page
    assert '<a href="/desk/repeats/">' in page  # the navigation
    assert_obeys_the_policy(response)


def test_a_checker_reads_but_may_not_decide(repeat: Repeat, checker: Any, client_for: Any) -> None:
    client = client_for(checker)
    page = client.get("/desk/repeats/").content.decode()
    assert "Only editors confirm or dismiss repeats" in page
    assert "/confirm/" not in page
    response = act(client, repeat, "confirm", "found", **HTMX)
    assert response.status_code == 403
    assert "Only editors confirm or dismiss repeats." in response.content.decode()
    repeat.refresh_from_db()
    assert repeat.status == Repeat.Status.FOUND
    assert not Activity.objects.filter(action__startswith="repeat_").exists()


def test_outsiders_and_strangers_are_kept_out(repeat: Repeat, outsider: Any, client_for: Any, client: Any) -> None:
    assert client_for(outsider).get("/desk/repeats/").status_code == 403
    assert act(client_for(outsider), repeat, "confirm", "found").status_code == 403
    assert client.get("/desk/repeats/").status_code == 302
    assert act(client, repeat, "confirm", "found").status_code == 302
    repeat.refresh_from_db()
    assert repeat.status == Repeat.Status.FOUND


def test_an_editor_confirms_in_place_and_it_is_logged(repeat: Repeat, editor: Any, client_for: Any) -> None:
    response = act(client_for(editor), repeat, "confirm", "found", **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith(f'<li id="repeat-{repeat.pk}"')
    assert "Confirmed" in fragment
    assert "/confirm/" not in fragment  # what is left to do: dismiss
    assert "/dismiss/" in fragment
    repeat.refresh_from_db()
    assert (repeat.status, repeat.decided_by) == (Repeat.Status.CONFIRMED, editor)
    [entry] = Activity.objects.filter(claim=repeat.claim, action="repeat_confirmed")
    assert entry.actor == editor
    assert entry.label == "Confirmed a repeat"
    assert "Army briefing" in entry.note
    assert repeat.sentence in entry.note


def test_a_second_click_or_a_stale_form_changes_nothing(
    repeat: Repeat, editor: Any, client_for: Any, django_user_model: Any
) -> None:
    client = client_for(editor)
    assert act(client, repeat, "confirm", "found", **HTMX).status_code == 200
    decided = Repeat.objects.get(pk=repeat.pk).decided_at
    # The same form sent again, and a dismissal drawn before the confirmation.
    for action in ("confirm", "dismiss"):
        response = act(client, repeat, action, "found", **HTMX)
        assert response.status_code == 409
        assert "This repeat is confirmed now (by" in response.content.decode()
    # A form that claims the repeat is what it is going to be.
    assert act(client, repeat, "confirm", "confirmed", **HTMX).status_code == 409
    assert act(client, repeat, "confirm", "nonsense", **HTMX).status_code == 409
    repeat.refresh_from_db()
    assert (repeat.status, repeat.decided_at) == (Repeat.Status.CONFIRMED, decided)
    assert Activity.objects.filter(action__startswith="repeat_").count() == 1


def test_a_confirmed_repeat_can_be_dismissed_and_back(repeat: Repeat, editor: Any, client_for: Any) -> None:
    client = client_for(editor)
    act(client, repeat, "confirm", "found", **HTMX)
    assert act(client, repeat, "dismiss", "confirmed", **HTMX).status_code == 200
    assert Repeat.objects.get(pk=repeat.pk).status == Repeat.Status.DISMISSED
    assert act(client, repeat, "confirm", "dismissed", **HTMX).status_code == 200
    logged = Activity.objects.filter(action__startswith="repeat_").order_by("pk")
    assert list(logged.values_list("action", flat=True)) == ["repeat_confirmed", "repeat_dismissed", "repeat_confirmed"]


def test_without_htmx_the_post_returns_to_the_list(repeat: Repeat, editor: Any, client_for: Any) -> None:
    client = client_for(editor)
    response = act(client, repeat, "dismiss", "found")
    assert response.status_code == 302
    assert response["Location"] == "/desk/repeats/?status=found"
    page = client.get("/desk/repeats/?status=dismissed").content.decode()
    assert "Dismissed." in page  # the message, shown once back on the list
    assert repeat.sentence in page
    assert act(client, repeat, "undo", "found").status_code == 404


def test_the_list_filters_by_status_pages_and_serves_its_fragment(
    publish: Any, checker: Any, editor: Any, client_for: Any, settings: Any
) -> None:
    settings.DESK_PAGE_SIZE = 2
    verdict = publish(text=VERDICT)
    sentences = [f"Officials said {3500 + i} militants had been killed in the operation." for i in range(3)]
    made = [make_repeat(verdict, by=checker, sentence=sentence) for sentence in sentences]
    made[0].dismiss(by=editor, expected="found")
    client = client_for(checker)
    page = client.get("/desk/repeats/").content.decode()
    assert 0 < page.index(sentences[2]) < page.index(sentences[1])  # newest first, new ones by default
    assert sentences[0] not in page
    assert "2 repeats" in page
    assert sentences[0] in client.get("/desk/repeats/?status=dismissed").content.decode()
    every = client.get("/desk/repeats/?status=all")
    assert "Page 1 of 2" in every.content.decode()
    assert sentences[0] in client.get("/desk/repeats/?status=all&page=2").content.decode()
    fragment = client.get("/desk/repeats/?status=dismissed", **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="results">')
    assert "<html" not in fragment
    assert sentences[0] in fragment
    assert "2 repeats" in client.get("/desk/repeats/?status=bogus").content.decode()  # the new ones


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sentences_and_titles_are_escaped(payload: str, publish: Any, checker: Any, client_for: Any) -> None:
    verdict = publish(text=VERDICT)
    sentence = f"Officials said 3,500 militants had been killed in the operation {payload}."
    make_repeat(verdict, by=checker, sentence=sentence, title=f"Briefing {payload}", outlet=payload)
    page = client_for(checker).get("/desk/repeats/").content.decode()
    assert payload not in page
    assert "alert(1)" in page  # shown, as text


def test_arabic_reads_in_its_own_direction(publish: Any, checker: Any, client_for: Any) -> None:
    verdict = publish(text=VERDICT)
    make_repeat(verdict, by=checker, sentence=f"{ARABIC}.", title="بيان الجيش", outlet="صحيفة")
    page = client_for(checker).get("/desk/repeats/").content.decode()
    assert_in_own_direction(page, ARABIC, "بيان الجيش", "صحيفة")


def test_the_list_asks_no_more_as_repeats_grow(publish: Any, checker: Any, editor: Any, client_for: Any) -> None:
    client = client_for(editor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/desk/repeats/?status=all").status_code == 200
        return len(captured.captured_queries)

    make_repeat(publish(text=VERDICT), by=checker)
    few = queries()
    for i in range(6):
        make_repeat(publish(text=f"{VERDICT} Case {i}."), by=checker).confirm(by=editor, expected="found")
    assert queries() <= few <= 12
