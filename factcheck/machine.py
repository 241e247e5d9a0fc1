"""Settings that take more than reading a variable: this machine's own
secret key, and where media storage is. Read by factcheck.settings."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import environ

env = environ.Env()


def local_secret_key(var_dir: Path) -> str:
    """A key made for this machine on first start and kept in var_dir, so that
    without SECRET_KEY a server never runs on a key published in this file.
    Production sets SECRET_KEY: machines sharing sessions need the same one."""
    path = var_dir / "secret_key"
    if not path.exists():
        # Written whole under a temporary name, then linked into place: a
        # process starting at the same moment reads a whole key or makes its
        # own attempt, and the first link wins.
        draft = var_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if len(key) < 50:
        raise ValueError(f"{path} holds no usable key; delete it to make a new one, or set SECRET_KEY.")
    return key


def media_storage() -> dict[str, object]:
    """Where stored copies of sources and evidence bundles go: this machine's
    MEDIA_ROOT, or with MEDIA_S3_BUCKET an S3-compatible object store that
    every web and worker machine shares, so a copy a fetch worker stores on
    one machine is served by a web process on another."""
    bucket = env.str("MEDIA_S3_BUCKET", default="")
    if not bucket:
        # A store half configured must stop the process, not leave every
        # machine writing to its own disk.
        stray = sorted(name for name, value in os.environ.items() if name.startswith("MEDIA_S3_") and value)
        if stray:
            raise ValueError(f"{', '.join(stray)} set without MEDIA_S3_BUCKET")
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    from botocore.config import Config

    options: dict[str, object] = {
        "bucket_name": bucket,
        "location": env.str("MEDIA_S3_PREFIX", default="").strip("/"),
        # Names are content hashes (stored copies) and verdict states
        # (bundles): one name, one content. Two workers storing the same page
        # at once write one object; without this the second would be kept as
        # `<hash>_a1B2c3d.gz`, a copy nothing points at.
        "file_overwrite": True,
        # Private objects: readers get them through our views, with our headers.
        "default_acl": None,
        # A stored copy is a gzip file, not a page sent gzip-encoded. Left to
        # guess from the name, django-storages marks `.gz` objects
        # `Content-Encoding: gzip`, and a store that honours it (Google Cloud
        # Storage decompresses such objects for clients) hands back other bytes.
        "object_parameters": {"ContentType": "application/octet-stream"},
        # Seconds, not botocore's minute, for a store that does not answer: a
        # fetch is retried later, a reader gets an error page.
        "client_config": Config(connect_timeout=5, read_timeout=30, retries={"mode": "standard"}),
    }
    # Unset, boto3 finds them itself: AWS_* variables, an instance or task role.
    for option, name in [
        ("endpoint_url", "MEDIA_S3_ENDPOINT_URL"),
        ("region_name", "MEDIA_S3_REGION"),
        ("access_key", "MEDIA_S3_ACCESS_KEY_ID"),
        ("secret_key", "MEDIA_S3_SECRET_ACCESS_KEY"),
    ]:
        if value := env.str(name, default=""):
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
