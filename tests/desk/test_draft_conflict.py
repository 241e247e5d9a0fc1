"""Two people saving the draft verdict at once: the one who loses sees both
texts, escaped, and can save theirs over the other knowingly; nothing is
saved silently."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils.html import escape

from claims.models import Claim, Rating, Verdict
from tests.desk.conftest import HX, counts, html

PAYLOAD = "<script>alert(1)</script>"


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_the_conflict_shows_both_texts_and_saves_nothing(
    headers: dict[str, str], claim: Claim, client_for: Any, checker: Any, editor: Any, rating: Rating
) -> None:
    claim.save_draft_verdict(by=checker, rating=rating, summary="First draft.", explanation="", based_on=None)
    drawn = Verdict.objects.get(claim=claim).revision
    claim.save_draft_verdict(by=editor, rating=rating, summary=f"Editor {PAYLOAD}", explanation="", based_on=drawn)
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/verdict/",
        {"rating": rating.pk, "summary": f"Mine {PAYLOAD}", "explanation": "My reasons.", "based_on": drawn},
        **headers,
    )
    assert response.status_code == 409
    page = html(response)
    assert 'data-testid="draft-conflict"' in page
    assert escape(f"Editor {PAYLOAD}") in page
    assert escape(f"Mine {PAYLOAD}") in page
    assert PAYLOAD not in page
    assert counts() == before
    assert Verdict.objects.get(claim=claim).summary == f"Editor {PAYLOAD}"


def test_saving_mine_over_theirs_from_the_conflict(
    claim: Claim, client_for: Any, checker: Any, editor: Any, rating: Rating
) -> None:
    claim.save_draft_verdict(by=checker, rating=rating, summary="First draft.", explanation="", based_on=None)
    drawn = Verdict.objects.get(claim=claim).revision
    claim.save_draft_verdict(by=editor, rating=rating, summary="The editor's.", explanation="", based_on=drawn)
    client = client_for(checker)
    mine = {"rating": rating.pk, "summary": "Mine.", "explanation": "My reasons.", "based_on": drawn}
    page = html(client.post(f"/desk/claims/{claim.pk}/verdict/", mine, **HX))
    # The form beside the two texts: prefilled with mine, drawn from the version now saved.
    conflict = page[page.index('data-testid="draft-conflict"') :]
    form = re.search(r"<form.*?</form>", conflict, flags=re.DOTALL).group(0)
    based_on = re.search(r'name="based_on" value="(\d+)"', form).group(1)
    assert int(based_on) == Verdict.objects.get(claim=claim).revision
    assert 'value="Mine."' in form
    assert "My reasons." in form
    response = client.post(f"/desk/claims/{claim.pk}/verdict/", mine | {"based_on": based_on}, **HX)
    assert response.status_code == 200
    assert Verdict.objects.get(claim=claim).summary == "Mine."
