"""`jip evidence`, `jip samples` and `jip enquiries`: requests to the running evidence service.

Each command is made as the actor given by --as (or $JIP_ACTOR), like the scheduling commands; the service
is at $JIP_EVIDENCE_URL, or on the embedded stack's port. The service's rules stay in the service: a
refused command prints its reason and the rule it cites, e.g. `jip: error: ... (rule: 002 §43)`."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jip.commands import StackError, summary
from jip.scheduling import _request, client_options
from shared.contracts.evidence import Activity, Bearing, ErasureBasis, EvidenceDetails, Meeting
from shared.contracts.vocabulary import Agency
from shared.envelope import Inspectorate
from shared.workdays import ENGLAND

SERVICE = "evidence"
# The fields of an evidence item an inspector records, in the order the API lists them.
DETAILS = tuple(EvidenceDetails.model_fields)
SAMPLES = ["shared", *(i.value for i in Inspectorate)]
EXCERPT = 48
INSPECTION = "the inspection's id (`jip inspections list` shows them)"


def _call(
    args: argparse.Namespace,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Any:
    return _request(args, method, path, body, service=SERVICE, headers=headers, **params)


def _segment(value: str) -> str:
    """A value put in a URL path, so that a stray `/` or `?` in it cannot change the request."""
    return quote(value, safe="")


def _inspection(args: argparse.Namespace) -> str:
    return f"/inspections/{_segment(args.inspection_id)}"


def _if_match(version: int | None) -> dict[str, str]:
    return {} if version is None else {"If-Match": f'"{version}"'}


def _dump(answer: Any) -> int:
    print(json.dumps(answer, indent=2))
    return 0


# ---------------------------------------------------------------- evidence items


def _text(args: argparse.Namespace) -> str | None:
    if getattr(args, "text_file", None) is None:
        return args.text  # type: ignore[no-any-return]
    path: str = args.text_file
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StackError(f"--text-file {path}: cannot read it: {exc}") from None
    return text.strip()


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
        "summary": _text(args),
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


def _excerpt(text: str, width: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [headers, *rows]
    ]


def _activity(item: Mapping[str, Any]) -> str:
    return f"{item['activity']} ({item['meeting']})" if item.get("meeting") else str(item["activity"])


def items_table(items: Sequence[Mapping[str, Any]]) -> str:
    """`jip evidence list`: one line per item, its id first (for show, amend, withdraw, enquiries answer)."""
    if not items:
        return "no evidence items"
    rows = [
        [
            i["evidence_item_id"],
            i["inspectorate"],
            i["agency"],
            i["judgement_area"],
            ",".join(i.get("criteria") or []) or "-",
            i["bearing"],
            i.get("case_reference") or "-",
            _activity(i),
            ("WITHDRAWN " if i.get("withdrawn") else "") + _excerpt(i["summary"]),
        ]
        for i in items
    ]
    headers = ["item", "inspectorate", "agency", "area", "criteria", "bearing", "case", "activity", "text"]
    return "\n".join(_table(headers, rows))


def _when(timestamp: str) -> str:
    """A moment the service gives (UTC, ISO 8601) as the time in England, to the minute."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ENGLAND).strftime("%Y-%m-%d %H:%M")


def _wrapped(label: str, text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()),
        width=100,
        initial_indent=f"{indent}{label}",
        subsequent_indent=indent + " " * len(label),
    )


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    def shown(field: str, value: Any) -> str:
        if field == "summary":
            return f'"{_excerpt(str(value), 40)}"'
        if isinstance(value, list):
            return ",".join(value) or "none"
        return str(value) if value is not None else "none"

    return [
        f"{field}: {shown(field, before.get(field))} -> {shown(field, after.get(field))}"
        for field in DETAILS
        if before.get(field) != after.get(field)
    ]


def item_text(answer: Mapping[str, Any]) -> str:
    """`jip evidence show`: the item as it stands, then each version of it, corrections with their reasons."""
    item = answer["item"]
    state = f"  WITHDRAWN: {item['correction']}" if item.get("withdrawn") else ""
    lines = [
        f"evidence item {item['evidence_item_id']} of inspection {item['inspection_id']}, "
        f"version {item['version']}{state}",
        f"  recorded by {item['inspectorate']} ({item['inspector']}) at {_when(item['recorded_at'])}",
        f"  agency    {item['agency']}",
        f"  activity  {_activity(item)}",
        f"  area      {item['judgement_area']}",
        f"  criteria  {', '.join(item.get('criteria') or []) or '-'}",
        f"  bearing   {item['bearing']}",
        f"  case      {item.get('case_reference') or '-'}",
        *_wrapped("summary   ", item["summary"]),
        "history:",
    ]
    before: Mapping[str, Any] | None = None
    for revision in answer.get("history", []):
        kind = str(revision["event_type"]).rsplit(".", 1)[-1].removeprefix("EvidenceItem").lower()
        reason = f": {revision['reason']}" if revision.get("reason") else ""
        lines.append(
            f"  v{revision['version']} {_when(revision['occurred_at'])} {kind} by {revision['inspectorate']} "
            f"({revision['inspector']}){reason}"
        )
        details = revision.get("details")
        if details is not None:
            if before is not None:
                lines += [f"       {change}" for change in _changes(before, details)]
            before = details
    return "\n".join(lines)


def evidence(args: argparse.Namespace) -> int:
    base = _inspection(args)
    item_path = f"{base}/evidence/{_segment(getattr(args, 'item_id', ''))}"
    match args.action:
        case "record":
            item = _call(args, "POST", f"{base}/evidence", given_details(args))
            if args.json:
                return _dump(item)
            print(f"recorded evidence item {item['evidence_item_id']} (version {item['version']})")
        case "list":
            items = _call(
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
            answer = _call(args, "GET", item_path)
            print(json.dumps(answer, indent=2) if args.json else item_text(answer))
        case "amend":
            current = _call(args, "GET", item_path)["item"]
            body = {"reason": args.reason, "details": merge_details(current, args)}
            # Read, change, write: the write says which version it changes, so nothing made meanwhile is lost.
            version = args.if_match if args.if_match is not None else current["version"]
            item = _call(args, "POST", f"{item_path}/amendments", body, headers=_if_match(version))
            if args.json:
                return _dump(item)
            print(f"amended evidence item {item['evidence_item_id']}: now version {item['version']}")
        case "withdraw":
            item = _call(
                args,
                "POST",
                f"{item_path}/withdrawal",
                {"reason": args.reason},
                headers=_if_match(args.if_match),
            )
            if args.json:
                return _dump(item)
            print(f"withdrew evidence item {item['evidence_item_id']}: now version {item['version']}")
        case "close":
            answer = _call(args, "POST", f"{base}/closure", {"reason": args.reason})
            if args.json:
                return _dump(answer)
            print(
                f"evidence gathering closed for inspection {answer['inspection_id']} by {answer['closed_by']}"
            )
        case "erase":
            path = f"{base}/cases/{_segment(args.case_reference)}/erasure"
            answer = _call(args, "POST", path, {"basis": args.basis})
            if args.json:
                return _dump(answer)
            print(erasure_text(answer))
        case "triangulation":
            answer = _call(args, "GET", f"{base}/triangulation", agency=args.agency)
            print(json.dumps(answer, indent=2) if args.json else triangulation_text(answer))
        case _:  # case
            answer = _call(args, "GET", f"{base}/cases/{_segment(args.case_reference)}")
            print(json.dumps(answer, indent=2) if args.json else case_text(answer))
    return 0


def erasure_text(answer: Mapping[str, Any]) -> str:
    held = [
        f"{answer['items']} evidence item(s)",
        f"{answer['lines_of_enquiry']} line(s) of enquiry",
        f"{len(answer['samples'])} sample(s)",
    ]
    return (
        f"case {answer['case_reference']} erased ({answer['basis']}): its key is destroyed, so its text "
        f"reads [erased] in {', '.join(held)} and wherever the log was copied; nothing more is recorded "
        "about it"
    )


# ---------------------------------------------------------------- triangulation and cases


def finding_text(finding: Mapping[str, Any]) -> str:
    count = len(finding["evidence_item_ids"])
    cases = f"; cases {', '.join(finding['case_references'])}" if finding.get("case_references") else ""
    verdict = "CORROBORATED" if finding["corroborated"] else "single source"
    return (
        f"{finding['bearing']}: {count} item{'s' if count != 1 else ''} from "
        f"{', '.join(finding['inspectorates'])} by {', '.join(finding['activities'])}{cases} - {verdict}"
    )


def _area_lines(title: str, evidence: Mapping[str, Any], indent: str) -> list[str]:
    contested = " - CONTESTED: a strength and a weakness both shown" if evidence["contested"] else ""
    return [f"{indent}{title}{contested}", *(f"{indent}  {finding_text(f)}" for f in evidence["findings"])]


def triangulation_text(view: Mapping[str, Any]) -> str:
    """`jip evidence triangulation`: per agency, what each area and criterion shows and how well it is
    corroborated, then what has no evidence yet."""
    lines = [
        f"inspection {view['inspection_id']} ({view['programme']}): {view['items']} evidence item(s), "
        f"{view['corroborated_findings']} corroborated finding(s)",
        f"corroborated: {view['rule']}",
    ]
    for agency in view["agencies"]:
        lines += [
            "",
            f"{agency['agency']}: {agency['items']} item(s), "
            f"{agency['corroborated_findings']} corroborated finding(s)",
        ]
        for area in agency["areas"]:
            lines += _area_lines(area["judgement_area"], area, "  ")
        if agency["criteria"]:
            lines.append("  criteria:")
            for criterion in agency["criteria"]:
                title = f"{criterion['criterion']} ({criterion['source']}, {criterion['judgement_area']})"
                lines += _area_lines(title, criterion, "    ")
        gaps = agency["coverage"]
        if not gaps["criteria_without_evidence"] and not gaps["areas_without_evidence"]:
            lines.append("  no evidence yet: none, every area and criterion has some")
            continue
        lines.append("  no evidence yet:")
        if gaps["areas_without_evidence"]:
            lines += _wrapped("areas: ", ", ".join(gaps["areas_without_evidence"]), "    ")
        if gaps["criteria_without_evidence"]:
            lines += _wrapped("criteria: ", ", ".join(gaps["criteria_without_evidence"]), "    ")
    return "\n".join(lines)


def _sample_name(sample: str) -> str:
    """No paragraph: each programme states its samples in its own (`jip programmes ID`, rules)."""
    return "the shared sample" if sample == "shared" else f"{sample}'s own sample"


def case_text(view: Mapping[str, Any]) -> str:
    """`jip evidence case`: one child's case across every inspectorate."""
    samples = ", ".join(_sample_name(s) for s in view["samples"]) or "no sample"
    sources = ", ".join(view["inspectorates"]) or "no inspectorate yet"
    erased = "; ERASED: its text reads [erased]" if view.get("erased") else ""
    lines = [f"case {view['case_reference']}: in {samples}; evidence from {sources}{erased}"]
    if view["findings"]:
        lines.append("findings:")
        for agency, found in view["findings"].items():
            lines += [f"  {agency}: {finding_text(f)}" for f in found]
    if view["items"]:
        lines += ["items:", *(f"  {line}" for line in items_table(view["items"]).splitlines())]
    return "\n".join(lines)


# ---------------------------------------------------------------- samples


def samples_text(file: Mapping[str, Any]) -> str:
    """`jip samples show`: every case sampled, with who added it and why."""
    state = f"closed by {file['closed_by']}" if file["closed"] else "open"
    lines = [f"inspection {file['inspection_id']}: evidence gathering {state}"]
    if not file["samples"]:
        lines.append("no case is in a sample yet: `jip samples add INSPECTION REF --reason R` adds one")
        return "\n".join(lines)
    rows = [
        [s["sample"], s["case_reference"], s["added_by"], _excerpt(s["reason"], 60)] for s in file["samples"]
    ]
    return "\n".join(lines + _table(["sample", "case", "added by", "reason"], rows))


def samples(args: argparse.Namespace) -> int:
    base = f"{_inspection(args)}/samples"
    match args.action:
        case "show":
            answer = _call(args, "GET", base)
        case "add":
            body = {"case_reference": args.case_reference, "reason": args.reason}
            answer = _call(args, "POST", f"{base}/{_segment(args.sample)}/cases", body)
        case _:  # remove
            path = f"{base}/{_segment(args.sample)}/cases/{_segment(args.case_reference)}/removal"
            answer = _call(args, "POST", path, {"reason": args.reason})
    print(json.dumps(answer, indent=2) if args.json else samples_text(answer))
    return 0


# ---------------------------------------------------------------- lines of enquiry


def line_text(line: Mapping[str, Any]) -> str:
    """`jip enquiries show`: a line of enquiry, its answers and its conclusion."""
    status = f"CLOSED by {line['closed_by']}" if line["status"] == "closed" else "OPEN"
    about = [str(line["agency"])]
    about += [f"case {line['case_reference']}"] if line.get("case_reference") else []
    about += [f"criteria {', '.join(line['criteria'])}"] if line.get("criteria") else []
    lines = [
        f"line of enquiry {line['line_id']} of inspection {line['inspection_id']}: {status}",
        f"  raised by {line['raised_by']} at {_when(line['raised_at'])} about {', '.join(about)}",
        *_wrapped("question: ", line["question"]),
    ]
    for answer in line["answers"]:
        lines.append(
            f"  answered by {answer['answered_by']} at {_when(answer['answered_at'])}, citing "
            f"{', '.join(answer['evidence_item_ids'])}:"
        )
        lines += _wrapped("", answer["answer"], "    ")
    if line.get("conclusion"):
        lines += _wrapped("conclusion: ", line["conclusion"])
    return "\n".join(lines)


def lines_table(lines: Sequence[Mapping[str, Any]]) -> str:
    """`jip enquiries list`: one line per line of enquiry, oldest first."""
    if not lines:
        return "no lines of enquiry"
    rows = [
        [
            line["line_id"],
            line["status"],
            line["raised_by"],
            line["agency"],
            line.get("case_reference") or "-",
            str(len(line["answers"])),
            _excerpt(line["question"]),
        ]
        for line in lines
    ]
    return "\n".join(_table(["line", "status", "raised by", "agency", "case", "answers", "question"], rows))


def enquiries(args: argparse.Namespace) -> int:
    base = f"{_inspection(args)}/lines-of-enquiry"
    line_path = f"{base}/{_segment(getattr(args, 'line_id', ''))}"
    match args.action:
        case "raise":
            body = {
                "agency": args.agency,
                "case_reference": args.case,
                "criteria": args.criterion,
                "question": args.question,
            }
            answer = _call(args, "POST", base, {k: v for k, v in body.items() if v is not None})
        case "list":
            found = _call(args, "GET", base, status=args.status, agency=args.agency)
            print(json.dumps(found, indent=2) if args.json else lines_table(found))
            return 0
        case "show":
            answer = _call(args, "GET", line_path)
        case "answer":
            body = {"evidence_item_ids": args.item, "answer": args.answer}
            answer = _call(args, "POST", f"{line_path}/answers", body)
        case _:  # close
            answer = _call(args, "POST", f"{line_path}/closure", {"conclusion": args.conclusion})
    print(json.dumps(answer, indent=2) if args.json else line_text(answer))
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

    s = commands.add_parser(
        "samples",
        help=summary("samples"),
        description="All inspectorates track the cases of the shared sample together (002 §43); each "
        "inspectorate may also sample its own (002 §44). Inspectors change the shared sample or their own.",
    )
    sacts = s.add_subparsers(dest="action", required=True, metavar="ACTION")
    sshow = sacts.add_parser(
        "show",
        parents=[client],
        help="every sampled case, who added it and why",
        description="The shared sample (002 §43) and each inspectorate's own (002 §44): each case, who "
        "added it and why, and whether evidence gathering is still open.",
    )
    sshow.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    for name, helptext in (
        ("add", "add a case to the shared sample (002 §43) or your inspectorate's own (002 §44)"),
        ("remove", "take a case out of a sample, with the reason"),
    ):
        change = sacts.add_parser(
            name, parents=[client], help=helptext, description=helptext[0].upper() + helptext[1:] + "."
        )
        change.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
        change.add_argument(
            "case_reference", metavar="REF", help="the area's pseudonymous reference, e.g. WKF-0042"
        )
        change.add_argument(
            "--reason",
            required=True,
            help="why this child: the stage of their journey, the deep-dive cohort (002 §41)"
            if name == "add"
            else "why it leaves the sample",
        )
        change.add_argument(
            "--sample",
            default="shared",
            choices=SAMPLES,
            help="shared (the default) or your own inspectorate's",
        )
    s.set_defaults(run=samples)

    q = commands.add_parser(
        "enquiries",
        help=summary("enquiries"),
        description="A line of enquiry raised by one inspectorate about an agency or a case is visible at "
        "once to every inspectorate taking part (e.g. 004 §35); any of them answers it with evidence "
        "items, and who raised it, or the lead inspectorate, closes it with a conclusion.",
    )
    qacts = q.add_subparsers(dest="action", required=True, metavar="ACTION")
    qraise = qacts.add_parser(
        "raise",
        parents=[client],
        help="raise a line of enquiry about an agency or a case",
        description="Raise a line of enquiry about an agency, or one child's case, for every inspectorate "
        "taking part to pursue (e.g. 004 §35). Raised while evidence gathering is open.",
    )
    qraise.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    qraise.add_argument("--agency", required=True, choices=[a.value for a in Agency], help="who it is about")
    qraise.add_argument("--case", metavar="REF", help="the case it is about, if one")
    qraise.add_argument(
        "--criterion", action="append", default=[], metavar="ID", help="a criterion it bears on; repeat"
    )
    qraise.add_argument("--question", required=True, help="what the inspectorates should find out")
    qlist = qacts.add_parser(
        "list",
        parents=[client],
        help="every line of enquiry, oldest first",
        description="Every line of enquiry of the inspection, whoever raised it (e.g. 004 §35).",
    )
    qlist.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    qlist.add_argument("--status", choices=["open", "closed"], help="only open or only closed lines")
    qlist.add_argument("--agency", choices=[a.value for a in Agency], help="only lines about this agency")
    for name, helptext in (
        ("show", "a line of enquiry, its answers and conclusion"),
        ("answer", "answer a line with the evidence items that answer it (any inspectorate taking part)"),
        ("close", "close a line with its conclusion (who raised it, or the lead inspectorate)"),
    ):
        act = qacts.add_parser(
            name,
            parents=[client],
            help=helptext,
            description=f"{helptext[0].upper()}{helptext[1:]}: 004 §35.",
        )
        act.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
        act.add_argument("line_id", metavar="LINE", help="the line's id (`jip enquiries list`)")
        if name == "answer":
            act.add_argument(
                "--item",
                action="append",
                required=True,
                metavar="ID",
                help="an evidence item that answers it (standing, of this inspection); repeat for more",
            )
            act.add_argument("--answer", required=True, help="what the items show")
        if name == "close":
            act.add_argument("--conclusion", required=True, help="what the inspectorates concluded")
    q.set_defaults(run=enquiries)
