"""The rows of a claims table (templates/claims/_claim_rows.html), drawn in
Python: through the template, each row cost ~200 us (about 1,500 Python
calls: a dozen variable lookups, filters and translation tags), and my
queue draws up to 250 of them, the team queue 25 (issue 12). Here a row is
one string: the same markup and translated texts, every value escaped
(html.escape, as Django's escape does) and the whole marked safe once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from django import template
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from claims import workflow
from claims.models import Claim
from claims.templatetags.desk import clip, shown

register = template.Library()

OVERDUE = ' class="overdue"'
# A claim number no claim has, to find where the number goes in its URL.
_NUMBER_MARK = 987654321


@register.simple_tag
def claim_rows(claims: Iterable[Claim], show_article: bool = False, selectable: str = "") -> SafeString:
    """The <tr> of each claim: ticked into the form `selectable` if given,
    with the claim's article under its text if `show_article`."""
    # What every row shares, translated and escaped once.
    choose = escape(gettext("Choose claim #%(number)s"))
    in_article = gettext("in <bdi>%(title)s</bdi>")  # as {% blocktranslate %}: the translation as written
    overdue_word = escape(gettext("overdue"))
    changes = f' <strong class="changes-requested">{escape(gettext("Changes requested"))}</strong>'
    before, after = reverse("desk:claim", args=[_NUMBER_MARK]).split(str(_NUMBER_MARK))
    labels: dict[tuple[str, object], str] = {}
    days: dict[date, str] = {}
    form = escape(selectable)

    def label(claim: Claim, field: str) -> str:
        key = (field, getattr(claim, field))
        if key not in labels:
            labels[key] = escape(str(shown(claim, field)))
        return labels[key]

    def row(claim: Claim) -> str:
        overdue = claim.is_overdue
        tick = (
            f'<td><input type="checkbox" name="row" form="{form}" value="{claim.pk}:{escape(claim.state)}:'
            f'{claim.revision}" aria-label="{choose % {"number": claim.pk}}"></td>'
            if selectable
            else ""
        )
        extra = ""
        if show_article and claim.article:
            extra += f"<br><small>{in_article % {'title': escape(clip(claim.article.title, 60))}}</small>"
        if claim.demand:
            readers = ngettext("%(readers)s reader asked", "%(readers)s readers asked", claim.demand)
            extra += f' <small class="demand">{escape(readers % {"readers": claim.demand})}</small>'
        if claim.changes_requested:
            extra += changes
        due = "—"
        if claim.due_on:
            if claim.due_on not in days:
                days[claim.due_on] = escape(date_format(claim.due_on, "j M"))
            due = days[claim.due_on] + (f" <strong>{overdue_word}</strong>" if overdue else "")
        return (
            f"<tr{OVERDUE if overdue else ''}>{tick}"
            f'<td><a href="{before}{claim.pk}{after}" dir="auto">{escape(clip(claim.text, 120))}</a>{extra}</td>'
            f'<td dir="auto">{escape(claim.claimant or "—")}</td>'
            f'<td><span class="state state-{escape(claim.state)}">{label(claim, "state")}</span></td>'
            f'<td dir="auto">{escape(workflow.display_name(claim.assignee, "—"))}</td>'
            f'<td class="priority-{claim.priority}">{label(claim, "priority")}</td><td>{due}</td></tr>\n'
        )

    return mark_safe("".join(row(claim) for claim in claims))  # noqa: S308 - every value escaped above
