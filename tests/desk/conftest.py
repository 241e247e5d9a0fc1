"""Helpers of the desk's tests: reading pages, counting rows, and the claims and article they act on."""

from __future__ import annotations

import re
from typing import Any

import pytest

from claims import workflow
from claims.models import Activity, Article, Claim, Evidence, Source, Verdict
from claims.workflow import State
from tests.conftest import ArticleFactory, UserFactory

HX = {"HTTP_HX_REQUEST": "true"}


def html(response: Any) -> str:
    return response.content.decode()


def counts() -> dict[str, int]:
    """Row counts of everything a desk post could write."""
    return {model.__name__: model.objects.count() for model in (Article, Claim, Evidence, Source, Verdict, Activity)}


def field_errors(page: str, name: str) -> str:
    """The text of the field block (label, widget, errors) that holds the
    widget with id `id_<name>`, if that block is marked as having errors."""
    for block in re.findall(r'<div class="field has-error">(.*?)</div>', page, flags=re.DOTALL):
        if f'id="id_{name}"' in block:
            return block
    return ""


def state_shown(page: str) -> str:
    found = re.search(r'data-testid="state">([^<]*)<', page)
    return found.group(1) if found else ""


@pytest.fixture
def article(desk_defaults: None) -> Article:
    return ArticleFactory(title="Army spokesman's briefing")


@pytest.fixture
def claim(make_claim: Any, article: Article) -> Claim:
    return make_claim(state=State.RESEARCHING, article=article)


@pytest.fixture
def submitted(make_claim: Any) -> Claim:
    return make_claim(state=State.SUBMITTED)


def desk_person(group: str = workflow.CHECKERS_GROUP) -> Any:
    return UserFactory(groups=[group])
