"""The reproducibility bundle of a public verdict: one ZIP a reader can keep and
check without us. It holds what the verdict page says (every published version,
and the retraction if there is one), its ClaimReview, the evidence with each
source's fetch record, and the bytes of every stored copy exactly as they were
fetched, so `sha256sum` on a file gives the hash we recorded when we fetched it.

Stored copies are gzip-compressed in storage; they are decompressed a chunk at
a time straight into the ZIP, never held whole in memory. A bundle is built
once for each state of its verdict and kept in storage (`stored_bundle`)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from claims.models import Claim, Evidence, Source, Verdict
from claims.public.claimreview import (
    absolute_url,
    claim_review,
    iso,
    organization,
    safe_url,
    verdict_path,
    version_path,
)
from claims.sources import snapshots

# A bundle being built stays in memory up to this size, then moves to a
# temporary file: a verdict citing large PDFs must not hold memory twice over.
SPOOL_BYTES = 8 * 1024 * 1024

README = """\
Evidence bundle for a fact check by {organization}
{url}

verdict.json      The claim as said, who said it and where, its state, the
                  retraction (if we retracted it), and every published version
                  of our verdict with its rating, summary, explanation and
                  correction note, oldest first.
claimreview.json  The schema.org ClaimReview of the current version, as search
                  engines and partners receive it.{retracted_note}
evidence.json     Every piece of evidence: its stance, the quoted passage,
                  whether the quote was found in the fetched source, and for a
                  web source its address, where it redirected to, the HTTP
                  status, content type, title, the SHA-256 of the bytes fetched,
                  when it was fetched, and the name of its stored copy in this
                  bundle ("snapshot"; null when we hold no copy).
sources/          The stored copies, byte for byte as fetched, each named by
                  its SHA-256. Open one with care: it is a web page or file from
                  someone else's site, as it was.
SHA256SUMS        The same hashes in the format sha256sum reads.

To check that a stored copy is what we fetched:

    sha256sum -c SHA256SUMS

or, for one file, compare the output of

    sha256sum sources/<name>

with that source's "sha256" in evidence.json (and with the file's name).
"""


# --- What the JSON files say.


def verdict_record(claim: Claim) -> dict[str, Any]:
    article = claim.article
    versions: list[Verdict] = list(reversed(claim.versions))
    return {
        "url": absolute_url(verdict_path(claim)),
        "claim": claim.text,
        "claimant": claim.claimant or None,
        "article": {
            "title": article.title,
            "outlet": article.outlet or None,
            "url": safe_url(article.url) or None,
            "published_on": article.published_on.isoformat() if article.published_on else None,
        }
        if article
        else None,
        "state": claim.state,
        "first_published_at": iso(claim.first_published_at),
        "retraction": {"at": iso(claim.retracted_at), "note": claim.retraction_note} if claim.retracted_at else None,
        "versions": [
            {
                "version": verdict.version,
                "rating": verdict.rating.label if verdict.rating else None,
                "summary": verdict.summary,
                "explanation": verdict.explanation,
                "correction_note": verdict.correction_note,
                "published_at": iso(verdict.published_at),
                "url": absolute_url(version_path(claim, verdict.version)),
            }
            for verdict in versions
        ],
    }


def _source_record(source: Source, snapshot: str | None) -> dict[str, Any]:
    return {
        "url": source.url,
        "final_url": source.final_url or None,
        "http_status": source.http_status,
        "content_type": source.content_type or None,
        "title": source.title or None,
        "sha256": source.sha256 or None,
        "fetched_at": iso(source.fetched_at),
        "snapshot": snapshot,
    }


def evidence_record(item: Evidence, snapshot: str | None) -> dict[str, Any]:
    return {
        "stance": item.stance,
        "quote": item.quote,
        "quote_check": item.quote_check,
        "offline_source": item.offline_source or None,
        "source": _source_record(item.source, snapshot) if item.source_id else None,
    }


# --- The ZIP.


def _dumps(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"


class _Writer:
    """Entries all dated to the bundle's content, not to when it was built, so
    the same verdict gives the same bytes every time it is downloaded."""

    def __init__(self, archive: zipfile.ZipFile, moment: datetime) -> None:
        self.archive = archive
        local = moment.astimezone(UTC) if timezone.is_aware(moment) else moment
        self.date_time = (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)

    def entry(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def text(self, name: str, text: str) -> None:
        self.archive.writestr(self.entry(name), text.encode())

    def copy(self, name: str, source: IO[bytes]) -> None:
        # force_zip64: the size is not known before the copy ends, and a copy
        # may pass the 2 GiB a plain entry allows.
        with self.archive.open(self.entry(name), "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, snapshots.CHUNK_BYTES)


def _last_change(claim: Claim, versions: list[Verdict]) -> datetime:
    moments = [v.published_at for v in versions if v.published_at] + [claim.retracted_at]
    return max((m for m in moments if m), default=claim.updated_at)


def build_bundle(claim: Claim, out: IO[bytes]) -> None:
    """Write the bundle of public `claim` to `out` (a seekable binary file:
    a SpooledTemporaryFile keeps a small bundle in memory and a large one on
    disk). Load `claim` with `Claim.objects.with_verdicts()` to save a query."""
    versions = claim.versions
    if not versions:
        raise ValueError(f"Claim {claim.pk} has no published verdict.")
    evidence = list(claim.evidence.with_sources())
    with zipfile.ZipFile(out, "w") as archive:
        writer = _Writer(archive, _last_change(claim, versions))
        written: dict[str, str] = {}  # file name in the bundle -> SHA-256
        records = [evidence_record(item, _add_stored_copy(writer, item.source, written)) for item in evidence]
        writer.text("verdict.json", _dumps(verdict_record(claim)))
        writer.text("claimreview.json", _dumps(claim_review(claim, versions[0])))
        writer.text("evidence.json", _dumps(records))
        writer.text("SHA256SUMS", "".join(f"{sha256}  {name}\n" for name, sha256 in written.items()))
        retracted_note = (
            "\n                  We retracted this fact check: we no longer stand behind it."
            if claim.retracted_at
            else ""
        )
        writer.text(
            "README.txt",
            README.format(
                organization=organization()["name"],
                url=absolute_url(verdict_path(claim)),
                retracted_note=retracted_note,
            ),
        )


def _add_stored_copy(writer: _Writer, source: Source | None, written: dict[str, str]) -> str | None:
    """Put `source`'s stored copy in the bundle once, named by its hash; its
    name there, or None when there is no copy (none was stored, or storage
    lost it: the record still says what was fetched)."""
    if source is None or not source.snapshot or not source.sha256:
        return None
    name = f"sources/{snapshots.filename(source)}"
    if name not in written:
        try:
            with source.open_stored_copy() as original:
                writer.copy(name, original)
        except FileNotFoundError:
            return None
        written[name] = source.sha256
    return name


def stored_bundle(claim: Claim, state: str) -> str:
    """The name in storage of public `claim`'s bundle for `state` (the verdict
    page's ETag, which changes with its versions, retraction, sources and
    scale): built by the first download of that state, then served as it is.
    Bundles of earlier states are deleted."""
    site = (settings.SITE_URL, settings.ORGANIZATION_NAME, settings.ORGANIZATION_URL)
    key = hashlib.sha256(json.dumps([state, *site]).encode()).hexdigest()[:32]
    folder = f"bundles/{claim.pk}"
    name = f"{folder}/{key}.zip"
    if default_storage.exists(name):
        return name
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        build_bundle(claim, spool)
        spool.seek(0)
        name = default_storage.save(name, File(spool))
    for earlier in default_storage.listdir(folder)[1]:
        if f"{folder}/{earlier}" != name:
            default_storage.delete(f"{folder}/{earlier}")
    return name
