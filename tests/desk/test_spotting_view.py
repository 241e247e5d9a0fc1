"""The article page's spotted sentences: a paste cleaned with nothing lost,
the check-worthy sentences marked with their score and reasons, and a claim
made from one in a click (HTMX in place, or as plain pages), by the desk only."""

from __future__ import annotations

import html as entities
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.intake import clean
from claims.models import Activity, Article, Claim
from claims.models.articles import SentenceClaim
from tests.conftest import ArticleFactory, fetch_as_worker
from tests.desk.conftest import HX, counts, html
from tests.pages import Page, article_html, serving

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "claims" / "demo" / "pakistan-army-report-card.txt"
TITLE = "No Good or Bad Taliban for Us: Pakistan Army"
MARK = re.compile(
    r'<mark class="spot spot-(?P<band>\w+)[^"]*" id="sentence-(?P<start>\d+)" dir="auto">(?P<sentence>.*?) '
    r'<a class="spot-score"[^>]*>(?P<score>\d+)</a></mark>',
    re.DOTALL,
)


def marks(page: str) -> dict[str, int]:
    """Each sentence marked in the article's text, with the score printed beside it."""
    return {entities.unescape(m["sentence"]): int(m["score"]) for m in MARK.finditer(page)}


def entries(page: str) -> dict[int, str]:
    """The list's entry of each sentence, by where it starts."""
    blocks = page.split('<li id="candidate-')[1:]
    return {int(block.split('"', 1)[0]): block.split("</ol>", 1)[0] for block in blocks}


def scores_listed(page: str) -> list[int]:
    return [int(score) for score in re.findall(r'data-testid="score">(\d+)<', page)]


def start_of(article: Article, words: str) -> int:
    [start] = [c.start for c in article.spotting().candidates if words in c.sentence]
    return start


def sentence_at(article: Article, start: int) -> str:
    return next(c.sentence for c in article.spotting().candidates if c.start == start)


def claim_url(article: Article, start: int) -> str:
    return f"/desk/articles/{article.pk}/sentences/{start}/claim/"


def rows() -> dict[str, int]:
    return {**counts(), "SentenceClaim": SentenceClaim.objects.count()}


@pytest.fixture
def pasted() -> str:
    # As a browser sends a textarea: CRLF line ends; and a stray space or two.
    return "  " + SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n") + "\r\n "


@pytest.fixture
def sample(client_for: Any, checker: Any, pasted: str) -> Article:
    response = client_for(checker).post("/desk/articles/new/", {"title": TITLE, "body": pasted})
    assert response.status_code == 302
    return Article.objects.get()


# --- Intake: cleaned on the way in, nothing lost.


def test_a_paste_is_kept_verbatim_and_its_article_text_is_the_cleaned_one(sample: Article, pasted: str) -> None:
    assert sample.original_body == pasted
    assert sample.body == clean(pasted).text
    assert "ADVERTISEMENTREMOVE AD" in sample.original_body
    assert "ADVERTISEMENT" not in sample.body
    assert "arrested 309 people associated with Islamic State" in sample.body


def test_the_article_page_lists_the_dropped_lines_with_their_number_and_reason(
    sample: Article, client_for: Any, checker: Any, pasted: str
) -> None:
    page = html(client_for(checker).get(sample.get_absolute_url()))

    dropped = page.split('data-testid="dropped-lines"', 1)[1].split("</details>", 1)[0]
    lines = pasted.splitlines()
    number = lines.index("ADVERTISEMENTREMOVE AD") + 1
    assert (
        f'<tr><td>{number}</td><td dir="auto">ADVERTISEMENTREMOVE AD</td><td>an advertising marker</td></tr>' in dropped
    )
    assert '<td dir="auto">3 min read</td><td>a reading-time label</td>' in dropped
    assert f"{len(clean(pasted).dropped)} lines of the page around the story set aside" in dropped
    text = page.split('<div class="body spotted" dir="auto">', 1)[1].split("</div>", 1)[0]
    assert "ADVERTISEMENTREMOVE AD" not in text
    assert "Become a Member" not in text


def test_an_article_from_before_cleaning_is_cleaned_when_shown(client_for: Any, checker: Any) -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    article = ArticleFactory(title=TITLE, body=raw)  # as stored before: body as pasted, no original

    page = html(client_for(checker).get(article.get_absolute_url()))

    assert '<td dir="auto">ADVERTISEMENTREMOVE AD</td><td>an advertising marker</td>' in page
    assert any("$106.9 billion" in sentence for sentence in marks(page))


def test_an_article_given_by_url_is_cleaned_and_spotted_once_its_page_is_read(
    settings: Any, client_for: Any, checker: Any
) -> None:
    client = client_for(checker)
    with serving(settings, {"/story": Page(article_html())}) as server:
        client.post("/desk/articles/new/", {"title": "", "url": server.url("/story")})
        article = Article.objects.get()
        assert client.get(article.get_absolute_url()).status_code == 200  # nothing to spot yet
        source = fetch_as_worker(article.source_id)

    article.refresh_from_db()
    assert article.original_body == source.text
    assert article.body == clean(source.text).text
    done = client.get(article.get_absolute_url(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="article-text")
    assert done.status_code == 286
    assert any("516 soldiers" in sentence for sentence in marks(html(done)))
    assert "Make a claim from it" in html(done)


def test_past_the_spotting_limit_the_rest_is_shown_unscored(
    client_for: Any, checker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("claims.models.articles.SPOTTING_MAX_CHARS", 200)
    scored = "The army said it arrested 309 people in the operation last year.\n"
    rest = "Officials said 516 soldiers had been killed since the operation began.\n"
    article = ArticleFactory(body=scored * 3 + rest)

    page = html(client_for(checker).get(article.get_absolute_url()))

    assert article.spotted_and_unscored() == (scored * 3, rest)
    assert f"Only the first {len(scored * 3)} characters are scored" in page
    assert rest.strip() in page
    assert not any("516 soldiers" in sentence for sentence in marks(page))


# --- The page: marked sentences and the list.


def test_the_article_page_marks_the_check_worthy_sentences_with_their_score_and_reasons(
    sample: Article, client_for: Any, checker: Any
) -> None:
    page = html(client_for(checker).get(sample.get_absolute_url()))

    marked = marks(page)
    for figure in ["arrested 309 people", "$300 million", "$106.9 billion", "516 soldiers"]:
        [score] = [score for sentence, score in marked.items() if figure in sentence]
        assert score >= 30, figure
    assert not any("Pak Army Cries Foul" in sentence for sentence in marked)  # a heading scores 0
    listed = entries(page)
    money = listed[start_of(sample, "$300 million")]
    assert 'data-testid="score">50<' in money
    assert "<li>an amount of money: $300 million (+30)</li>" in money
    assert "<li>a date: in July (+10)</li>" in money
    arrests = listed[start_of(sample, "arrested 309 people")]
    assert "<li>a count of people: arrested 309 people (+30)</li>" in arrests
    assert "said by <bdi>Lieutenant General Asim Bajwa</bdi>" in arrests


def test_the_list_shows_sentences_scoring_30_or_more_best_first_and_every_one_on_asking(
    sample: Article, client_for: Any, checker: Any
) -> None:
    client = client_for(checker)
    sentences = sample.spotting().candidates

    likely = html(client.get(sample.get_absolute_url()))
    every = html(client.get(f"{sample.get_absolute_url()}?all=1"))

    assert scores_listed(likely) == [c.score for c in sentences if c.score >= 30]
    assert scores_listed(likely) == sorted(scores_listed(likely), reverse=True)
    hidden = sum(c.score < 30 for c in sentences)
    assert hidden > 0
    assert f"Show every sentence ({hidden} more)" in likely
    assert scores_listed(every) == [c.score for c in sentences]
    assert "Show every sentence" not in every


# --- One click: a claim from a sentence.


def test_one_click_opens_the_claim_form_in_place_prefilled_from_the_sentence(
    sample: Article, client_for: Any, checker: Any
) -> None:
    start = start_of(sample, "516 soldiers")
    button = entries(html(client_for(checker).get(sample.get_absolute_url())))[start]
    assert f'hx-get="{claim_url(sample, start)}" hx-target="closest li"' in button

    response = client_for(checker).get(claim_url(sample, start), **HX)

    fragment = html(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith(f'<li id="candidate-{start}"')
    assert "<html" not in fragment
    assert f'id="sentence-{start}-text"' in fragment
    assert "He added that 516 soldiers had also been killed.</textarea>" in fragment
    assert 'value="Lt General Asim Bajwa"' in fragment
    assert f'hx-post="{claim_url(sample, start)}"' in fragment


def test_the_open_form_shows_claims_the_desk_has_like_the_sentence(
    sample: Article, client_for: Any, checker: Any
) -> None:
    start = start_of(sample, "516 soldiers")
    earlier = Claim.objects.add(by=checker, text="516 soldiers had also been killed, the army said.")
    Claim.objects.add(by=checker, text="The finance ministry's budget grew by a third.")

    fragment = html(client_for(checker).get(claim_url(sample, start), **HX))

    checked_before = fragment.split("Checked before?", 1)[1]
    assert f'<a href="/desk/claims/{earlier.pk}/"' in checked_before
    assert "finance ministry" not in checked_before


def test_each_listed_sentence_asks_checked_before_when_it_comes_into_view(
    sample: Article, client_for: Any, checker: Any
) -> None:
    earlier = Claim.objects.add(by=checker, text="516 soldiers had also been killed, the army said.")
    client = client_for(checker)
    page = html(client.get(f"/desk/articles/{sample.pk}/"))
    asks = re.findall(r'hx-get="(/desk/claims/similar/\?quiet=1&amp;text=[^"]+)" hx-trigger="revealed"', page)
    assert len(asks) >= 7  # one per listed sentence; none is asked until it is seen
    soldiers = next(url for url in asks if "516" in url).replace("&amp;", "&")
    assert f'href="/desk/claims/{earlier.pk}/"' in html(client.get(soldiers, **HX))
    nothing_alike = next(url for url in asks if "300" in url).replace("&amp;", "&")
    assert html(client.get(nothing_alike, **HX)).strip() == ""


def test_saving_in_place_makes_the_claim_with_its_claimant_and_article_and_shows_it_made(
    sample: Article, client_for: Any, checker: Any
) -> None:
    start = start_of(sample, "516 soldiers")
    sentence = sentence_at(sample, start)

    response = client_for(checker).post(
        claim_url(sample, start),
        {"text": sentence, "claimant": "Lt General Asim Bajwa", "sentence": sentence, "priority": "2"},
        **HX,
    )

    claim = Claim.objects.get()
    assert (claim.text, claim.claimant, claim.article, claim.created_by) == (
        sentence,
        "Lt General Asim Bajwa",
        sample,
        checker,
    )
    assert claim.speaker.name == "Lt General Asim Bajwa"
    assert list(claim.activities.values_list("action", flat=True)) == ["created"]
    assert SentenceClaim.objects.get().claim == claim
    fragment = html(response)
    assert response.status_code == 200
    assert f'Claim made: <a href="/desk/claims/{claim.pk}/" dir="auto">' in fragment
    assert "Make a claim from it" not in fragment
    # The article's list of claims, swapped in beside the entry.
    assert '<div id="article-claim-rows" hx-swap-oob="true">' in fragment
    assert f'<a href="/desk/claims/{claim.pk}/" dir="auto">{sentence}</a>' in fragment
    page = html(client_for(checker).get(sample.get_absolute_url()))
    assert 'data-testid="claim-made"' in entries(page)[start]


def test_without_javascript_the_form_is_a_page_and_saving_goes_back_to_the_sentence(
    sample: Article, client_for: Any, checker: Any
) -> None:
    client = client_for(checker)
    start = start_of(sample, "$106.9 billion")
    sentence = sentence_at(sample, start)

    form = client.get(claim_url(sample, start))
    saved = client.post(
        claim_url(sample, start),
        {"text": "We have paid $106.9 billion on this war.", "claimant": "", "sentence": sentence, "priority": "1"},
    )

    assert form.status_code == 200
    assert "<html" in html(form)
    assert "A claim from this sentence" in html(form)
    assert saved.status_code == 302
    assert saved["Location"] == f"{sample.get_absolute_url()}#candidate-{start}"
    claim = Claim.objects.get()
    assert (claim.text, claim.claimant, claim.priority) == ("We have paid $106.9 billion on this war.", "", 1)
    page = html(client.get(saved["Location"]))
    assert "Claim made: “We have paid $106.9 billion on this war.”." in page
    assert f'Claim made: <a href="/desk/claims/{claim.pk}/" dir="auto">' in entries(page)[start]


def test_the_claim_is_saved_as_edited_and_still_marks_its_sentence(
    sample: Article, client_for: Any, checker: Any
) -> None:
    start = start_of(sample, "arrested 309 people")
    sentence = sentence_at(sample, start)
    edited = "Pakistan has arrested 309 people associated with Islamic State."

    client_for(checker).post(
        claim_url(sample, start),
        {"text": edited, "claimant": "Asim Bajwa, army spokesman", "sentence": sentence, "priority": "2"},
        **HX,
    )

    claim = Claim.objects.get()
    assert (claim.text, claim.claimant) == (edited, "Asim Bajwa, army spokesman")
    entry = entries(html(client_for(checker).get(sample.get_absolute_url())))[start]
    assert f'Claim made: <a href="/desk/claims/{claim.pk}/" dir="auto">{edited}</a>' in entry
    assert "Asim Bajwa, army spokesman" in entry


def test_a_second_claim_from_the_same_sentence_is_refused_with_a_link_to_the_first(
    sample: Article, client_for: Any, checker: Any, second_checker: Any
) -> None:
    start = start_of(sample, "$300 million")
    sentence = sentence_at(sample, start)
    data = {"text": sentence, "claimant": "", "sentence": sentence, "priority": "2"}
    client_for(checker).post(claim_url(sample, start), data, **HX)
    first = Claim.objects.get()
    before = rows()

    again = client_for(second_checker).post(claim_url(sample, start), data, **HX)

    assert again.status_code == 409
    assert "A claim was already made from this sentence." in html(again)
    assert f'Claim made: <a href="/desk/claims/{first.pk}/" dir="auto">' in html(again)
    assert rows() == before


# --- Bad input changes nothing.


def test_an_empty_claim_is_refused_with_the_form_and_its_error(sample: Article, client_for: Any, checker: Any) -> None:
    start = start_of(sample, "516 soldiers")
    before = rows()

    response = client_for(checker).post(
        claim_url(sample, start),
        {"text": "   ", "claimant": "", "sentence": sentence_at(sample, start), "priority": "2"},
        **HX,
    )

    assert response.status_code == 422
    [text_field] = [
        block
        for block in re.findall(r'<div class="field has-error">(.*?)</div>', html(response), flags=re.DOTALL)
        if f'id="sentence-{start}-text"' in block
    ]
    assert "This field is required." in text_field
    assert rows() == before


@pytest.mark.parametrize(
    "sent_back",
    [
        "",  # no sentence sent back
        "He added that 517 soldiers had also been killed.",  # another text of the article
        "<script>alert(1)</script>He added that 516 soldiers had also been killed.",
    ],
)
def test_a_form_for_a_sentence_the_article_no_longer_has_is_refused(
    sent_back: str, sample: Article, client_for: Any, checker: Any
) -> None:
    start = start_of(sample, "516 soldiers")
    before = rows()

    response = client_for(checker).post(
        claim_url(sample, start), {"text": "516 soldiers died.", "sentence": sent_back, "priority": "2"}, **HX
    )

    assert response.status_code == 409
    page = html(response)
    assert "The article&#x27;s text changed since this form was drawn: reload the page and try again." in page
    assert "<script>alert(1)" not in page
    assert rows() == before


def test_a_place_where_no_sentence_starts_is_not_found_and_refused(
    sample: Article, client_for: Any, checker: Any
) -> None:
    start = start_of(sample, "516 soldiers") + 1
    before = rows()

    opened = client_for(checker).get(claim_url(sample, start), **HX)
    posted = client_for(checker).post(
        claim_url(sample, start), {"text": "516 soldiers died.", "sentence": "516 soldiers", "priority": "2"}, **HX
    )

    assert opened.status_code == 404
    assert posted.status_code == 409
    assert "reload the page" in html(posted)
    assert rows() == before


def test_markup_in_a_sentence_is_shown_as_text(client_for: Any, checker: Any) -> None:
    client = client_for(checker)
    hostile = 'The minister said 309 people <script>alert(1)</script><img src=x onerror="alert(2)"> were arrested.'
    client.post("/desk/articles/new/", {"title": "Briefing", "body": hostile})
    article = Article.objects.get()
    start = start_of(article, "309 people")
    sentence = sentence_at(article, start)
    assert "<script>" in sentence  # kept as written, shown as text

    pages = [
        client.get(article.get_absolute_url()),
        client.get(claim_url(article, start), **HX),
        client.get(claim_url(article, start)),
        client.post(
            claim_url(article, start),
            {"text": sentence, "claimant": "the minister", "sentence": sentence, "priority": "2"},
            **HX,
        ),
        client.get(article.get_absolute_url()),
    ]

    assert Claim.objects.get().text == sentence
    for response in pages:
        page = html(response)
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x" in page


# --- Who may.


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("which", ["claim", "entry"])
def test_only_the_desk_may_make_claims_from_sentences(
    method: str, which: str, sample: Article, client: Any, client_for: Any, outsider: Any
) -> None:
    start = start_of(sample, "516 soldiers")
    sentence = sentence_at(sample, start)
    url = claim_url(sample, start) if which == "claim" else f"/desk/articles/{sample.pk}/sentences/{start}/"
    data = {"text": sentence, "claimant": "", "sentence": sentence, "priority": "2"}
    before = rows()

    refused = getattr(client_for(outsider), method)(url, data if method == "post" else None, **HX)
    anonymous = getattr(client, method)(url, data if method == "post" else None)

    assert refused.status_code == 403
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=")
    assert rows() == before


def test_cancel_puts_the_sentences_entry_back_and_a_browser_goes_to_its_place(
    sample: Article, client_for: Any, checker: Any
) -> None:
    start = start_of(sample, "516 soldiers")
    url = f"/desk/articles/{sample.pk}/sentences/{start}/"

    entry = client_for(checker).get(url, **HX)
    browser = client_for(checker).get(url)

    assert entry.status_code == 200
    assert html(entry).lstrip().startswith(f'<li id="candidate-{start}"')
    assert "Make a claim from it" in html(entry)
    assert "<textarea" not in html(entry)
    assert browser.status_code == 302
    assert browser["Location"] == f"{sample.get_absolute_url()}#candidate-{start}"


# --- Budget, and the demo.


def test_the_article_pages_query_count_does_not_grow_with_its_claims(
    sample: Article, client_for: Any, checker: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(checker)
    candidates = [c for c in sample.spotting().candidates if c.score >= 30]

    def make(candidate: Any) -> None:
        data = {"text": candidate.sentence, "claimant": "x", "sentence": candidate.sentence, "priority": "2"}
        assert client.post(claim_url(sample, candidate.start), data, **HX).status_code == 200

    make(candidates[0])
    with CaptureQueriesContext(connection) as few:
        assert client.get(sample.get_absolute_url()).status_code == 200
    # Counted now: the next request empties the connection's log it reads from.
    budget = len(few.captured_queries)
    for candidate in candidates[1:6]:
        make(candidate)
        Claim.objects.add(by=checker, text=f"Typed: {candidate.sentence}", article=sample)

    assert Claim.objects.count() == 11
    with django_assert_max_num_queries(budget):
        assert client.get(sample.get_absolute_url()).status_code == 200


def test_the_demo_article_is_cleaned_and_its_claims_come_from_its_sentences(desk_defaults: None) -> None:
    call_command("seed_demo", stdout=io.StringIO())

    article = Article.objects.get()
    assert article.original_body == SAMPLE.read_text(encoding="utf-8")
    assert article.body == clean(article.original_body).text
    assert SentenceClaim.objects.count() == Claim.objects.filter(article=article).count() == 8
    made = {link.claim.text: link.sentence for link in SentenceClaim.objects.select_related("claim")}
    assert "516 soldiers" in made["516 soldiers have been killed in the operation."]
    assert Activity.objects.filter(action="created").count() == 8
