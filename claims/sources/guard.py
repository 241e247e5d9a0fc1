"""Fetching a cited URL without letting it reach inside our network.

A fact-checker pastes any URL, and a worker fetches it. Without care, that is
server-side request forgery: `http://169.254.169.254/` hands out cloud
credentials, `http://10.0.0.5:6379/` talks to Redis. So `fetch()` refuses
(`BlockedURL`) before opening a socket to anything that is not a public web
server, and gives up (`FetchError`) on anything too big, too slow or not a page.

`check_url()` is the one place a URL is refused from its text: `fetch()` runs
it on every URL and redirect, and the desk forms on what a fact-checker types,
showing its message as it is, so each refusal says what to change.

The check that matters, though, is in the network backend that opens the
socket, not in a look at the URL string. The host is resolved once
(`resolve_host`), every answer is checked, and the socket is connected to one
of those checked addresses; TLS then verifies the certificate against the host
name. That resolve-check-connect step is ssrfguard's `SafeBackend` (it also
decodes IPv4-mapped, 6to4, Teredo and NAT64 addresses rather than trusting
`ipaddress.is_private`). Around it we add what it lacks: the Azure platform
address, deployment-local networks from settings, refusal of hosts written as
numbers (`0x7f000001`), and (in `bodies`) a deadline on every read and write.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings
from ssrfguard import DEFAULT_DENIED, AddressTable, Block, Policy, Reach, SSRFGuardError
from ssrfguard.errors import BlockedAddressError
from ssrfguard.httpx import SafeBackend

from claims.sources import bodies
from claims.sources.bodies import FetchError

__all__ = ["BlockedURL", "FetchError", "Fetched", "check_url", "fetch", "resolve_host"]

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

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

# Whitespace, control characters, lone surrogates and the invisible format
# characters that come along when an address is copied from a document or a
# chat: a parser would drop or mangle them, so the URL fetched would not be
# the one checked.
_HIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f\xad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ud800-\udfff]")

_BAD_PORT = (
    "The port in this address is not a valid number: ports run from 1 to 65535, and most addresses leave it out."
)


class BlockedURL(Exception):
    """Refused before any connection: the URL or the address it leads to is not a public web server."""


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
    method: Literal["GET", "POST"] = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """GET a source, following at most five redirects, or POST to a webhook
    (whose redirect is an error, not followed), on a public web server only.

    Raises BlockedURL for a URL or address that must not be reached, FetchError
    for everything else that stops the fetch."""
    if method not in ("GET", "POST"):
        raise ValueError(f"fetch() sends GET or POST, not {method!r}")
    policy = _current_policy()
    deadline = time.monotonic() + float(settings.FETCH_DEADLINE)
    limit = int(settings.FETCH_MAX_BYTES)
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
                if status in REDIRECT_STATUSES and method == "GET":
                    next_url = _redirect_target(current, status, response_headers, hops=len(redirects))
                    redirects.append(str(current))
                    if not _same_origin(current, next_url):
                        request_headers = {k: v for k, v in request_headers.items() if k not in _CREDENTIAL_HEADERS}
                    current = _checked_url(str(next_url), policy)
                    continue
                if not 200 <= status < 300:
                    raise bodies.status_error(status)
                content_type, charset = bodies.media_type(response_headers.get("content-type", ""))
                # The accepted types are about what we read as a source; a
                # webhook partner may answer a POST with anything.
                if method == "GET" and bodies.has_body(status, response_headers):
                    bodies.refuse_unsupported(content_type)
                return Fetched(
                    url=url,
                    final_url=str(current),
                    redirects=redirects,
                    status=status,
                    content_type=content_type,
                    charset=charset,
                    body=bodies.read_body(response, response_headers, limit, deadline),
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


# The URL -------------------------------------------------------------------


def check_url(url: str) -> None:
    """Raise BlockedURL, with a message a fact-checker can act on, for any URL
    that can be refused from its text alone, exactly as fetch() would; any
    string at all gets either that or a pass, never another exception."""
    _checked_url(url, _current_policy())


def _checked_url(url: str, policy: Policy) -> httpx.URL:
    """The common mistakes first, in words that say what to change; then every
    rule the fetch applies to the text (ports, numeric hosts, ssrfguard's own
    checks). Where a name points is checked at connect time."""
    if not isinstance(url, str):
        raise BlockedURL("This is not a web address.")
    if len(url) > policy.max_url_length:
        # Before anything reads it, and without echoing it.
        raise BlockedURL(
            f"This address is {len(url):,} characters long; a web address we fetch has at most "
            f"{policy.max_url_length:,}."
        )
    hidden = _HIDDEN.search(url)
    if hidden:
        raise BlockedURL(
            f"This address has a space or an invisible character in it (U+{ord(hidden.group()):04X}, character "
            f"{hidden.start() + 1}); copy it again from the browser's address bar."
        )
    try:
        parts = urlsplit(url)
    except ValueError as bad:  # a broken [IPv6] host, or characters NFKC would turn into / ? # @ :
        raise _not_an_address(bad) from None
    try:
        valid_port = parts.port != 0
    except ValueError:  # not a number, or out of range
        valid_port = False
    if not valid_port:
        raise BlockedURL(_BAD_PORT)
    if parts.scheme not in ("http", "https"):
        found = f"this one starts with {_shown(parts.scheme)}:" if parts.scheme else "this one has none (try https://)"
        raise BlockedURL(f"Only http:// and https:// addresses can be cited and fetched; {found}.")
    # Any '@', even with nothing before it: what precedes it is not the host,
    # and parsers disagree about which '@' ends it.
    if "@" in parts.netloc:
        raise BlockedURL("Remove the user name and password from the address (the part before '@').")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BlockedURL("This address has no site name in it (after the '//').")
    if host == "localhost" or host.endswith(".localhost"):
        raise BlockedURL(f"This address points inside our own network ({_shown(host)}); cite a public address.")
    _refuse_private_literal(host, policy)
    try:
        parsed = httpx.URL(url)
        _refuse_numeric_host(parsed.host)  # .host decodes IDNA, which raises for a malformed name ("xn--")
    except (httpx.InvalidURL, ValueError) as bad:
        raise _not_an_address(bad) from None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    if port not in policy.allowed_ports:
        allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
        raise BlockedURL(f"Links to port {port} are not fetched; only web ports ({allowed}) are.")
    try:
        # Scheme, port and credentials again on the raw string, plus control
        # characters, encoded hosts and literal addresses against the table.
        policy.check_url(url)
        policy.check_url(str(parsed))
    except SSRFGuardError as refused:
        raise _blocked(refused) from refused
    except ValueError as bad:  # ssrfguard's own IDNA decoding
        raise _not_an_address(bad) from None
    return parsed


def _refuse_private_literal(host: str, policy: Policy) -> None:
    """A host written as an IP address that is not on the public internet, in
    plain words; ssrfguard's table refuses more (platform and deployment
    addresses) once this has passed."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    # Only the allowed loopback ranges themselves, as in the policy: a mapped
    # or translated form of 127.0.0.1 is still refused with the allowance on.
    if not address.is_global and not any(address in network for network in policy.allowed_networks):
        raise BlockedURL(f"This address points inside a private network ({address}); cite a public address.")


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
            f"The address {_shown(host)!r} is an IP address written as a number, a trick used to reach internal "
            "machines; it is not fetched."
        ) from None


def _shown(text: str, limit: int = 60) -> str:
    """Part of what was typed, short enough for a form error or a log line."""
    return text if len(text) <= limit else f"{text[:limit]}…"


def _not_an_address(bad: Exception) -> BlockedURL:
    return BlockedURL(
        f"This is not a web address factcheck can fetch ({_shown(str(bad), 120)}); "
        "copy it again from the browser's address bar."
    )


def _blocked(refused: SSRFGuardError) -> BlockedURL:
    # A literal address in the URL comes back as a URL refusal caused by an address refusal.
    if isinstance(refused.__cause__, BlockedAddressError):
        refused = refused.__cause__
    if isinstance(refused, BlockedAddressError):
        return BlockedURL(
            f"The link leads to {refused.address}, a private, local or otherwise internal network address "
            f"({refused.reason}). factcheck only fetches pages on the public internet."
        )
    # Reasons quote the host, which may be most of an 8,000-character string.
    reason = _shown(str(getattr(refused, "reason", refused)), 300)
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
        bounded = bodies.within_deadline(self._deadline, timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, bounded, local_address, socket_options)
        return bodies.DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise BlockedURL("Local sockets are never fetched.")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


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
            raise bodies.past_deadline() from slow
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
        "accept": bodies.ACCEPT,
        "accept-encoding": bodies.ACCEPT_ENCODING,
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
