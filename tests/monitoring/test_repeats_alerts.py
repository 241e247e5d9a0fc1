"""A new repeat raises one alert: to every editor and the claim's
researcher (a setting), never to whoever caused the run, worded with who
said it, the rating and the verdict's date. Matching the same article
again raises none. A weak match is listed without an alert. The kind can be
turned off by email like every other, and a real worker emails it once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from claims.models import Notification, Profile, Repeat
from claims.monitoring.repeats import find_repeats
from tests.conftest import UserFactory
from tests.monitoring.repeats_helpers import REWORDED, VERDICT, article_saying, find_in
from tests.notifications import conftest as notification_fixtures

# The mail worker and the personas' addresses of the notifications' tests.
mail_worker = notification_fixtures.mail_worker
with_emails = notification_fixtures.with_emails

pytestmark = pytest.mark.django_db


def alerts() -> list[Notification]:
    return list(Notification.objects.filter(kind=Notification.Kind.REPEAT).select_related("recipient"))


def told() -> list[str]:
    return sorted(row.recipient.username for row in alerts())


def test_a_repeat_alerts_the_editors_and_the_researcher_once(
    publish: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    UserFactory(username="editor2", groups=["Editors"])
    verdict = publish(text=VERDICT, rating="False")  # researched by `checker`, reviewed by `second_checker`
    article = article_saying(REWORDED, by=second_checker)
    [repeat] = find_in(article)
    assert told() == ["checker", "editor", "editor2"]
    for row in alerts():
        assert row.claim_id == verdict.pk
        assert row.actor is None
    published_on = date_format(timezone.localtime(verdict.current_verdict.published_at).date(), "j F Y")
    assert alerts()[0].text.startswith(f"Lt Gen Asim Bajwa repeated a claim we rated False on {published_on}")

    # Polled again, matched again: nothing new, nobody told twice.
    assert find_in(article) == []
    assert find_in(article) == []
    assert list(Repeat.objects.all()) == [repeat]
    assert len(alerts()) == 3
    # The same claim in another article is another repeat, with its own alert.
    assert len(find_in(article_saying(REWORDED, by=checker))) == 1
    assert len(alerts()) == 6


def test_whoever_caused_the_run_is_not_told(publish: Any, checker: Any, editor: Any) -> None:
    publish(text=VERDICT)
    article = article_saying(REWORDED, by=editor)
    find_in(article, by=editor)
    assert told() == ["checker"]


def test_the_researcher_is_told_only_if_the_desk_wants_it(publish: Any, checker: Any, settings: Any) -> None:
    settings.REPEAT_ALERT_RESEARCHER = False
    publish(text=VERDICT)
    find_in(article_saying(REWORDED, by=checker))
    assert told() == ["editor"]


def test_without_a_named_speaker_the_outlet_repeated_it(publish: Any, checker: Any) -> None:
    publish(text=VERDICT, rating="Mostly false")
    find_in(article_saying("More than 3,500 militants have been killed in the operation.", by=checker))
    assert alerts()[0].text.startswith("Sample Times repeated a claim we rated Mostly false on ")


def test_a_weak_match_is_listed_but_raises_no_alert(publish: Any, checker: Any, settings: Any) -> None:
    publish(text=VERDICT)
    settings.REPEAT_ALERT_MIN_SCORE = 0.99
    [repeat] = find_in(article_saying(REWORDED, by=checker))
    assert repeat.status == Repeat.Status.FOUND
    assert alerts() == []


def test_the_kind_is_among_the_emails_one_can_turn_off(
    publish: Any, checker: Any, editor: Any, client_for: Any
) -> None:
    editor.email, checker.email = "editor@example.org", "checker@example.org"
    editor.save(update_fields=["email"])
    checker.save(update_fields=["email"])
    page = client_for(editor).get("/desk/me/").content.decode()
    assert 'value="repeat"' in page
    Profile.objects.create(user=editor, email_off=["repeat"])
    publish(text=VERDICT)
    find_in(article_saying(REWORDED, by=checker))
    emails = {row.recipient.username: row.email for row in alerts()}
    assert emails == {"editor": Notification.Email.OFF, "checker": Notification.Email.PENDING}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("with_emails")
def test_a_worker_emails_each_alert_once(mail_worker: Any, publish: Any, checker: Any, settings: Any) -> None:
    settings.SITE_URL = "https://desk.example.org"
    verdict = publish(text=VERDICT)
    article = article_saying(REWORDED, by=checker)
    find_in(article)
    deadline = time.monotonic() + 20
    while len(repeat_emails()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(message.to[0] for message in repeat_emails()) == ["checker@example.org", "editor@example.org"]
    assert all(f"/desk/claims/{verdict.pk}/" in message.body for message in repeat_emails())
    find_in(article)
    time.sleep(1)
    assert len(repeat_emails()) == 2


def repeat_emails() -> list[Any]:
    # The publication's own emails arrive too, in their time.
    return [message for message in mail.outbox if "repeated a claim we rated False" in message.body]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks: one writer at a time anyway")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_on_one_article_alert_once(publish: Any, checker: Any) -> None:
    publish(text=VERDICT)
    article = article_saying(REWORDED, by=checker)
    candidates = article.spotting().candidates
    start = threading.Barrier(2)
    found: list[int] = []

    def run() -> None:
        try:
            start.wait()
            found.append(len(find_repeats(article, candidates)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(found) == [0, 1]
    assert Repeat.objects.count() == 1
    assert told() == ["checker", "editor"]


def test_the_alert_opens_the_repeats_list(publish: Any, checker: Any, editor: Any, client_for: Any) -> None:
    publish(text=VERDICT)
    find_in(article_saying(REWORDED, by=checker))
    alert = editor.notifications.get(kind=Notification.Kind.REPEAT)
    response = client_for(editor).get(f"/desk/notifications/{alert.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/repeats/"
    alert.refresh_from_db()
    assert alert.read_at is not None


def test_a_researcher_who_left_is_not_told(publish: Any, checker: Any) -> None:
    publish(text=VERDICT)
    checker.is_active = False
    checker.save(update_fields=["is_active"])
    find_in(article_saying(REWORDED, by=checker))
    assert told() == ["editor"]
