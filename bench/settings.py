"""The app's settings with the benchmark's URLconf: every page of the app,
plus a trivial view to measure the others against (bench/urls.py). The app's
own URLconf stays as it is."""

from __future__ import annotations

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
