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
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import httpcore
import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from ssrfguard import DEFAULT_DENIED, AddressTable, Block, Policy, Reach, SSRFGuardError
from ssrfguard.httpx import SafeBackend

from claims.sources import bodies
from claims.sources.addresses import BlockedURL, blocked, checked_url, refuse_numeric_host
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
    # The validators a conditional GET sends back (a watched outlet's feed).
    etag: str = ""
    last_modified: str = ""


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
    types: frozenset[str] = bodies.ACCEPTED_TYPES,
    max_seconds: float | None = None,
) -> Fetched:
    """GET a source, following at most five redirects, or POST to a webhook
    (whose redirect is an error, not followed), on a public web server only.
    A GET answered with a media type not in `types` is refused unread.
    `max_seconds` shortens the whole fetch's deadline (FETCH_DEADLINE at most).

    Raises BlockedURL for a URL or address that must not be reached, FetchError
    for everything else that stops the fetch (a 304 to a conditional GET
    included: its `status` says so)."""
    if method not in ("GET", "POST"):
        raise ValueError(f"fetch() sends GET or POST, not {method!r}")
    policy = _current_policy()
    seconds = float(settings.FETCH_DEADLINE)
    if max_seconds is not None:
        seconds = min(seconds, max_seconds)
    deadline = time.monotonic() + seconds
    limit = int(settings.FETCH_MAX_BYTES)
    request_headers = _request_headers(headers)
    redirects: list[str] = []
    current = checked_url(url, policy)
    backend = _GuardedBackend(policy, deadline)
    # A pool per fetch: short-lived, nothing shared between threads or greenlets.
    with httpcore.ConnectionPool(ssl_context=_tls_context(), network_backend=backend, retries=0) as pool:
        while True:
            with _exchange(pool, method, current, request_headers, data, deadline, seconds) as response:
                status = response.status
                response_headers = httpx.Headers(response.headers)
                if status in REDIRECT_STATUSES and method == "GET":
                    next_url = _redirect_target(current, status, response_headers, hops=len(redirects))
                    redirects.append(str(current))
                    if not _same_origin(current, next_url):
                        request_headers = {k: v for k, v in request_headers.items() if k not in _CREDENTIAL_HEADERS}
                    current = checked_url(str(next_url), policy)
                    continue
                if not 200 <= status < 300:
                    raise bodies.status_error(status)
                content_type, charset = bodies.media_type(response_headers.get("content-type", ""))
                # The accepted types are about what we read as a source; a
                # webhook partner may answer a POST with anything.
                if method == "GET" and bodies.has_body(status, response_headers):
                    bodies.refuse_unsupported(content_type, types)
                return Fetched(
                    url=url,
                    final_url=str(current),
                    redirects=redirects,
                    status=status,
                    content_type=content_type,
                    charset=charset,
                    body=bodies.read_body(response, response_headers, limit, deadline, seconds),
                    etag=response_headers.get("etag", "")[:500],
                    last_modified=response_headers.get("last-modified", "")[:100],
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
    checked_url(url, _current_policy())


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
        refuse_numeric_host(host)
        bounded = bodies.within_deadline(self._deadline, timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, bounded, local_address, socket_options)
        return bodies.DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise BlockedURL(_("Local sockets are never fetched."))

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
    seconds: float,
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
        raise blocked(refused) from refused
    except httpcore.TimeoutException as slow:
        if time.monotonic() >= deadline:
            raise bodies.past_deadline(seconds) from slow
        too_slow = _("The site took too long to answer (%(host)s).") % {"host": url.host}
        raise FetchError(too_slow, transient=True) from slow
    except httpcore.ConnectError as failed:
        raise _connect_error(url, failed) from failed
    except (httpcore.ReadError, httpcore.WriteError, httpcore.RemoteProtocolError) as broken:
        broke_off = _("The connection to %(host)s broke off: %(error)s") % {"host": url.host, "error": broken}
        raise FetchError(broke_off, transient=True) from broken
    except httpcore.ProtocolError as bad:
        raise FetchError(_("Could not talk to %(host)s: %(error)s") % {"host": url.host, "error": bad}) from bad


def _connect_error(url: httpx.URL, failed: httpcore.ConnectError) -> FetchError:
    cause = failed.__cause__ or failed.__context__
    if isinstance(cause, socket.gaierror):
        if cause.errno == socket.EAI_NONAME:
            return FetchError(_("No site called %(host)s exists (its name could not be found).") % {"host": url.host})
        return FetchError(_("The name %(host)s could not be looked up just now.") % {"host": url.host}, transient=True)
    if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(failed):
        untrusted = _("The security certificate of %(host)s could not be verified, so it was not trusted.")
        return FetchError(untrusted % {"host": url.host})
    not_connected = _("Could not connect to %(host)s: %(error)s") % {"host": url.host, "error": failed}
    return FetchError(not_connected, transient=True)


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
        loop = _(
            "The link redirected more than %(count)d times, so it was not followed "
            "(it may be a redirect loop). Last address: %(url)s"
        )
        raise FetchError(loop % {"count": MAX_REDIRECTS, "url": current}, status=status)
    location = headers.get("location")
    if not location:
        nowhere = _("The server answered %(status)d (a redirect) without saying where to.") % {"status": status}
        raise FetchError(nowhere, status=status)
    try:
        return current.join(location)
    except httpx.InvalidURL as bad:
        invalid = _("The link redirected to an address that is not valid: %(url)s") % {"url": repr(location)}
        raise BlockedURL(invalid) from bad


def _same_origin(one: httpx.URL, other: httpx.URL) -> bool:
    return (one.scheme, one.host, one.port) == (other.scheme, other.host, other.port)
