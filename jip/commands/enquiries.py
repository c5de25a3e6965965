"""`jip samples` and `jip enquiries`: the cases the inspectorates track, in the shared sample (002 §43) and
each inspectorate's own (002 §44), and the lines of enquiry they share (e.g. 004 §35); requests to the
running evidence service, made as in `jip evidence`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from typing import Any

from jip.client import client_options, segment
from jip.commands import summary
from jip.commands.evidence import SERVICE
from jip.options import (
    INSPECTION,
    inspection_path,
)
from jip.render import excerpt, table, when, wrapped
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.envelope import Inspectorate

SAMPLES = ["shared", *(i.value for i in Inspectorate)]


def samples_text(file: Mapping[str, Any]) -> str:
    """`jip samples show`: every case sampled, with who added it and why."""
    state = f"closed by {file['closed_by']}" if file["closed"] else "open"
    lines = [f"inspection {file['inspection_id']}: evidence gathering {state}"]
    if not file["samples"]:
        lines.append("no case is in a sample yet: `jip samples add INSPECTION REF --reason R` adds one")
        return "\n".join(lines)
    rows = [
        [s["sample"], s["case_reference"], s["added_by"], excerpt(s["reason"], 60)] for s in file["samples"]
    ]
    return "\n".join(lines + table(["sample", "case", "added by", "reason"], rows))


def samples(args: argparse.Namespace) -> int:
    base = f"{inspection_path(args)}/samples"
    match args.action:
        case "show":
            answer = SERVICE.call(args, "GET", base)
        case "add":
            body = {"case_reference": args.case_reference, "reason": args.reason}
            answer = SERVICE.call(args, "POST", f"{base}/{segment(args.sample)}/cases", body)
        case _:  # remove
            path = f"{base}/{segment(args.sample)}/cases/{segment(args.case_reference)}/removal"
            answer = SERVICE.call(args, "POST", path, {"reason": args.reason})
    print(json.dumps(answer, indent=2) if args.json else samples_text(answer))
    return 0


def line_text(line: Mapping[str, Any]) -> str:
    """`jip enquiries show`: a line of enquiry, its answers and its conclusion."""
    status = f"CLOSED by {line['closed_by']}" if line["status"] == "closed" else "OPEN"
    about = [str(line["agency"])]
    about += [f"case {line['case_reference']}"] if line.get("case_reference") else []
    about += [f"criteria {', '.join(line['criteria'])}"] if line.get("criteria") else []
    lines = [
        f"line of enquiry {line['line_id']} of inspection {line['inspection_id']}: {status}",
        f"  raised by {line['raised_by']} at {when(line['raised_at'])} about {', '.join(about)}",
        *wrapped("question: ", line["question"]),
    ]
    for answer in line["answers"]:
        lines.append(
            f"  answered by {answer['answered_by']} at {when(answer['answered_at'])}, citing "
            f"{', '.join(answer['evidence_item_ids'])}:"
        )
        lines += wrapped("", answer["answer"], "    ")
    if line.get("conclusion"):
        lines += wrapped("conclusion: ", line["conclusion"])
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
            excerpt(line["question"]),
        ]
        for line in lines
    ]
    return "\n".join(table(["line", "status", "raised by", "agency", "case", "answers", "question"], rows))


def enquiries(args: argparse.Namespace) -> int:
    base = f"{inspection_path(args)}/lines-of-enquiry"
    line_path = f"{base}/{segment(getattr(args, 'line_id', ''))}"
    match args.action:
        case "raise":
            body = {
                "agency": args.agency,
                "case_reference": args.case,
                "criteria": args.criterion,
                "question": args.question,
            }
            answer = SERVICE.call(args, "POST", base, {k: v for k, v in body.items() if v is not None})
        case "list":
            found = SERVICE.call(args, "GET", base, status=args.status, agency=args.agency)
            print(json.dumps(found, indent=2) if args.json else lines_table(found))
            return 0
        case "show":
            answer = SERVICE.call(args, "GET", line_path)
        case "answer":
            body = {"evidence_item_ids": args.item, "answer": args.answer}
            answer = SERVICE.call(args, "POST", f"{line_path}/answers", body)
        case _:  # close
            answer = SERVICE.call(args, "POST", f"{line_path}/closure", {"conclusion": args.conclusion})
    print(json.dumps(answer, indent=2) if args.json else line_text(answer))
    return 0


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    """Add the samples and enquiries commands to `jip`'s sub-command parser."""
    client = client_options(data_dir)

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
