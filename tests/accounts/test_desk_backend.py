"""The login backend: the person behind a session is read with their groups
in one query, and everything Django's ModelBackend refuses stays refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from claims import workflow
from claims.accounts.backends import DeskBackend
from tests.conftest import UserFactory, log_in

pytestmark = pytest.mark.django_db


def test_the_person_and_their_groups_in_one_query(editor: Any, django_assert_num_queries: Any) -> None:
    backend = DeskBackend()
    with django_assert_num_queries(1):
        user = backend.get_user(editor.pk)
        assert user == editor
        # The workflow's checks ask nothing more.
        assert workflow.is_editor(user)
        assert workflow.is_checker(user)
    assert user.username == editor.username
    assert user.password == editor.password  # every field read, for the session's hash check
    assert user.last_login == editor.last_login


def test_a_person_in_two_groups_is_one_user_with_both(checker: Any) -> None:
    checker.groups.add(Group.objects.get(name=workflow.EDITORS_GROUP))
    user = DeskBackend().get_user(checker.pk)
    assert user._workflow_groups == {workflow.CHECKERS_GROUP, workflow.EDITORS_GROUP}


def test_a_person_in_no_group_is_no_desk_member(desk_defaults: None) -> None:
    reader = UserFactory()
    user = DeskBackend().get_user(reader.pk)
    assert user == reader
    assert not workflow.is_checker(user)


@pytest.mark.parametrize("user_id", [987654, "not a number", None, "1 OR 1=1"])
def test_no_such_person_is_nobody(desk_defaults: None, user_id: Any) -> None:
    assert DeskBackend().get_user(user_id) is None


def test_a_deactivated_person_is_logged_out(checker: Any) -> None:
    client = log_in(Client(), checker)
    assert client.get("/desk/").status_code == 200
    checker.is_active = False
    checker.save()
    answer = client.get("/desk/")
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("login"))


def test_taken_out_of_the_desk_groups_the_next_request_is_refused(checker: Any) -> None:
    client = log_in(Client(), checker)
    assert client.get("/desk/claims/").status_code == 200
    checker.groups.clear()
    assert client.get("/desk/claims/").status_code == 403


def test_a_changed_password_ends_other_sessions(checker: Any) -> None:
    client = log_in(Client(), checker)
    assert client.get("/desk/").status_code == 200
    checker.set_password("a-new-long-passphrase")
    checker.save()
    assert client.get("/desk/").status_code == 302


def test_logging_in_with_the_password_uses_it(checker: Any) -> None:
    checker.set_password("correct horse battery staple")
    checker.save()
    client = Client()
    answer = client.post(reverse("login"), {"username": checker.username, "password": "correct horse battery staple"})
    assert answer.status_code == 302
    assert client.session["_auth_user_backend"] == "claims.accounts.backends.DeskBackend"
    assert client.get("/desk/").status_code == 200
