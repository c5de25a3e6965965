"""`jip evidence`: requests to the running evidence service (its answers shown by evidence_text.py;
`jip samples` and `jip enquiries` are in enquiries.py).

Each command is made as the actor given by --as (or $JIP_ACTOR), like the scheduling commands; the service
is at $JIP_EVIDENCE_URL, or on the embedded stack's port. The service's rules stay in the service: a
refused command prints its reason and the rule it cites, e.g. `jip: error: ... (rule: 002 §43)`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

from embedded.errors import StackError
from jip.client import Service, client_options, if_match, segment
from jip.commands import summary
from jip.commands.evidence_text import (
    DETAILS,
    case_text,
    erasure_text,
    item_text,
    items_table,
    triangulation_text,
)
from jip.options import (
    INSPECTION,
    given_text,
    inspection_path,
)
from jip.render import dump
from shared.language.contracts.evidence import Activity, Bearing, ErasureBasis, Meeting
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.envelope import Inspectorate

SERVICE = Service("evidence")
# The fields of an evidence item an inspector records, in the order the API lists them.


# ---------------------------------------------------------------- evidence items


def given_details(args: argparse.Namespace) -> dict[str, Any]:
    """The item details given as options, by the API's field names; options not given are left out."""
    given = {
        "agency": args.agency,
        "activity": args.activity,
        "meeting": args.meeting,
        "judgement_area": args.area,
        "criteria": args.criterion,
        "bearing": args.bearing,
        "case_reference": args.case,
        "summary": given_text(args),
    }
    return {k: v for k, v in given.items() if v is not None}


def merge_details(current: Mapping[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The item as it should stand after `jip evidence amend`: its current details with the options given
    replacing theirs (the API takes the whole corrected item, not a patch).

    --no-meeting, --no-case and --no-criteria clear a detail; a meeting no longer observed (the activity is
    changed from meeting_observation, no --meeting given) is cleared too, as the service requires."""
    changes = given_details(args)
    cleared = {
        field
        for field, option in (
            ("meeting", "no_meeting"),
            ("case_reference", "no_case"),
            ("criteria", "no_criteria"),
        )
        if getattr(args, option, False)
    }
    if not changes and not cleared:
        raise StackError(
            "nothing to amend: give the details to change, e.g. --bearing weakness or --text-file PATH"
        )
    details = {field: current.get(field) for field in DETAILS}
    details |= {field: [] if field == "criteria" else None for field in cleared}
    details |= changes
    if details["activity"] != Activity.MEETING_OBSERVATION and "meeting" not in changes:
        details["meeting"] = None
    return details


def evidence(args: argparse.Namespace) -> int:
    base = inspection_path(args)
    item_path = f"{base}/evidence/{segment(getattr(args, 'item_id', ''))}"
    match args.action:
        case "record":
            item = SERVICE.call(args, "POST", f"{base}/evidence", given_details(args))
            if args.json:
                return dump(item)
            print(f"recorded evidence item {item['evidence_item_id']} (version {item['version']})")
        case "list":
            items = SERVICE.call(
                args,
                "GET",
                f"{base}/evidence",
                agency=args.agency,
                inspectorate=args.inspectorate,
                criterion=args.criterion,
                case_reference=args.case,
                bearing=args.bearing,
                activity=args.activity,
                withdrawn=True if args.withdrawn else None,
                limit=args.limit,
                offset=args.offset,
            )
            print(json.dumps(items, indent=2) if args.json else items_table(items))
        case "show":
            answer = SERVICE.call(args, "GET", item_path)
            print(json.dumps(answer, indent=2) if args.json else item_text(answer))
        case "amend":
            current = SERVICE.call(args, "GET", item_path)["item"]
            body = {"reason": args.reason, "details": merge_details(current, args)}
            # Read, change, write: the write says which version it changes, so nothing made meanwhile is lost.
            version = args.if_match if args.if_match is not None else current["version"]
            item = SERVICE.call(args, "POST", f"{item_path}/amendments", body, headers=if_match(version))
            if args.json:
                return dump(item)
            print(f"amended evidence item {item['evidence_item_id']}: now version {item['version']}")
        case "withdraw":
            item = SERVICE.call(
                args,
                "POST",
                f"{item_path}/withdrawal",
                {"reason": args.reason},
                headers=if_match(args.if_match),
            )
            if args.json:
                return dump(item)
            print(f"withdrew evidence item {item['evidence_item_id']}: now version {item['version']}")
        case "close":
            answer = SERVICE.call(args, "POST", f"{base}/closure", {"reason": args.reason})
            if args.json:
                return dump(answer)
            print(
                f"evidence gathering closed for inspection {answer['inspection_id']} by {answer['closed_by']}"
            )
        case "erase":
            path = f"{base}/cases/{segment(args.case_reference)}/erasure"
            answer = SERVICE.call(args, "POST", path, {"basis": args.basis})
            if args.json:
                return dump(answer)
            print(erasure_text(answer))
        case "triangulation":
            answer = SERVICE.call(args, "GET", f"{base}/triangulation", agency=args.agency)
            print(json.dumps(answer, indent=2) if args.json else triangulation_text(answer))
        case _:  # case
            answer = SERVICE.call(args, "GET", f"{base}/cases/{segment(args.case_reference)}")
            print(json.dumps(answer, indent=2) if args.json else case_text(answer))
    return 0


# ---------------------------------------------------------------- argument parsing


def _detail_options(parser: argparse.ArgumentParser, *, amend: bool) -> None:
    """The options of an evidence item; `record` requires the essentials, `amend` takes any of them."""
    required = not amend
    change = "the new " if amend else "the "
    parser.add_argument(
        "--agency",
        required=required,
        choices=[a.value for a in Agency],
        help=f"{change}agency the evidence is about: an inspected agency, the lscb or the partnership",
    )
    parser.add_argument(
        "--activity",
        required=required,
        choices=[a.value for a in Activity],
        help=f"{change}way it was gathered (001 Proposal three; 002 §40-48; 004 §35)",
    )
    meeting = parser.add_mutually_exclusive_group() if amend else parser
    meeting.add_argument(
        "--meeting",
        choices=[m.value for m in Meeting],
        help="the multi-agency meeting observed, for a meeting_observation only (002 §40)",
    )
    parser.add_argument(
        "--area",
        required=required,
        metavar="AREA",
        help=f"{change}judgement area of the programme, e.g. identification_and_referral "
        "(`jip programmes PROGRAMME` lists them)",
    )
    criteria = parser.add_mutually_exclusive_group() if amend else parser
    criteria.add_argument(
        "--criterion",
        action="append",
        default=None if amend else [],
        metavar="ID",
        help="a criterion of the programme under that area, e.g. 68q for 004 §68 q; repeat for more"
        + ("; replaces the item's criteria" if amend else ""),
    )
    parser.add_argument(
        "--bearing",
        required=required,
        choices=[b.value for b in Bearing],
        help="what the item shows: a strength, a weakness or an area for improvement (004 §24)",
    )
    case = parser.add_mutually_exclusive_group() if amend else parser
    case.add_argument(
        "--case",
        metavar="REF",
        help="the area's pseudonymous case reference, e.g. WKF-0042: needed for case work, never a name "
        "(domain.md Data protection); case tracking needs it in the shared sample or your own (002 §43-44)",
    )
    if amend:
        meeting.add_argument("--no-meeting", action="store_true", help="clear the meeting observed")
        criteria.add_argument("--no-criteria", action="store_true", help="clear the criteria")
        case.add_argument("--no-case", action="store_true", help="clear the case reference")
    text = parser.add_mutually_exclusive_group(required=required)
    text.add_argument("--text", help=f"{change}inspector's account")
    text.add_argument("--text-file", metavar="PATH", help=f"read {change}account from PATH (- for stdin)")


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    """Add the evidence commands to `jip`'s sub-command parser."""
    client = client_options(data_dir)

    e = commands.add_parser(
        "evidence",
        help=summary("evidence"),
        description="Inspectors record evidence for their own inspectorate (--as) from the start of notice "
        "until the lead inspectorate closes evidence gathering (001 Proposal two; 004 §35). Corrections are "
        "new events: an item's earlier versions stay in its history.",
    )
    acts = e.add_subparsers(dest="action", required=True, metavar="ACTION")

    record = acts.add_parser(
        "record",
        parents=[client],
        help="record an evidence item for your inspectorate; prints its id and version",
        description="Record an evidence item for your own inspectorate (--as; domain.md People). Evidence is "
        "accepted from the start of notice until evidence gathering is closed (001 Proposal two; 004 §35); "
        "case tracking is of cases in the shared sample or your inspectorate's own (002 §43-44).",
    )
    record.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    _detail_options(record, amend=False)

    listing = acts.add_parser(
        "list",
        parents=[client],
        help="the inspection's evidence items as they stand, as a table",
        description="Every item as it stands after its corrections, oldest first; withdrawn items only with "
        "--withdrawn. Filters combine.",
    )
    listing.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    listing.add_argument("--agency", choices=[a.value for a in Agency], help="only those about this agency")
    listing.add_argument("--inspectorate", choices=[i.value for i in Inspectorate], help="who recorded it")
    listing.add_argument("--criterion", metavar="ID", help="items citing this criterion, e.g. 68q")
    listing.add_argument("--case", metavar="REF", help="items about this case")
    listing.add_argument("--bearing", choices=[b.value for b in Bearing], help="only those showing this")
    listing.add_argument("--activity", choices=[a.value for a in Activity], help="only those gathered so")
    listing.add_argument("--withdrawn", action="store_true", help="include withdrawn items")
    listing.add_argument("--limit", type=int, help="at most this many (the service's default: 200)")
    listing.add_argument("--offset", type=int, help="skip this many first")

    show = acts.add_parser(
        "show",
        parents=[client],
        help="one item as it stands, and every correction made to it with its reason",
        description="An item as it stands and its history: recorded, each amendment with what it changed and "
        "why, and its withdrawal (architecture.md: events are immutable facts; a correction is a new event).",
    )
    show.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    show.add_argument("item_id", metavar="ITEM", help="the evidence item's id (`jip evidence list`)")

    amend = acts.add_parser(
        "amend",
        parents=[client],
        help="correct an item your inspectorate recorded: change only the options given, with a reason",
        description="Correct an item your inspectorate recorded (domain.md People). The item is read, the "
        "options given replace its details and the whole corrected item is sent with the reason. The "
        "amendment names the version it corrects (If-Match: the version just read, or --if-match VERSION, "
        "the one you saw), so a change made meanwhile is refused, never overwritten. Changing the activity "
        "from meeting_observation clears the meeting.",
    )
    amend.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    amend.add_argument("item_id", metavar="ITEM", help="the evidence item's id (`jip evidence list`)")
    amend.add_argument("--reason", required=True, help="why the item is corrected")
    amend.add_argument("--if-match", type=int, metavar="VERSION", help="refuse if the item is past VERSION")
    _detail_options(amend, amend=True)

    withdraw = acts.add_parser(
        "withdraw",
        parents=[client],
        help="withdraw an item your inspectorate recorded: it no longer counts, its history stays",
        description="Withdraw an item your inspectorate recorded (domain.md People): judgements, "
        "triangulation and reports leave it out from now on; its history stays in the log.",
    )
    withdraw.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    withdraw.add_argument("item_id", metavar="ITEM", help="the evidence item's id (`jip evidence list`)")
    withdraw.add_argument("--reason", required=True, help="why it no longer counts")
    withdraw.add_argument(
        "--if-match", type=int, metavar="VERSION", help="refuse if the item is past VERSION"
    )

    close = acts.add_parser(
        "close",
        parents=[client],
        help="close evidence gathering (the lead inspectorate)",
        description="The lead inspectorate closes evidence gathering: no item is recorded, amended or "
        "withdrawn after it (001 Proposal two; 004 §35).",
    )
    close.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    close.add_argument("--reason", required=True, help="e.g. fieldwork is over")

    erase = acts.add_parser(
        "erase",
        parents=[client],
        help="erase a case: destroy its key, so every text about it reads [erased] (the lead inspectorate)",
        description="Erase a child's case on request, without rewriting the log (domain.md, Data "
        "protection). Every text about the case (evidence summaries, sample reasons, lines of enquiry) was "
        "sealed to the case's own key; erasure destroys the key, so those texts read [erased] in the "
        "log, on every topic, in every read model and every backup, while the events, their hash chain "
        "and every replay stay as they were. Nothing more is recorded about the case afterwards. It cannot "
        "be undone. The lead inspectorate's lead inspector erases.",
    )
    erase.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    erase.add_argument(
        "case_reference", metavar="REF", help="the case's pseudonymous reference, e.g. WKF-0042"
    )
    erase.add_argument(
        "--basis",
        required=True,
        choices=[b.value for b in ErasureBasis],
        help="the ground for erasure (UK GDPR Art. 17): never free text, which could itself be personal",
    )

    tri = acts.add_parser(
        "triangulation",
        parents=[client],
        help="per agency: what each area and criterion shows, its corroboration, and what has no evidence",
        description="Per agency, each judgement area and criterion with its findings: the bearing, how many "
        "items, from which inspectorates and activities, and whether it is CORROBORATED by two independent "
        "sources (two inspectorates or two kinds of evidence: 001 Proposal three; 004 §24, §35) or from a "
        "single source; CONTESTED where items show both a strength and a weakness. Then what has no "
        "evidence yet.",
    )
    tri.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    tri.add_argument("--agency", choices=[a.value for a in Agency], help="only this agency")

    case = acts.add_parser(
        "case",
        parents=[client],
        help="one child's case across every inspectorate: its samples, evidence and corroboration",
        description="A case tracked jointly (002 §43-44; 001 Proposal three): the samples it is in, every "
        "standing item about it, and its findings per agency.",
    )
    case.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    case.add_argument("case_reference", metavar="REF", help="the pseudonymous case reference the area issued")
    e.set_defaults(run=evidence)
