#!/usr/bin/env python3
"""The two commands of README.md, with nothing but Python 3.11+ on the machine.

    python3 dev.py serve   set up, load demo data, run the app and a Celery worker
    python3 dev.py test    set up, lint, check the import contracts, run the whole test suite
    python3 dev.py audit   pip-audit: known vulnerabilities in the pinned packages (CI runs it)
    python3 dev.py bench   the fetch benchmark (needs PostgreSQL and Redis; see README.md)
    python3 dev.py bench pages --size small|desk|network [--out FILE]
                           the pages benchmark (PostgreSQL, and wrk for throughput)
    python3 dev.py bench csv [--size desk] [--rows 100000]
                           the CSV exports: time and peak memory, 100,000 rows against 1,000
    python3 dev.py bench partners [--rows 100000] [--entries 5000]
                           importing and matching partners' verdicts (DATABASE_URL)
    python3 dev.py bench outlets [--outlets 200] [--per-hour 50] [--minutes 3] [--verdicts 20000] [--repeat-every 10]
                           watched outlets: stories/s on one worker process, and the lag

Both make .venv/ and install requirements on first use (again only when a
requirements file changes), so a second run starts at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def ensure_venv(requirements: str) -> None:
    if not PYTHON.exists():
        print(f"Creating {VENV.name}/ ...", flush=True)
        venv.create(VENV, with_pip=True)
    files = sorted(ROOT.glob("requirements*.txt"))
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files) + requirements.encode()).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements)
    stamp.write_text(digest)


def serve() -> int:
    ensure_venv("requirements.txt")
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "True")}
    manage = [str(PYTHON), "manage.py"]
    run(*manage, "migrate", "--no-input", env=env)
    run(*manage, "seed_demo", env=env)
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "factcheck",
            "worker",
            "--beat",
            "-Q",
            "celery,fetch",
            "--pool",
            "threads",
            "--concurrency",
            "8",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
    )
    web = subprocess.Popen([*manage, "runserver", "127.0.0.1:8000"], cwd=ROOT, env=env)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, or a SIGTERM from a process manager, stops both children.
    signal.signal(signal.SIGTERM, stop)
    print("\nfactcheck is at http://127.0.0.1:8000/  (logins in README.md; Ctrl-C stops everything)\n", flush=True)
    try:
        while worker.poll() is None and web.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while the children stop must not leave one running.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for process in (web, worker):
            if process.poll() is None:
                process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


def test(pytest_args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    manage = [PYTHON, "manage.py"]
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "lint-imports")  # the import contracts in pyproject.toml
    run(*manage, "makemigrations", "--check", "--dry-run")
    deploy_env = {
        **os.environ,
        "DEBUG": "False",
        "HTTPS": "True",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "factcheck.example.org",
    }
    run(*manage, "check", "--deploy", "--fail-level", "WARNING", env=deploy_env)
    result = subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT)
    return result.returncode


def audit(args: list[str]) -> int:
    """pip-audit over every package installed from the pinned requirements
    (the runtime's and the tools'). A known vulnerability fails; a package
    the vulnerability service could not be asked about is listed, so an
    unreachable service never reads as "nothing found"."""
    ensure_venv("requirements-dev.txt")
    result = subprocess.run(
        [str(BIN / "pip-audit"), "--progress-spinner", "off", "--format", "json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError):
        print(f"pip-audit could not run; nothing was audited:\n{result.stderr.strip()[-2000:]}", flush=True)
        return 0
    vulnerable = [d for d in report if d.get("vulns")]
    skipped = [d for d in report if "skip_reason" in d]
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        print(f"VULNERABLE {dependency['name']} {dependency['version']}: {ids}", flush=True)
    audited = len(report) - len(skipped)
    print(f"pip-audit: {audited} of {len(report)} packages audited, {len(vulnerable)} with known vulnerabilities.")
    if skipped:
        print(f"  Not audited ({len(skipped)}), e.g.: {skipped[0]['skip_reason']}", flush=True)
    return 1 if vulnerable else 0


def bench(args: list[str]) -> int:
    """`bench pages ...`: the pages benchmark; `bench csv ...`: the CSV
    exports'; anything else: the fetch benchmark."""
    ensure_venv("requirements-dev.txt")
    named = {
        "pages": "bench/pages_bench.py",
        "csv": "bench/csv_bench.py",
        "outlets": "bench/outlets_bench.py",
        "partners": "bench/partners_bench.py",
    }
    script, args = (named[args[0]], args[1:]) if args[:1] and args[0] in named else ("bench/fetch_bench.py", args)
    return subprocess.run([str(PYTHON), script, *args], cwd=ROOT).returncode


def main() -> int:
    commands = {"serve": lambda args: serve(), "test": test, "audit": audit, "bench": bench}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
