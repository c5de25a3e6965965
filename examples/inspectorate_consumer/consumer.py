#!/usr/bin/env python3
"""An inspectorate's own copy of the Joint Inspections Platform's events.

An example of what an inspectorate's system can run to keep its own record of the platform's events,
independent of the platform's code: it needs only the Python standard library and aiokafka
(`pip install aiokafka`). The guide it follows is docs/consumer-guide.md.

What it does
------------
It joins the broker with its own consumer group (`--group`), subscribes to the topics
`{namespace}.{context}.events` of the contexts chosen, reads each from its first event (the log is kept
forever, so a new group receives every event ever published) and keeps a SQLite file (`--database`):

- `events`: every event mirrored once, keyed by `event_id`, with where it was read (topic, partition,
  offset), its whole envelope as published and its sha256 digest;
- `evidence_items`: each evidence item as it stands, to show how events are applied. A recording
  inserts the item, an amendment replaces every detail (it carries the item as it now stands), a
  withdrawal marks it `withdrawn` but keeps it. The view `evidence_standing` leaves withdrawn items out.
  A summary about a child's case arrives sealed to the case's key, which only the platform holds: it is
  kept as the sealed JSON (read the text through the evidence API, and never after the case is erased);
- `streams`: the latest `stream_version` and digest of every stream, and `anomalies`: a version that
  skips one (`gap`), comes again (`out_of_order`) or names a different `previous_hash` than the digest of
  the stream's previous event (`chain_break`);
- `rejected`: what it skipped, by topic, partition and offset, with the reason and the raw bytes: a
  record that is not a JSON envelope, or an event of a type it applies in a schema_version newer than
  it understands (parked: upgrade this program, then feed the raw bytes through again).

How it stays correct
--------------------
- **Idempotent**: events are inserted with INSERT OR IGNORE on `event_id`, and applied to
  `evidence_items` only when newly inserted, in the same SQLite transaction. A redelivered event
  changes nothing.
- **At least once**: each batch is written in one SQLite transaction, and the Kafka offsets are
  committed only after it commits. If the program stops in between, the batch is delivered again and
  the first point applies.
- **Never stuck on a bad record**: anything it cannot read or apply is recorded in `rejected` and
  skipped. Only a failure of its own database stops it, before the offsets are committed.
- Events of types it does not interpret are mirrored whatever their schema_version, and unknown fields
  are kept (they are in the stored envelope), so a newer platform never stops it.

Running it
----------
    python examples/inspectorate_consumer/consumer.py --bootstrap 127.0.0.1:18101 \\
        --group ofsted-records --contexts evidence,judgement --database ofsted.sqlite3

    sqlite3 ofsted.sqlite3 'SELECT evidence_item_id, bearing, summary FROM evidence_standing'

It runs until interrupted (Ctrl-C or SIGTERM), or with `--idle-exit SECONDS` until nothing has arrived
for that long, and then prints what it read as one JSON line. `--help` lists every option.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import re
import signal
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

log = logging.getLogger("inspectorate_consumer")

CONTEXTS = ("scheduling", "evidence", "judgement", "lscb", "reporting")

# The event types this consumer applies, with the newest schema_version of each that it understands.
# An event of one of these types in a newer version is parked in `rejected`, not guessed at.
UNDERSTOOD = {
    "evidence.EvidenceItemRecorded": 2,  # v2: a summary about a case is sealed to it (an object)
    "evidence.EvidenceItemAmended": 2,
    "evidence.EvidenceItemWithdrawn": 1,
}
# What EvidenceItemRecorded and EvidenceItemAmended both carry in full (docs/evidence-events.md).
DETAILS = (
    "agency",
    "activity",
    "meeting",
    "judgement_area",
    "criteria",
    "bearing",
    "case_reference",
    "summary",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id        TEXT PRIMARY KEY,
    event_type      TEXT NOT NULL,
    schema_version  INTEGER NOT NULL,
    stream_id       TEXT NOT NULL,
    stream_version  INTEGER NOT NULL,
    inspection_id   TEXT,
    occurred_at     TEXT NOT NULL,
    payload         TEXT NOT NULL,   -- JSON
    topic           TEXT NOT NULL,
    "partition"     INTEGER NOT NULL,
    "offset"        INTEGER NOT NULL,
    previous_hash   TEXT,
    digest          TEXT NOT NULL,   -- sha256 of the envelope as published
    envelope        TEXT NOT NULL    -- the whole envelope, fields this program does not know included
);
CREATE INDEX IF NOT EXISTS events_by_inspection ON events (inspection_id, occurred_at);
CREATE INDEX IF NOT EXISTS events_by_stream ON events (stream_id, stream_version);

CREATE TABLE IF NOT EXISTS evidence_items (
    evidence_item_id TEXT PRIMARY KEY,
    inspection_id    TEXT NOT NULL,
    inspectorate     TEXT NOT NULL,
    inspector        TEXT NOT NULL,
    agency           TEXT NOT NULL,
    activity         TEXT NOT NULL,
    meeting          TEXT,
    judgement_area   TEXT NOT NULL,
    criteria         TEXT NOT NULL,  -- JSON list
    bearing          TEXT NOT NULL,
    case_reference   TEXT,
    summary          TEXT NOT NULL,  -- the text, or the JSON of a summary sealed to its case
    recorded_at      TEXT NOT NULL,
    version          INTEGER NOT NULL,  -- the stream_version of the last event applied
    withdrawn        INTEGER NOT NULL DEFAULT 0,
    correction       TEXT              -- the reason of the latest amendment or of the withdrawal
);
CREATE INDEX IF NOT EXISTS evidence_by_inspection ON evidence_items (inspection_id, recorded_at);
CREATE VIEW IF NOT EXISTS evidence_standing AS SELECT * FROM evidence_items WHERE withdrawn = 0;

CREATE TABLE IF NOT EXISTS streams (
    stream_id TEXT PRIMARY KEY,
    version   INTEGER NOT NULL,
    digest    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS anomalies (
    event_id  TEXT NOT NULL,
    stream_id TEXT NOT NULL,
    kind      TEXT NOT NULL,  -- gap, out_of_order or chain_break
    detail    TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS rejected (
    topic       TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset"    INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    value       BLOB,
    received_at TEXT NOT NULL,
    PRIMARY KEY (topic, "partition", "offset")
);
"""

EPILOG = """\
tables in the SQLite file:
  events          every event once: envelope fields, payload JSON, topic, partition, offset, digest
  evidence_items  each evidence item as it stands (view evidence_standing: without the withdrawn)
  streams         each stream's latest version and digest
  anomalies       version gaps, repeats and breaks of the previous_hash chain
  rejected        skipped records (not an envelope, or a newer schema_version): topic, partition,
                  offset, reason and the raw bytes

A redelivered event changes nothing, and offsets are committed only after SQLite commits: stop it at
any moment and the next run with the same --group carries on where it left off. It prints one JSON
line of counts (read, stored, duplicates, rejected) when it stops. See docs/consumer-guide.md.
"""

_IDENTIFIER = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")

Envelope: TypeAlias = dict[str, Any]
Record: TypeAlias = ConsumerRecord[bytes, bytes]


class Rejected(Exception):
    """A record this program skips, with the reason it records."""


@dataclass
class Counts:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0

    def add(self, other: Counts) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


# --- the envelope ----------------------------------------------------------------------------------


def digest_of(envelope: Envelope) -> str:
    """sha256 of the envelope as published: JSON, keys sorted, no spaces, unicode as is. The next event
    of the same stream names it as its `previous_hash`."""
    canonical = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_envelope(value: bytes | None) -> Envelope:
    """The record's envelope, or Rejected saying what is wrong. Fields it does not know are accepted."""
    if value is None:
        raise Rejected("empty record")
    try:
        envelope = json.loads(value.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Rejected(f"not JSON: {exc}") from exc
    if not isinstance(envelope, dict):
        raise Rejected(f"not an envelope: a JSON {type(envelope).__name__}, not an object")
    for name in ("event_id", "stream_id", "correlation_id"):
        _require(envelope, name, isinstance(envelope.get(name), str) and _IDENTIFIER.match(envelope[name]))
    for name in ("inspection_id", "causation_id"):
        found = envelope.get(name)
        _require(envelope, name, found is None or (isinstance(found, str) and _IDENTIFIER.match(found)))
    _require(envelope, "inspection_id", "inspection_id" in envelope)
    event_type = envelope.get("event_type")
    _require(envelope, "event_type", isinstance(event_type, str) and 0 < len(event_type) <= 128)
    for name in ("schema_version", "stream_version"):
        number = envelope.get(name)
        _require(envelope, name, isinstance(number, int) and not isinstance(number, bool) and number >= 1)
    _require(envelope, "occurred_at", _aware_time(envelope.get("occurred_at")))
    _require(envelope, "actor", isinstance(envelope.get("actor"), dict))
    _require(envelope, "payload", isinstance(envelope.get("payload"), dict))
    previous = envelope.get("previous_hash")
    _require(
        envelope, "previous_hash", previous is None or (isinstance(previous, str) and _DIGEST.match(previous))
    )
    return envelope


def _require(envelope: Envelope, name: str, ok: object) -> None:
    if not ok:
        raise Rejected(f"not an envelope: {name} is missing or invalid ({envelope.get(name)!r:.80})")


def _aware_time(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


# --- the store -------------------------------------------------------------------------------------


class Store:
    """The SQLite file. Each batch is one transaction; each record in it one savepoint, so a record
    that cannot be applied is rolled back alone and recorded as rejected."""

    def __init__(self, path: Path) -> None:
        # Autocommit mode: this class says where transactions begin and end.
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = FULL")  # committed means on disk, before offsets are
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def write(self, records: Sequence[Record]) -> Counts:
        counts = Counts(read=len(records))
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for record in records:
                self.db.execute("SAVEPOINT record")
                try:
                    stored = self._one(record)
                except sqlite3.OperationalError:
                    raise  # the database itself failed (disk full, locked): stop, commit nothing
                except Exception as exc:
                    self.db.execute("ROLLBACK TO record")
                    self.db.execute("RELEASE record")
                    reason = str(exc) if isinstance(exc, Rejected) else f"cannot apply: {exc!r}"
                    self._reject(record, reason)
                    counts.rejected += 1
                    continue
                self.db.execute("RELEASE record")
                if stored:
                    counts.stored += 1
                else:
                    counts.duplicates += 1
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        return counts

    def _one(self, record: Record) -> bool:
        """Store and apply one record; False if its event was already stored."""
        envelope = read_envelope(record.value)
        event_type, version = envelope["event_type"], envelope["schema_version"]
        understood = UNDERSTOOD.get(event_type)
        if understood is not None and version > understood:
            raise Rejected(
                f"parked: {event_type} v{version} is newer than this consumer understands (v{understood})"
            )
        digest = digest_of(envelope)
        inserted = self.db.execute(
            """INSERT OR IGNORE INTO events (event_id, event_type, schema_version, stream_id, stream_version,
                   inspection_id, occurred_at, payload, topic, "partition", "offset", previous_hash, digest,
                   envelope)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                envelope["event_id"],
                event_type,
                version,
                envelope["stream_id"],
                envelope["stream_version"],
                envelope["inspection_id"],
                envelope["occurred_at"],
                json.dumps(envelope["payload"], ensure_ascii=False),
                record.topic,
                record.partition,
                record.offset,
                envelope.get("previous_hash"),
                digest,
                json.dumps(envelope, ensure_ascii=False),
            ),
        )
        if inserted.rowcount == 0:
            return False  # delivered again: already stored and applied
        self._follow(envelope, digest)
        if event_type in UNDERSTOOD:
            self._apply_evidence(envelope)
        return True

    def _follow(self, envelope: Envelope, digest: str) -> None:
        """Check the event against its stream's head: versions without gaps, and the hash chain."""
        stream_id, version = envelope["stream_id"], envelope["stream_version"]
        head = self.db.execute(
            "SELECT version, digest FROM streams WHERE stream_id = ?", (stream_id,)
        ).fetchone()
        known, head_digest = head if head else (0, None)
        previous = envelope.get("previous_hash")
        if version > known + 1:
            self._anomaly(
                envelope, "gap", f"version {version} follows {known}: {version - known - 1} missing"
            )
        elif version <= known:
            self._anomaly(envelope, "out_of_order", f"version {version} arrived after {known}")
            return
        elif head_digest is not None and previous is not None and previous != head_digest:
            self._anomaly(
                envelope,
                "chain_break",
                f"previous_hash {previous} is not the digest of version {known}, {head_digest}",
            )
        self.db.execute(
            "INSERT OR REPLACE INTO streams (stream_id, version, digest) VALUES (?, ?, ?)",
            (stream_id, version, digest),
        )

    def _anomaly(self, envelope: Envelope, kind: str, detail: str) -> None:
        log.warning("%s %s: %s", envelope["stream_id"], kind, detail)
        self.db.execute(
            "INSERT INTO anomalies (event_id, stream_id, kind, detail) VALUES (?, ?, ?, ?)",
            (envelope["event_id"], envelope["stream_id"], kind, detail),
        )

    def _apply_evidence(self, envelope: Envelope) -> None:
        payload, version = envelope["payload"], envelope["stream_version"]
        item_id = payload["evidence_item_id"]
        if not isinstance(item_id, str):
            raise Rejected(f"{envelope['event_type']}: evidence_item_id is not a string")
        row = self.db.execute(
            "SELECT version FROM evidence_items WHERE evidence_item_id = ?", (item_id,)
        ).fetchone()
        if row is not None and row[0] >= version:
            return  # an older event of the item, arriving late: what stands already includes it
        details = [payload.get(name) for name in DETAILS]
        details[DETAILS.index("criteria")] = json.dumps(payload.get("criteria") or [])
        summary = payload.get("summary")
        if isinstance(summary, dict):  # sealed to its case: only the platform opens it, until erased
            details[DETAILS.index("summary")] = json.dumps(summary, sort_keys=True)
        if envelope["event_type"] == "evidence.EvidenceItemRecorded":
            self.db.execute(
                f"""INSERT OR REPLACE INTO evidence_items (evidence_item_id, inspection_id, inspectorate,
                       inspector, {", ".join(DETAILS)}, recorded_at, version, withdrawn, correction)
                    VALUES (?, ?, ?, ?, {", ".join("?" for _ in DETAILS)}, ?, ?, 0, NULL)""",
                (
                    item_id,
                    envelope["inspection_id"],
                    payload["inspectorate"],
                    payload["inspector"],
                    *details,
                    envelope["occurred_at"],
                    version,
                ),
            )
        elif row is None:
            # Amended or withdrawn before it was recorded here: the recording is missing (see anomalies).
            log.warning("%s for unknown evidence item %s", envelope["event_type"], item_id)
        elif envelope["event_type"] == "evidence.EvidenceItemAmended":
            # The amendment is the item as it now stands: replace every detail, do not merge.
            self.db.execute(
                f"""UPDATE evidence_items SET {", ".join(f"{name} = ?" for name in DETAILS)},
                       version = ?, correction = ? WHERE evidence_item_id = ?""",
                (*details, version, payload["reason"], item_id),
            )
        else:  # withdrawn: it no longer counts, but is kept for audit
            self.db.execute(
                """UPDATE evidence_items SET withdrawn = 1, version = ?, correction = ?
                   WHERE evidence_item_id = ?""",
                (version, payload["reason"], item_id),
            )

    def _reject(self, record: Record, reason: str) -> None:
        log.warning("skipped %s[%d]@%d: %s", record.topic, record.partition, record.offset, reason)
        self.db.execute(
            """INSERT OR IGNORE INTO rejected (topic, "partition", "offset", reason, value, received_at)
               VALUES (?, ?, ?, ?, ?, datetime('now'))""",
            (record.topic, record.partition, record.offset, reason, record.value),
        )


# --- the consumer ----------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> Counts:
    topics = [f"{args.namespace}.{context}.events" for context in args.contexts]
    store = Store(args.database)
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=args.bootstrap,
        group_id=args.group,
        enable_auto_commit=False,  # offsets are committed after the SQLite transaction, never before
        auto_offset_reset="earliest",  # a new group reads the whole log
        session_timeout_ms=args.session_timeout_ms,
        heartbeat_interval_ms=max(100, args.session_timeout_ms // 10),
        fetch_max_wait_ms=100,
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stopping.set)
    counts = Counts()
    await consumer.start()
    log.info("group %s reading %s", args.group, ", ".join(topics))
    try:
        quiet_since: float | None = None
        while not stopping.is_set():
            fetched = await consumer.getmany(timeout_ms=500, max_records=500)
            records = [record for part in fetched.values() for record in part]
            now = time.monotonic()
            if records:
                written = store.write(records)  # committed to SQLite here
                log.debug("batch: %s", written)
                counts.add(written)
                offsets = {
                    TopicPartition(tp.topic, tp.partition): part[-1].offset + 1
                    for tp, part in fetched.items()
                    if part
                }
                try:
                    await consumer.commit(offsets)
                except KafkaError as exc:
                    # A rebalance took the partitions away: whoever gets them reads the batch again,
                    # and the store ignores what it already holds.
                    log.warning("offsets not committed (%s); the batch will be delivered again", exc)
                quiet_since = now
            elif not consumer.assignment():
                quiet_since = None  # still joining the group
            elif quiet_since is None:
                quiet_since = now
            elif args.idle_exit is not None and now - quiet_since >= args.idle_exit:
                log.info("nothing new for %s s: stopping", args.idle_exit)
                break
    finally:
        await consumer.stop()
        store.close()
    return counts


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Mirror the Joint Inspections Platform's events into a SQLite file of your own: every event once "
            "(deduplicated by event_id), evidence items as they stand, a check of each stream's versions and "
            "hash chain, and what was skipped and why. Offsets are committed only after SQLite commits."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--bootstrap",
        default="127.0.0.1:18101",
        help="the Kafka bootstrap servers, host:port[,host:port…] "
        "(default: %(default)s, the broker of `jip stack up`)",
    )
    parser.add_argument(
        "--namespace", default="jip", help="the deployment's topic prefix (default: %(default)s)"
    )
    parser.add_argument(
        "--contexts",
        type=_contexts,
        default=",".join(CONTEXTS),
        help="comma-separated contexts whose topics {namespace}.{context}.events to read (default: all, "
        "%(default)s)",
    )
    parser.add_argument(
        "--group",
        default="inspectorate-records",
        help="your own consumer group; its committed offsets say where the next run resumes "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=Path("inspectorate.sqlite3"),
        help="the SQLite file (default: %(default)s)",
    )
    parser.add_argument(
        "--idle-exit",
        type=float,
        metavar="SECONDS",
        help="stop once nothing has arrived for SECONDS after joining the group "
        "(default: run until interrupted)",
    )
    parser.add_argument(
        "--session-timeout-ms",
        type=int,
        default=10000,
        help="the group session timeout (default: %(default)s; 3000 suits the embedded tansu broker, "
        "whose group joins take half of it)",
    )
    parser.add_argument("--verbose", action="store_true", help="log each batch's details")
    return parser.parse_args(argv)


def _contexts(text: str) -> list[str]:
    contexts = [c.strip() for c in text.split(",") if c.strip()]
    unknown = [c for c in contexts if c not in CONTEXTS]
    if unknown or not contexts:
        raise argparse.ArgumentTypeError(
            f"choose from {', '.join(CONTEXTS)}; not {', '.join(unknown) or 'none'}"
        )
    return contexts


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("aiokafka").setLevel(logging.INFO if args.verbose else logging.WARNING)
    try:
        counts = asyncio.run(run(args))
    except KafkaError as exc:
        print(f"consumer: the broker at {args.bootstrap} failed: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:
        print(f"consumer: the database {args.database} failed: {exc}; nothing was committed", file=sys.stderr)
        return 1
    print(json.dumps(asdict(counts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
