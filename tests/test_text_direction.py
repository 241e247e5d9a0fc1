"""What people wrote reads in its own direction: a claim, a name or a note
in Arabic or Urdu sits in an element with dir="auto" (or a <bdi>), so the
browser sets it right to left inside an English page."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest

from claims.models import Article, Claim, Evidence, Suggestion

pytestmark = pytest.mark.django_db

CLAIM = "دفعنا مائة وستة مليارات دولار في هذه الحرب"
CLAIMANT = "قمر جاويد باجوا"
NOTE = "الرقم من وزارة المالية"
TITLE = "لا طالبان جيدة أو سيئة بالنسبة لنا"
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
        # The window's title has no element to set a direction on.
        if self.text in data and self.open and self.open[-1][0] != "title":
            self.found.append(self.open[-1])


def elements_showing(html: str, text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Directions(text)
    parser.feed(html)
    return parser.found


def assert_in_own_direction(html: str, *texts: str) -> None:
    for text in texts:
        found = elements_showing(html, text)
        assert found, f"{text!r} is not on the page"
        for tag, attrs in found:
            assert tag == "bdi" or attrs.get("dir") == "auto", f"{text!r} in <{tag} {attrs}>"


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
