"""Fetching a cited URL without letting it reach inside our network.

A fact-checker pastes any URL, and a worker fetches it. Without care, that is
server-side request forgery: `http://169.254.169.254/` hands out cloud
credentials, `http://10.0.0.5:6379/` talks to Redis. So `fetch()` refuses
(`BlockedURL`) before opening a socket to anything that is not a public web
server, and gives up (`FetchError`) on anything too big, too slow or not a page.

Where the guard sits: the check is in the network backend that opens the
socket, not in a look at the URL string before a normal client call. The host
is resolved once (`resolve_host`), every answer is checked, and the socket is
connected to one of those checked addresses; TLS then verifies the certificate
against the host name. That resolve-check-connect step is ssrfguard's
`SafeBackend` (it also decodes IPv4-mapped, 6to4, Teredo and NAT64 addresses
rather than trusting `ipaddress.is_private`). Around it we add what it lacks:
the Azure platform address, deployment-local networks from settings, refusal of
hosts written as numbers (`0x7f000001`), and a deadline on every read and write.

Bodies are read raw from httpcore and decompressed here in bounded steps,
because a client that decodes for us inflates a gzip bomb before we can stop it.
"""

from __future__ import annotations

import codecs
import functools
import ipaddress
import re
import socket
import ssl
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx
from django.conf import settings
from ssrfguard import DEFAULT_DENIED, AddressTable, Block, Policy, Reach, SSRFGuardError
from ssrfguard.errors import BlockedAddressError
from ssrfguard.httpx import SafeBackend

DEFAULT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/pdf",
        "application/json",
        "application/ld+json",
    }
)
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
KEPT_HEADERS = ("content-type", "content-length", "last-modified", "etag", "content-encoding")
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,application/json;q=0.8,*/*;q=0.1"
# Only what we can decompress ourselves in bounded steps; a server that sends
# anything else (br, zstd) was not asked to and is refused.
ACCEPT_ENCODING = "gzip, deflate"

# Headers a caller may not set: they would let a URL talk to a different virtual
# host than the one checked, or contradict the body we send.
_CALLER_MAY_NOT_SET = frozenset({"host", "content-length", "transfer-encoding", "connection", "accept-encoding"})
# Dropped when a redirect leaves the origin, so a credential meant for one site
# is not handed to another.
_CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})

# Addresses the IANA-derived table in ssrfguard does not carry (it already names
# 169.254.169.254, 100.100.100.200 and fd00:ec2::254).
_PLATFORM_ADDRESSES = (("168.63.129.16/32", "Azure platform service (WireServer)"),)

_LOOPBACK = ("127.0.0.0/8", "::1/128")

# WHATWG URL parsing reads a host whose last label is a number (decimal, octal
# with a leading 0, or 0x-hex) as an IPv4 address, and so does the C resolver:
# `0x7f.1` is 127.0.0.1. Only the plain dotted quad is accepted; everything else
# of that shape is refused rather than decoded, because no real site needs it.
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)

_DECOMPRESS_STEP = 64 * 1024


class BlockedURL(Exception):
    """Refused before any connection: the URL or the address it leads to is not a public web server."""


class FetchError(Exception):
    """The fetch failed: network, timeout, too large, unsupported type or an HTTP error status."""

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False) -> None:
        super().__init__(message)
        self.status = status
        # Worth retrying later: timeouts, broken connections, 429 and 5xx.
        self.transient = transient


@dataclass(frozen=True)
class Fetched:
    """What a successful fetch returned.

    `redirects` lists every URL that answered with a redirect, in order,
    starting with `url`; `final_url` is the one that answered with the body.
    """

    url: str
    final_url: str
    redirects: list[str]
    status: int
    headers: dict[str, str]
    content_type: str
    charset: str | None
    body: bytes = field(repr=False)


def resolve_host(host: str, port: int, family: int = 0, kind: int = 0, proto: int = 0, flags: int = 0) -> list[Any]:
    """The one DNS lookup per connection; its answers are checked and then
    connected to. A module function so tests can stand in for DNS."""
    return socket.getaddrinfo(host, port, family, kind, proto, flags)


def fetch(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    allowed_types: frozenset[str] | None = None,
) -> Fetched:
    """Fetch `url` from a public web server, following at most five redirects
    (GET and HEAD only; a POST's redirect is an error, not followed).

    Raises BlockedURL for a URL or address that must not be reached, FetchError
    for everything else that stops the fetch."""
    method = method.upper()
    policy = _current_policy()
    deadline = time.monotonic() + float(settings.FETCH_DEADLINE)
    limit = int(settings.FETCH_MAX_BYTES)
    types = DEFAULT_TYPES if allowed_types is None else allowed_types
    request_headers = _request_headers(headers)
    redirects: list[str] = []
    current = _checked_url(url, policy)
    backend = _GuardedBackend(policy, deadline)
    # A pool per fetch: short-lived, nothing shared between threads or greenlets.
    with httpcore.ConnectionPool(ssl_context=_tls_context(), network_backend=backend, retries=0) as pool:
        while True:
            with _exchange(pool, method, current, request_headers, data, deadline) as response:
                status = response.status
                response_headers = httpx.Headers(response.headers)
                if status in REDIRECT_STATUSES and method in ("GET", "HEAD"):
                    next_url = _redirect_target(current, status, response_headers, hops=len(redirects))
                    redirects.append(str(current))
                    if not _same_origin(current, next_url):
                        request_headers = {k: v for k, v in request_headers.items() if k not in _CREDENTIAL_HEADERS}
                    current = _checked_url(str(next_url), policy)
                    continue
                if not 200 <= status < 300:
                    raise _status_error(status)
                content_type, charset = _media_type(response_headers.get("content-type", ""))
                # The allowlist is about what we read as a source; a webhook
                # partner may answer a POST with anything.
                if method == "GET" and _has_body(method, status, response_headers) and content_type not in types:
                    raise FetchError(
                        f"The link returned {content_type or 'content with no type'}, an unsupported type: "
                        f"factcheck reads web pages, PDFs, plain text and JSON."
                    )
                body = _read_body(response, response_headers, limit, deadline) if method != "HEAD" else b""
                return Fetched(
                    url=url,
                    final_url=str(current),
                    redirects=redirects,
                    status=status,
                    headers={name: response_headers[name] for name in KEPT_HEADERS if name in response_headers},
                    content_type=content_type,
                    charset=charset,
                    body=body,
                )


# The policy ----------------------------------------------------------------


def _current_policy() -> Policy:
    return _policy(
        bool(getattr(settings, "FETCH_ALLOW_LOOPBACK", False)),
        frozenset(int(port) for port in getattr(settings, "FETCH_ALLOWED_PORTS", ())),
        tuple(str(network) for network in getattr(settings, "FETCH_BLOCKED_NETWORKS", ())),
    )


@functools.lru_cache(maxsize=32)
def _policy(allow_loopback: bool, extra_ports: frozenset[int], blocked: tuple[str, ...]) -> Policy:
    """The ssrfguard policy for these settings; cached because settings rarely
    change and the table is sorted once per policy."""
    known = {block.network for block in DEFAULT_DENIED.blocks}
    extra: list[Block] = []
    for cidr, name in (*_PLATFORM_ADDRESSES, *((network, "blocked by FETCH_BLOCKED_NETWORKS") for network in blocked)):
        # strict=False: "10.0.0.1/8" means 10.0.0.0/8, a wider refusal, never a narrower one.
        network = ipaddress.ip_network(cidr, strict=False)
        if network not in known:
            known.add(network)
            extra.append(Block(network=network, name=name, rfc="deployment", reach=Reach.DENIED))
    return Policy(
        denied_networks=AddressTable((*DEFAULT_DENIED.blocks, *extra)),
        # Only the loopback ranges themselves: ::ffff:127.0.0.1 and 6to4 or NAT64
        # forms of it are still decoded and refused, as is every private range.
        allowed_networks=_LOOPBACK if allow_loopback else (),
        allowed_ports=frozenset({80, 443}) | extra_ports,
        # A name resolving to both public and private addresses is refused whole:
        # that is what a rebinding attempt looks like.
        on_partial_block="reject",
    )


def check_url(url: str) -> None:
    """Raise BlockedURL for what can be refused from the URL alone, as fetch()
    would: the forms call it so that a desk hears at once what never fetches."""
    _checked_url(url, _current_policy())


def _checked_url(url: str, policy: Policy) -> httpx.URL:
    """Refuse what can be refused from the URL alone, with a message a
    fact-checker can act on; where a name points is checked at connect time."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as bad:
        raise BlockedURL(f"This is not a web address factcheck can fetch: {bad}") from bad
    if parsed.scheme not in ("http", "https"):
        shown = parsed.scheme or "no scheme"
        raise BlockedURL(f"Only http and https links can be fetched, not {shown} ({url}).")
    if parsed.userinfo:
        raise BlockedURL("Links with a user name or password in them are not fetched; remove the part before '@'.")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    if port not in policy.allowed_ports:
        allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
        raise BlockedURL(f"Links to port {port} are not fetched; only web ports ({allowed}) are.")
    _refuse_numeric_host(parsed.host)
    try:
        # Scheme, port and credentials again on the raw string, plus control
        # characters, encoded hosts and literal addresses against the table.
        policy.check_url(url)
        policy.check_url(str(parsed))
    except SSRFGuardError as refused:
        raise _blocked(refused) from refused
    return parsed


def _refuse_numeric_host(host: str) -> None:
    if ":" in host:  # an IPv6 literal, which ipaddress parses strictly
        return
    labels = host.rstrip(".").split(".")
    if not _NUMERIC_LABEL.match(labels[-1]):
        return
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        raise BlockedURL(
            f"The address {host!r} is an IP address written as a number, a trick used to reach internal "
            "machines; it is not fetched."
        ) from None


def _blocked(refused: SSRFGuardError) -> BlockedURL:
    # A literal address in the URL comes back as a URL refusal caused by an address refusal.
    if isinstance(refused.__cause__, BlockedAddressError):
        refused = refused.__cause__
    if isinstance(refused, BlockedAddressError):
        return BlockedURL(
            f"The link leads to {refused.address}, a private, local or otherwise internal network address "
            f"({refused.reason}). factcheck only fetches pages on the public internet."
        )
    reason = getattr(refused, "reason", str(refused))
    return BlockedURL(f"This link cannot be fetched safely: {reason}.")


# The connection --------------------------------------------------------------


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying context (certifi's CAs) for every fetch: loading the CA
    bundle costs milliseconds, and contexts are safe to share."""
    return httpx.create_ssl_context()


def _lookup(host: str, port: int, family: int = 0, kind: int = 0, proto: int = 0, flags: int = 0) -> list[Any]:
    # Looked up at call time so a test's stand-in for resolve_host is used.
    return resolve_host(host, port, family, kind, proto, flags)


class _GuardedBackend(httpcore.NetworkBackend):
    """ssrfguard's resolve-check-connect, plus our host rule and one deadline
    for every socket operation of the fetch."""

    def __init__(self, policy: Policy, deadline: float) -> None:
        self._inner = SafeBackend(policy=policy, resolver=_lookup)
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        # Again here, where the socket is opened: the resolver would decode it.
        _refuse_numeric_host(host)
        bounded = _within(self._deadline, timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, bounded, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise BlockedURL("Local sockets are never fetched.")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    """Every read and write waits at most until the fetch's deadline, so a
    server dripping a byte at a time (headers included) cannot hold a worker."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # httpcore passes the URL's host name here, so the certificate is checked
        # against the name even though the socket was opened to an address.
        bounded = _within(self._deadline, timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _within(deadline: float, timeout: float | None, error: type[httpcore.TimeoutException]) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise error("the fetch deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


@contextmanager
def _exchange(
    pool: httpcore.ConnectionPool,
    method: str,
    url: httpx.URL,
    headers: dict[str, str],
    data: bytes | None,
    deadline: float,
) -> Iterator[httpcore.Response]:
    """One request and its streamed response, with httpcore's and ssrfguard's
    exceptions turned into ours."""
    target = httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path)
    connect, read = float(settings.FETCH_CONNECT_TIMEOUT), float(settings.FETCH_READ_TIMEOUT)
    timeouts = {"connect": connect, "read": read, "write": read, "pool": connect}
    try:
        with pool.stream(
            method, target, headers=list(headers.items()), content=data, extensions={"timeout": timeouts}
        ) as response:
            yield response
    except SSRFGuardError as refused:
        raise _blocked(refused) from refused
    except httpcore.TimeoutException as slow:
        if time.monotonic() >= deadline:
            raise _past_deadline() from slow
        raise FetchError(f"The site took too long to answer ({url.host}).", transient=True) from slow
    except httpcore.ConnectError as failed:
        raise _connect_error(url, failed) from failed
    except (httpcore.ReadError, httpcore.WriteError, httpcore.RemoteProtocolError) as broken:
        raise FetchError(f"The connection to {url.host} broke off: {broken}", transient=True) from broken
    except httpcore.ProtocolError as bad:
        raise FetchError(f"Could not talk to {url.host}: {bad}") from bad


def _connect_error(url: httpx.URL, failed: httpcore.ConnectError) -> FetchError:
    cause = failed.__cause__ or failed.__context__
    if isinstance(cause, socket.gaierror):
        if cause.errno == socket.EAI_NONAME:
            return FetchError(f"No site called {url.host} exists (its name could not be found).")
        return FetchError(f"The name {url.host} could not be looked up just now.", transient=True)
    if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(failed):
        return FetchError(f"The security certificate of {url.host} could not be verified, so it was not trusted.")
    return FetchError(f"Could not connect to {url.host}: {failed}", transient=True)


def _request_headers(extra: dict[str, str] | None) -> dict[str, str]:
    site = getattr(settings, "SITE_URL", "")
    headers = {
        "user-agent": f"factcheck/1.0 (fact-check source fetcher; +{site})" if site else "factcheck/1.0",
        "accept": ACCEPT,
        "accept-encoding": ACCEPT_ENCODING,
    }
    for name, value in (extra or {}).items():
        if name.lower() not in _CALLER_MAY_NOT_SET:
            headers[name.lower()] = value
    return headers


def _redirect_target(current: httpx.URL, status: int, headers: httpx.Headers, hops: int) -> httpx.URL:
    """Where a redirect leads, unchecked (the caller checks it like any URL)."""
    if hops == MAX_REDIRECTS:
        raise FetchError(
            f"The link redirected more than {MAX_REDIRECTS} times, so it was not followed "
            f"(it may be a redirect loop). Last address: {current}",
            status=status,
        )
    location = headers.get("location")
    if not location:
        raise FetchError(f"The server answered {status} (a redirect) without saying where to.", status=status)
    try:
        return current.join(location)
    except httpx.InvalidURL as bad:
        raise BlockedURL(f"The link redirected to an address that is not valid: {location!r}") from bad


def _same_origin(one: httpx.URL, other: httpx.URL) -> bool:
    return (one.scheme, one.host, one.port) == (other.scheme, other.host, other.port)


def _status_error(status: int) -> FetchError:
    if status == 404 or status == 410:
        return FetchError(f"The page was not found (HTTP {status}).", status=status)
    if status in (401, 403):
        return FetchError(f"The site refused access to the page (HTTP {status}).", status=status)
    if status == 429:
        return FetchError(
            "The site asked us to slow down (HTTP 429); it will be tried again.", status=status, transient=True
        )
    if status >= 500:
        return FetchError(
            f"The site had a server error (HTTP {status}); it will be tried again.", status=status, transient=True
        )
    if 300 <= status < 400:
        return FetchError(
            f"The server answered with a redirect (HTTP {status}), which is not followed here.", status=status
        )
    return FetchError(f"The site answered HTTP {status} instead of the page.", status=status)


# The body ----------------------------------------------------------------------


def _media_type(value: str) -> tuple[str, str | None]:
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


def _has_body(method: str, status: int, headers: httpx.Headers) -> bool:
    return method != "HEAD" and status not in (204, 205) and headers.get("content-length", "").strip() != "0"


def _content_encoding(headers: httpx.Headers) -> str | None:
    codings = [c.strip().lower() for c in headers.get_list("content-encoding", split_commas=True)]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) > 1:
        raise FetchError(f"The server compressed the page more than once ({', '.join(codings)}); it was not read.")
    if codings[0] in ("gzip", "x-gzip"):
        return "gzip"
    if codings[0] == "deflate":
        return "deflate"
    raise FetchError(f"The server used a compression we did not ask for ({codings[0]}); it was not read.")


def _past_deadline() -> FetchError:
    return FetchError(f"The page took longer than {settings.FETCH_DEADLINE} seconds to download.", transient=True)


def _too_large(limit: int) -> FetchError:
    return FetchError(f"The page is larger than the {limit:,} bytes factcheck reads.")


def _read_body(response: httpcore.Response, headers: httpx.Headers, limit: int, deadline: float) -> bytes:
    """The body, decompressed, refused as soon as either the bytes on the wire
    or the decompressed bytes pass `limit`, or the deadline passes."""
    encoding = _content_encoding(headers)
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    decoder = _Decompressor(encoding, limit) if encoding else None
    body = bytearray()
    received = 0
    for chunk in response.iter_stream():
        received += len(chunk)
        if received > limit:
            raise _too_large(limit)
        body += decoder.feed(chunk) if decoder else chunk
        if time.monotonic() > deadline:
            raise _past_deadline()
    if decoder:
        decoder.finish()
    return bytes(body)


class _Decompressor:
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
                step = min(_DECOMPRESS_STEP, self._limit - self._produced + 1)
                produced = self._obj.decompress(pending, step)
                self._produced += len(produced)
                if self._produced > self._limit:
                    raise _too_large(self._limit)
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
            raise FetchError(f"The page's compressed data is damaged: {bad}") from bad
        return bytes(out)

    def finish(self) -> None:
        if not self._obj.eof and self._produced:
            raise FetchError("The page's compressed data was cut short.", transient=True)
