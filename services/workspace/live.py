"""Live lines of enquiry (004 §35, 000 §11: lines of enquiry shared as they arise): a line raised, answered
or closed by one inspectorate shows in every other inspector's page without reloading it.

- One reader of the evidence events topic per workspace process (`Tail`), from its end, in no consumer
  group: nothing is committed and every replica sees every event. It runs only while a page listens, and
  stops a minute after the last one leaves, so an idle workspace asks the broker for nothing.
- A page listens on `/inspections/{id}/lines-of-enquiry/live` (server-sent events). It is told *that* a line
  changed, by whom, and which line: never what was written. The page then fetches itself again, as its
  user, from the evidence service, so nobody reads through this channel what the service would not show
  them; and the listener is let in only once the service has shown them the inspection's lines.
- Whatever the topic holds that is not a well-formed line-of-enquiry event is passed over: this reader
  decides nothing, and the services' own consumers dead-letter it.
- Nothing is lost between the page being made and its listening starting, nor across a reconnection: every
  message has an id (the time it was sent). A listener that arrives with an older one (the page's `since`,
  or the browser's `Last-Event-ID`) than the reader's start or the inspection's last change may have missed
  one: the lines are read again, as its user, once the reader is positioned, and unless they are still
  those the page was made from (`seen`, their digest) it is told at once to fetch the page again. So the
  first page to listen is not told of a change that never happened.
- Without JavaScript, or where the stream cannot be opened, the page says to refresh it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import TypeAdapter

from shared.mechanics.settings import Settings
from shared.mechanics.topics import partitions_of

from .client import Refusal, Unavailable
from .evidence_models import Line
from .web import Page, SignedIn
from .words import inspectorate_name

log = logging.getLogger(__name__)
router = APIRouter()

LINE_EVENTS = {
    "evidence.LineOfEnquiryRaised": ("raised_by", "raised a line of enquiry"),
    "evidence.LineOfEnquiryAnswered": ("answered_by", "answered a line of enquiry"),
    "evidence.LineOfEnquiryClosed": ("closed_by", "closed a line of enquiry"),
}
HEARTBEAT_SECONDS = 15.0  # a comment line, so proxies keep the connection open
LINGER_SECONDS = 60.0  # how long the reader runs on after the last page stopped listening
RETRY_SECONDS = 5.0  # after the broker could not be reached


LINES = TypeAdapter(list[Line])


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def seen_of(lines: list[Line]) -> str:
    """What a page knew of an inspection's lines: a digest of them as its user read them."""
    return hashlib.sha256(LINES.dump_json(lines)).hexdigest()[:16]


async def still_as_seen(page: Page, inspection_id: str, seen: str) -> bool:
    """Whether the inspection's lines are still those a page was made from; if unsure, they are not."""
    if not seen:
        return False
    try:
        return seen_of(await page.client.lines(inspection_id)) == seen
    except (Refusal, Unavailable):
        return False


@dataclass(frozen=True)
class Change:
    """A line of one inspection changed: which, and what was done, in words for the page's announcement."""

    inspection_id: str
    line_id: str
    words: str
    at: int = field(default_factory=now_ms)

    @classmethod
    def of(cls, value: bytes | None) -> Change | None:
        """The change a record tells of; None for any other event, and for anything that is not one."""
        try:
            envelope: Any = json.loads(value or b"")
            said = LINE_EVENTS.get(envelope["event_type"])
            if said is None:
                return None
            who, done = said
            payload = envelope["payload"]
            line_id, inspectorate, inspection_id = payload["line_id"], payload[who], envelope["inspection_id"]
            if not all(isinstance(v, str) for v in (line_id, inspectorate, inspection_id)):
                return None
        except (ValueError, TypeError, KeyError):
            return None
        return cls(inspection_id, line_id, f"{inspectorate_name(inspectorate)} {done}.")

    def message(self) -> str:
        data = json.dumps({"line_id": self.line_id, "words": self.words})
        return f"id: {self.at}\nevent: line\ndata: {data}\n\n"


class Tail:
    """The evidence events as they are published, handed to the pages listening for their inspection."""

    def __init__(self, platform: Settings) -> None:
        self.platform = platform
        self.listeners: dict[str, set[asyncio.Queue[Change]]] = {}
        self.changed: dict[str, int] = {}  # inspection -> when its lines last changed (ms)
        self.reading_since: int | None = None  # when the reader was last positioned at the topic's end
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._idle_since: float | None = None

    @contextlib.contextmanager
    def listen(self, inspection_id: str) -> Iterator[asyncio.Queue[Change]]:
        queue: asyncio.Queue[Change] = asyncio.Queue(maxsize=100)
        self.listeners.setdefault(inspection_id, set()).add(queue)
        self._idle_since = None
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="workspace-live-lines")
        try:
            yield queue
        finally:
            self.listeners[inspection_id].discard(queue)
            if not self.listeners[inspection_id]:
                del self.listeners[inspection_id]
            if not self.listeners:
                self._idle_since = time.monotonic()

    def missed(self, inspection_id: str, since: int) -> bool:
        """Whether a page that knew the lines as at `since` (ms) may have missed a change."""
        started = self.reading_since or 0
        return since < started or since < self.changed.get(inspection_id, 0)

    def hand_out(self, change: Change) -> None:
        self.changed[change.inspection_id] = change.at
        for queue in self.listeners.get(change.inspection_id, ()):
            with contextlib.suppress(asyncio.QueueFull):  # a page that stopped reading refreshes anyway
                queue.put_nowait(change)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _lingered(self) -> bool:
        return self._idle_since is not None and time.monotonic() - self._idle_since > LINGER_SECONDS

    async def _run(self) -> None:
        """Read until nobody has listened for LINGER_SECONDS. A page that starts listening while the
        reader stops (no await lies between the check below and the task's end) keeps it reading."""
        while True:
            try:
                await self._read()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker out of reach: the pages say to refresh meanwhile
                log.warning("live lines of enquiry: cannot read the evidence events (%s); retrying", exc)
                self.ready.clear()
                await asyncio.sleep(RETRY_SECONDS)
            if not self.listeners and self._lingered():
                return

    async def _read(self) -> None:
        from aiokafka import AIOKafkaConsumer, TopicPartition  # only once a page listens

        topic = self.platform.events_topic("evidence")
        security = self.platform.kafka_security()
        servers = self.platform.kafka_bootstrap_servers
        consumer = AIOKafkaConsumer(
            bootstrap_servers=servers, **security, enable_auto_commit=False, fetch_max_wait_ms=500
        )
        await consumer.start()
        try:
            assigned = [TopicPartition(topic, p) for p in await partitions_of(servers, topic, security)]
            consumer.assign(assigned)
            await consumer.seek_to_end(*assigned)
            for partition in assigned:  # positioned now, not lazily at the first fetch
                await consumer.position(partition)
            self.reading_since = now_ms()
            self.ready.set()
            while not self._lingered():
                fetched = await consumer.getmany(timeout_ms=1000, max_records=500)
                for records in fetched.values():
                    for record in records:
                        if change := Change.of(record.value):
                            self.hand_out(change)
        finally:
            self.ready.clear()
            await consumer.stop()


@router.get("/inspections/{inspection_id}/lines-of-enquiry/live")
async def live(
    page: SignedIn, inspection_id: str, request: Request, since: int = 0, seen: str = ""
) -> StreamingResponse:
    """The inspection's line changes as server-sent events, for a user the evidence service lets read them."""
    await page.client.lines(inspection_id)  # refused (403, 404) as the page itself would be
    tail: Tail = request.app.state.tail
    last = request.headers.get("last-event-id", "")
    known = int(last) if last.isdigit() else since

    async def events() -> AsyncIterator[str]:
        with tail.listen(inspection_id) as changes:
            yield "retry: 5000\n\n"
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(tail.ready.wait(), 10)
            if tail.missed(inspection_id, known) and not await still_as_seen(page, inspection_id, seen):
                yield Change(inspection_id, "", "The lines of enquiry have changed.").message()
            while not await request.is_disconnected():
                try:
                    change = await asyncio.wait_for(changes.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": still here\n\n"
                    continue
                yield change.message()

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
