"""uvicorn's HTTP/1.1 protocol with this service's limits, each refusal answered with a sentence.

uvicorn checks the size of a request's head only in its pure-Python h11 protocol, not in the httptools one
it runs by default (the review sent 1 MB headers and got 200); it has no deadline for a client that sends
its request slowly (50 slowloris connections stayed open for a minute), and it answers what it cannot read
with a bare 400. ``LimitedHttp`` is uvicorn's httptools protocol (kept for speed) with, from the settings:

- **Request head size** (``max_header_size``): a request line plus headers longer than this is refused
  before it is parsed further: 414 while the request line is still unfinished (a GET carrying a long
  query: the sentence says to POST it), 431 for the headers.
- **Request read time** (``request_read_timeout``): a request's line, headers and body must arrive within
  this many seconds of its first byte (for the first request, of the connection being opened); a client
  slower than that gets 408 and the connection is closed (a connection that never sent a byte is closed
  without one).
- **Connections** (``max_connections``): a request arriving while more connections than this are open, or
  that many requests are being answered, gets 503 with ``Retry-After``.
- A request HTTP cannot read gets 400 naming that, not uvicorn's bare line.

Idle keep-alive connections are closed by uvicorn itself after ``keep_alive_timeout`` seconds.

``aichr-kg serve`` names this class to uvicorn by its import path (so that ``--workers`` processes load it
too); it then reads its limits from the ``AICHR_KG_*`` environment, once per process. ``protocol_for``
makes one bound to a given ``Settings`` (for a server started in-process, as the tests do).
"""

import asyncio
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from aichr_kg.settings import Settings

IMPORT_PATH = "aichr_kg_api.server:LimitedHttp"


@dataclass(frozen=True)
class ServerLimits:
    max_header_size: int
    request_read_timeout: float
    max_connections: int

    @classmethod
    def from_settings(cls, settings: Settings) -> "ServerLimits":
        return cls(settings.max_header_size, settings.request_read_timeout, settings.max_connections)


@cache
def _from_environment() -> ServerLimits:
    return ServerLimits.from_settings(Settings())


def _plain(status: int, message: str) -> bytes:
    body = f"{status} {HTTPStatus(status).phrase}: {message}\n".encode()
    head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "content-type: text/plain; charset=utf-8",
            f"content-length: {len(body)}", "connection: close", "x-content-type-options: nosniff"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class _Refused(Exception):
    """Raised in a parser callback to stop reading a request that ``_refusal`` says why it is refused."""


class LimitedHttp(HttpToolsProtocol):
    limits: ServerLimits | None = None  # None: from the environment (``aichr-kg serve``)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bounds = self.limits or _from_environment()
        self._awaiting_head = True  # between a request's first byte (or the connection's start) and its headers' end
        self._head_bytes = 0  # received while awaiting the head (bounds what an unfinished head may hold)
        self._line_ended = False  # the request line's end has arrived
        self._url_bytes = self._field_bytes = 0  # the parsed head's exact size: request target, header fields
        self._read_timer: asyncio.TimerHandle | None = None
        self._refusal: tuple[int, str] | None = None

    # -- the deadline for reading a request ---------------------------------------------------------
    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._read_timer is None:
            self._read_timer = self.loop.call_later(self.bounds.request_read_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _too_slow(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        seconds = f"{self.bounds.request_read_timeout:g}"
        if self._awaiting_head and self._head_bytes == 0:  # a connection opened and never used: closed silently, as
            self.transport.close()  # nginx does (a 408 there could be read as the answer to a request just sent)
        elif self.cycle is None or self._awaiting_head or not self.cycle.response_started:
            part = "line and headers" if self._awaiting_head else "body"
            self._refuse(408, f"the request's {part} did not arrive within {seconds} s of its start; "
                              "send the whole request at once")
        else:
            self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()  # a keep-alive connection's next request: its own deadline

    def on_message_complete(self) -> None:
        self._disarm()
        self._awaiting_head, self._head_bytes, self._line_ended = True, 0, False  # what comes next is a new head
        self._url_bytes = self._field_bytes = 0
        super().on_message_complete()

    # -- the size of a request's head ---------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if self._awaiting_head:
            self._head_bytes += len(data)
            self._line_ended = self._line_ended or b"\n" in data
        super().data_received(data)
        if self._awaiting_head and self._head_bytes > self.bounds.max_header_size and not self.transport.is_closing():
            self._refuse(*self._too_long(line_is_longer=not self._line_ended))

    def _too_long(self, line_is_longer: bool) -> tuple[int, str]:
        limit = f"{self.bounds.max_header_size:,}"
        if line_is_longer:
            return 414, (f"the request line is longer than {limit} bytes; send a long SPARQL query by POST "
                         "(Content-Type: application/sparql-query, or a form with query=...)")
        return 431, f"the request's line and headers together are longer than {limit} bytes"

    def on_url(self, url: bytes) -> None:
        self._url_bytes += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._field_bytes += len(name) + len(value) + 4
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._awaiting_head = False
        if self._url_bytes + self._field_bytes > self.bounds.max_header_size:  # a head that came in one piece
            self._refusal = self._too_long(line_is_longer=self._url_bytes >= self._field_bytes)
            raise _Refused  # stops the parser; uvicorn then calls send_400_response
        limit = self.bounds.max_connections
        if len(self.connections) > limit or len(self.tasks) >= limit:
            app, self.app = self.app, _busy(limit)
            try:
                super().on_headers_complete()
            finally:
                self.app = app
        else:
            super().on_headers_complete()

    # -- what uvicorn would answer with a bare line ------------------------------------------------------
    def send_400_response(self, msg: str) -> None:
        self._refuse(*(self._refusal or (400, "the request is not valid HTTP/1.1 (its request line or a header "
                                              "cannot be read)")))

    def _refuse(self, status: int, message: str) -> None:
        self.logger.info("refused a request from %s: %s %s", self.client and self.client[0], status, message)
        self._disarm()
        self.transport.write(_plain(status, message))
        self.transport.close()


def _busy(limit: int):
    async def busy(scope, receive, send) -> None:
        body = f"503 Service Unavailable: more than {limit} connections are open; try again in a second\n".encode()
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"retry-after", b"1"),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    return busy


def protocol_for(settings: Settings) -> type[LimitedHttp]:
    """``LimitedHttp`` with the limits of ``settings`` (for ``uvicorn.Config(http=...)`` in this process)."""
    return type("LimitedHttp", (LimitedHttp,), {"limits": ServerLimits.from_settings(settings)})
