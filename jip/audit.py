"""`jip audit`: what an auditor does with the log, read from its start, without asking any service.

- `verify`: every record reads as an envelope of a known event type and version; every stream's versions
  are contiguous; every event names the digest of its stream's previous event, and the chain holds. Each
  problem is reported with its topic, partition and offset; the command never stops half way, and exits 1
  if there was any.
- `export --inspection ID`: the inspection's complete history, as JSON lines (the envelopes as published)
  or as a readable timeline.
- `as-of TIME --inspection ID`: the inspection, its evidence, judgements, LSCB evaluation and report as
  they stood at that moment, and the report's text then."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jip.stack import StackError, settings_of_stack
from shared.catalogue import Event
from shared.contracts import CATALOGUE
from shared.envelope import Envelope, digest_of
from shared.errors import MalformedEvent
from shared.settings import Settings
from shared.topics import CONTEXTS, read_from_start
from shared.workdays import ENGLAND

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Problem:
    topic: str
    partition: int
    offset: int
    kind: str
    detail: str
    stream_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.topic}[{self.partition}]@{self.offset}"
        stream = f" {self.stream_id}" if self.stream_id else ""
        return f"{where}{stream}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Link:
    """The last event seen of a stream: where it is, and what the next one must name."""

    version: int
    digest: str
    at: str


@dataclass
class Verification:
    records: int = 0
    events: int = 0
    duplicates: int = 0  # the same event delivered again (the relay publishes at least once)
    streams: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Verifier:
    """Checks records one at a time, in log order per partition (a stream lives on one partition)."""

    def __init__(self) -> None:
        self.result = Verification()
        self.links: dict[str, Link] = {}
        self.digests: dict[str, str] = {}  # event id -> digest, to tell a duplicate from a forgery

    def check(self, topic: str, partition: int, offset: int, value: bytes | None) -> None:
        self.result.records += 1
        at = f"{topic}[{partition}]@{offset}"

        def problem(kind: str, detail: str, stream_id: str | None = None) -> None:
            self.result.problems.append(Problem(topic, partition, offset, kind, detail, stream_id))

        try:
            raw = json.loads(value or b"")
        except json.JSONDecodeError as exc:
            problem("corrupt record", f"not JSON ({exc.msg} at character {exc.pos})")
            return
        except UnicodeDecodeError:
            problem("corrupt record", "not UTF-8 text")
            return
        try:
            envelope = Envelope.model_validate(raw)
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors()[:5])
            problem("not an envelope", f"truncated or malformed: {fields}")
            return
        stream = envelope.stream_id
        digest = digest_of(raw)
        known = self.digests.get(envelope.event_id)
        if known is not None:
            if known == digest:
                self.result.duplicates += 1
            else:
                problem(
                    "forged duplicate",
                    f"event {envelope.event_id} published twice with different content",
                    stream,
                )
            return
        self.digests[envelope.event_id] = digest
        self.result.events += 1
        current = CATALOGUE.current_version(envelope.event_type)
        if current is None:
            problem("unknown event type", f"{envelope.event_type} is not in the published contract", stream)
        elif envelope.schema_version > current:
            problem(
                "newer version",
                f"{envelope.event_type} v{envelope.schema_version}: this code reads up to v{current}",
                stream,
            )
        else:
            try:
                CATALOGUE.decode(envelope)
            except MalformedEvent as exc:
                problem("unreadable event", str(exc), stream)
        last = self.links.get(stream)
        expected = last.version + 1 if last else 1
        if envelope.stream_version != expected:
            version = envelope.stream_version
            if last is not None and version <= last.version:
                detail = f"a second event at version {version} (the stream is at {last.version})"
            else:
                after = last.version if last else "nothing"
                detail = (
                    f"version {version} follows {after}: versions {expected} to {version - 1} are missing"
                )
            problem("versions not contiguous", detail, stream)
        elif last is None and envelope.previous_hash is not None:
            problem("broken chain", "the first event of a stream names a previous one", stream)
        elif last is not None and envelope.previous_hash is None:
            problem(
                "unchained",
                f"version {envelope.stream_version} names no previous event (written before the chain)",
                stream,
            )
        elif last is not None and envelope.previous_hash != last.digest:
            problem(
                "broken chain",
                f"version {envelope.stream_version} names a previous event that is not the one at {last.at} "
                f"(version {last.version}): one of them was changed after it was written",
                stream,
            )
        if last is None or envelope.stream_version > last.version:
            self.links[stream] = Link(envelope.stream_version, digest, at)

    def finish(self, started: float) -> Verification:
        self.result.streams = len(self.links)
        self.result.seconds = time.monotonic() - started
        return self.result


def topics(settings: Settings) -> list[str]:
    return [settings.events_topic(c) for c in CONTEXTS]


async def verify(settings: Settings, progress: Progress) -> Verification:
    verifier = Verifier()
    started = time.monotonic()
    reported = 0
    async for records in read_from_start(
        settings.kafka_bootstrap_servers, topics(settings), security=settings.kafka_security()
    ):
        for record in records:
            try:
                verifier.check(record.topic, record.partition, record.offset, record.value)
            except Exception as exc:
                verifier.result.problems.append(
                    Problem(record.topic, record.partition, record.offset, "unreadable record", repr(exc))
                )
        if verifier.result.records - reported >= 20_000:
            reported = verifier.result.records
            rate = reported / (time.monotonic() - started)
            progress(
                f"  {reported:,} records read ({rate:,.0f}/s), {len(verifier.result.problems)} problem(s)"
            )
    return verifier.finish(started)


async def envelopes_of(
    settings: Settings, inspection_id: str, progress: Progress
) -> list[tuple[dict[str, Any], Envelope]]:
    """Every event of the inspection in the log, and its area's LSCB register, as published and parsed,
    in the order they happened. Records that are not envelopes are skipped (`verify` reports them)."""
    found: list[tuple[dict[str, Any], Envelope]] = []
    board: list[tuple[dict[str, Any], Envelope]] = []
    read = 0
    async for records in read_from_start(
        settings.kafka_bootstrap_servers, topics(settings), security=settings.kafka_security()
    ):
        for record in records:
            try:
                raw = json.loads(record.value or b"")
                envelope = Envelope.model_validate(raw)
            except (ValueError, ValidationError):
                continue
            if envelope.inspection_id == inspection_id:
                found.append((raw, envelope))
            elif envelope.inspection_id is None and envelope.stream_id.startswith("lscb-board-"):
                board.append((raw, envelope))
        if (read + len(records)) // 20_000 > read // 20_000:
            progress(f"  {read + len(records):,} records read, {len(found)} of inspection {inspection_id}")
        read += len(records)
    progress(f"  {read:,} records read, {len(found)} of inspection {inspection_id}")
    area = next(
        (e.payload.get("area_code") for _, e in found if e.event_type == "scheduling.InspectionScheduled"),
        None,
    )
    found += [(raw, e) for raw, e in board if e.payload.get("area_code") == area]
    unique = {e.event_id: (raw, e) for raw, e in found}  # a duplicate delivery is one event
    return sorted(unique.values(), key=lambda p: (p[1].occurred_at, p[1].stream_id, p[1].stream_version))


SHOWN = ("recipient", "agency", "judgement_area", "grade", "bearing", "kind", "inspectorate", "office",
         "name",
         "proposal", "draft", "decision", "point", "addressed_to", "led_by", "evidence_item_id")  # fmt: skip


def timeline(envelopes: Sequence[Envelope]) -> str:
    lines = []
    for e in envelopes:
        who = f"{e.actor.inspectorate or e.actor.role}/{e.actor.user}"  # a chair, or the platform itself
        what = ", ".join(f"{k}={e.payload[k]}" for k in SHOWN if e.payload.get(k) is not None)
        when = e.occurred_at.astimezone(ENGLAND).strftime("%Y-%m-%d %H:%M:%S")
        lines.append(f"{when}  {e.event_type:<42} {who:<28} {e.stream_id} v{e.stream_version}  {what}")
    return "\n".join(lines)


def as_of(envelopes: Sequence[Envelope], moment: datetime) -> dict[str, Any]:
    """The inspection as the log says it stood at `moment`: replayed with the platform's own folds."""
    from services.judgement.judgements import judgements
    from services.lscb.domain import evaluation
    from services.reporting import documents, lifecycle
    from services.scheduling import domain as scheduling
    from shared import evidence_items

    then = [e for e in envelopes if e.occurred_at <= moment]
    if not any(e.event_type == "scheduling.InspectionScheduled" for e in then):
        raise StackError(f"the inspection did not exist yet at {moment.isoformat()}")
    pairs = [(CATALOGUE.decode(e), e) for e in then]

    def stream(prefix: str) -> list[Event]:
        return [event for event, e in pairs if e.stream_id.startswith(prefix)]

    inspection = scheduling.fold(scheduling.evolve, scheduling.Inspection(), stream("inspection-"))
    assert inspection.scheduled is not None
    assert inspection.window is not None
    items = evidence_items.fold(pairs)
    standing = [i for i in items.values() if not i.withdrawn]
    judged = judgements.fold(stream("judgements-"))
    board = evaluation.fold(stream("lscb-evaluation-"))
    report = lifecycle.report.fold(stream("report-"))
    final_at = next((e.occurred_at for event, e in pairs if event is report.final), None)
    content = [event for event, e in pairs if final_at is None or e.occurred_at <= final_at]
    return {
        "inspection_id": inspection.scheduled.inspection_id,
        "as_at": moment.isoformat(),
        "programme": inspection.scheduled.programme,
        "local_area": inspection.scheduled.local_area,
        "fieldwork": [str(inspection.window.starts), str(inspection.window.ends)],
        "cancelled": inspection.cancelled is not None,
        "inspectorates": [str(i) for i in inspection.inspectorates],
        "notified": [
            n.recipient.value + (f" ({n.agency})" if n.agency else "") for n in inspection.notifications
        ],
        "evidence": {
            "standing": len(standing),
            "withdrawn": len(items) - len(standing),
            "by_bearing": {
                b: sum(1 for i in standing if i.bearing == b) for b in sorted({i.bearing for i in standing})
            },
        },
        "judgements": [
            {"agency": a, "area": area, "status": j.status.value, "grade": j.grade, "flags": len(j.flags)}
            for (a, area), j in judged.by_key.items()
        ],
        "lscb": {
            "proposal": board.proposal.proposal if board.proposal else None,
            "signed_off": [str(i) for i in board.signed_off],
            "disputes": [str(i) for i in board.disputes],
            "final": board.final is not None,
        },
        "report": {
            "status": report.status(tuple(inspection.inspectorates)).value,
            "draft": report.draft.draft if report.draft else None,
            "text": documents.render_report(content, documents.Format.MARKDOWN).decode(),
        },
    }


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a time: give e.g. 2026-12-08T12:00 or 2026-12-08"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ENGLAND)


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def audit(args: argparse.Namespace) -> int:
    settings = settings_of_stack(args.data_dir)
    try:
        if args.action == "verify":
            return _verify(args, settings)
        envelopes = asyncio.run(envelopes_of(settings, args.inspection, _progress))
    except OSError as exc:
        raise StackError(f"the log could not be read: {exc}; is the stack up (`jip stack status`)?") from None
    if not envelopes:
        raise StackError(f"no event of inspection {args.inspection} is in the log")
    if args.action == "export":
        text = (
            "".join(json.dumps(raw, ensure_ascii=False) + "\n" for raw, _ in envelopes)
            if args.format == "jsonl"
            else timeline([e for _, e in envelopes]) + "\n"
        )
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            _progress(f"{len(envelopes)} events written to {args.output}")
        else:
            sys.stdout.write(text)
        return 0
    state = as_of([e for _, e in envelopes], args.time)
    if args.json:
        print(json.dumps(state, indent=2))
        return 0
    if args.document:
        sys.stdout.write(state["report"]["text"])
        return 0
    state["report"].pop("text")  # --document prints it
    print(json.dumps(state, indent=2))
    return 0


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    _progress(f"Reading {', '.join(topics(settings))} from the start…")
    result = asyncio.run(verify(settings, _progress))
    if args.json:
        print(json.dumps({**asdict(result), "ok": result.ok}, indent=2, default=str))
    else:
        rate = result.records / result.seconds if result.seconds else 0
        print(
            f"{result.records:,} records, {result.events:,} events in {result.streams:,} streams, "
            f"{result.duplicates} duplicate deliveries; {result.seconds:.1f} s ({rate:,.0f} records/s)"
        )
        for problem in result.problems:
            print(f"  {problem}")
        print(
            "the log verifies: every stream contiguous, every chain whole"
            if result.ok
            else f"{len(result.problems)} problem(s)"
        )
    return 0 if result.ok else 1


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    a = commands.add_parser(
        "audit",
        help="verify the log, export an inspection's history, or see an inspection as it stood at a time",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    acts = a.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify_cmd = acts.add_parser(
        "verify",
        parents=[data_dir],
        help="check every record, every stream's versions and every event's hash chain",
        description="Read every events topic from its start. Each record must be an envelope of a known "
        "event type and version; each stream's versions contiguous; each event must name the digest of its "
        "stream's "
        "previous event (sha256 of the envelope as published). Every problem is listed with its topic, "
        "partition and offset; exit 1 if there is any.",
    )
    verify_cmd.add_argument("--json", action="store_true", help="print the result as JSON")
    export = acts.add_parser(
        "export",
        parents=[data_dir],
        help="an inspection's complete history from the log",
        description="Every event of the inspection, and of its area's LSCB register, from the log: as JSON "
        "lines "
        "(the envelopes exactly as published) or as a readable timeline.",
    )
    export.add_argument("--inspection", required=True, metavar="ID", help="the inspection's id")
    export.add_argument("--format", choices=["jsonl", "timeline"], default="jsonl", help="default: jsonl")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    as_of_cmd = acts.add_parser(
        "as-of",
        parents=[data_dir],
        help="the inspection, its judgements and its report as they stood at a time",
        description="Replay the inspection's events up to TIME with the platform's own folds: who took part "
        "and was notified, the evidence standing, each judgement's status and grade, the LSCB evaluation, "
        "the report's lifecycle, and its text then (a report already final is as made final).",
    )
    as_of_cmd.add_argument(
        "time", type=_moment, metavar="TIME", help="e.g. 2026-12-08T12:00 (England time unless given)"
    )
    as_of_cmd.add_argument("--inspection", required=True, metavar="ID", help="the inspection's id")
    as_of_cmd.add_argument(
        "--json", action="store_true", help="everything, the report's text included, as JSON"
    )
    as_of_cmd.add_argument("--document", action="store_true", help="print only the report's text as it stood")
    a.set_defaults(run=audit)
