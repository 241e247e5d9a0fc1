"""Two-factor authentication: editors and admins give a code from an
authenticator app (or a single-use recovery code) after their password,
before any page; a password alone cannot set up, move or skip the app; wrong
codes slow down and are logged; a fact-checker who sets it up is asked too."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims.models import SecurityEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-factor/setup/"
CHECK = "/accounts/two-factor/"


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():06d}"


def password_login(user: Any, **extra: str) -> Client:
    client = Client(**extra)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password step itself is unchanged"
    return client


def set_up_app(client: Client) -> tuple[TOTPDevice, list[str]]:
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(SETUP, {"code": code_for(device), "next": "/desk/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    return TOTPDevice.objects.get(pk=device.pk), codes


@pytest.fixture
def no_throttle(settings: Any) -> None:
    """Most tests give a wrong code and then a right one at once; the delay
    after a wrong code has its own test."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.mark.parametrize("path", ["/desk/", "/desk/claims/", "/admin/", "/verdicts/", "/accounts/password_change/"])
def test_an_editor_with_only_a_password_is_sent_to_set_up_the_app_from_every_page(editor: Any, path: str) -> None:
    client = password_login(editor)
    response = client.get(path)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == SETUP
    assert parse_qs(target.query)["next"] == [path]


def test_setting_up_the_app_gives_ten_recovery_codes_and_opens_the_desk(editor: Any) -> None:
    client = password_login(editor)
    page = client.get(SETUP)
    assert 'src="data:image/svg+xml' in page.content.decode()  # the QR code, no third party
    assert page["Cache-Control"].startswith("max-age=0")  # never_cache: the key is on this page
    device, codes = set_up_app(client)
    assert device.confirmed
    assert len(set(codes)) == 10
    assert client.get("/desk/").status_code == 200
    kinds = list(SecurityEvent.objects.filter(user=editor).values_list("kind", flat=True))
    assert SecurityEvent.Kind.SECOND_FACTOR_SET_UP in kinds


def test_a_wrong_code_while_setting_up_turns_nothing_on(editor: Any, no_throttle: None) -> None:
    client = password_login(editor)
    client.get(SETUP)
    device = TOTPDevice.objects.get(confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/desk/").status_code == 302


def test_at_the_next_login_the_editor_gives_the_apps_code(editor: Any, no_throttle: None) -> None:
    device, _ = set_up_app(password_login(editor))
    client = password_login(editor)
    sent = client.get("/desk/claims/?state=approved")
    assert urlsplit(sent["Location"]).path == CHECK

    wrong = client.post(CHECK, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/desk/").status_code == 302

    right = client.post(CHECK, {"code": code_for(device, steps_ahead=1), "next": "/desk/claims/?state=approved"})
    assert right["Location"] == "/desk/claims/?state=approved"
    assert client.get("/desk/").status_code == 200
    failed = SecurityEvent.objects.filter(user=editor, kind=SecurityEvent.Kind.SECOND_FACTOR_FAILED)
    assert failed.count() == 1
    assert failed.get().ip_address == "127.0.0.1"


def test_a_code_once_used_cannot_be_used_again(editor: Any, no_throttle: None) -> None:
    device, _ = set_up_app(password_login(editor))
    code = code_for(device, steps_ahead=1)
    assert password_login(editor).post(CHECK, {"code": code}).status_code == 302
    replay = password_login(editor).post(CHECK, {"code": code})
    assert replay.status_code == 200
    assert "That code is not right" in replay.content.decode()


def test_wrong_codes_slow_the_next_try_down(editor: Any) -> None:
    device, _ = set_up_app(password_login(editor))
    client = password_login(editor)
    client.post(CHECK, {"code": "999999" if code_for(device, 1) != "999999" else "888888"})
    right_away = client.post(CHECK, {"code": code_for(device, steps_ahead=1)})
    assert "Too many wrong codes" in right_away.content.decode()
    assert client.get("/desk/").status_code == 302


def test_a_recovery_code_lets_in_once(editor: Any, no_throttle: None) -> None:
    _, codes = set_up_app(password_login(editor))
    first = password_login(editor)
    assert first.post(CHECK, {"code": codes[0].upper()[:4] + "-" + codes[0][4:]}).status_code == 302
    assert first.get("/desk/").status_code == 200
    again = password_login(editor).post(CHECK, {"code": codes[0]})
    assert "has been used already" in again.content.decode()
    used = SecurityEvent.objects.get(kind=SecurityEvent.Kind.RECOVERY_CODE_USED)
    assert used.note == "9 left"


def test_new_recovery_codes_replace_the_old_ones(editor: Any, no_throttle: None) -> None:
    client = password_login(editor)
    _, old = set_up_app(client)
    page = client.post("/accounts/security/")
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert "not right" in password_login(editor).post(CHECK, {"code": old[1]}).content.decode()
    assert password_login(editor).post(CHECK, {"code": new[1]}).status_code == 302


def test_a_password_alone_cannot_move_the_app_to_another_phone(editor: Any) -> None:
    device, _ = set_up_app(password_login(editor))
    thief = password_login(editor)
    response = thief.get(SETUP)
    assert urlsplit(response["Location"]).path == CHECK
    assert thief.post(SETUP, {"code": "123456"})["Location"].startswith(CHECK)
    assert thief.post("/accounts/security/").status_code == 302
    assert list(TOTPDevice.objects.filter(user=editor)) == [device]


def test_moving_the_app_after_giving_the_code_replaces_the_old_one(editor: Any, no_throttle: None) -> None:
    client = password_login(editor)
    old, _ = set_up_app(client)
    new, _ = set_up_app(client)
    assert new.pk != old.pk
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]


def test_an_htmx_request_that_owes_the_code_is_sent_by_hx_redirect(editor: Any) -> None:
    client = password_login(editor)
    response = client.post("/desk/claims/new/", {"text": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert urlsplit(response["HX-Redirect"]).path == SETUP


def test_the_bell_on_the_setup_page_does_not_send_that_page_to_itself(editor: Any) -> None:
    """The top bar's count, asked for by the page where the code is being
    set up, answers nothing: a redirect would start the setup over."""
    client = password_login(editor)
    on_setup = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{SETUP}?next=/desk/"}
    response = client.get("/desk/notifications/count/", **on_setup)
    assert response.status_code == 204
    assert "HX-Redirect" not in response
    elsewhere = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/desk/"}
    assert urlsplit(client.get("/desk/notifications/count/", **elsewhere)["HX-Redirect"]).path == SETUP


def test_a_fragment_asked_from_a_page_sends_the_page_and_brings_it_back(editor: Any) -> None:
    client = password_login(editor)
    response = client.get(
        "/desk/notifications/count/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/desk/claims/"
    )
    assert urlsplit(response["HX-Redirect"]).path == SETUP
    assert parse_qs(urlsplit(response["HX-Redirect"]).query)["next"] == ["/desk/claims/"]


def test_the_bell_on_the_setup_page_does_not_reload_it(editor: Any) -> None:
    """The setup page's top bar asks for the bell: answering with the setup
    page again reloaded it, with a new key, for ever."""
    client = password_login(editor)
    response = client.get(
        "/desk/notifications/count/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{SETUP}?next=%2Fdesk%2F",
    )
    assert response.status_code == 204
    assert "HX-Redirect" not in response
    assert response.content == b""


def test_an_admin_gives_the_code_before_the_admin(admin_user: Any) -> None:
    client = Client()
    client.post("/admin/login/", {"username": admin_user.username, "password": "password"})
    assert urlsplit(client.get("/admin/").url).path == SETUP


def test_a_fact_checker_is_not_asked_unless_they_set_it_up(checker: Any, no_throttle: None) -> None:
    client = password_login(checker)
    assert client.get("/desk/").status_code == 200
    device, _ = set_up_app(client)
    later = password_login(checker)
    assert urlsplit(later.get("/desk/")["Location"]).path == CHECK
    assert later.post(CHECK, {"code": code_for(device, 1)}).status_code == 302
    assert later.get("/desk/").status_code == 200


def test_removing_the_app_ends_the_sessions_it_verified(editor: Any) -> None:
    client = password_login(editor)
    device, _ = set_up_app(client)
    assert client.get("/desk/").status_code == 200
    device.delete()  # an admin, for someone who lost their phone
    assert urlsplit(client.get("/desk/")["Location"]).path == SETUP


def test_the_next_address_stays_on_this_site(editor: Any, no_throttle: None) -> None:
    device, _ = set_up_app(password_login(editor))
    client = password_login(editor)
    response = client.post(CHECK, {"code": code_for(device, 1), "next": "https://evil.example/"})
    assert response["Location"] == "/desk/"


def test_with_the_setting_off_editors_log_in_with_a_password(editor: Any, settings: Any) -> None:
    settings.TWO_FACTOR_REQUIRED = False
    assert password_login(editor).get("/desk/").status_code == 200
