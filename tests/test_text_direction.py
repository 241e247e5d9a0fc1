"""What people wrote reads in its own direction: a claim, a name or a note
in Arabic or Urdu sits in an element with dir="auto" (or a <bdi>), so the
browser sets it right to left inside an English page."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest

from claims import workflow
from claims.models import Article, Claim, Evidence, Rating, Suggestion

pytestmark = pytest.mark.django_db

CLAIM = "دفعنا مائة وستة مليارات دولار في هذه الحرب"
CLAIMANT = "قمر جاويد باجوا"
NOTE = "الرقم من وزارة المالية"
TITLE = "لا طالبان جيدة أو سيئة بالنسبة لنا"
QUOTE = "قتل ٣٠٩ أشخاص في العملية"
EVIDENCE_NOTE = "تقرير رسمي منشور"
SUMMARY = "لم يقدم الجيش أي سجلات لهذا الرقم"
EXPLANATION = "راجعنا الميزانية المنشورة ولم نجد المبلغ"
NAME = ("سارة", "خان")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Directions(HTMLParser):
    """For each text node containing `text`: the element it sits in."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.open: list[tuple[str, dict[str, str | None]]] = []
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.in_attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A textarea's or input's value: the element itself must carry the direction.
        given = dict(attrs)
        if tag == "input" and given.get("type") != "hidden" and self.text in (given.get("value") or ""):
            self.found.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        # The window's title has no element to set a direction on; a script's data is not shown.
        if self.text in data and self.open and self.open[-1][0] not in ("title", "script"):
            tag, attrs = self.open[-1]
            # Paragraphs `linebreaks` makes of one text: the block around them carries its direction.
            if tag == "p" and not attrs and len(self.open) > 1 and self.open[-2][1].get("dir") == "auto":
                tag, attrs = self.open[-2]
            self.found.append((tag, attrs))


def elements_showing(html: str, text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Directions(text)
    parser.feed(html)
    return parser.found


def assert_in_own_direction(html: str, *texts: str) -> None:
    for text in texts:
        found = elements_showing(html, text)
        assert found, f"{text!r} is not on the page"
        for tag, attrs in found:
            # In an SVG chart, unicode-bidi="plaintext" is what dir="auto" is in HTML.
            own = (
                tag == "bdi"
                or attrs.get("dir") == "auto"
                or (tag == "text" and attrs.get("unicode-bidi") == "plaintext")
            )
            assert own, f"{text!r} in <{tag} {attrs}>"


def test_the_check_sees_text_without_its_own_direction() -> None:
    with pytest.raises(AssertionError):
        assert_in_own_direction(f"<p>Said: {CLAIM}</p>", CLAIM)
    assert_in_own_direction(f'<p>Said: <bdi>{CLAIM}</bdi></p><a dir="auto">“{CLAIM}”</a>', CLAIM)


@pytest.fixture
def arabic_claim(make_claim: Any, checker: Any) -> Claim:
    claim = make_claim(state="researching", text=CLAIM, claimant=CLAIMANT)
    claim.comment(by=checker, text=NOTE)
    return claim


def test_desk_pages_show_arabic_in_its_own_direction(client_for: Any, checker: Any, arabic_claim: Claim) -> None:
    client = client_for(checker)
    article = Article.objects.add(by=checker, title=TITLE, outlet="Dawn", body=f"{CLAIMANT} said: {CLAIM}.")
    item = arabic_claim.add_evidence(
        by=checker, url="https://example.org/report", quote="309", stance=Evidence.Stance.CONTEXT
    )
    Suggestion.objects.create(text=CLAIM, appeared=TITLE, why=NOTE)
    pages = {
        f"/desk/claims/{arabic_claim.pk}/activity/": (CLAIM, NOTE),
        "/desk/suggestions/": (CLAIM, TITLE, NOTE),
        "/desk/articles/": (TITLE,),
        "/desk/claimants/": (CLAIMANT,),
        f"/desk/sources/{item.source_id}/": (CLAIM,),
        f"/desk/claims/similar/?text={quote(CLAIM)}": (CLAIM,),
    }
    for url, texts in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert_in_own_direction(response.content.decode(), *texts)
    [candidate] = [c for c in article.spotting().candidates if CLAIM in c.sentence]
    response = client.get(f"/desk/articles/{article.pk}/sentences/{candidate.start}/claim/")
    assert response.status_code == 200
    assert_in_own_direction(response.content.decode(), TITLE, CLAIM)


def test_public_pages_show_arabic_in_its_own_direction(client: Any, publish: Any) -> None:
    claim = publish(text=CLAIM, claimant=CLAIMANT)
    for url in ("/verdicts/", claim.speaker.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_in_own_direction(response.content.decode(), CLAIM, CLAIMANT)


@pytest.fixture
def arabic_research(arabic_claim: Claim, checker: Any) -> Claim:
    """The claim with evidence and a draft verdict written in Arabic."""
    arabic_claim.add_evidence(
        by=checker, url="https://example.org/report", quote=QUOTE, note=EVIDENCE_NOTE, stance=Evidence.Stance.CONTEXT
    )
    arabic_claim.save_draft_verdict(
        by=checker, rating=Rating.objects.get(label="False"), summary=SUMMARY, explanation=EXPLANATION, based_on=None
    )
    return Claim.objects.get(pk=arabic_claim.pk)


def test_the_claim_page_and_queues_show_arabic_in_its_own_direction(
    client_for: Any, checker: Any, arabic_research: Claim
) -> None:
    client = client_for(checker)
    pages = {
        arabic_research.get_absolute_url(): (CLAIM, CLAIMANT, NOTE, QUOTE, EVIDENCE_NOTE, SUMMARY, EXPLANATION),
        "/desk/": (CLAIM, CLAIMANT),
        "/desk/claims/": (CLAIM, CLAIMANT),
    }
    for url, texts in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert_in_own_direction(response.content.decode(), *texts)


def test_the_article_page_shows_arabic_in_its_own_direction(client_for: Any, checker: Any) -> None:
    article = Article.objects.add(by=checker, title=TITLE, outlet="Dawn", body=f"{CLAIMANT} said: {CLAIM}.")
    Claim.objects.add(by=checker, text=CLAIM, claimant=CLAIMANT, article=article)
    response = client_for(checker).get(article.get_absolute_url())
    assert response.status_code == 200
    assert_in_own_direction(response.content.decode(), TITLE, CLAIM, CLAIMANT)


def test_the_verdict_page_shows_arabic_in_its_own_direction(
    client: Any, checker: Any, second_checker: Any, editor: Any, arabic_research: Claim
) -> None:
    claim = arabic_research.transition("submit", by=checker, expected_state="researching")
    claim = claim.transition("approve", by=second_checker, expected_state="in_review")
    claim = claim.transition("publish", by=editor, expected_state="approved")
    response = client.get(f"/verdicts/{claim.slug}/")
    assert response.status_code == 200
    assert_in_own_direction(response.content.decode(), CLAIM, CLAIMANT, SUMMARY, EXPLANATION, QUOTE)


def test_the_dashboard_and_notifications_show_arabic_in_its_own_direction(
    client_for: Any, checker: Any, editor: Any, make_claim: Any
) -> None:
    checker.first_name, checker.last_name = NAME
    checker.save()
    claim = make_claim(text=CLAIM, claimant=CLAIMANT)
    claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))
    response = client_for(editor).get("/desk/dashboard/")
    assert response.status_code == 200
    assert_in_own_direction(response.content.decode(), " ".join(NAME))
    response = client_for(checker).get("/desk/notifications/")
    assert response.status_code == 200
    assert_in_own_direction(response.content.decode(), CLAIM)
