"""A service's dead-letter topic, `<namespace>.<service>.deadletter`: what its consumers could not apply,
each record as it came, with why and where it came from, so it can be replayed once the cause is fixed
(`jip deadletters`, which replays onto `<namespace>.<service>.replay`).

Headers it adds: `jip-dead-letter-reason`, `jip-dead-letter-cause` (a `Cause`), `jip-dead-letter-consumer`
(the consumer group; on a replay, the group it is replayed to), `jip-source-topic`, `-partition` and
`-offset`, and `jip-dead-lettered-at`. The record's own headers are kept, but for a null one."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from aiokafka import AIOKafkaProducer, ConsumerRecord

from shared.mechanics.envelope import utc_now
from shared.mechanics.metrics import Metrics
from shared.mechanics.settings import Settings
from shared.mechanics.topics import dead_letter_topic, replay_topic

REPLAY_FOR = "jip-dead-letter-consumer"
OURS = ("jip-dead-letter", "jip-source-", "jip-replay")  # headers a dead letter or a replay adds
Source = tuple[str, int, int]  # topic, partition, offset


class Cause(StrEnum):
    """Why a record was dead-lettered: the `jip.dead_letters` metric's `jip.dead_letter.cause`."""

    MALFORMED = "malformed"  # not an event this platform can read
    OVERSIZE = "oversize"  # its value stays at its source offset
    UNREADABLE = "unreadable"  # the Kafka client could not parse it: only its place is known
    OUT_OF_ORDER = "out_of_order"  # its stream's previous event is not applied yet
    PROJECTION_FAILED = "projection_failed"


class DeadLetters:
    def __init__(self, settings: Settings, service: str, metrics: Metrics) -> None:
        self.settings = settings
        self.topic = dead_letter_topic(settings.namespace, service)
        self.replay_topic = replay_topic(settings.namespace, service)
        self.metrics = metrics
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(**self.settings.producer_options())  # needs the running loop
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def reach_broker(self) -> bool:
        """A metadata request to the cluster, for /health (raises if no broker answers)."""
        assert self._producer is not None, "start() first"
        await self._producer.client.fetch_all_metadata()
        return True

    def source_of(self, record: ConsumerRecord[bytes, bytes]) -> Source:
        """Where a record first stood: a replayed one names its original place."""
        if record.topic == self.replay_topic:
            headers = {k: v for k, v in record.headers or () if v is not None}
            try:
                return (
                    headers["jip-source-topic"].decode(),
                    int(headers["jip-source-partition"]),
                    int(headers["jip-source-offset"]),
                )
            except (KeyError, ValueError, UnicodeDecodeError):
                pass
        return record.topic, record.partition, record.offset

    async def record(
        self, record: ConsumerRecord[bytes, bytes], consumer: str, reason: str, cause: Cause
    ) -> None:
        """The record as it came, but for its value when too large (it stays at its source offset)."""
        await self.publish(
            consumer,
            self.source_of(record),
            reason,
            cause,
            value=record.value if cause is not Cause.OVERSIZE else None,
            key=record.key,
            headers=((k, v) for k, v in record.headers or () if v is not None and not k.startswith(OURS)),
        )

    async def publish(
        self,
        consumer: str,
        source: Source,
        reason: str,
        cause: Cause,
        *,
        value: bytes | None = None,
        key: bytes | None = None,
        headers: Iterable[tuple[str, bytes]] = (),
    ) -> None:
        assert self._producer is not None, "start() first"
        topic, partition, offset = source
        added = [
            ("jip-dead-letter-reason", reason[:1000].encode()),
            ("jip-dead-letter-cause", cause.value.encode()),
            (REPLAY_FOR, consumer.encode()),
            ("jip-source-topic", topic.encode()),
            ("jip-source-partition", str(partition).encode()),
            ("jip-source-offset", str(offset).encode()),
            ("jip-dead-lettered-at", utc_now().isoformat().encode()),
        ]
        # Kafka takes no record without a key and a value: one with neither is keyed by where it stood.
        key = key if key is not None or value is not None else f"{topic}[{partition}]@{offset}".encode()
        await self._producer.send_and_wait(self.topic, value, key=key, headers=[*headers, *added])
        self.metrics.dead_letters.add(
            1,
            {
                "messaging.destination.name": topic,
                "messaging.consumer.group.name": consumer,
                "jip.dead_letter.cause": cause.value,
            },
        )
