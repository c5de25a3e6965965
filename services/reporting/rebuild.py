"""Drop reporting's read model and rebuild every document from the start of the log.

Reporting stores no document: each is rendered from the events it keeps (`sources`). This renders every
document, drops `sources`, reads every topic reporting consumes from offset 0 into it again, renders every
document once more and compares the checksums: the same log must give the same bytes. The events are
folded in memory into pages (projections.Pages: the events of an inspection of one type, up to a thousand
to a page) and the pages written in bulk, a few documents for each inspection instead of one for each
event. The log is read as the auditor reads it (audit/batches.py): batch by batch to where each partition
ended when the rebuild began, so the reading knows where the log ends without waiting for it to fall
silent, and a damaged batch is named instead of stopping the rebuild. The running service may go on
consuming meanwhile: it writes a page of one for each event it keeps (those published after the rebuild
began among them), and reading keeps each event once whichever pages hold it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pymongo.asynchronous.database import AsyncDatabase

from audit.answers import Reading
from audit.batches import read
from shared.language.contracts import CATALOGUE
from shared.mechanics.catalogue import parse_envelope
from shared.mechanics.errors import MalformedEvent
from shared.mechanics.eventstore import EventStore
from shared.mechanics.mongo import Document, connect
from shared.mechanics.settings import Settings

from . import projections, shelf, views
from .rendering.documents import Format

Progress = Callable[[str], None]
CONTEXTS = projections.letter_sources.contexts
KEPT = frozenset(t for t in projections.KEPT_TYPES if t in CATALOGUE)  # what the live projection keeps
CHUNK = 2000  # kept events in the pages inserted at a time, at least (a page may hold fewer)
WRITERS = 2  # inserts under way at once, while the log is read on
QUEUED = 2  # chunks of pages folded and waiting for a writer


@dataclass
class Summary:
    documents_before: int = 0
    events_read: int = 0
    events_kept: int = 0
    malformed: int = 0
    read_seconds: float = 0.0
    # Where the log could not be read as written (audit/batches.py): what those records held is missing
    # from the documents, so the rebuild is not ok; `jip audit verify` says more.
    damage: list[str] = field(default_factory=list)
    documents: int = 0
    render_seconds: float = 0.0
    matching: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # rendered differently after the rebuild
    missing: list[str] = field(default_factory=list)  # rendered before, not after
    new: list[str] = field(default_factory=list)  # rendered after, not before

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.damage)


async def checksums(store: EventStore, db: AsyncDatabase[Document]) -> dict[str, str]:
    """Every document's path and the sha256 of its Markdown."""
    found: dict[str, str] = {}
    for entry in await shelf.listing(store, db):
        if entry.inspection_id is not None:
            rendered = await views.render(store, db, entry.inspection_id, Format.MARKDOWN)
        else:
            assert entry.round_id is not None
            rendered = await shelf.overview(store, db, entry.round_id, Format.MARKDOWN)
        found[entry.document] = rendered.checksum
    return found


async def replay(
    settings: Settings, db: AsyncDatabase[Document], summary: Summary, progress: Progress
) -> None:
    """Read every topic reporting consumes from its start to where it ended when the reading began into
    `sources`, folded into pages, in bulk: the reading goes on while WRITERS insert the pages due, CHUNK
    events' worth at a time in no set order, through a queue of at most QUEUED chunks, so memory holds the
    pages under way (projections.PENDING events at most) and a few chunks, whatever the log's length."""
    topics = [settings.events_topic(c) for c in CONTEXTS]
    started = time.monotonic()
    # Indexed before the events are in: a few pages for each inspection, not a document for each event.
    await projections.indexes(db)
    queue: asyncio.Queue[list[Document] | None] = asyncio.Queue(maxsize=QUEUED)

    async def write() -> None:
        while (chunk := await queue.get()) is not None:
            await db[projections.SOURCES].insert_many(chunk, ordered=False)

    writers = [asyncio.create_task(write()) for _ in range(WRITERS)]

    async def put(chunk: list[Document] | None) -> None:
        """Queued for a writer (None: the end), or a writer's failure raised here: the reading stops."""
        queued = asyncio.ensure_future(queue.put(chunk))
        while not queued.done():
            running = [w for w in writers if not w.done()]
            await asyncio.wait([queued, *running], return_when=asyncio.FIRST_COMPLETED)
            for writer in writers:
                if writer.done() and (writer.exception() is not None or chunk is not None):
                    queued.cancel()
                    writer.result()  # a writer ends before the end only when an insert failed
                    raise RuntimeError("a writer of the rebuild stopped before the last chunk")

    pages = projections.Pages()
    reading = Reading()
    due: list[Document] = []  # pages folded and not yet queued
    events_due, reported = 0, 0
    try:
        async for records in read(settings, topics, reading):
            summary.events_read += len(records)
            for record in records:
                published = record.value or b""
                try:
                    envelope = parse_envelope(published)
                except MalformedEvent:
                    summary.malformed += 1  # the consumers dead-letter these; a rebuild skips them
                    continue
                if envelope.event_type in KEPT:
                    summary.events_kept += 1
                    if written := pages.add(envelope, published):
                        due += written
                        events_due += sum(len(p["events"]) for p in written)
                        if events_due >= CHUNK:
                            chunk, due, events_due = due, [], 0  # not `due` while it is queued
                            await put(chunk)
            if summary.events_read - reported >= 10_000:
                reported = summary.events_read
                rate = summary.events_read / (time.monotonic() - started)
                progress(f"  {summary.events_read:,} events read ({rate:,.0f}/s)")
        if rest := due + pages.rest():
            await put(rest)
        for _ in writers:
            await put(None)
        await asyncio.gather(*writers)
    finally:
        for writer in writers:
            writer.cancel()
    summary.damage = [str(d) for d in reading.damage]
    summary.read_seconds = time.monotonic() - started


async def rebuild(settings: Settings, progress: Progress) -> Summary:
    summary = Summary()
    client = connect(settings.mongodb_uri, "jip-rebuild")
    try:
        name = settings.database_name("reporting")
        db = client[name]
        store = EventStore(client, name, CATALOGUE, settings.events_topic("reporting"))
        progress("Rendering every document from the read model as it is…")
        before = await checksums(store, db)
        summary.documents_before = len(before)
        progress(f"  {len(before)} document{'' if len(before) == 1 else 's'}")
        progress(f"Dropping the read model and reading {', '.join(CONTEXTS)} from the start of the log…")
        await db[projections.SOURCES].drop()
        await replay(settings, db, summary, progress)
        counted, kept = f"{summary.events_read:,}", f"{summary.events_kept:,}"
        progress(f"  {counted} events read, {kept} kept, {summary.malformed} malformed")
        progress("Rendering every document again…")
        started = time.monotonic()
        after = await checksums(store, db)
        summary.render_seconds = time.monotonic() - started
        summary.documents = len(after)
        for document, checksum in after.items():
            if document not in before:
                summary.new.append(document)
            elif before[document] == checksum:
                summary.matching.append(document)
            else:
                summary.changed.append(document)
        summary.missing = [d for d in before if d not in after]
        return summary
    finally:
        await client.close()
