"""The steps of a report's lifecycle as `jip documents` actions (001 Proposal four): draft, quality-assure,
agree, send, respond, decide, make final and publish, then the post-inspection action plan (001 Post
inspection action plan); each step's request to the reporting service, and its arguments."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from embedded.errors import StackError
from jip.options import (
    day,
    inspection_argument,
    inspection_path,
)
from shared.language.contracts.reporting import Decision
from shared.language.contracts.vocabulary import Agency

RULE = "001 Proposal four"


ACTION_PLAN_RULE = "001 Post inspection action plan"


STEPS = {
    "draft": (
        "draft",
        "the lead inspectorate drafts the report (again): quality assurance and agreement start afresh",
        "The lead inspectorate drafts the report from the event log as it stands, once fieldwork is over "
        "(after the joint feedback meeting on its last day, 001 Proposal three) and every judgement it "
        "reports is final. Each draft is numbered and needs Ofsted's quality assurance and every "
        "inspectorate's agreement afresh. Every step until the draft is sent applies to the content as "
        "drafted: if the events it is rendered from move on (a new finding, a withdrawn item), draft it "
        f"again ({RULE}). Refused once the draft is sent: corrections then follow its factual-accuracy "
        "response. Once the report is published, --correction WHAT drafts a corrected edition, saying what "
        "changed and when; it is agreed by every inspectorate, made final and published again, and the "
        "edition it corrects stays as it was published.",
    ),
    "quality-assure": (
        "quality-assurance",
        "Ofsted, as the lead inspectorate, quality-assures the draft",
        f"Ofsted, as the lead inspectorate, quality-assures the current draft ({RULE}: Ofsted will quality "
        "assure). Refused if the report has changed since it was drafted.",
    ),
    "agree": (
        "agreement",
        "your inspectorate agrees the quality-assured draft",
        "Your inspectorate (--as) agrees the quality-assured draft. The report is agreed by every "
        f"inspectorate taking part ({RULE}) before it goes to the LSCB.",
    ),
    "send": (
        "sending",
        "the lead inspectorate sends the agreed draft to whoever its programme names (the LSCB chair)",
        "The lead inspectorate sends the agreed draft to whoever the programme names, who coordinates ONE "
        f"factual-accuracy response ({RULE}): the chair of the LSCB, named from the area's board register "
        "(the business manager when the chair is away or the post is vacant), or, where no LSCB is in the "
        "programme's scope, an agency's senior leader, named with --addressee (CLA 2012: the local "
        "authority's). Refused until Ofsted has quality-assured it and every inspectorate taking part has "
        "agreed it.",
    ),
    "finalise": (
        "final",
        "the lead inspectorate makes the report final, once every point of the response is decided",
        "The lead inspectorate makes the report final after the factual-accuracy response, once "
        f"every point of it is decided ({RULE}), on the content every inspectorate agreed and sent, or as "
        "an accepted point corrected it: a change since then is agreed by every inspectorate again first. "
        "The final report is the log as at this moment: whatever happens later, it renders the same bytes.",
    ),
    "publish": (
        "publication",
        "your inspectorate publishes the final report",
        f"Your inspectorate (--as) publishes the final report: it is published by each inspectorate ({RULE})."
        " It is published once every inspectorate taking part has.",
    ),
}


CHANGES = (*STEPS, "respond", "decide", "action-plan", "plan-received", "plan-progress")


def _report(args: argparse.Namespace) -> str:
    return f"{inspection_path(args)}/report"


def points_body(args: argparse.Namespace) -> dict[str, Any]:
    """The body of `respond`: the points given by --point N TEXT (and --section N SECTION), or in --file."""
    if args.file is not None:
        try:
            raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
            loaded = json.loads(raw)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise StackError(f"--file {args.file}: cannot read it as JSON: {exc}") from None
        points = loaded.get("points") if isinstance(loaded, dict) else loaded
        if not isinstance(points, list):
            raise StackError(f"--file {args.file}: give a list of {{point, section, text}}, or {{points: …}}")
        return {"points": points}
    numbered: dict[int, dict[str, Any]] = {}
    found: list[dict[str, Any]] = []
    for number, text in args.point:
        if not number.isdigit():
            raise StackError(f"--point {number} {text!r}: N is the point's number, e.g. 1")
        point = {"point": int(number), "text": text}
        numbered.setdefault(int(number), point)
        found.append(point)
    for number, section in args.section:
        if not number.isdigit() or int(number) not in numbered:
            raise StackError(f"--section {number} {section!r}: no --point {number} was given")
        numbered[int(number)]["section"] = section
    return {"points": found}


def _change(args: argparse.Namespace) -> tuple[str, dict[str, Any] | None]:
    """The path and body of a change to the report's lifecycle."""
    report = _report(args)
    match args.action:
        case "respond":
            return f"{report}/factual-accuracy-response", points_body(args)
        case "decide":
            body = {"point": args.point, "decision": args.decision, "reason": args.reason}
            return f"{report}/factual-accuracy-decisions", body
        case "action-plan":
            return f"{report}/action-plan", {"led_by": args.led_by, "due_on": args.due_on}
        case "plan-received":
            return f"{report}/action-plan/receipt", {"received_on": args.on}
        case "plan-progress":
            return f"{report}/action-plan/progress", {"on": args.on, "note": args.note}
        case "draft" if args.correction:
            return f"{report}/draft", {"correction": args.correction}
        case "send" if args.addressee:
            return f"{report}/sending", {"addressee": args.addressee}
        case step:
            return f"{report}/{STEPS[step][0]}", None


def _add_step_commands(acts: Any, client: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    changes = []
    for name, (_, helptext, description) in STEPS.items():
        step = acts.add_parser(name, parents=[client], help=helptext, description=description)
        inspection_argument(step)
        changes.append(step)
        if name == "draft":
            step.add_argument(
                "--correction",
                metavar="WHAT",
                help="after publication: what changed and when; drafts the corrected edition",
            )
        elif name == "send":
            step.add_argument(
                "--addressee",
                metavar="NAME",
                help="the agency senior leader it goes to, where the programme sends it to one (CLA 2012)",
            )

    respond = acts.add_parser(
        "respond",
        parents=[client],
        help="record the LSCB's one coordinated factual-accuracy response, point by point",
        description="Record the partnership's factual-accuracy response to the draft sent to the chair of "
        f"the LSCB: there is ONE, coordinated by the chair ({RULE}), and it is recorded once. Each point "
        "has its own number. Give the points as --point N TEXT (with --section N SECTION for where in "
        'the draft), or in --file: JSON, a list of {"point": 1, "section": "...", "text": "..."}. '
        "Only the chair of the inspected area's LSCB may: act as them with --as lscb_chair:AREA_CODE "
        "(e.g. lscb_chair:E08000036). Where the programme sends the draft to an agency's senior leader "
        "instead (CLA 2012), the lead inspectorate records the response they coordinated.",
    )
    inspection_argument(respond)
    points = respond.add_mutually_exclusive_group(required=True)
    points.add_argument(
        "--point",
        nargs=2,
        action="append",
        metavar=("N", "TEXT"),
        help="a point of the response: its number and what the partnership says is inaccurate",
    )
    points.add_argument("--file", metavar="PATH", help="read the points from a JSON file (- for stdin)")
    respond.add_argument(
        "--section",
        nargs=2,
        action="append",
        default=[],
        metavar=("N", "SECTION"),
        help="where in the draft point N is, e.g. 'Key strengths'",
    )

    decide = acts.add_parser(
        "decide",
        parents=[client],
        help="the lead inspectorate accepts or rejects one point of the response, with the reason",
        description="The lead inspectorate decides one point of the LSCB's factual-accuracy response: "
        f"accepted (say what was corrected) or rejected (say why), once. The report is made final when "
        f"every point is decided ({RULE}).",
    )
    inspection_argument(decide)
    decide.add_argument("--point", required=True, type=int, metavar="N", help="the point's number")
    decision = decide.add_mutually_exclusive_group(required=True)
    decision.add_argument(
        "--accept",
        dest="decision",
        action="store_const",
        const=Decision.ACCEPTED.value,
        help="the point is accepted: the report is corrected",
    )
    decision.add_argument(
        "--reject",
        dest="decision",
        action="store_const",
        const=Decision.REJECTED.value,
        help="the point is not accepted",
    )
    decide.add_argument(
        "--reason", required=True, help="what was corrected, or why the point was not accepted"
    )

    plan = acts.add_parser(
        "action-plan",
        parents=[client],
        help="Ofsted says which agency leads the post-inspection action plan, and when it is due",
        description="After the report is final, Ofsted determines which inspected agency leads the "
        f"post-inspection action plan, working with the others, and when it is due ({ACTION_PLAN_RULE}). "
        "Once only, and only where the programme tracks an action plan.",
    )
    inspection_argument(plan)
    plan.add_argument(
        "--led-by",
        required=True,
        choices=[a.value for a in Agency],
        metavar="AGENCY",
        help="the agency inspected here that leads it; one of %(choices)s",
    )
    plan.add_argument(
        "--due", dest="due_on", required=True, type=day, metavar="YYYY-MM-DD", help="due after today"
    )

    received = acts.add_parser(
        "plan-received",
        parents=[client],
        help="the lead inspectorate records that the action plan was received",
        description=f"Record the day the requested action plan was received ({ACTION_PLAN_RULE}).",
    )
    inspection_argument(received)
    received.add_argument("--on", required=True, type=day, metavar="YYYY-MM-DD", help="the day received")

    progress = acts.add_parser(
        "plan-progress",
        parents=[client],
        help="track the action plan: the progress seen on a day",
        description="Track the received action plan: record the progress seen on a day "
        f"({ACTION_PLAN_RULE}).",
    )
    inspection_argument(progress)
    progress.add_argument("--on", required=True, type=day, metavar="YYYY-MM-DD", help="the day seen")
    progress.add_argument("--note", required=True, help="what progress was seen")
    return [*changes, respond, decide, plan, received, progress]
