"""`jip rounds`, `jip inspections` and `jip inspectors`: requests to the running scheduling service, made as
the actor given by --as (or $JIP_ACTOR). `jip programmes` and `jip areas` read the data files
(programmes.py)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from embedded.errors import StackError
from jip.client import Service, client_options
from jip.commands import summary
from jip.options import (
    day,
)
from jip.render import table, when

SERVICE = Service("scheduling")


# ---------------------------------------------------------------- requests to the scheduling service


def _print(args: argparse.Namespace, answer: Any) -> int:
    if args.json or not isinstance(answer, dict) or "fieldwork_starts" not in answer:
        print(json.dumps(answer, indent=2))
        return 0
    a = answer
    theme = f", deep dive: {a['deep_dive_theme']}" if a.get("deep_dive_theme") else ""
    lines = [
        f"inspection {a['inspection_id']} ({a['programme']}) in {a['local_area']} ({a['area_code']}){theme}",
        f"  fieldwork {a['fieldwork_starts']} to {a['fieldwork_ends']}; "
        + (f"notice on {a['notice_date']}" if a["announced"] else "unannounced"),
        f"  taking part: {', '.join(a['inspectorates'])}",
        *(f"  {m['kind']} meeting on {m['on']}" for m in a["meetings"]),
        *(
            f"  notified {n['recipient']} {n['agency'] or ''} by {n['notified_by']}"
            for n in a["notifications"]
        ),
        *(f"  team: {m['inspector_id']} ({m['inspectorate']}) week(s) {m['weeks']}" for m in a["team"]),
    ]
    if a.get("cancelled"):
        lines.append(f"  CANCELLED: {a['cancelled']['reason']}")
    print("\n".join(lines))
    return 0


def rounds(args: argparse.Namespace) -> int:
    if args.action == "list":
        return _print(args, SERVICE.call(args, "GET", "/rounds"))
    if args.action == "show":
        planned = SERVICE.call(args, "GET", f"/rounds/{args.round_id}")
    else:
        concerns = []
        for text in args.concern:
            area, _, rest = text.partition(":")
            inspectorate, _, concern = rest.partition(":")
            if not concern:
                raise StackError(f"--concern {text!r}: give AREA:INSPECTORATE:CONCERN")
            concerns.append({"area_code": area, "inspectorate": inspectorate, "concern": concern})
        body = {
            "programme": args.programme,
            "name": args.name,
            "size": args.size,
            "deep_dive_theme": args.theme,
            "seed": args.seed,
            "returning_after_inadequate": args.returning,
            "concerns": concerns,
        }
        planned = SERVICE.call(args, "POST", "/rounds", {k: v for k, v in body.items() if v is not None})
    if args.json:
        return _print(args, planned)
    print(f"round {planned['round_id']}: {planned['name']} ({planned['programme']}), seed {planned['seed']}")
    for pick in planned["picks"]:
        print(f"  {pick['area_code']}  {pick['area_name']:<32} {pick['reason']:<27} {pick['detail']}")
    return 0


def inspections(args: argparse.Namespace) -> int:
    base = f"/inspections/{getattr(args, 'inspection_id', '')}"
    match args.action:
        case "schedule":
            body = {
                "programme": args.programme,
                "area": args.area,
                "fieldwork_starts": args.starts,
                "deep_dive_theme": args.theme,
                "round_id": args.round,
            }
            answer = SERVICE.call(
                args, "POST", "/inspections", {k: v for k, v in body.items() if v is not None}
            )
        case "list":
            for a in SERVICE.call(args, "GET", "/inspections", area=args.area, round_id=args.round):
                _print(args, a)
            return 0
        case "show":
            answer = SERVICE.call(args, "GET", base)
        case "plan":
            planned = SERVICE.call(args, "GET", f"{base}/notification-plan")
            if args.json:
                print(json.dumps(planned, indent=2))
                return 0
            print(plan_text(planned))
            return 0
        case "notify":
            answer = SERVICE.call(
                args, "POST", f"{base}/notifications", {"recipient": args.recipient, "agency": args.agency}
            )
        case "join":
            body = {"inspectorate": args.inspectorate, "condition": args.condition, "reason": args.reason}
            answer = SERVICE.call(args, "POST", f"{base}/participants", body)
        case "reschedule":
            answer = SERVICE.call(
                args, "POST", f"{base}/reschedule", {"fieldwork_starts": args.starts, "reason": args.reason}
            )
        case "cancel":
            answer = SERVICE.call(args, "POST", f"{base}/cancel", {"reason": args.reason})
        case "assign":
            answer = SERVICE.call(
                args, "POST", f"{base}/team", {"inspector_id": args.inspector, "weeks": args.weeks}
            )
        case _:  # release
            answer = SERVICE.call(
                args, "POST", f"{base}/team/{args.inspector}/release", {"reason": args.reason}
            )
    return _print(args, answer)


def plan_text(plan: dict[str, Any]) -> str:
    """`jip inspections plan`: whom to notify, in order, who tells them and whether it is done; and whether
    the area's LSCB register names the first of them; the order cited as the programme cites it."""
    order = "in any order"
    if plan["ordered"]:
        cited = plan.get("order_source")
        order = f"in this order ({cited})" if cited else "in this order"
    rows = [
        [
            f"{n}.",
            step["recipient"],
            step["agency"] or "-",
            step["addressee"] or "-",
            step["notified_by"] or "-",
            f"done {when(step['notified_at'])}" if step["notified_at"] else "to do",
        ]
        for n, step in enumerate(plan["steps"], start=1)
    ]
    board = (
        "the area has an LSCB board register: the LSCB step names whom to notify from it"
        if plan["board_registered"]
        else "the area has no LSCB board register: nobody is named (`jip lscb appoint AREA chair --name N`)"
    )
    return "\n".join(
        [
            f"notification plan of inspection {plan['inspection_id']}: due {plan['due']}, {order}",
            *(f"  {line}" for line in table(["", "recipient", "agency", "addressee", "by", "done"], rows)),
            board,
        ]
    )


def inspectors(args: argparse.Namespace) -> int:
    match args.action:
        case "register":
            body = {"name": args.name, **({"inspector_id": args.id} if args.id else {})}
            answer = SERVICE.call(args, "POST", "/inspectors", body)
        case "list":
            answer = SERVICE.call(args, "GET", "/inspectors", inspectorate=args.inspectorate)
        case "show":
            answer = SERVICE.call(args, "GET", f"/inspectors/{args.inspector_id}")
        case _:  # unavailable
            body = {"starts": args.starts, "ends": args.ends, "reason": args.reason}
            answer = SERVICE.call(args, "POST", f"/inspectors/{args.inspector_id}/unavailability", body)
    print(json.dumps(answer, indent=2))
    return 0


# ---------------------------------------------------------------- argument parsing


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    """Add the scheduling commands to `jip`'s sub-command parser."""
    client = client_options(data_dir)

    r = commands.add_parser("rounds", help=summary("rounds"))
    rs = r.add_subparsers(dest="action", required=True, metavar="ACTION")
    plan = rs.add_parser(
        "plan",
        parents=[client],
        help="pick a round's areas by the programme's rules (004 §38)",
        description="Areas returning after an inadequate judgement and areas of concern are always picked; "
        "the rest is sampled, reproducibly from the seed. The picks and reasons are recorded as an event.",
    )
    plan.add_argument("--programme", required=True, help="the programme of the round, e.g. jtai-2015")
    plan.add_argument("--name", required=True, help='the round\'s name, e.g. "JTAI spring 2027"')
    plan.add_argument("--size", type=int, help="areas in the round (default: the fewest the rules allow)")
    plan.add_argument("--theme", help="the deep-dive theme every inspection of the round shares (JTAI)")
    plan.add_argument("--seed", help="the sampling seed (default: random, recorded in the event)")
    plan.add_argument(
        "--returning", nargs="*", default=[], metavar="AREA", help="areas returning after inadequate"
    )
    plan.add_argument(
        "--concern",
        action="append",
        default=[],
        metavar="AREA:INSPECTORATE:CONCERN",
        help="an area of concern",
    )
    show = rs.add_parser("show", parents=[client], help="a round's picks and seed")
    show.add_argument("round_id", help="the round's id, as `jip rounds list` shows it")
    rs.add_parser("list", parents=[client], help="every round planned")
    r.set_defaults(run=rounds)

    i = commands.add_parser("inspections", help=summary("inspections"))
    acts = i.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = acts.add_parser("schedule", parents=[client], help="schedule an inspection (lead inspectorate)")
    s.add_argument(
        "--programme", default="jtai-2015", help="the programme (default jtai-2015): `jip programmes`"
    )
    s.add_argument("--area", required=True, help="ONS code or name")
    s.add_argument(
        "--starts", required=True, type=day, metavar="YYYY-MM-DD", help="the Monday fieldwork starts"
    )
    s.add_argument("--theme", help="deep-dive theme (JTAI, targeted)")
    s.add_argument("--round", help="the round it belongs to")
    ls = acts.add_parser("list", parents=[client], help="inspections, newest first")
    ls.add_argument("--area", help="only those of this area (ONS code)")
    ls.add_argument("--round", help="only those of this round")
    for name, helptext in (
        ("show", "an inspection as it stands"),
        ("notify", "record a notification (001 Proposal two)"),
        ("join", "a conditional inspectorate joins (HMCPSI when triggered)"),
        ("reschedule", "move fieldwork, with a reason (releases the team)"),
        ("cancel", "cancel, with a reason"),
        ("assign", "assign an inspector for weeks of fieldwork"),
        ("release", "release an inspector, with a reason"),
    ):
        act = acts.add_parser(name, parents=[client], help=helptext)
        act.add_argument(
            "inspection_id", help="the inspection's reference, as `jip inspections list` shows it"
        )
        if name == "notify":
            act.add_argument(
                "--recipient",
                required=True,
                choices=["lscb_chair", "lscb_business_manager", "agency_senior_leader"],
                help="who was told (the plan says in which order: `jip inspections plan`)",
            )
            act.add_argument("--agency", help="the agency whose senior leader was told")
        if name == "join":
            act.add_argument("--inspectorate", required=True, help="the inspectorate joining, e.g. hmcpsi")
            act.add_argument(
                "--condition",
                required=True,
                choices=["requested", "triggered"],
                help="why it joins: asked to, or its condition met",
            )
        if name == "reschedule":
            act.add_argument(
                "--starts", required=True, type=day, metavar="YYYY-MM-DD", help="the new first Monday"
            )
        if name in ("assign", "release"):
            act.add_argument("--inspector", required=True, help="the inspector's id: `jip inspectors list`")
        if name == "assign":
            act.add_argument(
                "--weeks", type=int, nargs="+", required=True, help="the weeks of fieldwork, e.g. 1 2"
            )
        if name in ("join", "reschedule", "cancel", "release"):
            act.add_argument("--reason", required=True, help="why, in a sentence: it is kept in the log")
    planned = acts.add_parser(
        "plan",
        parents=[client],
        help="whom to notify, in order, who tells them and what is done (001 Proposal two)",
        description="The notification protocol of the inspection: the LSCB first, named from the area's "
        "board register (its chair, or its business manager when the chair is absent on the day notice is "
        "due), then each agency's senior leader by the inspectorate that inspects it (001 Proposal two); who "
        "tells each, and when each was notified. Says whether the area has a board register.",
    )
    planned.add_argument("inspection_id", help="the inspection's reference")
    i.set_defaults(run=inspections)

    t = commands.add_parser("inspectors", help=summary("inspectors"))
    ts = t.add_subparsers(dest="action", required=True, metavar="ACTION")
    reg = ts.add_parser(
        "register", parents=[client], help="register an inspector of your inspectorate (--as)"
    )
    reg.add_argument("--name", required=True, help="the inspector's name, as the team lists it")
    reg.add_argument("--id", help="the inspector id (default: generated)")
    lst = ts.add_parser("list", parents=[client], help="registered inspectors")
    lst.add_argument("--inspectorate", help="only this inspectorate's")
    one = ts.add_parser("show", parents=[client], help="an inspector's availability and bookings")
    one.add_argument("inspector_id", help="the inspector's id: `jip inspectors list`")
    off = ts.add_parser("unavailable", parents=[client], help="record leave or other work")
    off.add_argument("inspector_id", help="the inspector's id: `jip inspectors list`")
    off.add_argument("--from", dest="starts", required=True, type=day, metavar="YYYY-MM-DD", help="1st day")
    off.add_argument("--to", dest="ends", required=True, type=day, metavar="YYYY-MM-DD", help="last day")
    off.add_argument("--reason", required=True, help="leave, training, other work…")
    t.set_defaults(run=inspectors)
