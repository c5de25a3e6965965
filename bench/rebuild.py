"""Benchmark: rebuild every document of the reporting service from a log of at least 100,000 events.

    uv run python bench/rebuild.py                    # 200 JTAI inspections of 500 evidence items each
    uv run python bench/rebuild.py -i 50 -e 200       # smaller

Starts the embedded broker and database on free ports, writes a synthetic log straight to the topics
(each inspection: scheduled, notified, evidence items, findings, a final LSCB evaluation; one board
register), then runs the same rebuild as `jip documents rebuild` twice: from an empty read model (every
document new), and again over the rebuilt one, where every checksum must match. Figures go to stdout
(events/s read into the read model; documents/s rendered); progress to stderr. The read is timed from
the read model's indexes made to the last page written (the rebuild reads to where each partition ended
when it began, as `jip audit verify` does, so no silence is waited for at the end). Beside the read rate it
prints the raw aiokafka consume rate of the same topics on the same broker in the same run (a plain
AIOKafkaConsumer reading every record from offset 0, once before each rebuild; the faster is the
baseline), the ratio of the two (issue 24 §4 asks >= 50 %), the process's peak RSS and the core count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from synthetic import inspections_for, machine, progress, publish, raw_consume, servers, size, synthetic

from services.reporting.rebuild import CONTEXTS, Summary, rebuild


def figures(summary: Summary) -> dict[str, Any]:
    return {
        "events_read": summary.events_read,
        "events_kept": summary.events_kept,
        "read_seconds": round(summary.read_seconds, 1),
        "events_per_s": round(summary.events_read / summary.read_seconds),
        "documents": summary.documents,
        "render_seconds": round(summary.render_seconds, 1),
        "documents_per_s": round(summary.documents / summary.render_seconds, 1),
        "events_rendered_per_s": round(summary.events_kept / summary.render_seconds),
        "matching": len(summary.matching),
        "changed": len(summary.changed),
        "new": len(summary.new),
        "damage": len(summary.damage),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    inspections = args.inspections if args.events is None else inspections_for(args.events, args.items)
    events = size(inspections, args.items)
    progress(f"synthetic log: {events:,} events, {inspections} inspections")
    async with servers() as settings:
        produced = await publish(settings, synthetic(inspections, args.items))
        topics = [settings.events_topic(c) for c in CONTEXTS]
        raws = [await raw_consume(settings, topics, events)]
        progress(f"raw consume: {raws[-1].records:,} records in {raws[-1].seconds:.1f} s")
        progress("rebuild 1: from an empty read model")
        first = await rebuild(settings, progress)
        raws.append(await raw_consume(settings, topics, events))
        progress(f"raw consume: {raws[-1].records:,} records in {raws[-1].seconds:.1f} s")
        progress("rebuild 2: drop the read model and rebuild it again; every checksum must match")
        second = await rebuild(settings, progress)
    raw = max(raws, key=lambda r: r.rate)
    return {
        "log": {"events": events, "inspections": inspections, "publish_seconds": round(produced, 1)},
        "first": figures(first),
        "second": figures(second),
        "all_match": second.ok and len(second.matching) == second.documents,
        "raw": {"records": raw.records, "seconds": round(raw.seconds, 1), "records_per_s": round(raw.rate)},
        "ratio": round(second.events_read / second.read_seconds / raw.rate, 2),
        "machine": machine(),
    }


def cli() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-i", "--inspections", type=int, default=200, help="inspections (default 200)")
    parser.add_argument("-e", "--items", type=int, default=500, help="evidence items each (default 500)")
    parser.add_argument(
        "--events",
        type=int,
        help="at least this many events, in inspections of --items each (overrides --inspections); "
        "writing the log takes about 40 s per 100,000 events on a loaded 2-core machine: 1,000,000 ~7 min",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = asyncio.run(main(args))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    second = result["second"]
    print(
        f"Log: {result['log']['events']:,} events ({result['log']['inspections']} inspections)\n"
        f"Rebuild (drop, replay, render, compare):\n"
        f"  read into the read model: {second['events_read']:,} events in {second['read_seconds']} s "
        f"= {second['events_per_s']:,} events/s, the last page written\n"
        f"  rendered: {second['documents']} documents in {second['render_seconds']} s "
        f"= {second['documents_per_s']} documents/s ({second['events_rendered_per_s']:,} events/s)\n"
        f"  checksums: {second['matching']} of {second['documents']} match"
        + ("" if result["all_match"] else f", {second['changed']} CHANGED")
        + f"\n  raw aiokafka consume of the same topics: {result['raw']['records']:,} records in "
        f"{result['raw']['seconds']} s = {result['raw']['records_per_s']:,} records/s; the rebuild reads at "
        f"{result['ratio']:.0%} of it\n{result['machine']}"
    )


if __name__ == "__main__":
    cli()
