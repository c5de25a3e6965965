"""`jip audit`: what an auditor does with the log, read from its start, without asking any service. The
reading and checking are the `audit` package's (shared with the workspace's auditor pages); this module is
the commands and what they print.

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
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from audit import LogUnreachable, NotYet
from audit.inspection import as_of, envelopes_of, jsonl, timeline
from audit.log import topics, verify
from jip.stack import StackError, settings_of_stack
from shared.settings import Settings
from shared.workdays import ENGLAND


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
    except (OSError, LogUnreachable) as exc:
        raise StackError(f"the log could not be read: {exc}; is the stack up (`jip stack status`)?") from None
    if not envelopes:
        raise StackError(f"no event of inspection {args.inspection} is in the log")
    if args.action == "export":
        text = jsonl(envelopes) if args.format == "jsonl" else timeline([e for _, e in envelopes]) + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            _progress(f"{len(envelopes)} events written to {args.output}")
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
