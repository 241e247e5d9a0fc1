"""The whole desk in one portable file, and back: every person, claim, verdict
version, activity entry, source and webhook, and the stored copies of the
sources byte for byte, with a manifest of counts and hashes that the import
checks. For moving a desk between databases, or a backup that does not depend
on PostgreSQL's own format (`pg_dump` is the other; see README, Backups).

Django's serializers write the rows (as `dumpdata` does, but keeping every
microsecond of a time);
permissions and content types go by their natural keys, so the file loads
into any database that ran the same migrations."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import datetime, time
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims.models import (
    Activity,
    Article,
    Claim,
    Claimant,
    Evidence,
    Rating,
    SecurityEvent,
    SentenceClaim,
    Source,
    Suggestion,
    Verdict,
    Webhook,
    WebhookDelivery,
)

FORMAT = "factcheck-archive/1"
# The only files an archive carries: stored copies, as `store_snapshot` names them.
STORED_COPY = re.compile(r"snapshots/[0-9a-f]{2}/[0-9a-f]{64}\.gz")


def archived_models() -> list[type[models.Model]]:
    """In the order rows can be loaded (what they point at first)."""
    return [
        Group,
        get_user_model(),
        # Second factors come along, so a restored desk asks for the same
        # apps and recovery codes (the archive holds password hashes already:
        # it is written for its owner only).
        TOTPDevice,
        StaticDevice,
        StaticToken,
        SecurityEvent,
        Rating,
        Claimant,
        Source,
        Article,
        Claim,
        SentenceClaim,
        Suggestion,
        Verdict,
        Evidence,
        Activity,
        Webhook,
        WebhookDelivery,
    ]


class ArchiveError(Exception):
    """The archive cannot be read or loaded; nothing was changed."""


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder rounds times to the millisecond (as JavaScript
    reads them); an archive keeps every microsecond."""

    def default(self, value: Any) -> Any:
        if isinstance(value, datetime | time):
            return value.isoformat()
        return super().default(value)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def export(out: IO[bytes]) -> dict[str, Any]:
    """Write the desk to `out` (a zip); the manifest written with it."""
    manifest: dict[str, Any] = {"format": FORMAT, "counts": {}, "files": {}}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, transaction.atomic():
        if connection.vendor == "postgresql":
            # One moment for every table, while workers keep writing.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for model in archived_models():
            rows = model._default_manager.order_by("pk")
            data = serializers.serialize("python", rows.iterator(), use_natural_foreign_keys=True)
            manifest["counts"][_label(model)] = len(data)
            archive.writestr(f"rows/{_label(model)}.json", json.dumps(data, cls=_Encoder))
        for name in Source.objects.exclude(snapshot="").values_list("snapshot", flat=True).distinct():
            with default_storage.open(name, "rb") as stored:
                body = stored.read()
            archive.writestr(f"files/{name}", body)
            manifest["files"][name] = hashlib.sha256(body).hexdigest()
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _is_empty() -> bool:
    return not any(model._default_manager.exists() for model in (Claim, Article, Source, get_user_model()))


def load(path: Path) -> dict[str, Any]:
    """Load an archive into an empty desk (the rating scale and groups the
    migrations made are replaced by the archive's); the manifest. Raises
    ArchiveError, changing nothing, for a desk with data or a damaged file."""
    try:
        archive = zipfile.ZipFile(path)
        manifest = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as bad:
        raise ArchiveError(f"{path} is not a factcheck archive: {bad}") from bad
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"{path} is a {manifest.get('format')!r} archive; this factcheck reads {FORMAT}.")
    if not _is_empty():
        raise ArchiveError("This desk already has people, claims or sources: load an archive into an empty database.")
    with archive, transaction.atomic():
        strays = [name for name in manifest["files"] if not STORED_COPY.fullmatch(name)]
        if strays:
            raise ArchiveError(f"The archive names a file {strays[0][:100]!r} where only stored copies belong.")
        for name, sha256 in manifest["files"].items():
            body = archive.read(f"files/{name}")
            if hashlib.sha256(body).hexdigest() != sha256:
                raise ArchiveError(f"The stored copy {name} in the archive is damaged (its hash differs).")
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(body))
        # What a fresh database holds before any desk work: the default scale and groups.
        Rating.objects.all().delete()
        Group.objects.all().delete()
        loaded = []
        for model in archived_models():
            try:
                rows = json.loads(archive.read(f"rows/{_label(model)}.json"))
                expected = manifest["counts"][_label(model)]
            except (KeyError, ValueError) as missing:
                raise ArchiveError(f"The archive lacks the rows of {_label(model)}: {missing}") from missing
            for row in serializers.deserialize("python", rows, handle_forward_references=True):
                row.save()
            count = model._default_manager.count()
            if count != expected:
                raise ArchiveError(f"{_label(model)}: {count} rows loaded, the archive says {manifest['counts']}.")
            loaded.append(model)
        # New rows must not take ids the archive used.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), loaded):
                cursor.execute(sql)
    return manifest
