"""Benchmark: `jip audit verify` over a log of at least 100,000 events.

    uv run python bench/verify.py                 # 200 JTAIs of 500 evidence items: 101,201 events
    uv run python bench/verify.py -i 50 -e 200    # smaller

Starts the embedded broker on free ports, writes the synthetic log of bench/synthetic.py to the topics
(every event chained to its stream's previous one), and runs the same verification as
`jip audit verify`: every record parsed and decoded, every stream's versions and hash chain checked.
Figures go to stdout; progress to stderr.
"""

from __future__ import annotations

import argparse
import asyncio

from synthetic import progress, publish, servers, synthetic

from audit.log import verify


async def main(args: argparse.Namespace) -> None:
    log = synthetic(args.inspections, args.items)
    progress(f"synthetic log: {log.size:,} events, {args.inspections} inspections")
    async with servers() as settings:
        await publish(settings, log)
        result = await verify(settings, progress)
    print(
        f"Log: {log.size:,} events ({args.inspections} inspections)\n"
        f"verify: {result.records:,} records, {result.streams:,} streams in {result.seconds:.1f} s "
        f"= {result.records / result.seconds:,.0f} records/s (with its 1 s wait for the end of the log)\n"
        f"  problems: {len(result.problems)}"
    )


def cli() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-i", "--inspections", type=int, default=200, help="inspections (default 200)")
    parser.add_argument("-e", "--items", type=int, default=500, help="evidence items each (default 500)")
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
