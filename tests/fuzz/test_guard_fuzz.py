"""The URL guard against URLs built the way attackers build them: bidi
overrides and zero-width characters hiding in the host, NUL, IDN and
punycode, user-info tricks, IPv4 written as one number or in octal or hex,
IPv6 carrying an IPv4 address, hosts of thousands of characters, ports out of
range, and text from every Unicode category.

No test here opens a socket: check_url() works on the text alone, the only
resolver call made is the C resolver with AI_NUMERICHOST (which reads a
literal address and never asks DNS), and where fetch() runs, DNS is a
stand-in and every socket connect fails the test."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any
from unittest import mock

import httpx
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from claims.sources import guard
from claims.sources.guard import BlockedURL
from tests.fuzz.strategies import INTERNAL_V4, internal_urls, urls, web_urls


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries, which a network may route to."""
    found = [address.ipv4_mapped, address.sixtofour]
    if address.teredo:
        found.extend(address.teredo)
    if address in ipaddress.IPv6Network("64:ff9b::/96") or address in ipaddress.IPv6Network("::/96"):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [v4 for v4 in found if v4 is not None]


def is_internal(text: str) -> bool:
    """Our own reading, independent of the guard's: an address that is not on
    the public internet, or that carries one that is not."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if not address.is_global:
        return True
    if isinstance(address, ipaddress.IPv6Address):
        return any(not v4.is_global for v4 in _embedded_ipv4(address))
    return False


def numeric_reading(host: str) -> list[str]:
    """What the C resolver makes of `host` without DNS: the addresses a number
    like `0x7f.1` or `2130706433` stands for, or [] for a name."""
    try:
        answers = socket.getaddrinfo(host, 80, proto=socket.IPPROTO_TCP, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return []
    return [answer[4][0] for answer in answers]


@pytest.fixture
def no_network(settings: Any) -> Iterator[list[Any]]:
    """The policy as production has it, and every socket connect recorded and
    refused: a fuzz test must never reach anything."""
    settings.FETCH_ALLOW_LOOPBACK = False
    settings.FETCH_ALLOWED_PORTS = ()
    settings.FETCH_BLOCKED_NETWORKS = ()
    attempts: list[Any] = []

    def connect(sock: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise AssertionError(f"a fuzz test tried to connect to {address}")

    with mock.patch.object(socket.socket, "connect", connect):
        yield attempts


def refused_clearly(url: str) -> BlockedURL | None:
    """check_url's refusal, checked to be a sentence fit for a form, or None when it accepted."""
    try:
        guard.check_url(url)
    except BlockedURL as refused:
        message = str(refused)
        assert 0 < len(message) < 400, message
        assert message.endswith("."), message
        return refused
    return None


@given(url=urls())
@example(url="http://evil@127.0.0.1/")
@example(url="http://[::ffff:127.0.0.1]/")
@example(url="http://0x7f.1/")
@example(url="http://exa\u202emple.com/")
@example(url="http://\u200b169.254.169.254/")
@example(url="http://example.com\x00.evil/")
@example(url="http://\ud800/")
@example(url="http://127.0.0.1:99999/")
def test_check_url_refuses_in_words_or_accepts_only_a_public_host(url: str, no_network: list[Any]) -> None:
    """Broke: nothing. Checked: for any URL, check_url() either raises
    BlockedURL with a short sentence, or accepts an http(s) URL on a web port
    with no user-info and no hidden character, whose host is a name the C
    resolver does not read as a number, or a literal address on the public
    internet (by ipaddress's reading, not the guard's). No other exception,
    no DNS, no connection."""
    if refused_clearly(url) is not None:
        return
    parsed = httpx.URL(url)
    assert parsed.scheme in ("http", "https")
    assert parsed.port in (None, 80, 443)
    assert not parsed.userinfo
    assert "@" not in url.split("//", 1)[1].split("/", 1)[0]
    assert not any(char in url for char in "\x00\u202e\u202d\u200b\ufeff\t\n")
    host = parsed.raw_host.decode("ascii")
    literal = host.strip("[]")
    try:
        ipaddress.ip_address(literal.split("%", 1)[0])
    except ValueError:
        # A name: the resolver must not read it as an address (0x7f.1 is 127.0.0.1).
        assert numeric_reading(host) == [], host
    else:
        assert not is_internal(literal), literal
    assert no_network == []


@given(url=internal_urls())
def test_an_internal_address_is_refused_in_every_spelling(url: str, no_network: list[Any]) -> None:
    """Broke: nothing. Checked: a URL whose host is an internal address
    (loopback, private, link-local, metadata, CGNAT, Azure's, multicast,
    broadcast), written in any spelling a resolver decodes (one number, octal,
    hex, short form, trailing dot, IPv4-mapped, 6to4, NAT64, a zone id), with
    or without user-info or a hidden character, is always refused with a
    clear sentence."""
    assert refused_clearly(url) is not None, url
    assert no_network == []


class PrivateDNS:
    """A resolver that answers every name with an internal address, as a
    rebinding or a hostile DNS server would; literal addresses are read by
    the real resolver, which does no DNS for them."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int, family: int = 0, kind: int = 0, proto: int = 0, flags: int = 0) -> Any:
        if flags & socket.AI_NUMERICHOST:
            return socket.getaddrinfo(host, port, family, kind, proto, flags)
        self.lookups.append(host)
        family = socket.AF_INET6 if ":" in self.address else socket.AF_INET
        sockaddr = (self.address, port, 0, 0) if ":" in self.address else (self.address, port)
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]


@given(url=web_urls(), address=st.sampled_from([*INTERNAL_V4, "::1", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1"]))
def test_a_url_the_guard_accepts_is_not_connected_to_when_its_name_leads_inside(
    url: str, address: str, no_network: list[Any]
) -> None:
    """Broke: nothing. Checked: the text check is not the last word. For a
    URL check_url() accepts, if DNS says its name is an internal address,
    fetch() refuses with BlockedURL before any socket connects; a literal
    public address is not refused by the stand-in (it is not looked up) but
    is never connected to here either, because connect fails the test."""
    assume(refused_clearly(url) is None)
    dns = PrivateDNS(address)
    with mock.patch.object(guard, "resolve_host", dns):
        try:
            guard.fetch(url)
        except BlockedURL:
            pass
        except AssertionError:
            # connect() was reached: allowed only for a public literal address,
            # which the stand-in did not answer for.
            assert dns.lookups == [], (url, no_network)
            assert not is_internal(no_network[-1][0])
            no_network.clear()
            return
        else:
            pytest.fail(f"fetch({url!r}) returned without a connection")
    assert no_network == []
