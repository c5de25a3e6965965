"""`jip programmes`, `jip areas`, `jip rounds`, `jip inspections` and `jip inspectors`.

Programmes and areas are read from the data files here; the rest are requests to the running
scheduling service, made as the actor given by --as (or $JIP_ACTOR)."""

from __future__ import annotations

import argparse
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from jip.commands import StackError, day, summary
from jip.stack import DEFAULT_PORT_BASE, Ports, Supervisor
from jip.tokens import ACT_AS, token_for
from shared.areas import as_at, describe, find, register, unknown
from shared.programmes import Programme, ProgrammeFileError, catalogue, load_folder
from shared.workdays import today_in_england

DEFAULT_ACTOR = "ofsted:lead_inspector:cli"


# ---------------------------------------------------------------- local data


def programmes(args: argparse.Namespace) -> int:
    try:
        found = load_folder(args.check) if args.check else catalogue()
    except ProgrammeFileError as exc:
        raise StackError(str(exc)) from None
    if args.check:
        print(f"{len(found)} programme file(s) in {args.check} are valid: {', '.join(found)}")
        return 0
    if args.id is None:
        print(f"{'programme':<17} {'notice':<16} {'fieldwork':<10} {'judgement':<54} report")
        for p in found.values():
            print(f"{p.id:<17} {_notice(p):<16} {p.fieldwork.weeks} week(s)  {_scale(p):<54} {p.report.kind}")
        return 0
    if args.id not in found:
        raise StackError(f"unknown programme {args.id!r}; known: {', '.join(found)}")
    p = found[args.id]
    if args.json:
        print(p.model_dump_json(indent=2))
        return 0
    part = p.participation
    lines = [
        f"{p.id}: {p.title}",
        f"  under {p.statute}",
        f"  sources: {', '.join(p.sources)}; every rule below cites one of them, or the domain brief",
        f"  led by {part.lead_inspectorate}; taking part: {', '.join(part.inspectorates)}  ({part.source})",
        *(
            f"  joins when {' or '.join(c.when)}: {c.inspectorate}"
            + (f" ({', '.join(c.facilities)})" if c.facilities else "")
            + f"  ({c.source})"
            for c in part.conditional
        ),
        f"  notice: {_notice(p)}  ({p.notice.source})",
        f"  fieldwork: {p.fieldwork.weeks} week(s) from a Monday  ({p.fieldwork.source})",
        *(f"    week {ph.week}: {', '.join(ph.inspectorates)}  ({ph.source})" for ph in p.fieldwork.phases),
    ]
    if p.on_site:
        limits = [f"at most {p.on_site.max_at_once} on site at once"] if p.on_site.max_at_once else []
        limits += [f"a team of {p.on_site.max_team}"] if p.on_site.max_team else []
        lines.append(f"  on site: {', '.join(limits)}  ({p.on_site.source})")
    lines += [f"  {m.kind} meeting on the {m.day} day  ({m.source})" for m in p.meetings]
    lines.append(f"  judgement: {_scale(p)}  ({p.judgements.source})")
    if p.judgements.narrative_for:
        lines.append(f"    in narrative, with no grade: {', '.join(p.judgements.narrative_for)}")
    for area in p.judgement_areas:
        graded = f" — graded for {', '.join(area.graded_for)}" if area.graded_for else ""
        lines.append(f"    {area.id}: {area.title}{graded}  ({area.source})")
    if p.criteria:
        lines.append(f"  criteria: {len(p.criteria)} ({p.criteria[0].source} … {p.criteria[-1].source})")
    if p.deep_dive_themes:
        lines.append(f"  deep-dive themes: {', '.join(t.id for t in p.deep_dive_themes)}")
    lines.append(f"  report: {p.report.kind}  ({p.report.source})")
    lines.append(f"  rounds: {p.selection.kind}  ({p.selection.source})")
    if p.judgements.attribution is not None:
        lines.append(
            "  a judgement on an agency stands on evidence about that agency  "
            f"({p.judgements.attribution.source})"
        )
    lines.append("  rules:")
    lines += [f"    {name.replace('_', ' ')}: {cited}" for name, cited in p.rules if cited is not None]
    print("\n".join(lines))
    return 0


def _notice(p: Programme) -> str:
    return f"{p.notice.working_days} working days" if p.notice.announced else "unannounced"


def _scale(p: Programme) -> str:
    return " / ".join(p.judgements.scale) or "no grade (narrative)"


def areas(args: argparse.Namespace) -> int:
    on = date.fromisoformat(args.on) if args.on else today_in_england()
    if args.area is None:
        listed = register() if args.all else as_at(on)
        for area in listed.values():
            custody = f"  [{', '.join(f.name for f in area.facilities)}]" if area.facilities else ""
            when = f"  ({area.existed()})" if args.all and (area.created or area.abolished) else ""
            print(f"{area.code}  {area.name:<36} {area.police_force or '-'}{custody}{when}")
        return 0
    found = find(args.area, on)
    if found is None:
        raise StackError(
            f"{unknown(args.area, on)} `jip areas` lists all {len(as_at(on))} existing on {on:%Y-%m-%d}, "
            "`jip areas --all` every one since 2012."
        )
    if args.json:
        print(found.model_dump_json(indent=2))
        return 0
    print("\n".join(describe(found, on)))
    return 0


# ---------------------------------------------------------------- requests to the scheduling service


def _request(
    args: argparse.Namespace,
    method: str,
    path: str,
    body: Any = None,
    *,
    service: str = "scheduling",
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Any:
    """Call `service` (at $JIP_<SERVICE>_URL, or the stack's port) as --as; a 4xx answer is a StackError."""
    return _send(args, method, path, body, service=service, headers=headers, **params).json()


def _send(
    args: argparse.Namespace,
    method: str,
    path: str,
    body: Any = None,
    *,
    service: str,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
    **params: Any,
) -> httpx.Response:
    """`_request`'s answer as it came, for one that is not JSON (a document's bytes and headers)."""
    ports = Supervisor(args.data_dir).saved_ports() or Ports.from_base(DEFAULT_PORT_BASE)
    base = os.environ.get(f"JIP_{service.upper()}_URL", ports.service_url(service))
    query = {k: v for k, v in params.items() if v is not None}
    try:
        response = httpx.request(
            method,
            f"{base}{path}",
            json=body,
            params=query,
            headers={"Authorization": f"Bearer {token_for(args.data_dir, args.actor)}", **(headers or {})},
            timeout=timeout,
        )
    except httpx.HTTPError:
        raise StackError(
            f"the {service} service at {base} is not answering: start the platform with `jip stack up`"
        ) from None
    if response.status_code >= 400:
        try:
            answer = response.json()
        except ValueError:
            raise StackError(f"{method} {path} answered {response.status_code}: {response.text}") from None
        rule = f" (rule: {answer['rule']})" if answer.get("rule") else ""
        raise StackError(f"{answer.get('detail', answer)}{rule}")
    return response


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
        return _print(args, _request(args, "GET", "/rounds"))
    if args.action == "show":
        planned = _request(args, "GET", f"/rounds/{args.round_id}")
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
        planned = _request(args, "POST", "/rounds", {k: v for k, v in body.items() if v is not None})
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
            answer = _request(args, "POST", "/inspections", {k: v for k, v in body.items() if v is not None})
        case "list":
            for a in _request(args, "GET", "/inspections", area=args.area, round_id=args.round):
                _print(args, a)
            return 0
        case "show":
            answer = _request(args, "GET", base)
        case "plan":
            planned = _request(args, "GET", f"{base}/notification-plan")
            print(json.dumps(planned, indent=2) if args.json else plan_text(planned))
            return 0
        case "notify":
            answer = _request(
                args, "POST", f"{base}/notifications", {"recipient": args.recipient, "agency": args.agency}
            )
        case "join":
            body = {"inspectorate": args.inspectorate, "condition": args.condition, "reason": args.reason}
            answer = _request(args, "POST", f"{base}/participants", body)
        case "reschedule":
            answer = _request(
                args, "POST", f"{base}/reschedule", {"fieldwork_starts": args.starts, "reason": args.reason}
            )
        case "cancel":
            answer = _request(args, "POST", f"{base}/cancel", {"reason": args.reason})
        case "assign":
            answer = _request(
                args, "POST", f"{base}/team", {"inspector_id": args.inspector, "weeks": args.weeks}
            )
        case _:  # release
            answer = _request(args, "POST", f"{base}/team/{args.inspector}/release", {"reason": args.reason})
    return _print(args, answer)


def plan_text(plan: dict[str, Any]) -> str:
    """`jip inspections plan`: whom to notify, in order, who tells them and whether it is done; and whether
    the area's LSCB register names the first of them."""
    from jip.evidence import _table, _when  # jip.evidence imports this module

    order = "in this order (001 Proposal two)" if plan["ordered"] else "in any order"
    rows = [
        [
            f"{n}.",
            step["recipient"],
            step["agency"] or "-",
            step["addressee"] or "-",
            step["notified_by"] or "-",
            f"done {_when(step['notified_at'])}" if step["notified_at"] else "to do",
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
            *(f"  {line}" for line in _table(["", "recipient", "agency", "addressee", "by", "done"], rows)),
            board,
        ]
    )


def inspectors(args: argparse.Namespace) -> int:
    match args.action:
        case "register":
            body = {"name": args.name, **({"inspector_id": args.id} if args.id else {})}
            answer = _request(args, "POST", "/inspectors", body)
        case "list":
            answer = _request(args, "GET", "/inspectors", inspectorate=args.inspectorate)
        case "show":
            answer = _request(args, "GET", f"/inspectors/{args.inspector_id}")
        case _:  # unavailable
            body = {"starts": args.starts, "ends": args.ends, "reason": args.reason}
            answer = _request(args, "POST", f"/inspectors/{args.inspector_id}/unavailability", body)
    print(json.dumps(answer, indent=2))
    return 0


# ---------------------------------------------------------------- argument parsing


def client_options(data_dir: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of every command that calls a service: --data-dir, --as and --json."""
    client = argparse.ArgumentParser(add_help=False, parents=[data_dir])
    client.add_argument(
        "--as",
        dest="actor",
        default=os.environ.get("JIP_ACTOR", DEFAULT_ACTOR),
        metavar="ACTOR",
        help=f"{ACT_AS}; a token is issued for them from the stack's key, or $JIP_TOKEN is sent instead "
        f"(default $JIP_ACTOR or {DEFAULT_ACTOR})",
    )
    client.add_argument("--json", action="store_true", help="print the service's whole answer as JSON")
    return client


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    """Add the scheduling commands to `jip`'s sub-command parser."""
    client = client_options(data_dir)

    p = commands.add_parser(
        "programmes",
        help=summary("programmes"),
        description="Each programme version is one TOML file in shared/programmes, every rule citing its "
        "source paragraph. Add a version by adding a file; --check validates files before you do.",
    )
    p.add_argument("id", nargs="?", help="a programme id, e.g. macp-2012, to show in full")
    p.add_argument(
        "--check", type=Path, metavar="FOLDER", help="validate every *.toml programme file in FOLDER"
    )
    p.add_argument("--json", action="store_true", help="print the programme as JSON")
    p.set_defaults(run=programmes)

    a = commands.add_parser(
        "areas",
        help=summary("areas"),
        description="The register: ONS upper-tier authorities of England, with the police force area and the "
        "custody facilities the project knows of (they bring HMI Prisons into an inspection). It is "
        "time-aware: each area with the dates it existed, the order that created or abolished it and its "
        "successors (shared/areas/changes.toml); the list is of the areas existing today, or --on a day.",
    )
    a.add_argument("area", nargs="?", help="an ONS code (E06000063) or name (Cumberland), to show in full")
    a.add_argument(
        "--on", type=day, metavar="YYYY-MM-DD", help="the areas as they were that day (default: today)"
    )
    a.add_argument("--all", action="store_true", help="list every area since 2012, with its dates")
    a.add_argument("--json", action="store_true", help="print the area as JSON")
    a.set_defaults(run=areas)

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
