"""Benchmark: `jip audit verify` over a log of at least 100,000 events.

    uv run python bench/verify.py                 # 200 JTAIs of 500 evidence items: 101,201 events
    uv run python bench/verify.py -i 50 -e 200    # smaller
    uv run python bench/verify.py --checkpoint    # and a signed checkpoint taken, then verify --against it

Starts the embedded broker on free ports, writes the synthetic log of bench/synthetic.py to the topics
(every event chained to its stream's previous one), and runs the same verification as
`jip audit verify`: every partition read batch by batch to its high-water mark (every batch's CRC checked),
every record parsed and decoded, every stream's versions and hash chain checked. With `--checkpoint`, also
`jip audit checkpoint take` (verify, sign every stream's head, publish) and `jip audit verify --against`
the checkpoint. Figures go to stdout; progress to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from synthetic import progress, publish, servers, synthetic

from audit import checkpoints
from audit.log import Verification, Verifier, verify


def figure(name: str, result: Verification) -> str:
    return (
        f"{name}: {result.records:,} records, {result.streams:,} streams in {result.seconds:.1f} s "
        f"= {result.records / result.seconds:,.0f} records/s; problems: {len(result.problems)}"
    )


async def main(args: argparse.Namespace) -> None:
    log = synthetic(args.inspections, args.items)
    progress(f"synthetic log: {log.size:,} events, {args.inspections} inspections")
    async with servers() as settings:
        await publish(settings, log)
        result = await verify(settings, progress)
        print(f"Log: {log.size:,} events ({args.inspections} inspections)\n{figure('verify', result)}")
        if not args.checkpoint:
            return
        key = Ed25519PrivateKey.generate()
        started = time.monotonic()
        taken, _ = await checkpoints.take(settings, key, "bench", progress)
        assert taken is not None
        size = len(taken.to_json().encode())
        print(
            f"checkpoint take: {len(taken.streams):,} stream heads, {size / 1e6:.1f} MB of JSON, verified, "
            f"signed and published in {time.monotonic() - started:.1f} s"
        )
        started = time.monotonic()
        [kept], _ = await checkpoints.published(settings, key.public_key())
        print(f"checkpoint export: read back and its signature checked in {time.monotonic() - started:.1f} s")
        verifier = Verifier()
        checkpoints.expect(verifier, [kept])
        against = await verify(settings, progress, verifier)
        checkpoints.against(verifier, [kept])
        print(figure("verify --against", against))


def cli() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-i", "--inspections", type=int, default=200, help="inspections (default 200)")
    parser.add_argument("-e", "--items", type=int, default=500, help="evidence items each (default 500)")
    parser.add_argument(
        "--checkpoint", action="store_true", help="also take a signed checkpoint and verify against it"
    )
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
