"""The intake package stays pure text work: its import-linter contract holds,
and an import of the models, the desk or the queue breaks it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_architecture import lint_imports

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "claims", tmp_path / "claims", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    "back_import",
    [
        "from claims.models import Claim",
        "from claims.desk import views",
        "from claims.sources import tasks",
        "import celery",
    ],
)
def test_intake_importing_the_app_or_the_queue_breaks_its_contract(tree: Path, back_import: str) -> None:
    path = tree / "claims" / "intake" / "spotting.py"
    path.write_text(path.read_text() + f"\n{back_import}  # noqa\n")

    result = lint_imports(tree)

    assert result.returncode == 1
    assert "claims.intake is not allowed to import" in result.stdout
    assert "claims.intake.spotting ->" in result.stdout
