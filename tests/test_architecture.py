"""The import contracts (pyproject.toml, run by `lint-imports` in the test
command) hold, and they bite: a back-import breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": str(LINT_IMPORTS.parent), "PYTHONPATH": str(tree)},
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the package and its contracts, to break."""
    shutil.copytree(ROOT / "claims", tmp_path / "claims", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold_on_the_code_as_it_is(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "back_import", "broken"),
    [
        # A model that sends its own Celery task: the enqueueing belongs to the task layer.
        ("models/sources.py", "from claims.sources.tasks import enqueue_fetches", "claims.models is not allowed"),
        ("models/claims.py", "from claims.public.claimreview import claim_review", "claims.models is not allowed"),
        ("models/webhooks.py", "import httpx", "claims.models is not allowed to import httpx"),
        ("workflow/rules.py", "from claims.models import Claim", "claims.workflow is not allowed"),
        ("sources/guard.py", "from claims.sources import tasks", "claims.sources.guard is not allowed"),
        ("public/claimreview.py", "from claims.public import views", "claims.public.claimreview is not allowed"),
        ("desk/forms.py", "from claims.desk.views import claims", "claims.desk.forms is not allowed"),
    ],
)
def test_a_back_import_breaks_a_contract(tree: Path, module: str, back_import: str, broken: str) -> None:
    path = tree / "claims" / module
    path.write_text(path.read_text() + f"\n{back_import}  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert broken in result.stdout
