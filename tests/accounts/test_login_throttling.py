"""Guessing passwords: after LOGIN_FAILURE_LIMIT wrong ones from an address
(for one account or for many), logging in from there is locked (desk and
admin) until the cool-off ends, even with the right password; the address is
the client's, also behind the reverse proxy, and a forged X-Forwarded-For does
not get round it. Guessing in someone's name does not lock them out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def attempt(client: Client, username: str, password: str, url: str = LOGIN, **headers: str) -> Any:
    return client.post(url, {"username": username, "password": password}, **headers)


def test_wrong_passwords_lock_the_account_even_for_the_right_one(checker: Any, settings: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "checker", "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "checker", "wrong")
    assert locked.status_code == 429
    assert "Too many wrong passwords" in locked.content.decode()

    right = attempt(client, "checker", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_nobody_can_lock_a_colleague_out_by_guessing_in_their_name(checker: Any, settings: Any) -> None:
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(guesser, "checker", "wrong")
    assert attempt(guesser, "checker", PASSWORD).status_code == 429  # the guesser is locked...
    assert attempt(Client(REMOTE_ADDR="198.51.100.7"), "checker", PASSWORD).status_code == 302  # ...not the checker


def test_the_lock_follows_the_address_to_another_account(checker: Any, editor: Any, settings: Any) -> None:
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(guesser, f"nobody{n}", "wrong")
    assert attempt(guesser, "editor", PASSWORD).status_code == 429
    # Someone else, elsewhere, is not held up.
    assert attempt(Client(REMOTE_ADDR="198.51.100.7"), "editor", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(admin_user: Any, settings: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "admin", "wrong", url=ADMIN_LOGIN)
    assert attempt(client, "admin", "password", url=ADMIN_LOGIN).status_code == 429


def test_the_lock_ends_after_the_cool_off(checker: Any, settings: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "checker", "wrong")
    assert attempt(client, "checker", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(hours=1))
    assert attempt(client, "checker", PASSWORD).status_code == 302


def test_a_success_starts_the_count_again(checker: Any, settings: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "checker", "wrong")
    assert attempt(client, "checker", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "checker", "wrong")
    assert attempt(client, "checker", PASSWORD).status_code == 302


def test_behind_the_proxy_the_clients_address_counts_and_a_forged_one_does_not(
    checker: Any, editor: Any, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"  # every request reaches gunicorn from the proxy
    guesser = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The guesser forges an address in front; the proxy appends the real one.
        forged = {**guesser, "HTTP_X_FORWARDED_FOR": f"192.0.2.{n}, 203.0.113.9"}
        attempt(Client(**forged), f"nobody{n}", "wrong")
    assert attempt(Client(**guesser), "editor", PASSWORD).status_code == 429
    colleague = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert attempt(Client(**colleague), "editor", PASSWORD).status_code == 302


def test_passwords_are_stored_with_argon2(settings: Any) -> None:
    from django.contrib.auth.hashers import make_password

    from factcheck import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS  # the tests' fixture uses a fast one
    assert make_password("correct horse").startswith("argon2$")


def test_a_forwarded_value_that_is_no_address_falls_back_to_the_connection(settings: Any) -> None:
    from django.test import RequestFactory

    from factcheck.client_ip import client_ip

    settings.TRUSTED_PROXIES = 2  # one more than there are
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address, 203.0.113.9")
    assert client_ip(request) == "10.0.0.2"
