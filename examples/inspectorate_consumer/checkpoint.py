#!/usr/bin/env python3
"""Check the platform's signed checkpoints against an inspectorate's own copy of the events.

The platform signs checkpoints of its log (`jip audit checkpoint`): the head of every stream (its last
version, that event's digest and where it was) and the end of every events partition, signed with an
Ed25519 key kept apart from the log. An inspectorate keeps the checkpoints it is given and the
checkpoint key's public half (`jip audit checkpoint export`, `jip audit checkpoint key`), and can then
prove, with nothing of the platform's code, that the events it mirrored (examples/inspectorate_consumer/
consumer.py, its SQLite file) are the ones the platform vouched for:

1. each checkpoint's signature: Ed25519 over the checkpoint's JSON without its `signature` field, written
   with keys sorted, no spaces and unicode as is (as the hash chain's digest is written), and its
   `key_id` the first 16 hex digits of the sha256 of the raw public key;
2. each stream head of a topic it mirrors: the copy holds that stream's event at that version, with that
   digest, read at that topic, partition and offset. The hash chain (the consumer's `anomalies`) then
   vouches for every earlier event of the stream;
3. each partition it mirrors: the copy has read up to the end the checkpoint covers, or says how far
   behind it is.

It needs Python 3.11+ and `pip install cryptography`. It prints one line per finding and a summary, and
exits 1 if an event is missing or differs from what a checkpoint covers, or a signature does not hold.

    python examples/inspectorate_consumer/checkpoint.py --database ofsted.sqlite3 \\
        --public-key checkpoint-public-key.pem kept-checkpoints.jsonl
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def signed_bytes(checkpoint: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in checkpoint.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def signature_holds(checkpoint: dict[str, Any], public: Ed25519PublicKey) -> str | None:
    """None if the checkpoint is signed by `public` over its content; else why not."""
    if checkpoint.get("key_id") != key_id(public):
        return f"signed by key {checkpoint.get('key_id')}, not by the key kept ({key_id(public)})"
    try:
        public.verify(base64.b64decode(checkpoint["signature"]), signed_bytes(checkpoint))
    except (InvalidSignature, ValueError, KeyError):
        return "its signature does not match its content"
    return None


def check(checkpoint: dict[str, Any], db: sqlite3.Connection, say: list[str]) -> int:
    """The copy against one checkpoint whose signature holds: the number of problems, each said."""
    when = checkpoint["taken_at"]
    mirrored = {t for (t,) in db.execute("SELECT DISTINCT topic FROM events")}
    problems = 0
    for head in checkpoint["streams"]:
        if head["topic"] not in mirrored:
            continue
        row = db.execute(
            'SELECT digest, topic, "partition", "offset" FROM events '
            "WHERE stream_id = ? AND stream_version = ?",
            (head["stream_id"], head["version"]),
        ).fetchone()
        where = f"{head['topic']}[{head['partition']}]@{head['offset']}"
        if row is None:
            problems += 1
            say.append(f"missing: {head['stream_id']} v{head['version']} ({where}), covered at {when}")
        elif row[0] != head["digest"]:
            problems += 1
            say.append(
                f"changed: {head['stream_id']} v{head['version']} at {where}: not the event signed at {when}"
            )
        elif tuple(row[1:]) != (head["topic"], head["partition"], head["offset"]):
            problems += 1
            say.append(f"moved: {head['stream_id']} v{head['version']} was at {where} at {when}")
    for end in checkpoint["partitions"]:
        if end["topic"] not in mirrored or end["end"] == 0:
            continue
        (last,) = db.execute(
            'SELECT MAX("offset") FROM events WHERE topic = ? AND "partition" = ?',
            (end["topic"], end["partition"]),
        ).fetchone()
        if last is None or last < end["end"] - 1:
            say.append(
                f"behind: {end['topic']}[{end['partition']}] read to {last}, the checkpoint of {when} covers "
                f"offsets to {end['end'] - 1} (run the consumer again)"
            )
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("checkpoints", type=Path, help="the kept checkpoints, one JSON document a line")
    parser.add_argument("--database", type=Path, required=True, help="the consumer's SQLite file")
    parser.add_argument(
        "--public-key", type=Path, required=True, help="the checkpoint key's public half (PEM)"
    )
    args = parser.parse_args(argv)
    public = serialization.load_pem_public_key(args.public_key.read_bytes())
    if not isinstance(public, Ed25519PublicKey):
        print(f"{args.public_key} is not an Ed25519 public key", file=sys.stderr)
        return 2
    lines = [line for line in args.checkpoints.read_text(encoding="utf-8").splitlines() if line.strip()]
    say: list[str] = []
    problems = heads = 0
    with sqlite3.connect(args.database) as db:
        for number, line in enumerate(lines, start=1):
            checkpoint = json.loads(line)
            refused = signature_holds(checkpoint, public)
            if refused:
                problems += 1
                say.append(f"refused: checkpoint {number} ({checkpoint.get('taken_at')}): {refused}")
                continue
            heads += len(checkpoint["streams"])
            problems += check(checkpoint, db, say)
    say.append(f"{len(lines)} checkpoint(s), {heads} stream head(s): {problems} problem(s)")
    print("\n".join(say))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
