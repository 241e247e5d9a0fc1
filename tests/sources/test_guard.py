"""The guard: what check_url() and fetch() refuse before connecting, and in what
words; what fetch() gives up on, and what it returns.

No test reaches the internet: every socket connect is watched (`connections`),
and anything but loopback fails the test unless the test said to refuse it
(which records the attempt and sends nothing). DNS is a stand-in (`FakeDNS`)
wherever a test needs a name to point somewhere."""

from __future__ import annotations

import ipaddress
import random
import re
import shutil
import socket
import ssl
import subprocess
import time
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from claims.sources import guard
from claims.sources.guard import BlockedURL, FetchError, fetch
from tests.pages import FakeDNS, Page, PageServer, article_paragraphs, gzip_bomb, redirect, serving, standard_routes

LIMIT = 64 * 1024


class Connections(list):
    """Every address a socket connected to (or tried to) during the test."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse: set[str] = set()


@pytest.fixture(autouse=True)
def connections(monkeypatch: pytest.MonkeyPatch) -> Connections:
    made = Connections()
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        made.append(address[:2])
        if address[0] in made.refuse:
            raise ConnectionRefusedError(111, "Connection refused (by the test, nothing was sent)")
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise AssertionError(f"the test tried to connect to {address}")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return made


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    fake = FakeDNS(
        {
            "localhost": [["127.0.0.1", "::1"]],
            "loopback.test": [["127.0.0.1"]],
            "internal.test": [["10.1.2.3"]],
            "mixed.test": [["93.184.216.34", "10.0.0.7"]],
            "metadata.test": [["169.254.169.254"]],
            "metadata.google.internal": [["169.254.169.254"]],
            "mapped.test": [["::ffff:127.0.0.1"]],
            "ula.test": [["fd12:3456::1"]],
            "azure.test": [["168.63.129.16"]],
        }
    )
    monkeypatch.setattr(guard, "resolve_host", fake)
    return fake


@pytest.fixture
def pages(settings: Any) -> Iterator[PageServer]:
    settings.FETCH_MAX_BYTES = LIMIT
    settings.FETCH_CONNECT_TIMEOUT = 2.0
    settings.FETCH_READ_TIMEOUT = 5.0
    settings.FETCH_DEADLINE = 10.0
    with serving(settings, standard_routes(LIMIT)) as server:
        yield server


# Refused before any connection ---------------------------------------------------

# Refused whether or not the test-only loopback allowance is on.
ALWAYS_BLOCKED = [
    "file:///etc/passwd",
    "ftp://example.com/file.txt",
    "gopher://example.com:70/_stats",
    "javascript:alert(1)",
    "data:text/html,<p>hi</p>",
    "//example.com/no-scheme",
    "http:///no-host",
    "http://127.1/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::7f00:1]/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.1/",
    "http://017700000001/",
    "http://0177.0.0.1/",
    "http://127.0.0.1./",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[fc00::1]/",
    "http://100.64.0.1/",
    "http://100.100.100.200/latest/meta-data/",
    "http://168.63.129.16/machine",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://192.0.0.192/opc/v2/instance/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://255.255.255.255/",
    "http://240.0.0.1/",
    "http://198.18.0.1/",
    "http://user:pass@example.com/",
    "http://user@example.com/",
    "http://example.com:22/",
    "http://example.com:6379/",
    "https://example.com:8443/",
    "http://[2002:7f00:1::]/",
    "http://[2002:a9fe:a9fe::]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
    "http://internal.test/",
    "http://mixed.test/",
    "http://metadata.test/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://mapped.test/",
    "http://ula.test/",
    "http://azure.test/",
    "http://exam\tple.com/",
    # A name, not an address: only the literal loopback addresses are opened for tests.
    "http://localhost/",
    "http://app.localhost/",
    "https://example.com:99999/",
    "http://xn--/",
]
# Refused unless FETCH_ALLOW_LOOPBACK is on.
LOOPBACK = [
    "http://127.0.0.1/",
    "http://127.0.0.2/",
    "http://[::1]/",
    "http://loopback.test/",
]


@pytest.mark.parametrize("url", ALWAYS_BLOCKED + LOOPBACK)
def test_refuses_internal_and_disguised_urls_before_connecting(
    url: str, settings: Any, dns: FakeDNS, connections: Connections
) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(BlockedURL) as refused:
        fetch(url)
    assert connections == []
    assert len(dns.lookups) <= 1
    assert str(refused.value)


@pytest.mark.parametrize("url", ALWAYS_BLOCKED)
def test_loopback_allowance_opens_loopback_only(
    url: str, settings: Any, dns: FakeDNS, connections: Connections
) -> None:
    settings.FETCH_ALLOW_LOOPBACK = True
    with pytest.raises(BlockedURL):
        fetch(url)
    assert connections == []


def test_refusal_messages_say_what_was_refused(settings: Any, dns: FakeDNS) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    cases = {
        "ftp://example.com/": "Only http:// and https://",
        "http://user:pass@example.com/": "user name and password",
        "http://example.com:22/": "port 22",
        "http://0x7f000001/": "written as a number",
        "http://169.254.169.254/": "169.254.169.254",
        "http://internal.test/": "10.1.2.3",
        "http://mixed.test/": "10.0.0.7",
    }
    for url, expected in cases.items():
        with pytest.raises(BlockedURL, match=re.escape(expected)):
            fetch(url)


def test_refuses_networks_listed_in_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.FETCH_BLOCKED_NETWORKS = ("203.0.114.0/24", "2a00:1450::/32")
    monkeypatch.setattr(guard, "resolve_host", FakeDNS({"office.test": [["203.0.114.9"]]}))
    for url in ("http://203.0.114.7/", "http://[2a00:1450::1]/", "http://office.test/"):
        with pytest.raises(BlockedURL, match="FETCH_BLOCKED_NETWORKS"):
            fetch(url)


def test_refuses_ports_not_listed_in_settings(pages: PageServer, settings: Any) -> None:
    settings.FETCH_ALLOWED_PORTS = ()
    with pytest.raises(BlockedURL, match=f"port {pages.port}"):
        fetch(pages.url("/article"))
    assert pages.connections == 0


def test_refuses_local_page_when_loopback_is_not_allowed(pages: PageServer, settings: Any) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(BlockedURL, match=r"127\.0\.0\.1"):
        fetch(pages.url("/article"))
    assert pages.connections == 0


# check_url: the one place a URL is refused, in words a fact-checker can act on ---


@pytest.mark.parametrize(
    ("url", "phrase"),
    [
        ("http://127.0.0.1/", "private network"),
        ("http://10.0.0.1/", "private network"),
        ("http://192.168.1.1/admin", "private network"),
        ("http://169.254.169.254/latest/meta-data/", "private network"),
        ("http://[::1]/", "private network"),
        ("http://[fe80::1%25eth0]/", "private network"),
        ("http://localhost:8000/", "our own network"),
        ("http://LocalHost./", "our own network"),
        ("https://app.localhost/", "our own network"),
        ("https://example.com:99999/", "port in this address is not a valid number"),
        ("https://example.com:-1/", "port in this address is not a valid number"),
        ("https://example.com:http/", "port in this address is not a valid number"),
        ("https://example.com:0/", "port in this address is not a valid number"),
        ("ftp://example.org/file.txt", "Only http:// and https://"),
        ("javascript:alert(1)", "starts with javascript:"),
        ("example.org/story", "Only http:// and https://"),
        ("https://user:secret@example.org/", "user name and password"),
        ("https://@example.org/", "user name and password"),
        ("http://example.org:8080/", "Links to port 8080 are not fetched"),
        ("http://168.63.129.16/", "Azure platform service"),
        ("http://0x7f000001/", "written as a number"),
        ("https://exam\u200bple.org/", "invisible character"),
    ],
)
def test_check_url_says_what_to_change(
    url: str, phrase: str, settings: Any, dns: FakeDNS, connections: Connections
) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(BlockedURL, match=re.escape(phrase)):
        guard.check_url(url)
    assert dns.lookups == []
    assert connections == []


def test_the_private_network_message_names_the_address(settings: Any) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(BlockedURL, match=re.escape("(192.168.1.1)")):
        guard.check_url("http://192.168.1.1/admin")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "https://www.dawn.com/news/1288399/no-good-or-bad-taliban?ref=home#comments",
        "http://example.com:80/a",
        "https://example.com:443/",
        "https://example.com:/",
        "HTTPS://EXAMPLE.COM/",
        "https://bücher.example/",
        "https://例え.jp/",
        "http://93.184.216.34/",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/",
        "https://example.com/search?q=a@b",
    ],
)
def test_check_url_passes_public_addresses(url: str, settings: Any, dns: FakeDNS, connections: Connections) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    guard.check_url(url)
    assert dns.lookups == []
    assert connections == []


def test_the_loopback_allowance_opens_the_loopback_addresses_and_nothing_else(settings: Any) -> None:
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = (8123,)
    guard.check_url("http://127.0.0.1:8123/article")
    guard.check_url("http://[::1]:8123/")
    for url, phrase in [
        ("http://localhost:8123/", "our own network"),
        ("http://10.0.0.1:8123/", "private network"),
        ("http://169.254.169.254/", "private network"),
        ("http://[::ffff:127.0.0.1]:8123/", "private network"),
        ("http://127.0.0.1:8124/", "port 8124"),
    ]:
        with pytest.raises(BlockedURL, match=re.escape(phrase)):
            guard.check_url(url)


GARBAGE = [
    "",
    " ",
    "not a url",
    "http:",
    "http://",
    "https://",
    "://x",
    "http:///path",
    "http://.../",
    "\x00",
    "http://\x00/",
    "http://exa\x00mple.com/",
    "http://exa mple.com/",
    "https://example.com/a b",
    "x" * 100_000,
    "http://" + "a" * 70_000 + ".com/",
    "https://" + "a" * 8_000 + ".com/",
    "http://[::1",
    "http://[zz]/",
    "http://[::1]:99999/",
    "http://a:b/",
    "http://xn--/",
    "http://\ud800/",
    "http://\uff0fexample.com/",
    "http://a..b/",
    "http://-a-.com/",
    "http://ex%41mple.com/",
    "ht!tp://example.com/",
    "http://0300.0250.0001.0001/",
]


@pytest.mark.parametrize("url", GARBAGE, ids=range(len(GARBAGE)))
def test_check_url_refuses_garbage_with_a_short_clear_message(
    url: str, settings: Any, dns: FakeDNS, connections: Connections
) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(BlockedURL) as refused:
        guard.check_url(url)
    message = str(refused.value)
    # A sentence for a form error, never the whole input echoed back.
    assert message.endswith(".")
    assert len(message) < 400
    assert dns.lookups == []
    assert connections == []


def test_check_url_raises_nothing_but_blocked_url_for_any_string(settings: Any, dns: FakeDNS) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    pieces = [
        *("http", "https", "ftp", "HTTP", ":", "//", "/", "@", "[", "]", "%", "%25", "#", "?", ".", "..", "-"),
        *("0x7f", "127", "0", "1", "::", "::1", "ffff", "99999", "-1", "example.com", "localhost", "xn--", "a"),
        *(" ", "\t", "\x00", "\x7f", "\u200b", "\ud800", "é", "例", "\uff0f", "\u2100", "\\"),
    ]
    rng = random.Random(20240601)
    messages: list[str] = []
    for _ in range(3000):
        url = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        try:
            guard.check_url(url)
        except BlockedURL as refused:
            messages.append(str(refused))
    assert len(messages) > 2000
    assert all(0 < len(message) < 400 for message in messages)
    assert dns.lookups == []


# DNS: one lookup, and the socket goes where the lookup said ----------------------


def test_connects_to_the_address_it_checked_not_a_second_lookup(
    settings: Any, monkeypatch: pytest.MonkeyPatch, connections: Connections
) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    # A rebinding name: public at the check, loopback a moment later.
    rebinding = FakeDNS({"news.test": [["93.184.216.34"], ["127.0.0.1"]]})
    monkeypatch.setattr(guard, "resolve_host", rebinding)
    connections.refuse.add("93.184.216.34")  # nothing is sent; the attempt is recorded
    with pytest.raises(FetchError) as failed:
        fetch("http://news.test/")
    assert rebinding.lookups == ["news.test"]
    assert connections == [("93.184.216.34", 80)]
    assert failed.value.transient


def test_rebinding_after_the_check_does_not_move_the_connection(
    pages: PageServer, monkeypatch: pytest.MonkeyPatch, connections: Connections
) -> None:
    rebinding = FakeDNS({"news.test": [["127.0.0.1"], ["169.254.169.254"]]})
    monkeypatch.setattr(guard, "resolve_host", rebinding)
    fetched = fetch(pages.url("/article", host="news.test"))
    assert fetched.status == 200
    assert rebinding.lookups == ["news.test"]
    assert connections == [("127.0.0.1", pages.port)]
    assert pages.requests[-1].headers["host"] == f"news.test:{pages.port}"


def test_every_new_connection_checks_its_own_lookup(pages: PageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The first page closes the connection, so the redirect's hop must resolve
    # again, and this time the name points inside.
    rebinding = FakeDNS({"news.test": [["127.0.0.1"], ["10.0.0.1"]]})
    monkeypatch.setattr(guard, "resolve_host", rebinding)
    with pytest.raises(BlockedURL, match=r"10\.0\.0\.1"):
        fetch(pages.url("/redirect-and-close", host="news.test"))
    assert rebinding.lookups == ["news.test", "news.test"]
    assert pages.paths() == ["/redirect-and-close"]


def test_a_name_that_does_not_exist_is_a_permanent_failure(pages: PageServer, dns: FakeDNS) -> None:
    with pytest.raises(FetchError, match=r"nowhere\.test") as failed:
        fetch(pages.url("/article", host="nowhere.test"))
    assert not failed.value.transient


# Happy paths ---------------------------------------------------------------------------


def test_fetches_a_page_with_its_type_and_charset(pages: PageServer) -> None:
    url = pages.url("/article")
    fetched = fetch(url)
    assert fetched.url == url
    assert fetched.final_url == url
    assert fetched.redirects == []
    assert fetched.status == 200
    assert fetched.content_type == "text/html"
    assert fetched.charset == "utf-8"
    assert article_paragraphs()[0].encode() in fetched.body


def test_sends_a_user_agent_naming_factcheck_and_asks_only_for_gzip_or_deflate(pages: PageServer) -> None:
    fetch(pages.url("/article"), headers={"Host": "evil.test", "Accept-Encoding": "br", "X-Trace": "1"})
    seen = pages.requests[-1].headers
    assert "factcheck" in seen["user-agent"]
    assert seen["accept-encoding"] == "gzip, deflate"
    assert seen["host"] == f"127.0.0.1:{pages.port}"
    assert seen["x-trace"] == "1"


def test_follows_a_redirect_chain_and_records_every_hop(pages: PageServer) -> None:
    fetched = fetch(pages.url("/hop1"))
    assert fetched.redirects == [pages.url("/hop1"), pages.url("/hop2"), pages.url("/hop3")]
    assert fetched.final_url == pages.url("/article")
    assert fetched.status == 200
    assert pages.paths() == ["/hop1", "/hop2", "/hop3", "/article"]


def test_follows_five_redirects(pages: PageServer) -> None:
    pages.routes["/chain/6"] = Page(b"<p>end of the chain</p>")
    fetched = fetch(pages.url("/chain/1"))
    assert len(fetched.redirects) == 5
    assert fetched.final_url == pages.url("/chain/6")


def test_gives_up_after_five_redirects(pages: PageServer) -> None:
    with pytest.raises(FetchError, match="more than 5") as failed:
        fetch(pages.url("/chain/1"))
    assert not failed.value.transient
    assert len(pages.requests) == 6


def test_gives_up_on_a_redirect_loop(pages: PageServer) -> None:
    with pytest.raises(FetchError, match="redirect"):
        fetch(pages.url("/loop"))
    assert len(pages.requests) == 6


def test_a_redirect_without_location_is_an_error(pages: PageServer) -> None:
    with pytest.raises(FetchError, match="without saying where") as failed:
        fetch(pages.url("/no-location"))
    assert failed.value.status == 302


@pytest.mark.parametrize(
    ("path", "where"),
    [("/to-metadata", "169.254.169.254"), ("/to-private", "10.0.0.1"), ("/to-file", "file")],
)
def test_a_redirect_to_a_blocked_address_is_refused(
    pages: PageServer, connections: Connections, path: str, where: str
) -> None:
    with pytest.raises(BlockedURL, match=re.escape(where)):
        fetch(pages.url(path))
    assert {address[0] for address in connections} == {"127.0.0.1"}


def test_a_redirect_to_another_site_drops_credentials(pages: PageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "resolve_host", FakeDNS({"other.test": [["127.0.0.1"]]}))
    pages.routes["/to-other"] = redirect(pages.url("/article", host="other.test"))
    fetch(pages.url("/to-other"), headers={"Authorization": "Bearer secret", "X-Trace": "1"})
    first, second = pages.requests
    assert first.headers["authorization"] == "Bearer secret"
    assert "authorization" not in second.headers
    assert second.headers["x-trace"] == "1"


def test_fetches_pdf_json_and_plain_text(pages: PageServer) -> None:
    assert fetch(pages.url("/article.pdf")).content_type == "application/pdf"
    assert fetch(pages.url("/article.pdf")).body.startswith(b"%PDF-")
    data = fetch(pages.url("/data.json"))
    assert (data.content_type, data.body) == ("application/json", b'{"claim": "309 arrested"}')
    notes = fetch(pages.url("/notes.txt"))
    assert (notes.content_type, notes.charset) == ("text/plain", "utf-8")


def test_reads_the_charset_the_server_declares(pages: PageServer) -> None:
    fetched = fetch(pages.url("/article-latin1"))
    assert fetched.charset == "iso-8859-1"
    assert "Café".encode("latin-1") in fetched.body


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate"])
def test_decompresses_gzip_and_deflate(pages: PageServer, path: str) -> None:
    fetched = fetch(pages.url(path))
    assert article_paragraphs()[0].encode() in fetched.body


@pytest.mark.parametrize("path", ["/image.png", "/download", "/no-type"])
def test_refuses_binary_and_untyped_content(pages: PageServer, path: str) -> None:
    with pytest.raises(FetchError, match="unsupported type") as failed:
        fetch(pages.url(path))
    assert not failed.value.transient


# Errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/forbidden", 403)])
def test_a_client_error_is_permanent(pages: PageServer, path: str, status: int) -> None:
    with pytest.raises(FetchError) as failed:
        fetch(pages.url(path))
    assert failed.value.status == status
    assert not failed.value.transient
    assert str(status) in str(failed.value)


@pytest.mark.parametrize(("path", "status"), [("/busy", 429), ("/broken", 503)])
def test_rate_limits_and_server_errors_are_worth_retrying(pages: PageServer, path: str, status: int) -> None:
    with pytest.raises(FetchError) as failed:
        fetch(pages.url(path))
    assert failed.value.status == status
    assert failed.value.transient


def test_a_server_error_then_success(pages: PageServer) -> None:
    with pytest.raises(FetchError) as failed:
        fetch(pages.url("/flaky"))
    assert (failed.value.status, failed.value.transient) == (500, True)
    assert fetch(pages.url("/flaky")).body == b"<p>Back up.</p>"


def test_a_closed_port_is_worth_retrying(settings: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = (port,)
    with pytest.raises(FetchError, match="connect") as failed:
        fetch(f"http://127.0.0.1:{port}/")
    assert failed.value.transient


# Limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/huge", "/huge-unsized", "/huge-lying"])
def test_a_page_over_the_size_limit_is_refused(pages: PageServer, path: str) -> None:
    with pytest.raises(FetchError, match="larger than") as failed:
        fetch(pages.url(path))
    assert not failed.value.transient


def test_a_gzip_bomb_stops_at_the_limit_without_inflating(settings: Any) -> None:
    limit = 1024 * 1024
    bomb = gzip_bomb(100 * limit)
    assert len(bomb) < limit / 4
    with serving(settings, {"/bomb": Page(bomb, headers=[("Content-Encoding", "gzip")])}) as server:
        settings.FETCH_MAX_BYTES = limit
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="larger than") as failed:
                fetch(server.url("/bomb"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert not failed.value.transient
    assert peak < 3 * limit


@pytest.mark.parametrize("path", ["/stacked", "/stacked-headers", "/brotli"])
def test_refuses_stacked_or_unrequested_compression(pages: PageServer, path: str) -> None:
    with pytest.raises(FetchError, match="compress") as failed:
        fetch(pages.url(path))
    assert not failed.value.transient


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_dripping_server_cannot_hold_the_fetch_past_its_deadline(pages: PageServer, settings: Any, path: str) -> None:
    settings.FETCH_DEADLINE = 1.5
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"longer than 1\.5 seconds") as failed:
        fetch(pages.url(path))
    assert time.monotonic() - started < 1.5 + 0.5
    assert failed.value.transient


def test_a_silent_server_times_out(pages: PageServer, settings: Any) -> None:
    settings.FETCH_READ_TIMEOUT = 0.5
    started = time.monotonic()
    with pytest.raises(FetchError, match="too long") as failed:
        fetch(pages.url("/silent"))
    assert time.monotonic() - started < 2
    assert failed.value.transient


# POST (webhooks) ----------------------------------------------------------------------


def test_post_sends_the_data(pages: PageServer) -> None:
    fetched = fetch(pages.url("/echo"), method="POST", data=b"ping", headers={"Content-Type": "application/json"})
    assert fetched.body == b'{"received": "ping"}'
    assert pages.requests[-1].method == "POST"
    assert pages.requests[-1].headers["content-type"] == "application/json"


def test_post_does_not_follow_redirects(pages: PageServer) -> None:
    with pytest.raises(FetchError) as failed:
        fetch(pages.url("/post-redirect"), method="POST", data=b"ping")
    assert failed.value.status == 303
    assert pages.paths() == ["/post-redirect"]


def test_post_goes_through_the_same_guard(settings: Any, connections: Connections) -> None:
    settings.FETCH_ALLOW_LOOPBACK = True
    with pytest.raises(BlockedURL):
        fetch("http://169.254.169.254/latest/api/token", method="POST", data=b"")
    assert connections == []


# Concurrency ----------------------------------------------------------------------------


def test_many_threads_fetch_at_once(pages: PageServer) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: fetch(pages.url("/article")).status, range(40)))
    assert results == [200] * 40


# TLS ------------------------------------------------------------------------------------


def _certificate(directory: Path, name: str) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
            *("-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={name}"),
            *("-addext", f"subjectAltName=DNS:{name}"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_pages(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PageServer]:
    cert, key = _certificate(tmp_path, "pages.test")
    monkeypatch.setattr(guard, "_tls_context", lambda: ssl.create_default_context(cafile=str(cert)))
    with serving(settings, standard_routes(LIMIT), tls=(cert, key)) as server:
        yield server


def test_https_sends_the_host_name_and_verifies_the_certificate_against_it(
    tls_pages: PageServer, monkeypatch: pytest.MonkeyPatch, connections: Connections
) -> None:
    monkeypatch.setattr(guard, "resolve_host", FakeDNS({"pages.test": [["127.0.0.1"]]}))
    fetched = fetch(tls_pages.url("/article", host="pages.test"))
    assert fetched.status == 200
    assert tls_pages.server_names == ["pages.test"]
    assert connections == [("127.0.0.1", tls_pages.port)]


def test_https_refuses_a_certificate_for_another_name(tls_pages: PageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "resolve_host", FakeDNS({"other.test": [["127.0.0.1"]]}))
    with pytest.raises(FetchError, match="certificate") as failed:
        fetch(tls_pages.url("/article", host="other.test"))
    assert not failed.value.transient


def test_https_to_an_address_does_not_accept_the_names_certificate(tls_pages: PageServer) -> None:
    with pytest.raises(FetchError, match="certificate"):
        fetch(tls_pages.url("/article"))
