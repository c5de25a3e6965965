"""The HTTP server each service runs: uvicorn, with the request head (request line and header fields)
bounded before it is accepted.

uvicorn parses requests with httptools (llhttp), which sets no limit on a head: a 32 MB header was read,
gathered, parsed and handed to the app, and answered 200 after seconds and hundreds of MB. (uvicorn's h11
parser stops at `h11_max_incomplete_event_size`, but answers 400 in plain text, only checks while the head is
incomplete, and parses in pure Python.) `HeadLimited` keeps httptools and counts the head as it comes:

- after each read from the socket, while the head is still incomplete: past JIP_MAX_HEADER_BYTES it is
  refused, and nothing more is parsed, so whatever a client sends the parser holds at most the limit and
  two reads (up to 256 KiB each);
- as the parser completes the request line and each field: past JIP_MAX_HEADER_BYTES in all (a head that
  came in one read) or JIP_MAX_HEADER_COUNT fields, it is refused before the app sees it;
- a head not complete JIP_HEADER_TIMEOUT_SECONDS after the connection opened or the head began is refused
  (a client trickling a head byte by byte holds no connection for long), and a connection that sent
  nothing in that time is closed.

A refusal is 431 (too large) or 408 (too slow), in the JSON shape of every error, with `Connection: close`.
The server then stops parsing, tells the client it has finished (half-close), drops whatever the client
still sends for LINGER_SECONDS so that it can read the answer, and closes. The log says which limit was
broken, never the path or a header, which may hold a case reference or a token."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from dataclasses import dataclass
from typing import Any, ClassVar

import httptools
import uvicorn
from fastapi import FastAPI
from uvicorn.config import STARTUP_FAILURE
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from shared.mechanics.http import REASON_OF_STATUS
from shared.mechanics.idle_server import Server
from shared.mechanics.settings import Settings

log = logging.getLogger(__name__)

LINGER_SECONDS = 2.0  # after a refusal: how long a client may go on sending while it reads the answer


@dataclass(frozen=True)
class HeadLimits:
    max_bytes: int
    max_fields: int
    timeout_seconds: float

    @classmethod
    def of(cls, settings: Settings) -> HeadLimits:
        return cls(settings.max_header_bytes, settings.max_header_count, settings.header_timeout_seconds)


class _Refused(Exception):
    """Raised in a parser callback to stop parsing; httptools raises it on as a callback error."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


class HeadLimited(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a request whose head is too large, has too many fields or is
    too slow to arrive. One instance per connection; `protocol()` makes the class with the limits."""

    limits: ClassVar[HeadLimits] = HeadLimits(32_768, 100, 10.0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._awaiting_head = True  # from the end of one request until the next one's head is complete
        self._head_began = False
        self._heads_completed = 0
        self._head_read = 0  # bytes of the reads that fell wholly within the head
        self._head_size = 0  # the request line and the fields parsed so far
        self._head_fields = 0
        self._timer: asyncio.TimerHandle | None = None
        self._refused = False

    # -- the connection ------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """uvicorn's, with the head counted; a callback's refusal is answered, not taken for bad HTTP."""
        if self._refused:
            return  # what a refused client still sends is read and dropped
        within_head, completed = self._awaiting_head, self._heads_completed
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:
            if isinstance(exc.__context__, _Refused):
                self._refuse(exc.__context__.status, exc.__context__.detail)
            else:
                self._invalid()
            return
        except httptools.HttpParserError:
            self._invalid()
            return
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        if within_head and completed == self._heads_completed:  # the read is all head: none completed
            self._head_read += len(data)
            if self._head_read > self.limits.max_bytes:
                self._refuse(431, self._too_large())

    # -- the parser's callbacks ------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_began, self._head_size, self._head_fields = True, 0, 0
        self._start_timer()

    def on_url(self, url: bytes) -> None:
        self._count(len(url), 0)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4, 1)  # with ": " and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._awaiting_head, self._head_began = False, False
        self._heads_completed += 1
        self._stop_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._awaiting_head, self._head_read = True, 0

    # -- the limits --------------------------------------------------------------------------------------

    def _count(self, size: int, fields: int) -> None:
        self._head_size += size
        self._head_fields += fields
        if self._head_fields > self.limits.max_fields:
            raise _Refused(
                431,
                f"the request has more than {self.limits.max_fields} header fields: send only the headers "
                "the API needs",
            )
        if self._head_size > self.limits.max_bytes:
            raise _Refused(431, self._too_large())

    def _too_large(self) -> str:
        return (
            f"the request line and headers are over the limit of {self.limits.max_bytes} bytes: shorten the "
            "query or send a smaller token"
        )

    def _start_timer(self) -> None:
        if self._timer is None:
            self._timer = self.loop.call_later(self.limits.timeout_seconds, self._timed_out)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_out(self) -> None:
        self._timer = None
        if not self._head_began:  # nothing sent since the connection opened
            self.transport.close()
            return
        self._refuse(
            408,
            f"the request line and headers did not arrive within {self.limits.timeout_seconds:g} s of their "
            "start: send them at once",
        )

    def _invalid(self) -> None:
        message = "Invalid HTTP request received."  # uvicorn's own answer to what httptools cannot parse
        self.logger.warning(message)
        self.send_400_response(message)

    def _refuse(self, status: int, detail: str) -> None:
        self._refused = True
        self._stop_timer()
        log.warning("refused a request with %d before reading it: %s", status, detail)
        if self.cycle is not None and not self.cycle.response_complete:
            self.transport.close()  # an earlier response is still being written: no room for this answer
            return
        body = json.dumps({"error": REASON_OF_STATUS[status], "detail": detail}).encode()
        head = [STATUS_LINE[status]]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


def protocol(limits: HeadLimits) -> type[HeadLimited]:
    """The protocol class for uvicorn's `http`, with these limits."""

    class Limited(HeadLimited):
        pass

    Limited.limits = limits
    return Limited


def config(app: FastAPI, settings: Settings, **overrides: Any) -> uvicorn.Config:
    """How every service is served: its address, the head limits, and the logs of shared.mechanics.logs."""
    options: dict[str, Any] = {
        "host": settings.http_host,
        "port": settings.http_port,
        "log_level": settings.log_level.lower(),
        "log_config": None,  # the JSON lines of shared.mechanics.logs
        "access_log": False,
        "http": protocol(HeadLimits.of(settings)),
    }
    return uvicorn.Config(app, **(options | overrides))


def run(app: FastAPI, settings: Settings, **overrides: Any) -> None:
    """Serve until stopped, as uvicorn.run does; exit with uvicorn's code 3 if the app did not start."""
    server = Server(config(app, settings, **overrides))
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)
