"""Correcting work from the desk: a claim's header, its evidence, an article.
Every edit is logged old → new; a stale form, a person without the right or
bad input changes nothing and says why; after publication, only a correction."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.html import escape

from claims.models import Activity, Article, Claim, Evidence, Source
from claims.workflow import State
from tests.desk.conftest import HX, counts, html
from tests.public.conftest import page_url

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def claim_form(claim: Claim, **changes: Any) -> dict[str, Any]:
    data = {
        "revision": claim.revision,
        "text": claim.text,
        "claimant": claim.claimant,
        "said_on": "",
        "appearance": "",
        "appearance_url": "",
        "priority": claim.priority,
        "due_on": "",
    }
    return data | changes


def notes(claim: Claim, action: str) -> list[str]:
    return list(Activity.objects.filter(claim=claim, action=action).order_by("pk").values_list("note", flat=True))


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_the_edit_form_is_drawn_in_place_or_as_a_page(
    headers: dict[str, str], claim: Claim, client_for: Any, checker: Any
) -> None:
    response = client_for(checker).get(f"/desk/claims/{claim.pk}/edit/", **headers)
    assert response.status_code == 200
    page = html(response)
    assert 'id="claim-head"' in page
    assert f'hx-post="/desk/claims/{claim.pk}/edit/"' in page
    assert ("<html" in page) is not bool(headers)
    cancel = client_for(checker).get(f"/desk/claims/{claim.pk}/", HTTP_HX_TARGET="claim-head", **HX)
    assert html(cancel).lstrip().startswith('<header class="claim-head" id="claim-head">')


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_every_change_is_logged_old_to_new(
    headers: dict[str, str], claim: Claim, client_for: Any, checker: Any
) -> None:
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/edit/",
        claim_form(
            claim,
            claimant="Asim Bajwa",
            priority=Claim.Priority.HIGH,
            said_on="2015-01-05",
            appearance="A press conference in Rawalpindi",
            appearance_url="https://example.org/briefing",
        ),
        **headers,
    )
    if headers:
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#claim-main"
        assert "Saved." in html(response)
    else:
        assert response.status_code == 302
        assert response["Location"] == f"/desk/claims/{claim.pk}/"
    edited = Claim.objects.get(pk=claim.pk)
    assert edited.revision == claim.revision + 1
    assert edited.speaker.name == "Asim Bajwa"
    assert edited.appearance_url == "https://example.org/briefing"
    assert notes(claim, "edited") == [
        "Claimant: Lt Gen Asim Bajwa → Asim Bajwa",
        "Said on: — → 2015-01-05",
        "Where: — → A press conference in Rawalpindi",
        "Where (link): — → https://example.org/briefing",
        "Priority: Normal → High",
    ]


def test_a_long_text_is_shortened_in_the_log_and_kept_whole(claim: Claim, client_for: Any, checker: Any) -> None:
    old = "The army said " + "that more than 3,500 militants were killed " * 10
    claim.edit(by=checker, text=old)
    claim.refresh_from_db()
    client_for(checker).post(f"/desk/claims/{claim.pk}/edit/", claim_form(claim, text="Short now."))
    entry = Activity.objects.filter(claim=claim, action="edited").order_by("-pk").first()
    line, whole = entry.edit_parts
    assert line.startswith("Text: “The army said that more")
    assert line.endswith("” → “Short now.”")
    assert len(line) < 200
    assert whole == old.strip()
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    assert "The whole text before" in page


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_stale_form_is_refused_and_shows_the_current_values(
    headers: dict[str, str], claim: Claim, client_for: Any, checker: Any, editor: Any
) -> None:
    form = claim_form(claim, text="My wording.")
    claim.edit(by=editor, text="The editor's wording.")
    before = counts() | {"text": Claim.objects.get(pk=claim.pk).text}
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/edit/", form, **headers)
    assert response.status_code == 409
    page = html(response)
    assert "changed this claim while you were editing it" in page
    assert escape("The editor's wording.") in page  # the form, with the current values
    assert "My wording." in page  # what they typed, shown beside
    assert counts() | {"text": Claim.objects.get(pk=claim.pk).text} == before


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_empty_text_is_refused(headers: dict[str, str], claim: Claim, client_for: Any, checker: Any) -> None:
    before = counts()
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/edit/", claim_form(claim, text="   "), **headers)
    assert response.status_code == 422
    assert "This field is required." in html(response)
    assert counts() == before
    assert Claim.objects.get(pk=claim.pk).text == claim.text


def test_a_blocked_appearance_url_is_refused(claim: Claim, client_for: Any, checker: Any) -> None:
    before = counts()
    form = claim_form(claim, appearance_url="http://127.0.0.1/admin")
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/edit/", form)
    assert response.status_code == 422
    assert counts() == before


def test_html_in_the_text_is_stored_as_text_and_escaped(claim: Claim, client_for: Any, checker: Any) -> None:
    client_for(checker).post(f"/desk/claims/{claim.pk}/edit/", claim_form(claim, text=PAYLOAD, claimant=PAYLOAD))
    assert Claim.objects.get(pk=claim.pk).text == PAYLOAD
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    assert PAYLOAD not in page
    assert escape(PAYLOAD) in page


def test_someone_else_may_not_reword_a_researched_claim(claim: Claim, client_for: Any, second_checker: Any) -> None:
    before = counts()
    response = client_for(second_checker).post(
        f"/desk/claims/{claim.pk}/edit/", claim_form(claim, text="Reworded.", priority=Claim.Priority.HIGH)
    )
    # The form offers them priority and due date only: the text is not theirs to change.
    assert response.status_code == 302
    row = Claim.objects.get(pk=claim.pk)
    assert (row.text, row.priority) == (claim.text, Claim.Priority.HIGH)
    assert counts()["Activity"] == before["Activity"] + 1


def test_nothing_of_a_rejected_claim_is_editable(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.REJECTED)
    response = client_for(checker).get(f"/desk/claims/{claim.pk}/edit/", **HX)
    assert response.status_code == 409
    assert "reopen it first" in html(response)


def test_after_publication_only_a_correction_changes_what_readers_see(
    publish: Any, client: Any, client_for: Any, checker: Any, editor: Any
) -> None:
    claim = publish()
    first = client.get(page_url(claim))
    assert client_for(checker).get(f"/desk/claims/{claim.pk}/edit/").status_code == 403
    without_note = claim_form(claim, text="Reworded for readers.")
    del without_note["priority"], without_note["due_on"]
    response = client_for(editor).post(f"/desk/claims/{claim.pk}/edit/", without_note)
    assert response.status_code == 422
    assert Claim.objects.get(pk=claim.pk).text == claim.text
    response = client_for(editor).post(
        f"/desk/claims/{claim.pk}/edit/", without_note | {"correction_note": "We quoted him wrongly."}
    )
    assert response.status_code == 302
    page = client.get(page_url(claim))
    assert page["ETag"] != first["ETag"]  # the cached page is not served
    text = html(page)
    assert "Reworded for readers." in text
    assert "We quoted him wrongly." in text  # among its corrections


# --- Evidence.


def evidence_form(item: Evidence, **changes: Any) -> dict[str, Any]:
    data = {
        "revision": item.revision,
        "url": item.source.url if item.source_id else "",
        "offline_source": item.offline_source,
        "quote": item.quote,
        "note": item.note,
        "stance": item.stance,
    }
    return data | changes


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_edit_evidence_is_logged_and_a_new_link_is_cited(
    headers: dict[str, str], claim: Claim, client_for: Any, checker: Any
) -> None:
    item = claim.add_evidence(by=checker, url="https://example.org/a", quote="309 people")
    url = f"/desk/claims/{claim.pk}/evidence/{item.pk}/edit/"
    assert 'id="evidence-' in html(client_for(checker).get(url, **headers))
    response = client_for(checker).post(
        url, evidence_form(item, url="https://example.org/b", quote="310 people", stance="contradicts"), **headers
    )
    assert response.status_code == (200 if headers else 302)
    item.refresh_from_db()
    assert item.source == Source.objects.get(url="https://example.org/b")
    assert (item.quote, item.stance, item.quote_check) == ("310 people", "contradicts", "unchecked")
    assert [note.split(", ", 1)[1] for note in notes(claim, "evidence_edited")] == [
        "Link: https://example.org/a → https://example.org/b",
        "Quote: 309 people → 310 people",
        "Stance: Context → Contradicts",
    ]


def test_a_stale_evidence_form_changes_nothing(claim: Claim, client_for: Any, checker: Any, editor: Any) -> None:
    item = claim.add_evidence(by=checker, offline_source="A call", quote="309 people")
    form = evidence_form(item, quote="Mine")
    claim.edit_evidence(by=editor, evidence_id=item.pk, quote="The editor's quote")
    before = counts()
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/evidence/{item.pk}/edit/", form, **HX)
    assert response.status_code == 409
    assert escape("The editor's quote") in html(response)
    assert counts() == before
    assert Evidence.objects.get(pk=item.pk).quote == "The editor's quote"


def test_published_evidence_changes_by_correction(publish: Any, client_for: Any, checker: Any, editor: Any) -> None:
    claim = publish()
    item = claim.evidence.first()
    url = f"/desk/claims/{claim.pk}/evidence/{item.pk}/edit/"
    assert client_for(checker).post(url, evidence_form(item, quote="x")).status_code == 403
    assert Evidence.objects.get(pk=item.pk).quote == item.quote
    response = client_for(editor).post(url, evidence_form(item, quote="309", correction_note="Quote trimmed."))
    assert response.status_code == 302
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.current_verdict.version == 2
    assert claim.current_verdict.correction_note == "Quote trimmed."


# --- Articles.


def article_form(article: Article, **changes: Any) -> dict[str, Any]:
    data = {
        "revision": article.revision,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "author": article.author,
        "published_on": "",
        "body": article.original_body or article.body,
    }
    return data | changes


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_edit_an_article_logs_on_its_claims_and_keeps_the_text_as_pasted(
    headers: dict[str, str], article: Article, claim: Claim, client_for: Any, checker: Any
) -> None:
    assert 'id="article-text"' in html(client_for(checker).get(f"/desk/articles/{article.pk}/edit/", **headers))
    pasted = "Officials said 309 people were arrested.\n\nShare this story\n"
    response = client_for(checker).post(
        f"/desk/articles/{article.pk}/edit/", article_form(article, title="A better title", body=pasted), **headers
    )
    assert response.status_code == (200 if headers else 302)
    article.refresh_from_db()
    assert (article.title, article.original_body) == ("A better title", pasted)
    assert "Share this story" not in article.body  # cleaned, as adding does
    logged = notes(claim, "article_edited")
    assert logged[0].endswith("Title: Army spokesman's briefing → A better title")
    assert "Before:\nPakistani authorities" in logged[1]  # the whole old text


def test_a_stale_article_form_changes_nothing(article: Article, client_for: Any, checker: Any, editor: Any) -> None:
    form = article_form(article, title="Mine")
    article.edit(by=editor, title="The editor's title")
    before = counts()
    response = client_for(checker).post(f"/desk/articles/{article.pk}/edit/", form, **HX)
    assert response.status_code == 409
    assert escape("The editor's title") in html(response)
    assert counts() == before


def test_an_article_of_a_published_claim_changes_by_correction(
    publish: Any, client_for: Any, checker: Any, editor: Any
) -> None:
    claim = publish()
    article = claim.article
    assert client_for(checker).get(f"/desk/articles/{article.pk}/edit/").status_code == 403
    response = client_for(editor).post(f"/desk/articles/{article.pk}/edit/", article_form(article, outlet="Dawn"))
    assert response.status_code == 422
    response = client_for(editor).post(
        f"/desk/articles/{article.pk}/edit/", article_form(article, outlet="Dawn", correction_note="Wrong outlet.")
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).current_verdict.correction_note == "Wrong outlet."
