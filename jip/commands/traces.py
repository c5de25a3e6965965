"""`jip traces`: the embedded stack's traces, read from the span files its services write, so a trace can
be followed with no collector.

The services of `jip stack up` write every span to <data dir>/telemetry/traces-<service>.jsonl
(JIP_TELEMETRY_DIR). `jip traces list` lists the latest traces; `jip traces show ID` prints one as a tree,
from the HTTP command through each event's publication to its processing in every service. A trace id
also appears on each log line (`trace_id`). With a collector (OTEL_EXPORTER_OTLP_ENDPOINT), use its
trace UI instead: see the README's Observability section."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from embedded.errors import StackError
from jip.commands import summary
from shared.mechanics.telemetry import read_spans

# Attributes worth a glance in the tree, in this order; the rest are in the file.
SHOWN = (
    "jip.event.type",
    "messaging.consumer.group.name",
    "messaging.kafka.offset",
    "jip.outcome",
    "http.response.status_code",
    "db.operation.name",
    "db.collection.name",
)


@dataclass
class Span:
    trace_id: str
    span_id: str
    parent_id: str | None
    name: str
    kind: str
    service: str
    start: datetime
    end: datetime
    attributes: dict[str, Any]
    children: list[Span] = field(default_factory=list)

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Span:
        return cls(
            trace_id=raw["context"]["trace_id"].removeprefix("0x"),
            span_id=raw["context"]["span_id"].removeprefix("0x"),
            parent_id=(raw.get("parent_id") or "").removeprefix("0x") or None,
            name=raw["name"],
            kind=raw.get("kind", "").removeprefix("SpanKind."),
            service=raw.get("resource", {}).get("attributes", {}).get("service.name", "?"),
            start=datetime.fromisoformat(raw["start_time"]),
            end=datetime.fromisoformat(raw["end_time"]),
            attributes=raw.get("attributes") or {},
        )

    @property
    def milliseconds(self) -> float:
        return (self.end - self.start).total_seconds() * 1000


def traces_of(directory: Path) -> dict[str, list[Span]]:
    files = sorted(directory.glob("traces-*.jsonl*"))
    if not files:
        raise StackError(
            f"no span files in {directory}: start the stack with `jip stack up` (its services write their "
            "spans there), or set JIP_TELEMETRY_DIR for services run another way"
        )
    traces: dict[str, list[Span]] = defaultdict(list)
    for raw in read_spans(files):
        span = Span.of(raw)
        traces[span.trace_id].append(span)
    return traces


def roots(spans: list[Span]) -> list[Span]:
    """The trace's spans as trees; a span whose parent is missing (not yet exported) is a root."""
    by_id = {s.span_id: s for s in spans}
    top: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        parent = by_id.get(span.parent_id or "")
        (parent.children if parent else top).append(span)
    return top


def lines(span: Span, depth: int = 0) -> Iterator[str]:
    shown = " ".join(f"{k}={span.attributes[k]}" for k in SHOWN if k in span.attributes)
    yield (
        f"{'  ' * depth}{span.name}  [{span.service}, {span.kind.lower()}, {span.milliseconds:.1f} ms]"
        + (f"  {shown}" if shown else "")
    )
    for child in span.children:
        yield from lines(child, depth + 1)


def list_traces(args: argparse.Namespace) -> int:
    traces = traces_of(args.data_dir / "telemetry")
    latest = sorted(traces.values(), key=lambda spans: min(s.start for s in spans), reverse=True)
    shown = latest[: args.limit]
    print(f"{'started (UTC)':<24} {'trace id':<32}  {'spans':>5}  {'ms':>8}  first span / services")
    for spans in shown:
        first = min(spans, key=lambda s: s.start)
        duration = (max(s.end for s in spans) - first.start).total_seconds() * 1000
        services = ", ".join(sorted({s.service.removeprefix("jip-") for s in spans}))
        print(
            f"{first.start:%Y-%m-%d %H:%M:%S.%f}"[:23].ljust(24)
            + f" {first.trace_id}  {len(spans):>5}  {duration:>8.1f}  {first.name} / {services}"
        )
    print(f"\n{len(shown)} of {len(traces)} traces. Show one: jip traces show TRACE_ID")
    return 0


def show_trace(args: argparse.Namespace) -> int:
    traces = traces_of(args.data_dir / "telemetry")
    found = [t for t in traces if t.startswith(args.trace_id.lower())]
    if len(found) != 1:
        problem = "no trace" if not found else f"{len(found)} traces"
        raise StackError(
            f"{problem} with an id starting {args.trace_id!r}: see `jip traces list` for the ids"
        )
    spans = traces[found[0]]
    if args.json:
        for span in sorted(spans, key=lambda s: s.start):
            record = {k: v for k, v in vars(span).items() if k != "children"}
            print(json.dumps(record, default=str))
        return 0
    print(f"trace {found[0]}: {len(spans)} spans")
    for root in roots(spans):
        for line in lines(root):
            print(line)
    return 0


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    t = commands.add_parser(
        "traces",
        help=summary("traces"),
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    acts = t.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = acts.add_parser(
        "list",
        parents=[data_dir],
        help="the latest traces: when, id, spans, duration, first span and services",
        description="List the latest traces, newest first, from the span files of the stack's services.",
    )
    listing.add_argument("--limit", type=int, default=20, help="how many to list (default 20)")
    listing.set_defaults(run=list_traces)
    show = acts.add_parser(
        "show",
        parents=[data_dir],
        help="one trace as a tree of spans: service, kind, duration and key attributes",
        description="Print one trace: each span under its parent, with its service, kind, duration and "
        "the attributes that say what it did. A prefix of the trace id is enough.",
    )
    show.add_argument("trace_id", metavar="TRACE_ID", help="the trace id, or its first characters")
    show.add_argument("--json", action="store_true", help="print the spans as JSON lines instead")
    show.set_defaults(run=show_trace)
