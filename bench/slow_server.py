"""A local web server that answers every request after a fixed delay, like a
far-away news site. Raw asyncio, so the server is never the bottleneck.

    python bench/slow_server.py PORT DELAY_MS
"""

from __future__ import annotations

import asyncio
import sys

PAGE = (
    "<!doctype html><html><head><title>Report {n}</title></head><body><nav>Home | World</nav>"
    "<article><h1>Report {n}</h1><p>Pakistani authorities have so far arrested 309 people associated with "
    "Islamic State, the army spokesman said.</p><p>More than 3,500 militants had been killed.</p></article>"
    "</body></html>"
)


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        request = await reader.readuntil(b"\r\n\r\n")
        path = request.split(b" ", 2)[1].decode()
        await asyncio.sleep(delay)
        body = PAGE.format(n=path.rsplit("/", 1)[-1]).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int, delay: float) -> None:
    server = await asyncio.start_server(lambda r, w: handle(r, w, delay), "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]) / 1000))
