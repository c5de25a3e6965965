"""`jip findings`: the key strengths and recommendations the inspectorates record, each citing its
evidence; requests to the running judgement service, made as in `jip judgements`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from typing import Any

from jip.client import client_options
from jip.commands import summary
from jip.commands.judgements import SERVICE
from jip.options import (
    INSPECTION,
    evidence_option,
    given_text,
    inspection_path,
    text_options,
)
from jip.render import dump, excerpt, table
from shared.language.contracts.judgement import FindingKind
from shared.language.contracts.vocabulary import Agency


def findings_table(found: Sequence[Mapping[str, Any]]) -> str:
    """`jip findings list`: one line per finding, in the order recorded."""
    if not found:
        return "no findings recorded"
    rows = [
        [f["finding_id"], f["kind"], f["addressed_to"], str(len(f["evidence_item_ids"])), excerpt(f["text"])]
        for f in found
    ]
    return "\n".join(table(["finding", "kind", "for", "items", "text"], rows))


def findings(args: argparse.Namespace) -> int:
    path = f"{inspection_path(args)}/findings"
    if args.action == "list":
        found = SERVICE.call(args, "GET", path)
        print(json.dumps(found, indent=2) if args.json else findings_table(found))
        return 0
    body = {
        "kind": args.kind,
        "addressed_to": args.addressed_to,
        "text": given_text(args),
        "evidence_item_ids": args.evidence,
    }
    finding = SERVICE.call(args, "POST", path, body)
    if args.json:
        return dump(finding)
    count = len(finding["evidence_item_ids"])
    print(
        f"recorded {finding['kind']} {finding['finding_id']} for {finding['addressed_to']}, citing "
        f"{count} evidence item(s)"
    )
    return 0


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    """Add the findings command to `jip`'s sub-command parser."""
    client = client_options(data_dir)

    f = commands.add_parser(
        "findings",
        help=summary("findings"),
        description="Findings are key strengths and the recommendations the programme makes (areas for "
        "priority action and for development in a JTAI: 001 Proposal four; areas for improvement where "
        "judgements are graded: 002 §50), each for the partnership or one agency, and each standing on "
        "recorded evidence (001 Proposal three). The reporting service writes them into the letter.",
    )
    facts = f.add_subparsers(dest="action", required=True, metavar="ACTION")
    record = facts.add_parser(
        "record",
        parents=[client],
        help="record a key strength or a recommendation, citing the evidence it stands on",
        description="Record a finding (001 Proposal four) citing evidence recorded for the inspection and "
        "not withdrawn (001 Proposal three): a key strength cites strengths, a recommendation weaknesses or "
        "areas for improvement. The kinds a programme records are in its catalogue file.",
    )
    record.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    record.add_argument(
        "--kind", required=True, choices=[k.value for k in FindingKind], help="what the finding is"
    )
    record.add_argument(
        "--for",
        dest="addressed_to",
        default=Agency.PARTNERSHIP.value,
        choices=[a.value for a in Agency],
        metavar="AGENCY",
        help="who it is for: the partnership (the default), the lscb or an inspected agency "
        "(001 Proposal four); one of %(choices)s",
    )
    text_options(record, "the finding as it will be reported")
    evidence_option(record, "001 Proposal three")

    listing = facts.add_parser(
        "list",
        parents=[client],
        help="the findings recorded so far, in order",
        description="Every finding recorded for the inspection, in the order recorded, with who it is for "
        "and how many evidence items it cites (--json for the ids).",
    )
    listing.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    f.set_defaults(run=findings)
