"""Benchmark: `jip audit verify` over a log of at least 100,000 events.

    uv run python bench/verify.py                   # 200 JTAIs of 500 evidence items: 101,201 events
    uv run python bench/verify.py -i 50 -e 200      # smaller
    uv run python bench/verify.py --events 1000000  # 1,977 JTAIs of 500 items: 1,000,363 events
    uv run python bench/verify.py --checkpoint      # and a signed checkpoint taken, then verify --against it

Starts the embedded broker on free ports, writes the synthetic log of bench/synthetic.py to the topics
(every event chained to its stream's previous one), and runs the same verification as
`jip audit verify`: every partition read batch by batch to its high-water mark (every batch's CRC checked),
every record parsed and decoded, every stream's versions and hash chain checked. With `--checkpoint`, also
`jip audit checkpoint take` (verify, sign every stream's head, publish) and `jip audit verify --against`
the checkpoint. Beside its rate it prints the raw aiokafka consume rate of the same topics on the same
broker in the same run (a plain AIOKafkaConsumer reading every record from offset 0, once before and once
after the verification; the faster is the baseline), the ratio of the two (issue 24 §4 asks >= 50 %), the
process's peak RSS and the core count. Figures go to stdout; progress to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from synthetic import Raw, inspections_for, machine, progress, publish, raw_consume, servers, size, synthetic

from audit import checkpoints
from audit.log import Verification, Verifier, topics, verify


def figure(name: str, result: Verification) -> str:
    return (
        f"{name}: {result.records:,} records, {result.streams:,} streams in {result.seconds:.1f} s "
        f"= {result.records / result.seconds:,.0f} records/s; problems: {len(result.problems)}"
    )


def baseline(name: str, result: Verification, raw: Raw) -> str:
    own = result.records / result.seconds
    return (
        f"raw aiokafka consume of the same topics: {raw.records:,} records in {raw.seconds:.1f} s "
        f"= {raw.rate:,.0f} records/s; {name} reads at {own / raw.rate:.0%} of it"
    )


async def main(args: argparse.Namespace) -> None:
    inspections = args.inspections if args.events is None else inspections_for(args.events, args.items)
    events = size(inspections, args.items)
    progress(f"synthetic log: {events:,} events, {inspections} inspections")
    async with servers() as settings:
        await publish(settings, synthetic(inspections, args.items))
        before = await raw_consume(settings, topics(settings), events)
        progress(f"raw consume: {before.records:,} records in {before.seconds:.1f} s")
        result = await verify(settings, progress, workers=args.workers)
        after = await raw_consume(settings, topics(settings), events)
        progress(f"raw consume: {after.records:,} records in {after.seconds:.1f} s")
        raw = max(before, after, key=lambda r: r.rate)
        print(
            f"Log: {events:,} events ({inspections} inspections)\n{figure('verify', result)}\n"
            f"{baseline('verify', result, raw)}\n{machine()}"
        )
        if not args.checkpoint:
            return
        key = Ed25519PrivateKey.generate()
        started = time.monotonic()
        taken, _ = await checkpoints.take(settings, key, "bench", progress)
        assert taken is not None
        mb = len(taken.to_json().encode()) / 1e6
        print(
            f"checkpoint take: {len(taken.streams):,} stream heads, {mb:.1f} MB of JSON, verified, "
            f"signed and published in {time.monotonic() - started:.1f} s"
        )
        started = time.monotonic()
        [kept], _ = await checkpoints.published(settings, key.public_key())
        print(f"checkpoint export: read back and its signature checked in {time.monotonic() - started:.1f} s")
        verifier = Verifier()
        checkpoints.expect(verifier, [kept])
        against = await verify(settings, progress, verifier, args.workers)
        checkpoints.against(verifier, [kept])
        print(f"{figure('verify --against', against)}\n{machine()}")


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
    parser.add_argument(
        "--workers",
        type=int,
        help="processes examining the records of a log of more than 20,000 beside this one, which takes a "
        "share of each fetch (default: one per core but one on 3 cores or more, none on 2; 0: none)",
    )
    parser.add_argument(
        "--checkpoint", action="store_true", help="also take a signed checkpoint and verify against it"
    )
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
