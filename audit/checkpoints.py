"""Signed checkpoints: what a hash chain alone cannot see, a kept signature can.

A chain shows an event changed when a later event of its stream names the original; it cannot show a
stream's *last* event changed, a partition's tail deleted, or the whole log rolled back to an earlier
state. A checkpoint closes that: taken over a log that verifies, it holds

- every stream's head: its last version, that event's digest (sha256 of the envelope as published, as the
  chain uses) and where it is (topic, partition, offset): the chain then vouches for every earlier event of
  the stream, so a report's checksum in its `ReportPublished` event is covered by every checkpoint taken
  after its publication;
- every events partition's end: the offset the next record will get;

signed with Ed25519 by a key kept apart from the log (the embedded stack's is `<data dir>/audit/
checkpoint-key.pem`, owner-only; the log lives in the broker's storage). The platform publishes each
checkpoint on `<namespace>.audit.checkpoints` (a signed document, one a record, gzip-compressed), and an
auditor keeps copies (`jip audit checkpoint export`). `jip audit verify --against FILE` then proves that the
log still holds, unchanged and where it was, every event and every offset a kept checkpoint covers, and
names each that is missing, changed or moved.

The signature is over the checkpoint's canonical JSON (keys sorted, no spaces, UTF-8) without the
`signature` field; the key's id is the first 16 hex digits of the sha256 of its raw public key. An
inspectorate checks one with its own tools: docs/consumer-guide.md."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Literal

from aiokafka import AIOKafkaProducer
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, ValidationError

from shared.mechanics.envelope import stamp, utc_now
from shared.mechanics.settings import Settings
from shared.mechanics.topics import CHECKPOINT_BYTES, checkpoints_topic, ensure_topics

from .answers import Reading
from .batches import read
from .log import Problem, Progress, Verification, Verifier, verify


class Head(BaseModel):
    """A stream's last event when the checkpoint was taken."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stream_id: str
    version: int
    digest: str
    topic: str
    partition: int
    offset: int


class End(BaseModel):
    """An events partition's end when the checkpoint was taken: the offset its next record will get."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: str
    partition: int
    end: int


class Checkpoint(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    checkpoint: Literal[1] = 1  # the document's format
    namespace: str
    taken_at: str  # UTC, as envelopes are stamped
    reason: str  # "interval", "report finalised: <inspection id>", "taken by an operator", ...
    key_id: str
    partitions: list[End]
    streams: list[Head]
    signature: str = ""  # base64 Ed25519 over `signed_bytes()`

    def signed_bytes(self) -> bytes:
        document = self.model_dump(mode="json", exclude={"signature"})
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def to_json(self) -> str:
        return self.model_dump_json()


class BadCheckpoint(Exception):
    """A checkpoint that is not one: unreadable, or not signed by the key given."""


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def signing_key(directory: Path) -> Ed25519PrivateKey:
    """The checkpoint key in `directory/checkpoint-key.pem`, made on first use (owner-only), with its public
    half beside it in `checkpoint-public-key.pem` for auditors to keep."""
    private, public = directory / "checkpoint-key.pem", directory / "checkpoint-public-key.pem"
    if private.exists():
        return load_signing_key(private)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    for path, content in ((private, signing_key_pem(key)), (public, public_pem(key.public_key()))):
        # Owner-only, as everything in the stack's data directory; `checkpoint key` prints the public half.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as f:
            f.write(content)
    return key


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key in the PEM file at `path`: OSError if it cannot be read, ValueError if no key."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise BadCheckpoint(f"{path} is not an Ed25519 private key")
    return key


def signing_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise BadCheckpoint(f"{path} is not an Ed25519 public key")
    return key


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> Checkpoint:
    unsigned = checkpoint.model_copy(update={"key_id": key_id(key.public_key()), "signature": ""})
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode()
    return unsigned.model_copy(update={"signature": signature})


def parse(text: str | bytes, public: Ed25519PublicKey) -> Checkpoint:
    """A checkpoint read back and its signature checked with `public`; `BadCheckpoint` if either fails."""
    try:
        checkpoint = Checkpoint.model_validate_json(text)
    except ValidationError as exc:
        raise BadCheckpoint(
            f"not a checkpoint ({exc.error_count()} error(s): {exc.errors()[0]['msg']})"
        ) from exc
    if checkpoint.key_id != key_id(public):
        raise BadCheckpoint(
            f"the checkpoint of {checkpoint.taken_at} is signed by key {checkpoint.key_id}, "
            f"not by {key_id(public)}"
        )
    try:
        public.verify(base64.b64decode(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError) as exc:
        raise BadCheckpoint(
            f"the checkpoint of {checkpoint.taken_at}: its signature does not match its content"
        ) from exc
    return checkpoint


def of(verifier: Verifier, namespace: str, reason: str) -> Checkpoint:
    """The checkpoint of a verified log (unsigned): every stream's head and every partition's end."""
    return Checkpoint(
        namespace=namespace,
        taken_at=stamp(utc_now()),
        reason=reason,
        key_id="",
        partitions=[End(topic=t, partition=p, end=e) for (t, p), e in sorted(verifier.reading.ends.items())],
        streams=[
            Head(
                stream_id=stream,
                version=head.version,
                digest=head.digest,
                topic=head.topic,
                partition=head.partition,
                offset=head.offset,
            )
            for stream, head in sorted(verifier.links.items())
        ],
    )


async def take(
    settings: Settings, key: Ed25519PrivateKey, reason: str, progress: Progress
) -> tuple[Checkpoint | None, Verification]:
    """The log verified, then its checkpoint signed and published; no checkpoint if it does not verify (a
    signature vouches for a log with no problem in it)."""
    verifier = Verifier()
    result = await verify(settings, progress, verifier)
    if not result.ok:
        return None, result
    checkpoint = sign(of(verifier, settings.namespace, reason), key)
    await publish(settings, checkpoint)
    return checkpoint, result


async def publish(settings: Settings, checkpoint: Checkpoint) -> None:
    topic = checkpoints_topic(settings.namespace)
    if settings.create_topics:  # else an operator made them (shared/mechanics/topics.py says how)
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            settings.namespace,
            settings.topic_partitions,
            settings.topic_replication_factor,
            settings.kafka_security(),
        )
    options = settings.producer_options() | {"compression_type": "gzip", "max_request_size": CHECKPOINT_BYTES}
    producer = AIOKafkaProducer(**options)
    await producer.start()
    try:
        await producer.send_and_wait(topic, checkpoint.to_json().encode(), key=settings.namespace.encode())
    finally:
        await producer.stop()


async def published(settings: Settings, public: Ed25519PublicKey) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint on the namespace's checkpoints topic, oldest first, each signature checked; and
    what on that topic is not a checkpoint signed by `public`, named by its offset."""
    found: list[Checkpoint] = []
    refused: list[str] = []
    reading = Reading()
    topic = checkpoints_topic(settings.namespace)
    async for batch in read(settings, [topic], reading):
        for record in batch:
            try:
                found.append(parse(record.value or b"", public))
            except BadCheckpoint as exc:
                refused.append(f"{topic}[{record.partition}]@{record.offset}: {exc}")
    refused += [str(d) for d in reading.damage]
    return found, refused


def expect(verifier: Verifier, checkpoints: list[Checkpoint]) -> None:
    """Before the reading: the heads the log must still hold, checked as each event is linked."""
    for checkpoint in checkpoints:
        for head in checkpoint.streams:
            verifier.expected.setdefault(head.stream_id, {})[head.version] = (
                head.digest,
                head.topic,
                head.partition,
                head.offset,
                checkpoint.taken_at,
            )


def against(verifier: Verifier, checkpoints: list[Checkpoint]) -> None:
    """After the reading: each partition at least as long as every checkpoint says it was, each
    checkpointed event found; what is not is a problem, named where the checkpoint says it was."""
    problems = verifier.result.problems
    longest: dict[tuple[str, int], tuple[int, str]] = {}  # each partition's furthest end, and when
    for checkpoint in checkpoints:
        for end in checkpoint.partitions:
            key = (end.topic, end.partition)
            if end.end > longest.get(key, (0, ""))[0]:
                longest[key] = (end.end, checkpoint.taken_at)
    for (topic, partition), (covered, taken_at) in sorted(longest.items()):
        when = f"the checkpoint of {taken_at}"
        now = verifier.reading.ends.get((topic, partition))
        if now is None:
            detail = f"{when} covers its offsets 0 to {covered - 1}; the log has no such partition now"
            problems.append(Problem(topic, partition, 0, "missing partition", detail))
        elif now < covered:
            which = (
                f"offset {now}: {when} covers it"
                if now == covered - 1
                else (f"offsets {now} to {covered - 1}: {when} covers them")
            )
            detail = f"{which}; the partition now ends before (truncated or rolled back)"
            problems.append(Problem(topic, partition, now, "missing records", detail))
    for stream, versions in sorted(verifier.expected.items()):
        for version, (digest, topic, partition, offset, taken_at) in sorted(versions.items()):
            head = verifier.links.get(stream)
            ends = (
                f"the stream now ends at version {head.version}" if head else "no event of it is in the log"
            )
            problems.append(
                Problem(
                    topic,
                    partition,
                    offset,
                    "missing event",
                    f"version {version} (digest {digest[:12]}…), "
                    f"covered by the checkpoint of {taken_at}, is not in the log: {ends}",
                    stream,
                )
            )
    verifier.expected.clear()
