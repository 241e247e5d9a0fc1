"""Reading a server's answer: its status, its type and its body, bounded.

Bodies are read raw from httpcore and decompressed here in bounded steps,
because a client that decodes for us inflates a gzip bomb before we can stop
it: every step counts both the bytes on the wire and the bytes they inflate to,
and gives up at the size limit. Every read from the socket (headers included)
is bounded by the fetch's deadline (`DeadlineStream`), so a server dripping a
byte at a time cannot hold a worker either.

`FetchError` lives here, not in the guard, so that both modules can raise it
without importing each other; `claims.sources.guard.FetchError` is the name
the rest of the project uses.
"""

from __future__ import annotations

import codecs
import ssl
import time
import zlib
from typing import Any

import httpcore
import httpx
from django.utils.translation import gettext

# What factcheck reads as a source; anything else is refused before its body is read.
ACCEPTED_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/pdf",
        "application/json",
        "application/ld+json",
    }
)
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,application/json;q=0.8,*/*;q=0.1"
# Only what we can decompress ourselves in bounded steps; a server that sends
# anything else (br, zstd) was not asked to and is refused.
ACCEPT_ENCODING = "gzip, deflate"

# The most a single decompression call may produce: small enough that a bomb
# is caught after one step past the limit, not after inflating all of it.
DECOMPRESS_STEP = 64 * 1024


class FetchError(Exception):
    """The fetch failed: network, timeout, too large, unsupported type or an HTTP error status."""

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False) -> None:
        super().__init__(message)
        self.status = status
        # Worth retrying later: timeouts, broken connections, 429 and 5xx.
        self.transient = transient


def status_error(status: int) -> FetchError:
    """Why an answer other than 2xx (or a redirect we follow) is not the page, and whether to try again."""
    if status == 404 or status == 410:
        return FetchError(gettext("The page was not found (HTTP %(status)d).") % {"status": status}, status=status)
    if status in (401, 403):
        refused = gettext("The site refused access to the page (HTTP %(status)d).")
        return FetchError(refused % {"status": status}, status=status)
    if status == 429:
        return FetchError(
            gettext("The site asked us to slow down (HTTP 429); it will be tried again."), status=status, transient=True
        )
    if status >= 500:
        server_error = gettext("The site had a server error (HTTP %(status)d); it will be tried again.")
        return FetchError(server_error % {"status": status}, status=status, transient=True)
    if 300 <= status < 400:
        redirect = gettext("The server answered with a redirect (HTTP %(status)d), which is not followed here.")
        return FetchError(redirect % {"status": status}, status=status)
    other = gettext("The site answered HTTP %(status)d instead of the page.")
    return FetchError(other % {"status": status}, status=status)


def media_type(value: str) -> tuple[str, str | None]:
    """`text/html; charset=UTF-8` -> ("text/html", "utf-8"); a charset Python does not know is dropped."""
    media, *params = value.split(";")
    charset = None
    for param in params:
        name, _, given = param.partition("=")
        if name.strip().lower() == "charset":
            charset = given.strip().strip("\"'").lower() or None
    if charset is not None:
        try:
            codecs.lookup(charset)
        except LookupError:
            charset = None
    return media.strip().lower(), charset


def has_body(status: int, headers: httpx.Headers) -> bool:
    return status not in (204, 205) and headers.get("content-length", "").strip() != "0"


def refuse_unsupported(content_type: str, accepted: frozenset[str] = ACCEPTED_TYPES) -> None:
    if content_type in accepted:
        return
    shown = content_type or gettext("content with no type")
    if accepted is not ACCEPTED_TYPES:  # a caller asking for something else (a feed)
        other = gettext("The link returned %(type)s, not one of the types asked for (%(accepted)s).")
        raise FetchError(other % {"type": shown, "accepted": ", ".join(sorted(accepted))})
    unsupported = gettext(
        "The link returned %(type)s, an unsupported type: factcheck reads web pages, PDFs, plain text and JSON."
    )
    raise FetchError(unsupported % {"type": shown})


def content_encoding(headers: httpx.Headers) -> str | None:
    """The one compression the body carries (gzip or deflate), None for none;
    FetchError for anything we did not ask for."""
    codings = [c.strip().lower() for c in headers.get_list("content-encoding", split_commas=True)]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) > 1:
        twice = gettext("The server compressed the page more than once (%(codings)s); it was not read.")
        raise FetchError(twice % {"codings": ", ".join(codings)})
    if codings[0] in ("gzip", "x-gzip"):
        return "gzip"
    if codings[0] == "deflate":
        return "deflate"
    unasked = gettext("The server used a compression we did not ask for (%(coding)s); it was not read.")
    raise FetchError(unasked % {"coding": codings[0]})


def past_deadline(seconds: float) -> FetchError:
    slow = gettext("The page took longer than %(seconds)s seconds to download.")
    return FetchError(slow % {"seconds": seconds}, transient=True)


def too_large(limit: int) -> FetchError:
    return FetchError(gettext("The page is larger than the %(limit)s bytes factcheck reads.") % {"limit": f"{limit:,}"})


class DeadlineStream(httpcore.NetworkStream):
    """Every read and write waits at most until the fetch's deadline, so a
    server dripping a byte at a time (headers included) cannot hold a worker."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, within_deadline(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, within_deadline(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # httpcore passes the URL's host name here, so the certificate is checked
        # against the name even though the socket was opened to an address.
        bounded = within_deadline(self._deadline, timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def within_deadline(deadline: float, timeout: float | None, error: type[httpcore.TimeoutException]) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise error("the fetch deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


def read_body(
    response: httpcore.Response, headers: httpx.Headers, limit: int, deadline: float, seconds: float
) -> bytes:
    """The body, decompressed, refused as soon as either the bytes on the wire
    or the decompressed bytes pass `limit`, or the deadline passes."""
    encoding = content_encoding(headers)
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    decoder = Decompressor(encoding, limit) if encoding else None
    body = bytearray()
    received = 0
    for chunk in response.iter_stream():
        received += len(chunk)
        if received > limit:
            raise too_large(limit)
        body += decoder.feed(chunk) if decoder else chunk
        if time.monotonic() > deadline:
            raise past_deadline(seconds)
    if decoder:
        decoder.finish()
    return bytes(body)


class Decompressor:
    """gzip or deflate, never producing more than `limit` bytes in total and
    never more than one step at a time, however small the input."""

    def __init__(self, encoding: str, limit: int) -> None:
        self._encoding = encoding
        self._limit = limit
        self._produced = 0
        self._obj = self._new()
        self._started = False

    def _new(self, wbits: int | None = None) -> Any:
        if wbits is None:
            wbits = 16 + zlib.MAX_WBITS if self._encoding == "gzip" else zlib.MAX_WBITS
        return zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> bytes:
        if not self._started and self._encoding == "deflate" and data:
            self._started = True
            # "deflate" should be zlib-wrapped, but some servers send it raw.
            if (data[0] & 0x0F) != 8:
                self._obj = self._new(-zlib.MAX_WBITS)
        out = bytearray()
        pending = data
        try:
            while True:
                step = min(DECOMPRESS_STEP, self._limit - self._produced + 1)
                produced = self._obj.decompress(pending, step)
                self._produced += len(produced)
                if self._produced > self._limit:
                    raise too_large(self._limit)
                out += produced
                if self._obj.eof:
                    pending = self._obj.unused_data
                    if not pending or self._encoding != "gzip":
                        break  # done; bytes after a deflate stream are ignored
                    self._obj = self._new()  # the next member of a multi-member gzip
                else:
                    pending = self._obj.unconsumed_tail
                    # A full step may leave output inside zlib even with no
                    # input left, so ask again until a step comes back short.
                    if not pending and len(produced) < step:
                        break
        except zlib.error as bad:
            raise FetchError(gettext("The page's compressed data is damaged: %(error)s") % {"error": bad}) from bad
        return bytes(out)

    def finish(self) -> None:
        if not self._obj.eof and self._produced:
            raise FetchError(gettext("The page's compressed data was cut short."), transient=True)
