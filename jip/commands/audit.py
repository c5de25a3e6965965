"""`jip audit`: what an auditor does with the log, read from its start, without asking any service. The
reading and checking are the `audit` package's (shared with the workspace's auditor pages); this module is
the commands and what they print.

- `verify`: every record reads as an envelope of a known event type and version; every stream's versions
  are contiguous; every event names the digest of its stream's previous event, and the chain holds; every
  batch's CRC matches and no offset is missing. Each problem is reported with its topic, partition and
  offset; the command never stops half way, and exits 1 if there was any. `--against FILE`: also every
  event and offset that the signed checkpoints in FILE cover is still there, unchanged.
- `checkpoint take|export|key`: sign the log's heads and ends and publish them (audit/checkpoints.py), keep
  a copy of the published checkpoints, print the public key that checks them.
- `export --inspection ID`: the inspection's complete history (audit/inspection.py says exactly which
  events), as JSON lines (the envelopes as published) or as a readable timeline.
- `as-of TIME --inspection ID`: the inspection, its evidence, judgements, LSCB evaluation and report as
  they stood at that moment, and the report's text then."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit import LogUnreachable, NotYet, checkpoints, watch
from audit.inspection import EXPORT, as_of, envelopes_of, jsonl, timeline
from audit.log import Verification, Verifier, topics, verify
from embedded.errors import StackError
from embedded.supervisor import settings_of_stack
from jip.render import progress
from shared.language.workdays import ENGLAND
from shared.mechanics.settings import Settings
from shared.mechanics.topics import checkpoints_topic


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a time: give e.g. 2026-12-08T12:00 or 2026-12-08"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ENGLAND)


def audit(args: argparse.Namespace) -> int:
    settings = settings_of_stack(args.data_dir)
    try:
        if args.action == "verify":
            return _verify(args, settings)
        if args.action == "checkpoint":
            return _checkpoint(args, settings)
        envelopes = asyncio.run(envelopes_of(settings, args.inspection, progress))
    except (OSError, LogUnreachable) as exc:
        raise StackError(f"the log could not be read: {exc}; is the stack up (`jip stack status`)?") from None
    except checkpoints.BadCheckpoint as exc:
        raise StackError(str(exc)) from None
    if not envelopes:
        raise StackError(f"no event of inspection {args.inspection} is in the log")
    if args.action == "export":
        text = jsonl(envelopes) if args.format == "jsonl" else timeline([e for _, e in envelopes]) + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            progress(f"{len(envelopes)} events written to {args.output}")
        else:
            sys.stdout.write(text)
        return 0
    try:
        state = as_of([e for _, e in envelopes], args.time)
    except NotYet as exc:
        raise StackError(str(exc)) from None
    if args.json:
        print(json.dumps(state, indent=2))
        return 0
    if args.document:
        sys.stdout.write(state["report"]["text"])
        return 0
    state["report"].pop("text")  # --document prints it
    print(json.dumps(state, indent=2))
    return 0


def _key_dir(args: argparse.Namespace) -> Path:
    """Where the stack keeps its checkpoint key: apart from the log (in the object store's directory)."""
    return Path(args.data_dir) / "audit"


def _public_key(args: argparse.Namespace) -> Ed25519PublicKey:
    path = args.public_key or _key_dir(args) / "checkpoint-public-key.pem"
    if not Path(path).exists():
        raise StackError(
            f"no checkpoint public key at {path}: give --public-key FILE (`jip audit checkpoint key`)"
        )
    return checkpoints.load_public_key(Path(path))


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    kept: list[checkpoints.Checkpoint] = []
    if args.against:
        public = _public_key(args)
        lines = Path(args.against).read_text(encoding="utf-8").splitlines()
        kept = [checkpoints.parse(line, public) for line in lines if line.strip()]
        progress(f"{len(kept)} signed checkpoint(s) in {args.against}, each signature good")
    progress(f"Reading {', '.join(topics(settings))} from the start…")
    verifier = Verifier()
    checkpoints.expect(verifier, kept)
    result = asyncio.run(verify(settings, progress, verifier))
    checkpoints.against(verifier, kept)
    _print(args, result, against=len(kept))
    return 0 if result.ok else 1


def _print(args: argparse.Namespace, result: Verification, against: int = 0) -> None:
    if args.json:
        print(json.dumps({**asdict(result), "ok": result.ok}, indent=2, default=str))
        return
    rate = result.records / result.seconds if result.seconds else 0
    print(
        f"{result.records:,} records, {result.events:,} events in {result.streams:,} streams, "
        f"{result.duplicates} duplicate deliveries; {result.seconds:.1f} s ({rate:,.0f} records/s)"
    )
    for note in result.notes:
        print(f"  note: {note}")
    for problem in result.problems:
        print(f"  {problem}")
    kept = f", and everything {against} signed checkpoint(s) cover is there unchanged" if against else ""
    print(
        f"the log verifies: every stream contiguous, every chain whole{kept}"
        if result.ok
        else f"{len(result.problems)} problem(s)"
    )


def _watch(args: argparse.Namespace, settings: Settings) -> int:
    key = checkpoints.signing_key(_key_dir(args))

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        progress(f"checkpointing {settings.namespace}'s log every {args.every:g} s and at every final report")
        await watch.watch(
            settings, key, args.every, lambda line: print(line, flush=True), poll=args.poll, stop=stop
        )

    asyncio.run(run())
    return 0


def _checkpoint(args: argparse.Namespace, settings: Settings) -> int:
    if args.step == "key":
        checkpoints.signing_key(_key_dir(args))
        sys.stdout.write((_key_dir(args) / "checkpoint-public-key.pem").read_text())
        return 0
    if args.step == "watch":
        return _watch(args, settings)
    if args.step == "take":
        key = checkpoints.signing_key(_key_dir(args))
        taken, result = asyncio.run(checkpoints.take(settings, key, args.reason, progress))
        if taken is None:
            _print(args, result)
            print("no checkpoint taken: a checkpoint vouches only for a log that verifies")
            return 1
        print(
            f"checkpoint of {taken.taken_at} ({taken.reason}): {len(taken.streams):,} stream heads and "
            f"{len(taken.partitions)} partition ends, signed by key {taken.key_id}, published on "
            f"{checkpoints_topic(settings.namespace)}"
        )
        return 0
    found, refused = asyncio.run(checkpoints.published(settings, _public_key(args)))
    for line in refused:
        progress(f"  refused: {line}")
    chosen = found if args.all else found[-1:]
    text = "".join(c.to_json() + "\n" for c in chosen)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        progress(f"{len(chosen)} of {len(found)} checkpoint(s) written to {args.output}")
    else:
        sys.stdout.write(text)
    return 1 if refused or not found else 0


PUBLIC_KEY = (
    "the checkpoint signing key's public half, kept by the auditor (default: the stack's, "
    "<data dir>/audit/checkpoint-public-key.pem)"
)


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
    verify_cmd.add_argument(
        "--against",
        metavar="FILE",
        help="signed checkpoints kept by the auditor (`jip audit checkpoint export`), one a line: the log "
        "must still hold every event and offset they cover, unchanged",
    )
    verify_cmd.add_argument("--public-key", metavar="PEM", help=PUBLIC_KEY)
    checkpoint = acts.add_parser(
        "checkpoint",
        help="sign and publish a checkpoint of the log, keep a copy of the published ones, or print the key",
        description=checkpoints.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    steps = checkpoint.add_subparsers(dest="step", required=True, metavar="STEP")
    take = steps.add_parser(
        "take",
        parents=[data_dir],
        help="verify the log, then sign its stream heads and partition ends and publish the checkpoint",
    )
    take.add_argument("--reason", default="taken by an operator", help="why it was taken (kept in it)")
    take.add_argument("--json", action="store_true", help="if the log does not verify, the result as JSON")
    keep = steps.add_parser(
        "export",
        parents=[data_dir],
        help="the published checkpoints, each signature checked, as JSON lines for an auditor to keep",
    )
    keep.add_argument("--all", action="store_true", help="every checkpoint, not only the latest")
    keep.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    keep.add_argument("--public-key", metavar="PEM", help=PUBLIC_KEY)
    steps.add_parser("key", parents=[data_dir], help="print the public key that checks the checkpoints")
    watching = steps.add_parser(
        "watch",
        parents=[data_dir],
        help="the platform's checkpointer: a checkpoint at start, at every final or published report, and "
        "at intervals (until interrupted)",
        description=watch.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    watching.add_argument("--every", type=float, default=3600.0, metavar="SECONDS", help="default: 3600")
    watching.add_argument(
        "--poll",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how often it looks for reports (default: 5)",
    )
    export = acts.add_parser(
        "export",
        parents=[data_dir],
        help="an inspection's complete history from the log",
        description="The inspection's events from the log, as JSON lines (the envelopes exactly as "
        "published) or as a readable timeline.\n\n" + EXPORT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
