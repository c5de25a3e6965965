"""Tampering with the real broker's storage, and what `jip audit verify` names (issue 21).

The broker here is the embedded one, tansu, keeping its log in the object store (embedded/objectstore.py),
one object per record batch: `<topic>/partitions/<partition>/records/<offset>.batch`, in Kafka's record
batch format, beside the partition's `watermark.json`. The tests change those objects through the store's S3
API, as someone with access to the storage could, and check what verify names:

- one byte of a record changed, the batch's CRC left as it was, and with the CRC recomputed;
- the last event of a stream changed, CRC recomputed: no chain can see it, a kept checkpoint can;
- a batch deleted from the middle, and the tail of a partition deleted;
- a batch's object cut in half, which tansu cannot serve (it closes the connection on every fetch of it);
- a partition rolled back to an earlier state (its tail and its high-water mark): only a kept checkpoint
  sees it.

The same cut batch is named by `jip documents rebuild`, which reads the log as verify does.

The module starts its own object store and broker, so that its storage is the test's to change."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.record.util import calc_crc32c_py
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import checkpoints
from audit.log import Verification, Verifier, verify
from embedded.components import Component, infrastructure
from embedded.ports import BUCKET, Ports
from embedded.supervisor import Supervisor
from jip.cli import main
from services.reporting.projections import SOURCES
from services.reporting.rebuild import Summary, replay
from shared.mechanics.envelope import Envelope, new_id
from shared.mechanics.mongo import connect
from shared.mechanics.settings import KafkaProfile, Settings
from shared.mechanics.topics import ensure_topics
from tests.conftest import Servers
from tests.integration.test_audit import cancellations, chained


class Storage:
    """The broker's storage through the object store's S3 API, and the broker on it."""

    def __init__(self, supervisor: Supervisor, ports: Ports, broker: Component) -> None:
        self.url = f"http://127.0.0.1:{ports.objectstore}"
        self.bootstrap = ports.kafka_bootstrap
        self.supervisor, self.ports, self.broker = supervisor, ports, broker

    async def broker_stopped(self) -> None:
        self.supervisor.stop([self.broker.name], progress=lambda _: None)

    async def broker_started(self) -> None:
        await self.supervisor.up(self.ports, [[self.broker]], progress=lambda _: None)

    def key(self, topic: str, partition: int, name: str) -> str:
        return f"{self.url}/{BUCKET}/clusters/tansu_cluster/topics/{topic}/partitions/{partition:010d}/{name}"

    def batch(self, topic: str, partition: int, offset: int) -> str:
        return self.key(topic, partition, f"records/{offset:020d}.batch")

    async def get(self, key: str) -> bytes:
        async with httpx.AsyncClient() as http:
            answer = await http.get(key)
            answer.raise_for_status()
            return answer.content

    async def put(self, key: str, data: bytes) -> None:
        async with httpx.AsyncClient() as http:
            (await http.put(key, content=data)).raise_for_status()

    async def delete(self, key: str) -> None:
        async with httpx.AsyncClient() as http:
            (await http.delete(key)).raise_for_status()


@pytest.fixture(scope="module")
async def storage(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Storage]:
    data_dir = tmp_path_factory.mktemp("tampered")
    ports = Ports.free()
    supervisor = Supervisor(data_dir)
    [[objectstore, _], [kafka]] = infrastructure(data_dir, ports, warn=lambda _: None)
    await supervisor.up(ports, [[objectstore], [kafka]], progress=lambda _: None)
    try:
        yield Storage(supervisor, ports, kafka)
    finally:
        supervisor.stop(progress=lambda _: None)


@pytest.fixture
async def log(storage: Storage, namespace: str) -> Settings:
    settings = Settings(
        kafka_bootstrap_servers=storage.bootstrap, kafka_profile=KafkaProfile.TANSU, namespace=namespace
    )
    await ensure_topics(storage.bootstrap, namespace, settings.topic_partitions)
    return settings


async def write(settings: Settings, envelopes: list[Envelope], partition: int = 0) -> list[int]:
    """Each envelope its own batch on a partition (0 unless told) of the scheduling topic, as the relay
    sends them; their offsets."""
    producer = AIOKafkaProducer(**settings.producer_options())
    await producer.start()
    try:
        topic = settings.events_topic("scheduling")
        sent = [
            await producer.send_and_wait(topic, e.to_json(), key=b"k", partition=partition) for e in envelopes
        ]
        return [s.offset for s in sent]
    finally:
        await producer.stop()


def stream(n: int) -> list[Envelope]:
    inspection = new_id()
    return chained(f"inspection-{inspection}", cancellations(inspection, n), inspection)


def edited(batch: bytes, crc: bool) -> bytes:
    """One byte of the record's value changed ("audit." -> "audiT."), the batch's CRC-32C (over the bytes
    from its attributes on) recomputed, or left as it was."""
    changed = bytearray(batch)
    at = changed.index(b"A test of the audit.") + len("A test of the audi")
    changed[at] = ord("T")
    if crc:
        changed[17:21] = calc_crc32c_py(changed[21:]).to_bytes(4, "big")
    return bytes(changed)


def named(result: Verification) -> set[tuple[str, int]]:
    return {(p.kind, p.offset) for p in result.problems}


async def checkpointed(settings: Settings, key: Ed25519PrivateKey) -> checkpoints.Checkpoint:
    """A checkpoint taken and published as the platform does, and the copy an auditor keeps."""
    taken, result = await checkpoints.take(settings, key, "a test", lambda _: None)
    assert taken is not None, result.problems
    [kept], refused = await checkpoints.published(settings, key.public_key())
    assert refused == []
    assert kept == taken
    return kept


async def verified_against(settings: Settings, kept: checkpoints.Checkpoint) -> Verification:
    verifier = Verifier()
    checkpoints.expect(verifier, [kept])
    result = await verify(settings, lambda _: None, verifier)
    checkpoints.against(verifier, [kept])
    return result


def use(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIP_KAFKA_BOOTSTRAP_SERVERS", settings.kafka_bootstrap_servers)
    monkeypatch.setenv("JIP_MONGODB_URI", "mongodb://127.0.0.1:1")  # not used by `jip audit`
    monkeypatch.setenv("JIP_NAMESPACE", settings.namespace)
    monkeypatch.setenv("JIP_KAFKA_PROFILE", settings.kafka_profile.value)


async def test_a_byte_changed_with_its_crc_left_wrong_is_a_corrupt_batch_named_and_the_rest_is_verified(
    log: Settings, storage: Storage, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    topic = log.events_topic("scheduling")
    offsets = await write(log, stream(4) + stream(2))
    assert offsets == [0, 1, 2, 3, 4, 5]
    key = storage.batch(topic, 0, 1)
    await storage.put(key, edited(await storage.get(key), crc=False))

    result = await verify(log, lambda _: None)
    assert named(result) == {("corrupt batch", 1), ("broken chain", 2)}, result.problems
    assert result.records == 6  # read on past it: the second stream is whole
    assert result.streams == 2

    use(log, monkeypatch)
    assert await asyncio.to_thread(main, ["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"{topic}[0]@1: corrupt batch: the batch's CRC does not match its bytes" in out
    assert f"{topic}[0]@2 inspection-" in out
    assert "2 problem(s)" in out


async def test_a_byte_changed_with_its_crc_recomputed_breaks_the_chain_at_the_next_event(
    log: Settings, storage: Storage
) -> None:
    topic = log.events_topic("scheduling")
    await write(log, stream(4))
    key = storage.batch(topic, 0, 2)
    await storage.put(key, edited(await storage.get(key), crc=True))

    result = await verify(log, lambda _: None)
    assert named(result) == {("broken chain", 3)}, result.problems
    [problem] = result.problems
    assert f"not the one at {topic}[0]@2 (version 3)" in problem.detail


async def test_a_changed_last_event_escapes_the_chain_and_is_named_against_a_kept_checkpoint(
    log: Settings, storage: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    topic = log.events_topic("scheduling")
    events = stream(3)
    await write(log, events)
    key = Ed25519PrivateKey.generate()
    kept = await checkpointed(log, key)
    assert {(h.stream_id, h.version, h.offset) for h in kept.streams} == {(events[0].stream_id, 3, 2)}
    assert [(e.topic, e.partition, e.end) for e in kept.partitions if e.end] == [(topic, 0, 3)]

    batch = storage.batch(topic, 0, 2)
    await storage.put(batch, edited(await storage.get(batch), crc=True))
    assert (await verify(log, lambda _: None)).ok  # nothing later names it: a chain alone cannot see it

    result = await verified_against(log, kept)
    assert named(result) == {("changed event", 2)}, result.problems
    assert f"the checkpoint of {kept.taken_at} covers" in result.problems[0].detail

    # The same through the commands an auditor uses: the key's public half and a kept copy.
    (tmp_path / "audit").mkdir()
    public = tmp_path / "checkpoint-public-key.pem"
    public.write_bytes(checkpoints.public_pem(key.public_key()))
    copy = tmp_path / "kept.jsonl"
    use(log, monkeypatch)
    exported = ["audit", "checkpoint", "export", "--public-key", str(public), "-o", str(copy)]
    assert await asyncio.to_thread(main, exported) == 0
    against = ["audit", "verify", "--against", str(copy), "--public-key", str(public)]
    assert await asyncio.to_thread(main, against) == 1
    out = capsys.readouterr().out
    assert f"{topic}[0]@2 {events[0].stream_id}: changed event: version 3 is not the event" in out

    # A kept copy changed by anyone without the key is refused, not believed.
    forged = json.loads(copy.read_text())
    forged["streams"][0]["digest"] = "0" * 64
    copy.write_text(json.dumps(forged) + "\n")
    assert await asyncio.to_thread(main, against) == 1
    assert "its signature does not match its content" in capsys.readouterr().err


async def test_a_deleted_batch_and_a_deleted_tail_are_named_by_their_offsets(
    log: Settings, storage: Storage
) -> None:
    topic = log.events_topic("scheduling")
    first, second = stream(4), stream(3)
    await write(log, first + second)  # offsets 0-3 and 4-6
    kept = await checkpointed(log, Ed25519PrivateKey.generate())
    await storage.delete(storage.batch(topic, 0, 1))
    for offset in (5, 6):  # the partition's tail; its high-water mark stays at 7
        await storage.delete(storage.batch(topic, 0, offset))

    result = await verify(log, lambda _: None)
    assert named(result) == {("missing records", 1), ("versions not contiguous", 2), ("missing records", 5)}
    details = {p.offset: p.detail for p in result.problems if p.kind == "missing records"}
    assert details[1].startswith("offset 1 is in the partition's range but no batch holds it")
    assert details[5].startswith("offsets 5 to 6 (2 records) are in the partition's range")

    # Against the checkpoint, which streams lost what, too: the second stream's versions 2 and 3.
    result = await verified_against(log, kept)
    missing = {(p.kind, p.offset, p.stream_id) for p in result.problems if p.kind == "missing event"}
    assert missing == {("missing event", 6, second[0].stream_id)}


async def test_a_rolled_back_partition_verifies_alone_and_is_named_against_a_kept_checkpoint(
    log: Settings, storage: Storage
) -> None:
    topic = log.events_topic("scheduling")
    events = stream(6)
    await write(log, events[:4])
    earlier = await storage.get(storage.key(topic, 0, "watermark.json"))
    await write(log, events[4:])
    kept = await checkpointed(log, Ed25519PrivateKey.generate())

    # The partition restored from a backup of before the last two events, while the broker was down:
    # their batches gone, its high-water mark back.
    await storage.broker_stopped()
    for offset in (4, 5):
        await storage.delete(storage.batch(topic, 0, offset))
    await storage.put(storage.key(topic, 0, "watermark.json"), earlier)
    await storage.broker_started()
    alone = await verify(log, lambda _: None)
    assert alone.ok, alone.problems  # a consistent earlier log: no chain can tell

    result = await verified_against(log, kept)
    assert named(result) == {("missing records", 4), ("missing event", 5)}, result.problems
    by_kind: dict[str, Any] = {p.kind: p for p in result.problems}
    assert by_kind["missing records"].detail.startswith("offsets 4 to 5: the checkpoint of")
    assert by_kind["missing event"].stream_id == events[0].stream_id
    assert "version 6" in by_kind["missing event"].detail
    assert "the stream now ends at version 4" in by_kind["missing event"].detail


async def test_a_batch_object_cut_in_half_is_named_and_every_other_record_is_still_verified(
    log: Settings, storage: Storage, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    topic = log.events_topic("scheduling")
    first, second, beside = stream(4), stream(2), stream(3)
    assert await write(log, first + second) == [0, 1, 2, 3, 4, 5]
    assert await write(log, beside, partition=1) == [0, 1, 2]
    kept = await checkpointed(log, Ed25519PrivateKey.generate())
    for offset in (1, 5):  # a batch in the middle of partition 0, and its last
        key = storage.batch(topic, 0, offset)
        whole = await storage.get(key)
        await storage.put(key, whole[: len(whole) // 2])

    result = await verify(log, lambda _: None)
    assert named(result) == {
        ("unreadable batch", 1),
        ("versions not contiguous", 2),
        ("unreadable batch", 5),
    }, result.problems
    cut = {p.offset: p for p in result.problems if p.kind == "unreadable batch"}
    assert {(p.topic, p.partition) for p in cut.values()} == {(topic, 0)}
    assert "the broker closed the connection on every fetch of it" in cut[1].detail
    assert "read on from offset 2" in cut[1].detail
    assert "to the partition's end (its high-water mark is 6): not read" in cut[5].detail
    # Every other record read: the rest of partition 0 (between the cut batches) and all of partition 1.
    assert result.records == 4 + 3
    assert result.events == 7
    assert result.streams == 3

    # Against the kept checkpoint: the second stream's last event, which was not read, is missing.
    result = await verified_against(log, kept)
    assert named(result) == {
        ("unreadable batch", 1),
        ("versions not contiguous", 2),
        ("unreadable batch", 5),
        ("missing event", 5),
    }, result.problems
    [missing] = [p for p in result.problems if p.kind == "missing event"]
    assert missing.stream_id == second[0].stream_id

    use(log, monkeypatch)
    assert await asyncio.to_thread(main, ["audit", "verify"]) == 1
    out, err = capsys.readouterr()
    assert f"{topic}[0]@1: unreadable batch: the broker closed the connection on every fetch of it" in out
    assert f"{topic}[0]@2 {first[0].stream_id}: versions not contiguous" in out
    assert "3 problem(s)" in out
    assert "7 records" in out
    assert "error" not in err


async def test_a_rebuild_names_a_batch_cut_in_half_and_keeps_every_other_event(
    log: Settings, storage: Storage, servers: Servers
) -> None:
    """`jip documents rebuild` reads the log as verify does: a stored batch the broker cannot serve is named
    where it lies, the events around it are kept, and the rebuild is not ok (its documents lack that one)."""
    topic = log.events_topic("scheduling")
    assert await write(log, stream(3) + stream(2)) == [0, 1, 2, 3, 4]
    key = storage.batch(topic, 0, 2)
    whole = await storage.get(key)
    await storage.put(key, whole[: len(whole) // 2])
    client = connect(servers.mongodb_uri, "test-rebuild")
    try:
        db = client[log.database_name("reporting")]
        summary, said = Summary(), list[str]()
        await replay(log.model_copy(update={"mongodb_uri": servers.mongodb_uri}), db, summary, said.append)
        assert (summary.events_read, summary.events_kept, summary.malformed) == (4, 4, 0)
        [damage] = summary.damage
        assert damage.startswith(f"{topic}[0]@2: unreadable batch: ")
        assert "read on from offset 3" in damage
        assert not summary.ok
        kept = [e async for page in db[SOURCES].find() for e in page["events"]]
        assert len(kept) == 4
    finally:
        await client.close()
