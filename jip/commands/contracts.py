"""`jip contracts`: generate and check the published contract in contract/ (docs/contract.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from jip.commands import summary
from shared.language.contracts import CATALOGUE
from shared.mechanics import contract
from tooling.contract import publish


def _report(outcome: publish.Outcome, directory: Path, *, wrote: bool) -> None:
    for relative in outcome.written if wrote else ():
        print(f"wrote  {directory / relative}")
    for relative in outcome.kept:
        print(f"kept   {directory / relative} (only its descriptions differ: a published version keeps them)")
    for problem in outcome.problems:
        print(f"jip: error: {problem}", file=sys.stderr)


def generate(args: argparse.Namespace) -> int:
    try:
        outcome = publish.generate(CATALOGUE, args.dir, docs_base=args.docs_base)
    except ValueError as exc:  # a docs base that is not an absolute URL
        print(f"jip: error: {exc}", file=sys.stderr)
        return 2
    _report(outcome, args.dir, wrote=outcome.ok)
    if not outcome.ok:
        print(f"jip: nothing was written to {args.dir}", file=sys.stderr)
        return 1
    if not outcome.written:
        print(f"{args.dir} is up to date ({len(outcome.unchanged)} files)")
    return 0


def check(args: argparse.Namespace) -> int:
    try:
        outcome = publish.check(CATALOGUE, args.dir, docs_base=args.docs_base)
    except ValueError as exc:
        print(f"jip: error: {exc}", file=sys.stderr)
        return 2
    _report(outcome, args.dir, wrote=False)
    if outcome.ok:
        print(f"{args.dir} is up to date and every published version still loads")
        return 0
    return 1


def add_commands(commands: Any, _: argparse.ArgumentParser) -> None:
    """Add `jip contracts` to `jip`'s sub-command parser."""
    parser = commands.add_parser(
        "contracts",
        help=summary("contracts"),
        description="The platform's published contract is generated from the event catalogue into one "
        "folder: a JSON Schema per event type and schema version, the envelope's schema, and an AsyncAPI "
        "3.1 document of the topics. A version's schema, once committed, never changes: a change the "
        "committed schema would not describe needs a new schema_version and an upcaster.",
    )
    acts = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument(
        "--dir",
        type=Path,
        default=contract.CONTRACT_DIR,
        help=f"the contract folder (default {contract.CONTRACT_DIR})",
    )
    folder.add_argument(
        "--docs-base",
        metavar="URL",
        default=os.environ.get(publish.DOCS_BASE_VARIABLE) or None,
        help="where the platform's docs/ folder is published (an absolute http(s) URL): asyncapi.json then "
        "links each message to its consumers' page there. Default: $JIP_CONTRACT_DOCS_BASE, or no links, "
        "as in the committed contract/",
    )
    write = acts.add_parser(
        "generate",
        parents=[folder],
        help="write the new version schemas, the envelope and the AsyncAPI document",
        description="Write each event type's schema at its current version if that file is not there yet, "
        "and the envelope's schema and asyncapi.json if they changed. Refuses (exit 1, nothing written) "
        "when a committed version file would change, or a committed version can no longer be read.",
    )
    write.set_defaults(run=generate)
    verify = acts.add_parser(
        "check",
        parents=[folder],
        help="report incompatibilities and files out of date, writing nothing",
        description="Exit 1 if a committed version can no longer be read by the catalogue (a field removed "
        "or retyped, a new required field, an enum value removed, an event type gone, an upcaster missing), "
        "or if `jip contracts generate` would write anything.",
    )
    verify.set_defaults(run=check)
