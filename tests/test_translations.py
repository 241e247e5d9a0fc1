"""Every string people read can be translated: the templates carry no
untranslated text, the Python raises no untranslated message, and a
translator's catalog, once added, changes the pages (the public page cache
included) with nothing else to do."""

from __future__ import annotations

import ast
import re
import struct
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.template.base import Lexer, TokenType
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"

# Text that is the same in every language: names, formats, symbols.
UNTRANSLATED = {"factcheck", "RSS", "Atom", "SHA-256", "Bajwa"}
SHOWN_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "content", "value"}
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


class _VisibleText(HTMLParser):
    """The text a reader sees or hears in a run of template text: text
    nodes and the attributes that are shown or spoken."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "meta":
            shown = {"content"} if given.get("name") == "description" else set()
        elif tag == "input" and given.get("type") in ("submit", "button"):
            shown = SHOWN_ATTRIBUTES
        else:
            shown = SHOWN_ATTRIBUTES - {"content", "value"}
        self.found += [value for name, value in attrs if name in shown and value]

    def handle_data(self, data: str) -> None:
        self.found.append(data)


def untranslated_text(source: str) -> list[str]:
    """Words in the template outside {% translate %}, {% blocktranslate %},
    comments and variables."""
    inside_block = inside_comment = 0
    text = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if name == "comment":
                inside_comment += 1
            elif name == "endcomment":
                inside_comment -= 1
            elif inside_comment:
                continue
            elif name in ("blocktranslate", "blocktrans"):
                inside_block += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                inside_block -= 1
            elif name in ("translate", "trans") and not inside_block:
                text.append("\ue000")  # where a translated string stands (say, in an attribute)
        elif inside_comment:
            continue
        elif token.token_type == TokenType.VAR and not inside_block:
            text.append("\ue000")
        elif token.token_type == TokenType.TEXT and not inside_block:
            text.append(token.contents)
    parser = _VisibleText()
    parser.feed("".join(text))
    parser.close()
    words = []
    for piece in parser.found:
        for word in re.split(r"[\s\ue000]+", piece):
            if LETTERS.search(word) and word.strip("“”‘’\"'()·—→←#:,.;") not in UNTRANSLATED:
                words.append(word)
    return words


def templates_in_scope() -> list[str]:
    return sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", templates_in_scope())
def test_a_template_has_no_text_outside_translate_tags(name: str) -> None:
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    assert untranslated_text(source) == [], name


def test_the_template_check_finds_text_a_translator_could_not_reach() -> None:
    assert untranslated_text('{% load i18n %}<p>{% translate "Kept" %} Forgotten</p>') == ["Forgotten"]
    assert untranslated_text('<img alt="A photo">{{ name }}') == ["A", "photo"]
    assert untranslated_text("{% load i18n %}{% blocktranslate %}All {{ n }} here{% endblocktranslate %}") == []


# --- Python: messages people read are passed through gettext.

PYTHON_IN_SCOPE = [
    "claims/accounts",
    "claims/public/suggest.py",
    "claims/public/prepublish.py",
    "claims/public/feeds.py",
    "claims/sources",
    "claims/desk/views/articles.py",
    "claims/desk/views/claimants.py",
    "claims/desk/views/sources.py",
    "claims/desk/views/suggestions.py",
    "claims/desk/views/access.py",
    "claims/intake/spotting.py",
    "claims/intake/cleaning.py",
    "claims/mail",
    "claims/limits.py",
    "claims/workflow",
    "claims/models/claims.py",
    "claims/models/claim_edits.py",
    "claims/models/signoff.py",
    "claims/models/policy.py",
    "claims/models/notifications.py",
    "claims/models/people.py",
    "claims/models/desk_stats.py",
    "claims/desk",
    "claims/public/scale.py",
    "factcheck/errors.py",
]
# Calls whose text argument a person reads.
SHOWN_CALLS = {
    "PermissionDenied",
    "ValidationError",
    "BlockedURL",
    "FetchError",
    "SentenceRefused",
    "WorkflowError",
    "NotPermitted",
    "StaleState",
    "GuardFailed",
    "Shown",
    "Action",
}
SHOWN_METHODS = {"add_error"}
MESSAGES = {"success", "error", "info", "warning", "debug", "add_message"}
SHOWN_KEYWORDS = {"label", "help_text", "subject", "verbose_name", "empty_label", "asks_person", "title", "empty"}


def _plain_text(node: ast.expr | None) -> bool:
    """A string literal or f-string with words in it, not passed through gettext."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(LETTERS.search(node.value)) and " " in node.value.strip()
    if isinstance(node, ast.JoinedStr):
        return any(_plain_text(value) for value in node.values if isinstance(value, ast.Constant))
    return False


def _choice_labels(node: ast.ClassDef) -> list[int]:
    """Lines of a Choices class whose label (the value's last part) is given as is."""
    if not any(
        isinstance(base, ast.Attribute | ast.Name) and ast.unparse(base).endswith("Choices") for base in node.bases
    ):
        return []
    lines = []
    for statement in node.body:
        value = statement.value if isinstance(statement, ast.Assign) else None
        if isinstance(value, ast.Tuple) and value.elts:
            label = value.elts[-1]
            if isinstance(label, ast.Constant) and isinstance(label.value, str) and LETTERS.search(label.value):
                lines.append(statement.lineno)
    return lines


def untranslated_messages(source: str) -> list[int]:
    """Lines where a string people read is given as is: in the calls above,
    as a Choices label, or returned (a refusal's reason, a label)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            lines += _choice_labels(node)
        if isinstance(node, ast.Return) and _plain_text(node.value):
            lines.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) and func.id in SHOWN_CALLS else ""
        if isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            shown = func.attr in SHOWN_METHODS or (owner == "messages" and func.attr in MESSAGES)
            name = func.attr if shown or func.attr in SHOWN_CALLS else ""
        if name and any(_plain_text(arg) for arg in node.args):
            lines.append(node.lineno)
        lines += [kw.value.lineno for kw in node.keywords if kw.arg in SHOWN_KEYWORDS and _plain_text(kw.value)]
    return lines


def python_in_scope() -> list[Path]:
    paths: list[Path] = []
    for entry in PYTHON_IN_SCOPE:
        path = ROOT / entry
        paths += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return paths


@pytest.mark.parametrize("path", python_in_scope(), ids=lambda path: str(path.relative_to(ROOT)))
def test_python_passes_what_people_read_through_gettext(path: Path) -> None:
    assert untranslated_messages(path.read_text(encoding="utf-8")) == [], path


def test_the_python_check_finds_a_message_given_as_is() -> None:
    source = 'messages.success(request, f"Claim added: {x}")\nraise PermissionDenied(_("Not yours."))\n'
    assert untranslated_messages(source) == [1]
    assert untranslated_messages('forms.CharField(label="Your email")') == [1]
    assert untranslated_messages('def why():\n    return "Only an editor may do this."\n') == [2]
    assert untranslated_messages('def key():\n    return "in_review"\n') == []
    choices = 'class State(models.TextChoices):\n    DONE = "done", "Done"\n    OPEN = "open", _("Open")\n'
    assert untranslated_messages(choices) == [2]


# --- A catalog a translator adds changes the pages.


def write_mo(path: Path, catalog: dict[str, str]) -> None:
    """A compiled gettext catalog (the .mo format msgfmt writes), without
    depending on gettext being installed."""
    catalog = {"": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"} | catalog
    keys = sorted(catalog)
    ids = b"".join(key.encode() + b"\0" for key in keys)
    strs = b"".join(catalog[key].encode() + b"\0" for key in keys)
    header = 7 * 4
    table = 8 * len(keys)
    ids_start = header + 2 * table
    strs_start = ids_start + len(ids)
    offsets_ids, offsets_strs, at_id, at_str = [], [], ids_start, strs_start
    for key in keys:
        raw_id, raw_str = key.encode(), catalog[key].encode()
        offsets_ids += [len(raw_id), at_id]
        offsets_strs += [len(raw_str), at_str]
        at_id += len(raw_id) + 1
        at_str += len(raw_str) + 1
    data = struct.pack("<7I", 0x950412DE, 0, len(keys), header, header + table, 0, 0)
    data += struct.pack(f"<{2 * len(keys)}I", *offsets_ids) + struct.pack(f"<{2 * len(keys)}I", *offsets_strs)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data + ids + strs)


URDU = {"Skip to content": "مواد پر جائیں", "Verdicts": "فیصلے", "Suggest a claim": "دعویٰ تجویز کریں"}


@pytest.fixture
def urdu(settings: Any, tmp_path: Path) -> None:
    write_mo(tmp_path / "ur" / "LC_MESSAGES" / "django.mo", URDU)
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGES = [("en", "English"), ("ur", "Urdu")]


@pytest.mark.django_db
def test_a_readers_language_is_served_when_a_catalog_exists(urdu: None, publish: Any) -> None:
    publish(text="We have paid $106.9 billion on this war.")
    english = Client().get("/verdicts/", HTTP_ACCEPT_LANGUAGE="en")
    # The same page, the same state of the site: drawn again, not the English copy from the cache.
    page = Client().get("/verdicts/", HTTP_ACCEPT_LANGUAGE="ur")
    html = page.content.decode()
    assert 'lang="ur" dir="rtl"' in html
    assert "مواد پر جائیں" in html
    assert "فیصلے" in html
    assert "Accept-Language" in page.headers["Vary"]
    assert "Skip to content" in english.content.decode()
    assert "مواد" not in english.content.decode()
    again = Client().get("/verdicts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Skip to content" in again
    assert "مواد" not in again


@pytest.mark.django_db
def test_a_language_without_a_catalog_gets_english(publish: Any) -> None:
    publish(text="We have paid $106.9 billion on this war.")
    html = Client().get("/verdicts/", HTTP_ACCEPT_LANGUAGE="ur").content.decode()
    assert 'lang="en" dir="ltr"' in html
    assert "Skip to content" in html
