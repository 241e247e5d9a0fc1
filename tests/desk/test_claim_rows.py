"""The claims tables' rows, drawn in Python (claims/templatetags/claim_rows.py):
what people wrote is escaped, and each row says what the template said."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from claims.models import Claim
from claims.workflow import State
from tests.conftest import ArticleFactory, UserFactory
from tests.desk.conftest import html

HOSTILE = '<script>alert("x")</script> & é'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; é"


def test_every_value_a_row_shows_is_escaped(make_claim: Any, client_for: Any, checker: Any) -> None:
    person = UserFactory(first_name=HOSTILE, last_name="")
    make_claim(state=State.SUBMITTED, text=HOSTILE, claimant=HOSTILE, article=ArticleFactory(title=HOSTILE))
    Claim.objects.update(assignee=person)
    for url in ("/desk/claims/", "/desk/"):
        page = html(client_for(checker).get(url))
        assert "<script>" not in page
        assert page.count(ESCAPED) >= 4  # text, article title, claimant, assignee


def test_a_row_marks_demand_changes_requested_and_overdue_work(
    make_claim: Any, client_for: Any, checker: Any, editor: Any
) -> None:
    late = make_claim(
        state=State.SUBMITTED, text="Asked for and late.", due_on=timezone.localdate() + timedelta(days=1)
    )
    Claim.objects.filter(pk=late.pk).update(demand=3, due_on=timezone.localdate() - timedelta(days=2))
    page = html(client_for(checker).get("/desk/claims/"))
    row = page.split("Asked for and late.", 1)[1].split("</tr>", 1)[0]
    assert '<small class="demand">3 readers asked</small>' in row
    assert "<strong>overdue</strong>" in row
    assert f'value="{late.pk}:submitted:{late.revision}" aria-label="Choose claim #{late.pk}"' in page
    assert f'<tr class="overdue"><td><input type="checkbox" name="row" form="bulk" value="{late.pk}:' in page
