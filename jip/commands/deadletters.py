"""`jip deadletters`: the records the services' consumers could not apply, why, and replaying them once
the cause is fixed.

A consumer that cannot apply a record puts it on its service's dead-letter topic,
`<namespace>.<service>.deadletter`, with the reason, its cause, the consumer group, and the topic,
partition and offset it came from (shared/mechanics/consumer.py). An event that arrives while an earlier one
of its stream waits there is dead-lettered too, so a read model never sees a stream out of order.

- `list`: every dead letter, newest last, with its id (`service/partition@offset` on the dead-letter
  topic), where it came from, the event, the cause and the reason; and whether it was replayed.
- `show ID`: one dead letter whole: its headers and the record.
- `replay`: put dead letters back, in their order, on `<namespace>.<service>.replay`, addressed to the
  consumer that dead-lettered them. Replay once the cause is fixed (a service upgraded, a bug fixed, a
  predecessor replayed). Like every delivery it is idempotent: what the consumer has applied already
  changes nothing, so replaying twice is harmless.

It reads and writes Kafka only, like `jip audit`, with the broker's credentials: no service is asked."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from embedded.errors import StackError
from embedded.supervisor import settings_of_stack
from jip.commands import summary
from shared.mechanics.deadletter import OURS, REPLAY_FOR
from shared.mechanics.settings import Settings
from shared.mechanics.topics import SERVICES, dead_letter_topic, read_from_start, replay_topic

REPLAY_OF = "jip-replay-of"  # on a replayed record: the id of the dead letter it replays


@dataclass(frozen=True)
class DeadLetter:
    service: str
    partition: int  # on the dead-letter topic
    offset: int
    headers: dict[str, bytes]
    key: bytes | None
    value: bytes | None
    replayed: bool = False

    @property
    def id(self) -> str:
        return f"{self.service}/{self.partition}@{self.offset}"

    def header(self, name: str) -> str:
        return self.headers.get(name, b"").decode("utf-8", "replace")

    @property
    def source(self) -> tuple[str, int, int]:
        return (
            self.header("jip-source-topic"),
            int(self.header("jip-source-partition") or -1),
            int(self.header("jip-source-offset") or -1),
        )

    @property
    def event(self) -> dict[str, Any]:
        """The envelope's type, stream and version, where the value is one."""
        try:
            envelope = json.loads(self.value or b"")
            return {k: envelope[k] for k in ("event_type", "event_id", "stream_id", "stream_version")}
        except (ValueError, TypeError, KeyError):
            return {}

    def summary(self) -> dict[str, Any]:
        topic, partition, offset = self.source
        return {
            "id": self.id,
            "consumer": self.header(REPLAY_FOR),
            "source": f"{topic}[{partition}]@{offset}",
            **self.event,
            "cause": self.header("jip-dead-letter-cause"),
            "reason": self.header("jip-dead-letter-reason"),
            "dead_lettered_at": self.header("jip-dead-lettered-at"),
            "replayed": self.replayed,
        }


async def dead_letters(settings: Settings, services: Iterable[str]) -> list[DeadLetter]:
    """Every dead letter of the services, in order, each marked if a replay of it is on record."""
    services = list(services)
    topics = [dead_letter_topic(settings.namespace, s) for s in services]
    topics += [replay_topic(settings.namespace, s) for s in services]
    found: list[DeadLetter] = []
    replayed: set[str] = set()
    service_of = {dead_letter_topic(settings.namespace, s): s for s in services}
    async for batch in read_from_start(
        settings.kafka_bootstrap_servers, topics, security=settings.kafka_security()
    ):
        for record in batch:
            headers = {k: v for k, v in record.headers or () if v is not None}
            if record.topic in service_of:
                found.append(
                    DeadLetter(
                        service_of[record.topic],
                        record.partition,
                        record.offset,
                        headers,
                        record.key,
                        record.value,
                    )
                )
            elif REPLAY_OF in headers:
                replayed.add(headers[REPLAY_OF].decode())
    found.sort(key=lambda d: (d.header("jip-dead-lettered-at"), d.service, d.partition, d.offset))
    return [
        DeadLetter(d.service, d.partition, d.offset, d.headers, d.key, d.value, d.id in replayed)
        for d in found
    ]


def chosen(found: Sequence[DeadLetter], args: argparse.Namespace) -> list[DeadLetter]:
    """The dead letters the filters name (ids, source topic, partition, offset, cause, consumer)."""
    picked = []
    for dead in found:
        topic, partition, offset = dead.source
        if (
            (not getattr(args, "ids", None) or dead.id in args.ids)
            and (args.topic is None or args.topic == topic)
            and (args.partition is None or args.partition == partition)
            and (args.offset is None or args.offset == offset)
            and (args.cause is None or args.cause == dead.header("jip-dead-letter-cause"))
            and (args.consumer is None or args.consumer == dead.header(REPLAY_FOR))
        ):
            picked.append(dead)
    return picked


async def _source_value(settings: Settings, dead: DeadLetter) -> bytes | None:
    """The record as it stands on its source topic, for a dead letter that left its value there."""
    topic, partition, offset = dead.source
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        **settings.kafka_security(),
        enable_auto_commit=False,
        max_partition_fetch_bytes=64 * 1024 * 1024,
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, offset)
        record: ConsumerRecord[bytes, bytes] = await asyncio.wait_for(consumer.getone(tp), 10)
        return record.value if record.offset == offset else None
    finally:
        await consumer.stop()


async def replay(settings: Settings, picked: Sequence[DeadLetter]) -> tuple[list[str], list[str]]:
    """Each dead letter, in order, onto its service's replay topic; returns (replayed, skipped with why)."""
    producer = AIOKafkaProducer(**settings.producer_options(), max_request_size=64 * 1024 * 1024)
    await producer.start()
    done, skipped = [], []
    try:
        for dead in picked:
            value = dead.value
            if value is None:  # too large to keep, or the client could not read it: try its source
                try:
                    value = await _source_value(settings, dead)
                except Exception as exc:
                    where = dead.summary()["source"]
                    skipped.append(f"{dead.id}: its record at {where} cannot be read: {type(exc).__name__}")
                    continue
            if value is None:
                skipped.append(f"{dead.id}: no record to replay ({dead.header('jip-dead-letter-reason')})")
                continue
            carried = [(k, v) for k, v in dead.headers.items() if not k.startswith(OURS)]
            topic, partition, offset = dead.source
            ours = {
                REPLAY_FOR: dead.headers.get(REPLAY_FOR, b""),
                "jip-source-topic": topic.encode(),
                "jip-source-partition": str(partition).encode(),
                "jip-source-offset": str(offset).encode(),
                REPLAY_OF: dead.id.encode(),
            }
            await producer.send_and_wait(
                replay_topic(settings.namespace, dead.service),
                value,
                key=dead.key,
                headers=[*carried, *ours.items()],
            )
            done.append(dead.id)
    finally:
        await producer.stop()
    return done, skipped


def _table(found: Sequence[DeadLetter]) -> str:
    if not found:
        return "no dead letters"
    lines = [f"{'id':<22} {'source':<34} {'event':<40} {'cause':<18} {'replayed':<8} reason"]
    for dead in found:
        row = dead.summary()
        event = f"{row.get('event_type', '-')} v{row['stream_version']}" if "stream_version" in row else "-"
        lines.append(
            f"{row['id']:<22} {row['source']:<34} {event:<40} {row['cause']:<18} "
            f"{'yes' if dead.replayed else 'no':<8} {row['reason']}"
        )
    return "\n".join(lines)


def _show(dead: DeadLetter) -> str:
    lines = [f"dead letter {dead.id}", *(f"  {k}: {v}" for k, v in dead.summary().items() if k != "id")]
    lines.append("headers:")
    lines += [f"  {k}: {v.decode('utf-8', 'replace')}" for k, v in dead.headers.items()]
    lines.append("record:")
    if dead.value is None:
        lines.append("  (none kept: see its source position)")
    else:
        try:
            lines.append(json.dumps(json.loads(dead.value), indent=2, ensure_ascii=False))
        except ValueError:
            lines.append(f"  {dead.value[:2000].decode('utf-8', 'replace')}")
    return "\n".join(lines)


def deadletters(args: argparse.Namespace) -> int:
    settings = settings_of_stack(args.data_dir)
    services = [args.service] if args.service else list(SERVICES)
    try:
        found = asyncio.run(dead_letters(settings, services))
    except OSError as exc:
        raise StackError(f"the dead-letter topics could not be read: {exc}; is the stack up?") from None
    if args.action == "show":
        match = [d for d in found if d.id == args.id]
        if not match:
            raise StackError(f"no dead letter {args.id}: `jip deadletters list` shows their ids")
        print(_show(match[0]))
        return 0
    picked = chosen(found, args)
    if args.action == "list":
        print(json.dumps([d.summary() for d in picked], indent=2) if args.json else _table(picked))
        return 0
    if not (args.ids or args.all or any(getattr(args, f) is not None for f in FILTERS) or args.service):
        raise StackError("say what to replay: dead letter ids, a filter (--service, --topic, ...), or --all")
    if not args.again:
        picked = [d for d in picked if not d.replayed]
    done, skipped = asyncio.run(replay(settings, picked))
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    print(f"replayed {len(done)} dead letter(s)" + (f": {', '.join(done)}" if done else ""))
    return 0 if not skipped else 1


FILTERS = ("topic", "partition", "offset", "cause", "consumer")


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--service", choices=SERVICES, help="only this service's dead letters")
    where.add_argument("--topic", metavar="TOPIC", help="only those from this source topic")
    where.add_argument("--partition", type=int, metavar="N", help="only those from this source partition")
    where.add_argument("--offset", type=int, metavar="N", help="only the one from this source offset")
    where.add_argument(
        "--cause",
        choices=["malformed", "oversize", "unreadable", "out_of_order", "projection_failed"],
        help="only those dead-lettered for this cause",
    )
    where.add_argument("--consumer", metavar="GROUP", help="only those of this consumer group")
    d = commands.add_parser(
        "deadletters",
        help=summary("deadletters"),
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    acts = d.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = acts.add_parser(
        "list", parents=[data_dir, where], help="every dead letter with where it came from and why"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = acts.add_parser("show", parents=[data_dir], help="one dead letter whole: headers and record")
    show.add_argument("id", metavar="ID", help="as `list` shows it, e.g. judgement/0@3")
    show.add_argument("--service", choices=SERVICES, help=argparse.SUPPRESS)
    again = acts.add_parser(
        "replay",
        parents=[data_dir, where],
        help="put dead letters back to their consumer, once the cause is fixed",
        description="Replay the chosen dead letters, in their order, to the consumer that dead-lettered "
        "them. What it has applied already changes nothing, so a replay is safe to repeat. A dead "
        "letter already replayed is passed over unless --again.",
    )
    again.add_argument("ids", nargs="*", metavar="ID", help="dead letter ids (e.g. judgement/0@3)")
    again.add_argument("--all", action="store_true", help="every dead letter not yet replayed")
    again.add_argument("--again", action="store_true", help="replay those replayed before too")
    d.set_defaults(run=deadletters)
