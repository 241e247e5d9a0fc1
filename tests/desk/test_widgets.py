"""The desk's drop-downs drawn in Python (claims/desk/widgets.py): the same
choices as Django's widget, escaped, the chosen one selected."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from claims import workflow
from claims.desk.widgets import PlainSelect
from tests.conftest import UserFactory
from tests.desk.conftest import html


class Pick(forms.Form):
    choice = forms.ChoiceField(choices=[("", "Any"), ("a&b", "<b>Bold</b>"), ("2", "Two")], widget=PlainSelect)


def options(page: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option of the <select name=`name`>."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, flags=re.DOTALL)
    assert select, f"no <select name={name}>"
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))
    return [(value, label, bool(selected)) for value, selected, label in found]


def test_options_are_escaped_and_the_chosen_one_selected() -> None:
    drawn = str(Pick({"choice": "a&b"})["choice"])
    assert options(drawn, "choice") == [
        ("", "Any", False),
        ("a&amp;b", "&lt;b&gt;Bold&lt;/b&gt;", True),
        ("2", "Two", False),
    ]
    assert 'id="id_choice"' in drawn
    assert "<b>" not in drawn


def test_nothing_chosen_selects_the_empty_choice() -> None:
    assert options(str(Pick()["choice"]), "choice")[0] == ("", "Any", True)


def test_team_queue_offers_every_desk_member_in_both_drop_downs(client_for: Any, checker: Any, editor: Any) -> None:
    named = UserFactory(groups=[workflow.CHECKERS_GROUP], first_name="<i>Zoë</i>", last_name="Ali")
    UserFactory(groups=[])  # not on the desk
    page = html(client_for(checker).get("/desk/claims/", {"assignee": named.pk}))
    people = {(str(user.pk), workflow.display_name(user)) for user in (checker, editor, named)}
    assignee = options(page, "assignee")
    assert assignee[0] == ("", "Anyone", False)
    assert {(value, label.replace("&lt;", "<").replace("&gt;", ">")) for value, label, _ in assignee[1:]} == people
    assert [value for value, _, selected in assignee if selected] == [str(named.pk)]
    person = options(page, "person")
    assert {value for value, _, _ in person[1:]} == {value for value, _ in people}
    assert "<i>Zoë</i>" not in page
