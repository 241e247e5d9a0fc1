"""The failure drills' own services, so a drill can break them without touching
anyone else's: a Redis server per drill (killed and started again on its
port; never the shared one), a PostgreSQL cluster per drill where one is
needed, pages that hold their answer while the test breaks something, and
workers started on them (tests/conftest.py `Workers`)."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from kombu import pools

from claims.models import Claim, Source
from tests.conftest import ROOT, Workers
from tests.pages import Page, PageHandler


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def until(condition: Callable[[], Any], seconds: float, what: str, workers: Workers | None = None) -> Any:
    """Wait for `condition()` to be true and return it; fail saying `what` did
    not happen, with the end of the `workers`' logs."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            logs = f"\n{workers.tail()}" if workers is not None else ""
            raise AssertionError(f"{what}: not after {seconds} s{logs}")
        time.sleep(0.05)


def settled(claim: Claim) -> list[Source] | None:
    """The sources `claim` cites, once none has anything more to do."""
    sources = list(Source.objects.filter(evidence__claim=claim).distinct().order_by("pk"))
    return sources if all(source.is_settled for source in sources) else None


class HeldPage:
    """A page whose answer waits until `release()`: a worker is mid-fetch for as
    long as the test needs. Counts its requests."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.released = threading.Event()
        self.requests = 0
        self._lock = threading.Lock()

    def __call__(self, handler: PageHandler) -> None:
        with self._lock:
            self.requests += 1
        while not self.released.wait(0.05):
            if handler.stopping(0):
                return
        with contextlib.suppress(OSError):  # the worker that asked may be gone
            handler.send_page(self.page)

    def release(self) -> None:
        self.released.set()

    def wait_for_requests(self, count: int, seconds: float = 30) -> None:
        until(lambda: self.requests >= count, seconds, f"{count} request(s) for the held page")


class RedisServer:
    """A redis-server of the drill's own on a free port, nothing kept on disk,
    as production's Redis runs: a restart loses every queued message."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")]
        self.process = subprocess.Popen(command, start_new_session=True)
        until(self._answers, 10, f"redis-server on port {self.port} answering")

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        """A crash: SIGKILL, no shutdown, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)


@pytest.fixture(scope="session")
def redis_transport_options() -> dict[str, Any]:
    """The broker options the project's settings give a Redis broker (1 s
    timeouts, so citing never waits on a dead Redis), even in a session run
    on the filesystem broker of the default configuration."""
    if django_settings.CELERY_BROKER_URL.startswith("redis://"):
        return dict(django_settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    script = "import json; from factcheck import settings; print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))"
    env = {**os.environ, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout)


def _use_broker(url: str, transport_options: dict[str, Any]) -> None:
    """Point this process's Celery app (what the desk's requests send with) at
    `url`. Celery reads CELERY_BROKER_URL from the environment before its
    configuration, so the caller sets that too."""
    from factcheck.celery import app

    pools.reset()  # closes every pooled broker connection, to any broker
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url
    app.conf.broker_transport_options = transport_options


@pytest.fixture
def drill_redis(
    tmp_path: Path, redis_transport_options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> Iterator[RedisServer]:
    """A Redis of this drill's own, the broker of this test process while the test runs."""
    if shutil.which("redis-server") is None:
        pytest.skip("the drill needs redis-server (apt-get install redis-server; .ci/run installs it)")
    from factcheck.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options
    server = RedisServer(tmp_path)
    server.start()
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    _use_broker(server.url, redis_transport_options)
    yield server
    _use_broker(*saved)
    server.kill()


@pytest.fixture
def drill_workers(start_workers: Callable[..., Workers], drill_redis: RedisServer) -> Callable[..., Workers]:
    """`start_workers` on the drill's Redis, with the drill's worker settings
    (tests/drills/worker_settings.py); settings as environment variables."""

    def start(**env: str) -> Workers:
        return start_workers(
            CELERY_BROKER_URL=drill_redis.url, DJANGO_SETTINGS_MODULE="tests.drills.worker_settings", **env
        )

    return start


class PostgresServer:
    """A PostgreSQL cluster of the drill's own, in a temporary folder, that the
    drill may stop and start (the shared server on 5432 is never touched)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        # Not under pytest's tmp_path: as root the server runs as `postgres`,
        # who cannot enter root's private temporary folders.
        self.folder = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            # initdb refuses to run as root.
            shutil.chown(self.folder, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def run(self, program: str, *args: str, **options: Any) -> subprocess.CompletedProcess:
        command = [*self.as_owner, str(self.bindir / program), *args]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60, **options)

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        # fsync off: the drill restarts the server, it never pulls the plug on the machine.
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast`, as a restart does: every client's connection is cut and its
        transaction rolled back; then the server refuses connections until started."""
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def postgres_bindir() -> Path | None:
    """The server programs of the PostgreSQL the tests run on (Debian keeps
    them out of PATH, under /usr/lib/postgresql/<major>/bin)."""
    major = connection.pg_version // 10000
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"))):
        if (candidate / "initdb").exists() and (candidate / "pg_dump").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture
def private_postgres(transactional_db: None) -> Iterator[PostgresServer]:
    """This test process on a PostgreSQL cluster of the drill's own, holding a
    copy of the test database (schema and the rows migrations made), so the
    drill can restart the server under the workers. Back on the test database
    afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("a drill of PostgreSQL's restart; the SQLite default has no server to restart")
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and not _has_user("postgres"):
        pytest.skip("initdb refuses root, and there is no `postgres` user to run it as")
    server = PostgresServer(bindir)
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    try:
        server.init()
        server.start()
        name = settings_dict["NAME"]
        server.run("createdb", "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres", name)
        source = ["-h", settings_dict["HOST"], "-p", str(settings_dict["PORT"]), "-U", settings_dict["USER"], name]
        dump = [str(bindir / "pg_dump"), "--no-owner", "--no-privileges", *source]
        copy = subprocess.run(dump, check=True, capture_output=True, timeout=60).stdout
        load = [str(bindir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(server.port)]
        subprocess.run([*load, "-U", "postgres", name], input=copy, check=True, capture_output=True, timeout=60)
        connection.close()
        connection.close_pool()
        settings_dict.update(HOST="127.0.0.1", PORT=str(server.port), USER="postgres")
        yield server
    finally:
        connection.close()
        connection.close_pool()
        settings_dict.clear()
        settings_dict.update(saved)
        server.remove()


def ignores_signal(pid: int, number: int) -> bool:
    """Whether process `pid` ignores signal `number` (Linux: /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (number - 1)))
    return False


def kill_worker(workers: Workers, queue: str) -> None:
    """SIGKILL the worker process of `queue` (a gevent worker is one process):
    no warm shutdown, no ack, nothing written."""
    process = workers.processes[0 if queue == "fetch" else 1]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)
