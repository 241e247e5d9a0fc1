"""Each person's settings (/desk/me/): their time zone, which the desk then
shows every date in, and the emails they want. A zone nobody knows is
refused with a clear message, and nothing changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from claims.models import Activity, Notification, Profile
from claims.models.notifications import notify

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_defaults_and_links_to_security(checker: Any, client_for: Any) -> None:
    response = client_for(checker).get("/desk/me/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/accounts/security/"' in body
    assert '<option value="Asia/Karachi">' in body
    assert "Now: UTC." in body
    assert body.count('type="checkbox"') == len(Notification.Kind.values)
    assert body.count("checked") == len(Notification.Kind.values)  # every email on
    assert not Profile.objects.exists()  # reading makes no row


def test_choosing_a_zone_and_turning_emails_off(checker: Any, client_for: Any) -> None:
    client = client_for(checker)
    kept = [kind for kind in Notification.Kind.values if kind not in ("approved", "source")]
    response = client.post("/desk/me/", {"time_zone": "Asia/Karachi", "emails": kept})
    assert response.status_code == 302
    profile = Profile.objects.get(user=checker)
    assert profile.time_zone == "Asia/Karachi"
    assert sorted(profile.email_off) == ["approved", "source"]
    body = client.get("/desk/me/").content.decode()
    assert "Your settings are saved." in body
    assert "Times in Asia/Karachi" in body


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "<script>alert(1)</script>", "utc ", "../../etc/passwd"])
def test_an_unknown_zone_is_refused_and_nothing_changes(zone: str, checker: Any, client_for: Any) -> None:
    Profile.objects.create(user=checker, time_zone="Europe/Paris", email_off=["mention"])
    response = client_for(checker).post("/desk/me/", {"time_zone": zone, "emails": []})
    assert response.status_code == 422
    body = response.content.decode()
    assert "is not a time zone we know" in body
    assert "<script>alert(1)</script>" not in body
    profile = Profile.objects.get(user=checker)
    assert (profile.time_zone, profile.email_off) == ("Europe/Paris", ["mention"])


def test_an_unknown_email_kind_is_refused(checker: Any, client_for: Any) -> None:
    response = client_for(checker).post("/desk/me/", {"time_zone": "", "emails": ["everything"]})
    assert response.status_code == 422
    assert not Profile.objects.exists()


def test_an_outsider_has_no_desk_settings(outsider: Any, client_for: Any) -> None:
    client = client_for(outsider)
    assert client.post("/desk/me/", {"time_zone": "Asia/Karachi"}).status_code == 403
    assert not Profile.objects.exists()


def test_desk_dates_show_in_the_persons_zone(
    make_claim: Any, checker: Any, editor: Any, second_checker: Any, client_for: Any
) -> None:
    claim = make_claim()
    noon_utc = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    [row] = notify("mention", claim, [checker], actor=editor, text="At noon UTC")
    Notification.objects.filter(pk=row.pk).update(created_at=noon_utc)

    karachi = client_for(checker)
    karachi.post("/desk/me/", {"time_zone": "Asia/Karachi", "emails": []})
    body = karachi.get("/desk/notifications/").content.decode()
    assert "1 Mar 2026 17:00" in body  # UTC+5
    assert "Times in Asia/Karachi" in body
    claim.comment(by=editor, text="Now.")
    written = Activity.objects.get(claim=claim, action="comment").created_at.astimezone(ZoneInfo("Asia/Karachi"))
    body = karachi.get(f"/desk/claims/{claim.pk}/").content.decode()
    assert f"{written.day} {written:%b %H:%M}</time>" in body

    default = client_for(second_checker)
    notify("mention", claim, [second_checker], actor=editor, text="Also at noon")
    Notification.objects.filter(recipient=second_checker).update(created_at=noon_utc)
    body = default.get("/desk/notifications/").content.decode()
    assert "1 Mar 2026 12:00" in body
    assert "Times in UTC" in body


def test_a_zone_chosen_before_logging_in_is_used_from_the_first_page(
    make_claim: Any, checker: Any, editor: Any, client_for: Any
) -> None:
    Profile.objects.create(user=checker, time_zone="America/New_York")
    [row] = notify("mention", make_claim(), [checker], actor=editor, text="At noon UTC")
    Notification.objects.filter(pk=row.pk).update(created_at=datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
    body = client_for(checker).get("/desk/notifications/").content.decode()
    assert "10 Jan 2026 07:00" in body


def test_readers_pages_keep_the_desks_zone(publish: Any, checker: Any, client_for: Any, settings: Any) -> None:
    claim = publish()
    Profile.objects.create(user=checker, time_zone="Pacific/Kiritimati")  # UTC+14
    client = client_for(checker)
    client.get("/desk/")
    client.get(f"/verdicts/{claim.slug}/")
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE  # and none leaks to the next request
