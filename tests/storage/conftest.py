"""Media storage on an S3 API served locally: moto's server mode on 127.0.0.1
(one server process for the session, a bucket of its own for each test), and
django-storages pointed at it by the variables production sets, read by the
settings' own code (`factcheck.machine.media_storage`). Buckets keep every
version of an object, so a test can tell an object written once from one
written again with the same bytes."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from factcheck.machine import media_storage

REGION = "us-east-1"
PREFIX = "media"  # MEDIA_S3_PREFIX: every key below it, as a shared bucket would have


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real S3 API (moto's server) on a free port of 127.0.0.1, in a process
    of its own as a store is: what the test process holds in memory is then
    its own (a test measures it)."""
    log = tmp_path_factory.mktemp("s3") / "moto.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "--host", "127.0.0.1", "--port", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        # Port 0: the server takes a free one and says which.
        while not (running := re.search(r"Running on (http://127\.0\.0\.1:\d+)", log.read_text())):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto's S3 server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.05)
        yield running.group(1)
    finally:
        server.terminate()
        server.wait(10)


@dataclass
class Bucket:
    """A bucket on the local S3 server, the variables that point a process at
    it, and a client that reads it as anyone else would."""

    name: str
    env: dict[str, str]
    client: Any

    def keys(self, under: str = "") -> list[str]:
        """Keys (without the prefix) of the objects now in the bucket."""
        listing = self.client.list_objects_v2(Bucket=self.name, Prefix=f"{PREFIX}/{under}")
        return sorted(item["Key"].removeprefix(f"{PREFIX}/") for item in listing.get("Contents", []))

    def versions(self, key: str) -> int:
        """How many times `key` was written."""
        listing = self.client.list_object_versions(Bucket=self.name, Prefix=f"{PREFIX}/{key}")
        return sum(1 for version in listing.get("Versions", []) if version["Key"] == f"{PREFIX}/{key}")

    def head(self, key: str) -> dict[str, Any]:
        return self.client.head_object(Bucket=self.name, Key=f"{PREFIX}/{key}")

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=f"{PREFIX}/{key}")["Body"].read()

    def read_copy(self, key: str) -> bytes:
        """A stored copy's bytes as fetched (copies are stored gzip-compressed)."""
        return gzip.decompress(self.read(key))

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=f"{PREFIX}/{key}")


def new_bucket(endpoint: str) -> Bucket:
    name = f"factcheck-{uuid.uuid4().hex[:12]}"
    env = {
        "MEDIA_S3_BUCKET": name,
        "MEDIA_S3_ENDPOINT_URL": endpoint,
        "MEDIA_S3_REGION": REGION,
        "MEDIA_S3_ACCESS_KEY_ID": "factcheck-tests",
        "MEDIA_S3_SECRET_ACCESS_KEY": "not-a-secret",
        "MEDIA_S3_PREFIX": PREFIX,
    }
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=env["MEDIA_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["MEDIA_S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return Bucket(name, env, client)


def use_bucket(bucket: Bucket, monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    """Media storage in this process on `bucket`, configured as production
    configures it: from the environment, by the settings' code."""
    for name, value in bucket.env.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Bucket:
    """A fresh bucket, and this process's media storage on it."""
    made = new_bucket(s3_endpoint)
    use_bucket(made, monkeypatch, settings)
    return made
