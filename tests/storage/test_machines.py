"""More than one machine: two web processes (gunicorn, as the README deploys
them) and two sets of workers, each machine with local folders of its own
(MEDIA_ROOT, VAR_DIR), sharing only PostgreSQL, Redis and the object store. A
source cited through one web process and fetched by whichever worker takes it
is served with the same bytes and hash by the other web process, and a bundle
one web process built is served by the other as it is."""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from claims.models import Rating, Source
from tests.conftest import ROOT, Workers, add_research, database_url, log_in, purge
from tests.pages import Page, article_html, article_paragraphs, serving
from tests.storage.conftest import Bucket, new_bucket, use_bucket

QUEUES = "machines-"  # queues of their own: the session's workers never take these jobs
SECONDS = 20  # for a process to start, or a page to be fetched and extracted


def wait_for(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + SECONDS
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {SECONDS} s for {what}")
        time.sleep(0.1)
    return result


class Machine:
    """One machine's web process and workers, with its own folders."""

    def __init__(self, name: str, root: Path, shared: dict[str, str]) -> None:
        self.folder = root / name
        self.media = self.folder / "media"
        self.env = {**shared, "VAR_DIR": str(self.folder / "var"), "TEST_MEDIA_ROOT": str(self.media)}
        self.folder.mkdir(parents=True)
        self.log = self.folder / "web.log"
        self.web: subprocess.Popen | None = None
        self.workers: Workers | None = None
        self.url = ""

    def start_web(self) -> None:
        # Port 0: gunicorn takes a free one and says which in its log.
        command = [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"]
        command += ["--no-control-socket", "--error-logfile", "-"]
        with self.log.open("w") as out:
            self.web = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_workers(self) -> None:
        self.workers = Workers(self.folder, media_root=str(self.media), queue_prefix=QUEUES, **self.env)

    def wait_for_web(self) -> None:
        def listening() -> str:
            assert self.web is not None
            assert self.web.poll() is None, self.log.read_text()[-3000:]
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", self.log.read_text())
            return found.group(1) if found else ""

        self.url = wait_for(listening, f"gunicorn in {self.folder}")

        def answers() -> bool:
            try:
                return httpx.get(f"{self.url}/verdicts/", timeout=5).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(answers, f"the web process in {self.folder} to answer")

    def stored_here(self) -> list[Path]:
        """Files this machine's own disk holds under its MEDIA_ROOT."""
        return [path for path in self.media.rglob("*") if path.is_file()] if self.media.exists() else []

    def stop(self) -> None:
        if self.web is not None and self.web.poll() is None:
            self.web.terminate()
        if self.workers is not None:
            self.workers.stop()
        if self.web is not None:
            try:
                self.web.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.web.pid, signal.SIGKILL)
                self.web.wait(10)


@pytest.fixture
def machines(
    transactional_db: None, s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> Iterator[tuple[Machine, Machine, Bucket]]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: processes of their own cannot share SQLite's test database reliably")
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        pytest.skip("needs Redis: the filesystem broker lives in one machine's VAR_DIR")
    bucket = new_bucket(s3_endpoint)
    use_bucket(bucket, monkeypatch, settings)  # this process looks into the same bucket
    purge(f"{QUEUES}celery", f"{QUEUES}fetch")
    shared = {
        **bucket.env,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "TEST_QUEUE_PREFIX": QUEUES,
        # The same on every machine, as the README says: sessions are shared.
        "SECRET_KEY": settings.SECRET_KEY,
    }
    started = [Machine("one", tmp_path, shared), Machine("two", tmp_path, shared)]
    # Machines start and stop side by side, as they would: the test stays fast.
    with ThreadPoolExecutor() as side_by_side:
        try:
            for machine in started:
                machine.start_web()  # boots while the workers start
            list(side_by_side.map(Machine.start_workers, started))
            for machine in started:
                machine.wait_for_web()
            yield started[0], started[1], bucket
        finally:
            list(side_by_side.map(Machine.stop, started))


@pytest.fixture
def site(settings: Any) -> Iterator[Any]:
    with serving(settings, {"/article": Page(article_html())}) as server:
        yield server


def session_of(user: Any) -> dict[str, str]:
    """The session cookie of `user`, logged in: the session is a row in the
    shared database, so every web process knows it."""
    client = log_in(Client(), user)
    name = django_settings.SESSION_COOKIE_NAME
    return {name: client.cookies[name].value}


def test_a_source_cited_on_one_machine_is_served_byte_for_byte_by_another_and_so_is_its_bundle(
    machines: tuple[Machine, Machine, Bucket],
    site: Any,
    make_claim: Any,
    checker: Any,
    second_checker: Any,
    editor: Any,
) -> None:
    one, two, bucket = machines
    claim = make_claim(state="researching", researcher=checker)
    cookies = session_of(checker)

    # Cited through the first web process, as a fact-checker does.
    with httpx.Client(base_url=one.url, cookies=cookies, timeout=10) as browser:
        page = browser.get(f"/desk/claims/{claim.pk}/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert page.status_code == 200
        assert token, page.text[:500]
        fields = {"url": site.url("/article"), "quote": "309 people", "stance": "context", "offline_source": ""}
        cited = browser.post(
            f"/desk/claims/{claim.pk}/evidence/", data={**fields, "note": ""}, headers={"X-CSRFToken": token.group(1)}
        )
        assert cited.status_code == 302, cited.text[:500]

    # Fetched by one worker, extracted by a worker of either machine.
    source = wait_for(
        lambda: Source.objects.filter(evidence__claim=claim, extracted_at__isnull=False).first(),
        "the workers to fetch and extract the cited page",
    )
    assert source.status == Source.Status.FETCHED
    assert article_paragraphs()[0] in source.text

    # Served by the second web process, to the desk.
    with httpx.Client(base_url=two.url, cookies=cookies, timeout=10) as browser:
        copy = browser.get(f"/desk/sources/{source.pk}/snapshot/")
    assert copy.status_code == 200
    assert copy.content == article_html()
    assert hashlib.sha256(copy.content).hexdigest() == source.sha256

    # Published: readers get the copy and the bundle from either web process.
    add_research(claim, checker, Rating.objects.get(label="False"))
    claim = claim.transition("submit", by=checker, expected_state="researching")
    claim = claim.transition("approve", by=second_checker, expected_state="in_review")
    claim = claim.transition("publish", by=editor, expected_state="approved")
    public = httpx.get(f"{two.url}/sources/{source.pk}/snapshot/", timeout=10)
    assert public.status_code == 200
    assert hashlib.sha256(public.content).hexdigest() == source.sha256

    built = httpx.get(f"{one.url}/verdicts/{claim.slug}/bundle.zip", timeout=10)
    served = httpx.get(f"{two.url}/verdicts/{claim.slug}/bundle.zip", timeout=10)

    assert built.status_code == served.status_code == 200
    assert served.content == built.content
    [bundle] = bucket.keys(f"bundles/{claim.pk}/")
    assert bucket.versions(bundle) == 1  # the second web process served it, and did not build its own
    archive = zipfile.ZipFile(io.BytesIO(served.content))
    assert archive.read(f"sources/{source.sha256}.html") == article_html()
    # Nothing went to any machine's own disk.
    assert one.stored_here() == two.stored_here() == []
