"""Stored copies of fetched pages in media storage: written whole or not at
all, named by their hash, read as they arrive (local disk or an object
store, see factcheck.machine.media_storage)."""

from __future__ import annotations

import errno
import gzip
import os
import sys
import tempfile
from pathlib import Path
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext, gettext_lazy


class CopyNotStored(Exception):
    """The fetched bytes could not be written to media storage (a full disk, a
    quota); the message says so in words a fact-checker reads."""


def store_snapshot(body: bytes, sha256: str) -> str:
    """Store the bytes as fetched, gzip-compressed, named by their SHA-256, so
    the same bytes fetched twice (or cited by two sources) are stored once.
    Raises CopyNotStored, with nothing left under the name, when storage
    refuses the write or cannot be reached."""
    name = f"snapshots/{sha256[:2]}/{sha256}.gz"
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:
        _put_object(name, body)
        return name
    if default_storage.exists(name):
        return name
    try:
        _write_whole(path, gzip.compress(body, compresslevel=6, mtime=0))
    except OSError as error:
        raise CopyNotStored(_storage_trouble(error)) from error
    return name


def _put_object(name: str, body: bytes) -> None:
    """Store in an object store (S3 and the like, see factcheck.machine.media_storage),
    which keeps an object whole or not at all, under `name` even when another
    worker stored the same bytes meanwhile: the storage overwrites."""
    try:
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(gzip.compress(body, compresslevel=6, mtime=0)))
    except Exception as error:
        # Its client raises its own errors, not OSError: botocore's
        # ClientError when the store refuses, EndpointConnectionError when it
        # cannot be reached. Either way the fetch is retried later.
        raise CopyNotStored(str(STORAGE_FAILED)) from error


def stream_from_storage(name: str) -> IO[bytes]:
    """A file in media storage, open to be read from its start as it arrives;
    FileNotFoundError when storage has none. Django's S3 file downloads the
    whole object before it gives a byte (into memory, unless told otherwise),
    so a large bundle or copy would wait whole in a web process: from an
    object store we read the object's body as it comes instead."""
    stored = default_storage.open(name, "rb")
    # Imported wherever media storage is S3, and only there.
    s3 = sys.modules.get("storages.backends.s3")
    if s3 is None or not isinstance(stored, s3.S3File):
        return stored
    # Opening it asked the store for the object (FileNotFoundError when it has
    # none) and downloaded nothing yet.
    return stored.obj.get()["Body"]


def _write_whole(path: Path, data: bytes) -> None:
    """Write beside the final name, then rename into place. Django's own save
    writes under the final name, so a write cut short (a full disk, a worker
    killed mid-write) left a truncated file there, and `store_snapshot`, which
    trusts a file that exists, recorded it as the copy of every later fetch of
    those bytes. A rename is all or nothing; two workers storing the same bytes
    at once rename identical files over each other."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        # mkstemp makes the file readable by its owner only.
        os.chmod(partial, getattr(default_storage, "file_permissions_mode", None) or 0o644)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


STORAGE_FAILED = gettext_lazy("Could not store the copy of the page: the server's storage failed.")


def _storage_trouble(error: OSError) -> str:
    # EFBIG too: a file-size limit on the worker is a disk that is full for it.
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return gettext("Could not store the copy of the page: no space left on the server.")
    return str(STORAGE_FAILED)
