"""A local web server for tests that fetch pages, and the pages it serves.

    def test_something(settings):
        with serving(settings, standard_routes()) as server:
            fetch(server.url("/article"))

`serving` starts a `PageServer` and lets the fetcher reach it (with pytest-django's
`settings`: FETCH_ALLOW_LOOPBACK on, the server's port in FETCH_ALLOWED_PORTS).

`PageServer` listens on 127.0.0.1, port 0 (any free port), in a daemon thread,
and serves named routes: a `Page` (a fixed response) or a function that writes
the response itself (redirects, dripping, state). It records every request and
counts accepted connections, so a test can prove a request did or did not
arrive. `FakeDNS` stands in for `claims.sources.guard.resolve_host` and counts lookups.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DEMO_TEXT = Path(__file__).resolve().parent.parent / "claims" / "demo" / "pakistan-army-report-card.txt"

# Text around the article on the test page that extraction must leave out.
BOILERPLATE = (
    "Subscribe to our newsletter",
    "Cheap flights to Dubai",
    "Celebrity chef opens a restaurant",
    "All rights reserved",
    "Cookie settings",
)


@dataclass
class Page:
    """A fixed response."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Handler = Callable[["PageHandler"], None]
Route = Page | Handler


class PageHandler(BaseHTTPRequestHandler):
    """Looks the path up in the server's routes; 404 when there is none."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        self.server.owner.requests.append(
            Seen(self.command, path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        route = self.server.owner.routes.get(path, Page(b"not here", status=404, content_type="text/plain"))
        if isinstance(route, Page):
            self.send_page(route)
        else:
            route(self)

    def send_page(self, page: Page) -> None:
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        for name, value in page.headers:
            self.send_header(name, value)
        if not any(name.lower() == "content-length" for name, _ in page.headers):
            self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(page.body)

    def stopping(self, seconds: float) -> bool:
        """Sleep, or return True at once if the server is shutting down."""
        return self.server.owner.stopped.wait(seconds)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops connections when many workers
    # fetch at once, which would look like the fetcher timing out.
    request_queue_size = 256
    owner: PageServer

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        self.owner.connections += 1
        if self.owner.tls is not None:
            # The handshake happens in the handler's thread, on first read.
            sock = self.owner.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client giving up mid-response is what several tests do on purpose


class PageServer:
    """A ThreadingHTTPServer on 127.0.0.1 serving `routes`, as a context manager.

    `tls=(certfile, keyfile)` serves https; `server_names` then records the SNI
    names clients sent."""

    def __init__(self, routes: dict[str, Route] | None = None, tls: tuple[Path, Path] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[Seen] = []
        self.connections = 0
        self.server_names: list[str | None] = []
        self.stopped = threading.Event()
        self.tls: ssl.SSLContext | None = None
        if tls is not None:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(*tls)
            self.tls.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
        self._httpd = _Server(("127.0.0.1", 0), PageHandler)
        self._httpd.owner = self
        self.host, self.port = self._httpd.server_address[:2]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> PageServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def url(self, path: str, host: str | None = None) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]


@contextmanager
def serving(settings: Any, routes: dict[str, Route] | None = None, **options: Any) -> Iterator[PageServer]:
    """A running PageServer that `claims.sources.guard.fetch` is allowed to reach."""
    with PageServer(routes, **options) as server:
        settings.FETCH_ALLOW_LOOPBACK = True
        settings.FETCH_ALLOWED_PORTS = (server.port,)
        yield server


class FakeDNS:
    """A stand-in for `claims.sources.guard.resolve_host`: names map to lists of
    answers (one list per successive lookup; the last repeats). Literal
    addresses are parsed by the real resolver, which does no DNS for them."""

    def __init__(self, names: dict[str, list[list[str]]]) -> None:
        self.names = names
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int, family: int = 0, kind: int = 0, proto: int = 0, flags: int = 0) -> Any:
        if flags & socket.AI_NUMERICHOST:
            return socket.getaddrinfo(host, port, family, kind, proto, flags)
        self.lookups.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answers = self.names[host]
        addresses = answers[min(len(self.lookups_of(host)) - 1, len(answers) - 1)]
        return [_answer(address, port) for address in addresses]

    def lookups_of(self, host: str) -> list[str]:
        return [name for name in self.lookups if name == host]


def _answer(address: str, port: int) -> tuple[Any, ...]:
    if ":" in address:
        return (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))


# The pages ---------------------------------------------------------------------


def article_paragraphs() -> list[str]:
    """The article's own paragraphs, from the demo copy of the story."""
    text = DEMO_TEXT.read_text(encoding="utf-8")
    start = text.index("Pakistan’s military on Thursday")
    end = text.index("(At The Quint")
    paragraphs = [" ".join(p.split()) for p in text[start:end].split("\n\n")]
    # Drop the ad markers, counters and related-story links between paragraphs.
    return [p for p in paragraphs if len(p) > 60 and "ADVERTISEMENT" not in p]


def article_html() -> bytes:
    """A news page: the article inside navigation, adverts, a sidebar and a footer."""
    body = "\n".join(f"      <p>{p}</p>" for p in article_paragraphs())
    menu = "".join(f'<li><a href="/{name.lower()}">{name}</a></li>' for name in ("Home", "World", "Politics", "Sport"))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>No Good or Bad Taliban for Us: Pakistan Army | Sample Times</title>
  <meta property="og:title" content="No Good or Bad Taliban for Us: Pakistan Army">
  <meta property="og:site_name" content="Sample Times">
  <meta name="author" content="Reuters">
  <meta property="article:published_time" content="2016-10-06T10:00:00+05:30">
</head>
<body>
  <header>
    <nav class="menu"><ul>{menu}</ul></nav>
    <div class="newsletter">Subscribe to our newsletter for the day's top stories.</div>
  </header>
  <div class="ad ad-banner">ADVERTISEMENT: Cheap flights to Dubai, book now and save 40 percent!</div>
  <main>
    <article>
      <h1>No Good or Bad Taliban for Us: Pakistan Army</h1>
      <p class="byline">By Reuters, 6 October 2016</p>
{body}
    </article>
  </main>
  <aside class="sidebar">
    <h3>Most read</h3>
    <ul><li><a href="/food">Celebrity chef opens a restaurant on the moon</a></li></ul>
  </aside>
  <footer>
    <p>© 2016 Sample Times. All rights reserved.</p>
    <p><a href="/privacy">Privacy policy</a> · <a href="/cookies">Cookie settings</a></p>
  </footer>
</body>
</html>
""".encode()


def make_pdf(pages: Iterable[Iterable[str]], title: str | None = None, author: str | None = None) -> bytes:
    """A small valid PDF, one text line per entry, written by hand so tests need
    no PDF-writing library. ASCII text only (the built-in Helvetica font)."""
    page_lines = [list(lines) for lines in pages]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below once the page numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    info = [b"/Producer (factcheck tests)"]
    if title is not None:
        info.append(b"/Title (" + _pdf_string(title) + b")")
    if author is not None:
        info.append(b"/Author (" + _pdf_string(author) + b")")
    info.append(b"/CreationDate (D:20161006100000Z)")
    objects.append(b"<< " + b" ".join(info) + b" >>")
    kids = []
    for lines in page_lines:
        shown = b" T* ".join(b"(" + _pdf_string(line) + b") Tj" for line in lines)
        stream = b"BT /F1 11 Tf 14 TL 72 760 Td " + shown + b" ET"
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % content
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_string(text: str) -> bytes:
    ascii_text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"}))
    escaped = ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("latin-1", errors="replace")


def gzip_bomb(expanded: int) -> bytes:
    """A few kilobytes of gzip that inflate to `expanded` bytes of zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    out = bytearray()
    for _ in range(expanded // len(block)):
        out += compressor.compress(block)
    out += compressor.compress(bytes(expanded % len(block)))
    out += compressor.flush()
    return bytes(out)


# Handlers ------------------------------------------------------------------------


def redirect(to: str, status: int = 302, close: bool = False) -> Handler:
    """A redirect; `close=True` also closes the connection, so the next hop needs a new one."""

    def send(handler: PageHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        if close:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()

    return send


def drip(every: float = 0.5, total: int = 200) -> Handler:
    """Headers at once, then the body one byte every `every` seconds."""

    def send(handler: PageHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(total))
        handler.end_headers()
        for _ in range(total):
            if handler.stopping(every):
                return
            try:
                handler.wfile.write(b"x")
                handler.wfile.flush()
            except OSError:
                return  # the client gave up, as it should

    return send


def drip_headers(every: float = 0.5, total: int = 200) -> Handler:
    """The status line, then header bytes one at a time, never finishing."""

    def send(handler: PageHandler) -> None:
        handler.close_connection = True
        try:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for _ in range(total):
                if handler.stopping(every):
                    return
                handler.wfile.write(b"X")
                handler.wfile.flush()
        except OSError:
            return

    return send


def silent(seconds: float = 10) -> Handler:
    """Reads the request and never answers."""

    def send(handler: PageHandler) -> None:
        handler.close_connection = True
        handler.stopping(seconds)

    return send


def unsized(body: bytes, content_type: str = "text/html") -> Handler:
    """A body with no Content-Length, ended by closing the connection."""

    def send(handler: PageHandler) -> None:
        handler.close_connection = True
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for start in range(0, len(body), 65536):
                handler.wfile.write(body[start : start + 65536])
        except OSError:
            return

    return send


def fails_then_works(failures: int = 1, status: int = 500) -> Handler:
    """Answers `status` the first `failures` times, then the page."""
    calls = {"n": 0}

    def send(handler: PageHandler) -> None:
        calls["n"] += 1
        if calls["n"] <= failures:
            handler.send_page(Page(b"server error", status=status, content_type="text/plain"))
        else:
            handler.send_page(Page(b"<p>Back up.</p>"))

    return send


def echo(handler: PageHandler) -> None:
    """Answers with the request body, as JSON-ish text."""
    seen = handler.server.owner.requests[-1]
    handler.send_page(Page(b'{"received": "' + seen.body + b'"}', content_type="application/json"))


def standard_routes(limit: int = 64 * 1024) -> dict[str, Route]:
    """Every page the fetcher tests use; `limit` is the FETCH_MAX_BYTES the
    tests set, so "huge" pages are bigger than it."""
    article = article_html()
    huge = b"<p>" + b"a" * (limit * 4) + b"</p>"
    pdf = make_pdf(
        [["Army report card", "Pakistani authorities have so far arrested 309 people."], ["Second page."]],
        title="Army report card",
    )
    chain = {f"/chain/{n}": redirect(f"/chain/{n + 1}") for n in range(1, 12)}
    return {
        "/article": Page(article),
        "/article-latin1": Page(
            "<html><head><title>Café</title></head><body><p>Café crème</p></body></html>".encode("latin-1"),
            content_type="text/html; charset=ISO-8859-1",
        ),
        "/article.pdf": Page(pdf, content_type="application/pdf"),
        "/data.json": Page(b'{"claim": "309 arrested"}', content_type="application/json"),
        "/notes.txt": Page("Plain notes – 309 arrested.\n".encode(), content_type="text/plain; charset=utf-8"),
        "/image.png": Page(b"\x89PNG\r\n\x1a\n" + bytes(100), content_type="image/png"),
        "/download": Page(bytes(100), content_type="application/octet-stream"),
        "/no-type": Page(b"what am I", content_type=""),
        "/hop1": redirect("/hop2", 301),
        "/hop2": redirect("hop3", 302),  # relative to the current path
        "/hop3": redirect("/article", 307),
        **chain,
        "/loop": redirect("/loop"),
        "/no-location": Page(b"", status=302),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-private": redirect("http://10.0.0.1/admin"),
        "/to-file": redirect("file:///etc/passwd"),
        "/missing": Page(b"not here", status=404, content_type="text/plain"),
        "/forbidden": Page(b"no", status=403, content_type="text/plain"),
        "/busy": Page(b"slow down", status=429, content_type="text/plain"),
        "/broken": Page(b"oops", status=503, content_type="text/plain"),
        "/flaky": fails_then_works(),
        "/huge": Page(huge),
        "/huge-unsized": unsized(huge),
        "/huge-lying": Page(b"<p>small</p>", headers=[("Content-Length", str(limit * 100))]),
        "/gzip": Page(gzip.compress(article), headers=[("Content-Encoding", "gzip")]),
        "/deflate": Page(zlib.compress(article), headers=[("Content-Encoding", "deflate")]),
        "/raw-deflate": Page(_raw_deflate(article), headers=[("Content-Encoding", "deflate")]),
        "/bomb": Page(gzip_bomb(limit * 200), headers=[("Content-Encoding", "gzip")]),
        "/stacked": Page(gzip.compress(gzip.compress(article)), headers=[("Content-Encoding", "gzip, gzip")]),
        "/stacked-headers": Page(
            gzip.compress(gzip.compress(article)),
            headers=[("Content-Encoding", "gzip"), ("Content-Encoding", "gzip")],
        ),
        "/brotli": Page(b"\x0b\x02\x80hello\x03", headers=[("Content-Encoding", "br")]),
        "/drip": drip(),
        "/drip-headers": drip_headers(),
        "/silent": silent(),
        "/echo": echo,
        "/post-redirect": redirect("/echo", 303),
        "/redirect-and-close": redirect("/article", close=True),
    }


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()
