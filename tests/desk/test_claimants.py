"""The desk's claimant list: search by name, and editors merge two spellings of
one speaker, chosen from the page they see."""

from __future__ import annotations

import re
from typing import Any

import pytest

from claims.models import Claimant

pytestmark = pytest.mark.django_db


def offered(html: str, field: str) -> list[str]:
    """The names a merge drop-down offers."""
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no {field} drop-down"
    return [name for value, name in re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select[1]) if value]


@pytest.fixture
def spellings(desk_defaults: None) -> tuple[Claimant, Claimant, Claimant]:
    return Claimant.for_name("Asim Bajwa"), Claimant.for_name("Lt Gen Asim Bajwa"), Claimant.for_name("The minister")


def test_a_search_narrows_the_list_and_the_merge_choices_to_matching_names(
    client_for: Any, editor: Any, spellings: Any
) -> None:
    html = client_for(editor).get("/desk/claimants/", {"q": "bajwa"}).content.decode()

    assert offered(html, "merge") == offered(html, "into") == ["Asim Bajwa", "Lt Gen Asim Bajwa"]
    assert "The minister" not in html


def test_the_merge_choices_are_the_page_not_every_claimant(client_for: Any, editor: Any, desk_defaults: None) -> None:
    for n in range(60):
        Claimant.for_name(f"Speaker {n:02d}")

    first = client_for(editor).get("/desk/claimants/").content.decode()
    second = client_for(editor).get("/desk/claimants/", {"page": 2}).content.decode()

    assert offered(first, "merge") == [f"Speaker {n:02d}" for n in range(50)]
    assert offered(second, "merge") == [f"Speaker {n:02d}" for n in range(50, 60)]


def test_an_editor_merges_two_spellings_and_comes_back_to_the_same_search(
    client_for: Any, editor: Any, spellings: Any
) -> None:
    alias, survivor, _ = spellings
    client = client_for(editor)
    response = client.post("/desk/claimants/?q=bajwa", {"merge": alias.pk, "into": survivor.pk})

    assert response.status_code == 302
    assert response["Location"] == "/desk/claimants/?q=bajwa"
    assert Claimant.objects.get(pk=alias.pk).merged_into == survivor
    after = client.get(response["Location"]).content.decode()
    assert offered(after, "merge") == ["Lt Gen Asim Bajwa"]  # the alias is gone from the list
    assert "Merged “Asim Bajwa” into “Lt Gen Asim Bajwa”" in after


def test_a_claimant_off_the_page_can_still_be_merged(client_for: Any, editor: Any, spellings: Any) -> None:
    alias, _, minister = spellings
    response = client_for(editor).post("/desk/claimants/?q=minister", {"merge": alias.pk, "into": minister.pk})
    assert response.status_code == 302
    assert Claimant.objects.get(pk=alias.pk).merged_into == minister


@pytest.mark.parametrize(
    ("choose", "error"),
    [
        (lambda a, b: {"merge": a.pk, "into": a.pk}, "Choose two different claimants."),
        (lambda a, b: {"merge": a.pk, "into": 999_999}, "Select a valid choice."),
        (lambda a, b: {"merge": a.pk}, "This field is required."),
    ],
)
def test_a_bad_merge_is_refused_with_the_reason_and_changes_nothing(
    choose: Any, error: str, client_for: Any, editor: Any, spellings: Any
) -> None:
    alias, survivor, _ = spellings
    response = client_for(editor).post("/desk/claimants/", choose(alias, survivor))
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not Claimant.objects.exclude(merged_into=None).exists()


def test_only_editors_merge(client_for: Any, checker: Any, spellings: Any) -> None:
    alias, survivor, _ = spellings
    page = client_for(checker).get("/desk/claimants/").content.decode()
    assert '<select name="merge"' not in page

    response = client_for(checker).post("/desk/claimants/", {"merge": alias.pk, "into": survivor.pk})
    assert response.status_code == 403
    assert Claimant.objects.get(pk=alias.pk).merged_into is None


def test_markup_in_a_search_is_shown_as_text(client_for: Any, editor: Any, spellings: Any) -> None:
    html = client_for(editor).get("/desk/claimants/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_only_a_claimant_with_a_standing_verdict_links_a_public_page(
    client_for: Any, editor: Any, make_claim: Any
) -> None:
    published = make_claim(
        state="approved", claimant="Lt Gen Asim Bajwa", speaker=Claimant.for_name("Lt Gen Asim Bajwa")
    )
    published.transition("publish", by=editor, expected_state="approved")
    on_the_desk = Claimant.for_name("The minister")
    make_claim(state="researching", claimant="The minister", speaker=on_the_desk)

    html = client_for(editor).get("/desk/claimants/").content.decode()

    assert f'href="{published.speaker.get_absolute_url()}"' in html
    assert on_the_desk.get_absolute_url() not in html
    assert client_for(editor).get(published.speaker.get_absolute_url()).status_code == 200


def test_two_claimants_cannot_be_merged_into_each_other(desk_defaults: None) -> None:
    a, b = Claimant.for_name("Asim Bajwa"), Claimant.for_name("Lt Gen Asim Bajwa")
    a.merge_into(b)
    with pytest.raises(ValueError, match="not themselves been merged"):
        Claimant.objects.get(pk=b.pk).merge_into(a)
    assert Claimant.objects.get(pk=b.pk).merged_into is None
