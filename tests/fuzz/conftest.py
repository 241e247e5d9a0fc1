"""Hypothesis settings for the fuzz tests, and what the tests share.

The `fuzz` profile is what CI runs: derandomized, so a run is the same run
every time and a failure in CI is a failure on a laptop; no example database,
so nothing is written to `.hypothesis/`. `fuzz-explore` draws new examples
on every run, many more of them, for hunting by hand:

    HYPOTHESIS_PROFILE=fuzz-explore pytest tests/fuzz
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

# `database=None` keeps no examples, but Hypothesis still caches Unicode
# tables and the constants it reads from our code in its home folder, which
# is `.hypothesis/` in the working directory unless moved.
set_hypothesis_home_dir(
    os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY") or Path(tempfile.gettempdir()) / "factcheck-hypothesis"
)

# The deadline is for hangs, not speed: the slowest honest example (a 1 MB
# form post rendered back with its errors, on a busy CI machine) takes well
# under a second; a catastrophic regex or a quadratic loop on 1 MB takes
# far longer than this.
DEADLINE_MS = 3_000

_SHARED = {
    "database": None,
    "deadline": DEADLINE_MS,
    # The personas, the client and `settings` are function-scoped fixtures
    # that no example changes (each test counts rows before and after every
    # example itself), so sharing them across examples is what we want.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "print_blob": True,
}
settings.register_profile("fuzz", derandomize=True, max_examples=100, **_SHARED)
settings.register_profile("fuzz-explore", derandomize=False, max_examples=2_000, **_SHARED)


def pytest_configure(config: pytest.Config) -> None:
    # A profile named on the command line (--hypothesis-profile) wins; this
    # conftest only sets the default for the fuzz folder's run.
    if not config.getoption("hypothesis_profile", default=None):
        settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz"))
