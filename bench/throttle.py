"""A throttling TCP proxy on 127.0.0.1: a slow mobile connection for a browser benchmark.

Everything the browser sends to the app goes through it, the service worker's fetches
included (a throttle inside the browser's developer tools does not slow those). Each
direction is one link shared by all connections, as a radio link is: a message waits
for the link to be free, takes ``bytes * 8 / rate`` seconds on it, and arrives half a
round trip later. A new connection costs one round trip before its first byte.

Slow 4G as the issue gives it: 400 kbit/s each way, 400 ms round trip.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class Link:
    """One direction of the connection, shared by all the proxy's connections."""

    bits_per_second: float
    one_way_seconds: float
    free_at: float = 0.0
    bytes: int = 0

    def arrival(self, size: int) -> float:
        """When a chunk of ``size`` bytes sent now arrives at the other end."""
        start = max(time.monotonic(), self.free_at)
        self.free_at = start + size * 8 / self.bits_per_second
        self.bytes += size
        return self.free_at + self.one_way_seconds


@dataclass
class Throttle:
    """The proxy: ``await start()``, then point the browser at ``url``."""

    target_port: int
    kbit_per_second: float = 400
    round_trip_ms: float = 400
    port: int = 0
    requests: int = 0
    connections: int = 0
    #: (seconds since reset, request line) of each request seen.
    seen: list = field(default_factory=list)
    up: Link = field(init=False)
    down: Link = field(init=False)

    def __post_init__(self) -> None:
        rate, one_way = self.kbit_per_second * 1000, self.round_trip_ms / 2000
        self.up, self.down = Link(rate, one_way), Link(rate, one_way)
        self._server: asyncio.base_events.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def counts(self) -> dict:
        return {"requests": self.requests, "connections": self.connections,
                "kb_down": round(self.down.bytes / 1024, 1),
                "kb_up": round(self.up.bytes / 1024, 1)}

    def reset(self) -> None:
        self.requests = self.connections = self.up.bytes = self.down.bytes = 0
        self.seen = []
        self._since = time.monotonic()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _count(self, chunk: bytes) -> None:
        for line in chunk.split(b"\r\n"):
            if line.endswith(b" HTTP/1.1") and line.split(b" ", 1)[0].isupper():
                self.requests += 1
                self.seen.append((round(time.monotonic() - getattr(self, "_since", 0), 2),
                                  line[:-9].decode("latin-1")))

    async def _serve(self, client_reader, client_writer) -> None:
        """One connection from the browser, kept alive across requests as the TLS proxy
        in front of the app keeps the tablet's (gunicorn closes its own after each
        answer: ``gunicorn.conf.py``); each request reaches the app on a connection of
        its own."""
        self.connections += 1
        await asyncio.sleep(self.round_trip_ms / 1000)   # the handshake
        try:
            while request := await _read_request(client_reader):
                self._count(request)
                await asyncio.sleep(max(0.0, self.up.arrival(len(request)) - time.monotonic()))
                response = await self._ask_app(request)
                await asyncio.sleep(max(0.0, self.down.arrival(len(response))
                                        - time.monotonic()))
                client_writer.write(response)
                await client_writer.drain()
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            client_writer.close()

    async def _ask_app(self, request: bytes) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        writer.write(request)
        await writer.drain()
        raw = await reader.read()   # the app closes after its answer
        writer.close()
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = [line for line in head.split(b"\r\n")
                 if not line.lower().startswith((b"connection:", b"content-length:",
                                                  b"keep-alive:"))]
        lines += [b"Content-Length: " + str(len(body)).encode(), b"Connection: keep-alive"]
        return b"\r\n".join(lines) + b"\r\n\r\n" + body


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    """One HTTP/1.1 request from the browser (head and body), or None at the end."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return head + (await reader.readexactly(length) if length else b"")
