"""`jip lscb`: requests to the running LSCB service, for each area's board register and each inspection's
shared evaluation of the Local Safeguarding Children Board.

Each command is made as the actor given by --as (or $JIP_ACTOR), like the evidence and judgement commands;
the service is at $JIP_LSCB_URL, or on the embedded stack's port. The rules stay in the service: a refused
command prints its reason and the rule it cites, e.g. `jip: error: ... (rule: 004 §41)`."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from jip.commands import day, summary
from jip.evidence import (
    INSPECTION,
    _dump,
    _excerpt,
    _if_match,
    _inspection,
    _segment,
    _table,
    _text,
    _wrapped,
)
from jip.judgements import _evidence_option, _text_options
from jip.scheduling import _request, client_options
from shared.areas import find
from shared.boards import PARTNERS_RULE, STATUTORY_PARTNERS, Board
from shared.contracts.evidence import Bearing
from shared.contracts.lscb import Office
from shared.contracts.vocabulary import Agency, Grade
from shared.workdays import today_in_england

SERVICE = "lscb"
NONE = "—"  # an empty cell: vacant, nobody, not given
CRITERION = 64  # the width a criterion's text is shortened to
AREA = "the area's ONS code or name, e.g. E08000036 or Wakefield (`jip areas` lists them)"
NOTICE_RULE = "001 Proposal two"
SHARED_RULE = "004 §26, §113"
STATUTORY = ", ".join(STATUTORY_PARTNERS)
FIRST_NOTIFIED = (
    "The chair is notified first of an inspection, or the business manager when the chair is absent on the "
    f"day or the post is vacant ({NOTICE_RULE})."
)
# The steps of the shared evaluation that take no body, by command: the path, what each does, the rule.
STEPS = {
    "sign-off": (
        "sign-off",
        "your inspectorate agrees the current proposal",
        "Your inspectorate (--as) agrees the current proposal of the board's shared judgement. The judgement "
        f"is agreed by every inspectorate taking part ({SHARED_RULE}): it is final only when each has "
        "signed off the current proposal. A new proposal needs every sign-off afresh.",
    ),
    "finalise": (
        "final",
        "the lead inspectorate makes the signed-off proposal final",
        "The lead inspectorate (002 §11) makes the current proposal the final shared judgement. Refused "
        f"until every inspectorate taking part has signed it off and no dispute is open ({SHARED_RULE}).",
    ),
}


def _call(
    args: argparse.Namespace,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Any:
    return _request(args, method, path, body, service=SERVICE, headers=headers, **params)


def _board(args: argparse.Namespace) -> str:
    return f"/boards/{_segment(args.area)}"


def _officer_path(args: argparse.Namespace) -> str:
    return f"{_board(args)}/officers/{_segment(args.office)}"


def _evaluation(args: argparse.Namespace) -> str:
    return f"{_inspection(args)}/evaluation"


def _office(office: str) -> str:
    return office.replace("_", " ")


# ---------------------------------------------------------------- rendering the board register


def _contact(holder: Mapping[str, Any]) -> str:
    return f" ({holder['contact']})" if holder.get("contact") else ""


def _officer_lines(office: str, officer: Mapping[str, Any] | None) -> list[str]:
    label = f"  {_office(office):<18}"
    if officer is None:
        return [f"{label}vacant"]
    lines = [f"{label}{officer['name']}{_contact(officer)}"]
    for absence in officer.get("absences") or []:
        until = f"to {absence['absent_until']}" if absence.get("absent_until") else "until they return"
        lines += _wrapped(f"away {absence['absent_from']} {until}: ", absence["reason"], "    ")
    return lines


def first_text(view: Mapping[str, Any]) -> str:
    """Who is notified first today (001 Proposal two), by office and name."""
    first = view.get("first_to_notify")
    if first is None:
        return "nobody: the chair and the business manager are both vacant or away"
    return f"the {_office(first['office'])}, {first['name']}{_contact(first)}"


def _missing(view: Mapping[str, Any]) -> str:
    return ", ".join(view["missing_partners"]) or "none"


def board_text(view: Mapping[str, Any]) -> str:
    """`jip lscb board`: the register: its officers and their absences, the partners on the board and the
    statutory partners missing, and who is notified first today."""
    lines = [f"LSCB of {view['local_area']} ({view['area_code']}), version {view['version']}"]
    board = view.get("board")
    if board is None:
        lines.append("  no register yet: `jip lscb appoint AREA chair --name NAME` starts one")
    else:
        lines += _officer_lines(Office.CHAIR, board.get("chair"))
        lines += _officer_lines(Office.BUSINESS_MANAGER, board.get("business_manager"))
        partners: Sequence[Mapping[str, Any]] = board.get("partners") or []
        if partners:
            lines.append("  partners on the board:")
            width = max(len(p["agency"]) for p in partners)
            lines += [f"    {p['agency']:<{width}}  {p['organisation']}" for p in partners]
        else:
            lines.append("  partners on the board: none yet")
    lines.append(f"  statutory partners missing ({PARTNERS_RULE}): {_missing(view)}")
    lines.append(f"  notified first today ({NOTICE_RULE}): {first_text(view)}")
    return "\n".join(lines)


def _holder(board: Board, office: Office, today: date) -> str:
    officer = board.officer(office)
    if officer is None:
        return "vacant"
    return officer.name + (" (away)" if officer.absent_on(today) else "")


def boards_table(registered: Sequence[Mapping[str, Any]]) -> str:
    """`jip lscb boards`: one line per area with a register, by area code."""
    if not registered:
        return "no board registers yet: `jip lscb appoint AREA chair --name NAME` starts one"
    today = today_in_england()
    rows = []
    for answer in registered:
        board = Board.model_validate(answer)
        first = board.first_to_notify(today)
        missing = board.missing_partners(find(board.area_code))
        rows.append(
            [
                board.area_code,
                board.local_area,
                _holder(board, Office.CHAIR, today),
                _holder(board, Office.BUSINESS_MANAGER, today),
                f"{_office(first.office)}: {first.name}" if first else NONE,
                str(len(board.partners)),
                ", ".join(missing) or "none",
                str(board.version),
            ]
        )
    headers = [
        "area",
        "local area",
        "chair",
        "business manager",
        "first notified today",
        "partners",
        "missing",
        "version",
    ]
    return "\n".join(_table(headers, rows))


def board_changed_text(view: Mapping[str, Any]) -> str:
    """What a change to the register left, and the version to give --if-match next."""
    return (
        f"LSCB of {view['local_area']} ({view['area_code']}): notified first today {first_text(view)}; "
        f"statutory partners missing: {_missing(view)}; version {view['version']}"
    )


# ---------------------------------------------------------------- rendering the shared evaluation


def _counted(values: Iterable[str], order: Sequence[str] = ()) -> str:
    counted = Counter(values)
    keys = [k for k in order if k in counted] + [k for k in counted if k not in order]
    return ", ".join(f"{counted[k]} {k}" for k in keys)


def evidence_counts(items: Sequence[Mapping[str, Any]]) -> str:
    """How many items, by bearing and by the agency they are about: `3 item(s): 2 strength, 1 weakness;
    about lscb 2, health 1`."""
    if not items:
        return "none"
    bearings = _counted((i["bearing"] for i in items), [b.value for b in Bearing])
    agencies = ", ".join(f"{a} {n}" for a, n in Counter(i["agency"] for i in items).items())
    return f"{len(items)} item(s): {bearings}; about {agencies}"


def _contribution_lines(contribution: Mapping[str, Any], indent: str) -> list[str]:
    cited = len(contribution["evidence_item_ids"])
    return [
        f"{indent}{contribution['inspectorate']}: {contribution['bearing']}, attributed to "
        f"{contribution['attributed_to']}, citing {cited} item(s)",
        *_wrapped("", contribution["text"], indent + "  "),
    ]


def _grade(proposal: Mapping[str, Any]) -> str:
    return f"grade {proposal['grade']}" if proposal.get("grade") else "narrative, no grade"


def _signed_off(view: Mapping[str, Any]) -> str:
    signed, awaiting = view["signed_off"], view["awaiting"]
    of = len(dict.fromkeys([*signed, *awaiting]))
    waiting = f"; awaiting {', '.join(awaiting)}" if awaiting else ""
    return f"signed off by {len(signed)} of {of}{waiting}"


def _final_lines(final: Mapping[str, Any] | None) -> list[str]:
    if final is None:
        return ["final: not yet"]
    if "summary" in final:  # recorded before the agreement flow: a final narrative
        return [
            "final: a narrative recorded before sign-off was needed",
            *_wrapped("text ", final["summary"]),
        ]
    return [
        f"final: proposal {final['proposal']}, {_grade(final)}, agreed by {', '.join(final['signed_off_by'])}"
    ]


def evaluation_text(view: Mapping[str, Any]) -> str:
    """`jip lscb evaluation`: the evidence and contributions per criterion (004 §115 a-l), the criteria not
    yet covered, the findings by partner (e.g. 004 §113), the proposal, who has signed it off, open
    disputes and the final judgement."""
    scale = " > ".join(view["scale"])
    how = f"graded, best first: {scale}" if view["evaluation"] == "graded" else "in narrative, with no grade"
    lines = [
        f"LSCB evaluation of inspection {view['inspection_id']} ({view['programme']}), version "
        f"{view['version']}",
        f"  {how}",
        f"  evidence about the board: {evidence_counts(view['evidence'])}",
    ]
    criteria: Sequence[Mapping[str, Any]] = view["criteria"]
    if criteria:
        lines.append("criteria (004 §115 a-l):")
        for c in criteria:
            lines.append(f"  {c['criterion']:<5} {_excerpt(c['text'], CRITERION)}")
            lines.append(f"        evidence: {evidence_counts(c['evidence'])}")
            for contribution in c["contributions"]:
                lines += _contribution_lines(contribution, "        ")
        uncovered = ", ".join(view["uncovered"])
        lines.append(
            f"uncovered (no evidence or contribution yet): {uncovered}"
            if uncovered
            else "uncovered: none, every criterion has evidence or a contribution"
        )
    else:
        lines.append(f"criteria: none in {view['programme']}: findings stand on the board as a whole")
    loose = [c for c in view["contributions"] if not c.get("criterion")]
    if loose:
        lines.append("contributions against no criterion:" if criteria else "contributions:")
        for contribution in loose:
            lines += _contribution_lines(contribution, "  ")
    elif not criteria:
        lines.append("contributions: none yet")
    partners: Sequence[Mapping[str, Any]] = view["by_partner"]
    if partners:
        lines.append("by partner:")
        rows = [
            [p["agency"], str(p["strengths"]), str(p["weaknesses"]), str(p["areas_for_improvement"])]
            for p in partners
        ]
        table = _table(["partner", "strengths", "weaknesses", "areas for improvement"], rows)
        lines += [f"  {line}" for line in table]
    else:
        lines.append("by partner: no contributions yet")
    proposal = view.get("proposal")
    if proposal is None:
        lines.append("proposal: none yet (the lead inspectorate proposes: `jip lscb propose`)")
    else:
        lines.append(f"proposal {proposal['proposal']}: {_grade(proposal)}")
        if view.get("descriptor"):
            lines += _wrapped("descriptor ", view["descriptor"])
        lines += _wrapped("text       ", proposal["text"])
        lines += _wrapped("evidence   ", ", ".join(proposal["evidence_item_ids"]))
        if not view.get("final"):
            lines.append(f"  {_signed_off(view)}")
    disputes: Sequence[Mapping[str, Any]] = view["disputes"]
    if disputes:
        lines.append("open disputes (finalisation waits until each is resolved):")
        for d in disputes:
            lines += _wrapped(f"{d['inspectorate']} on proposal {d['proposal']}: ", d["reasons"])
    lines += _final_lines(view.get("final"))
    return "\n".join(lines)


def evaluation_changed_text(view: Mapping[str, Any]) -> str:
    """What a step of the evaluation left: the proposal and its sign-offs, open disputes, or the final
    judgement; and the version to give --if-match next."""
    parts = [f"{len(view['contributions'])} contribution(s)"]
    final, proposal = view.get("final"), view.get("proposal")
    if final is not None:
        parts.append(
            "final: a narrative recorded before sign-off was needed"
            if "summary" in final
            else f"final: proposal {final['proposal']}, {_grade(final)}"
        )
    elif proposal is not None:
        parts.append(f"proposal {proposal['proposal']} ({_grade(proposal)}) {_signed_off(view)}")
    else:
        parts.append("no proposal yet")
    if view["disputes"]:
        by = ", ".join(d["inspectorate"] for d in view["disputes"])
        parts.append(f"{len(view['disputes'])} open dispute(s), by {by}")
    left = "; ".join([*parts, f"version {view['version']}"])
    return f"LSCB evaluation of inspection {view['inspection_id']}: {left}"


# ---------------------------------------------------------------- commands


def contribution(args: argparse.Namespace) -> dict[str, Any]:
    """The body of `contribute`, by the API's field names; no --criterion leaves it out."""
    body = {
        "criterion": args.criterion,
        "bearing": args.bearing,
        "attributed_to": args.attributed_to,
        "text": _text(args),
        "evidence_item_ids": args.evidence,
    }
    return {k: v for k, v in body.items() if v is not None}


def proposal(args: argparse.Namespace) -> dict[str, Any]:
    """The body of `propose`; no --grade (a narrative) leaves it out."""
    body = {"grade": args.grade, "text": _text(args), "evidence_item_ids": args.evidence}
    return {k: v for k, v in body.items() if v is not None}


def _board_change(args: argparse.Namespace) -> tuple[str, str, dict[str, Any]]:
    """The method, path and body of a change to the register."""
    match args.action:
        case "appoint":
            body = {"name": args.name, "contact": args.contact}
            return "PUT", _officer_path(args), {k: v for k, v in body.items() if v is not None}
        case "vacate":
            return "POST", f"{_officer_path(args)}/vacancy", {"reason": args.reason}
        case "absent":
            body = {"absent_from": args.absent_from, "absent_until": args.absent_until, "reason": args.reason}
            return "POST", f"{_officer_path(args)}/absences", {k: v for k, v in body.items() if v is not None}
        case "back":
            return "POST", f"{_officer_path(args)}/return", {"returned_on": args.returned_on}
        case "partner-joins":
            return (
                "POST",
                f"{_board(args)}/partners",
                {"agency": args.agency, "organisation": args.organisation},
            )
        case _:  # partner-leaves
            body = {"agency": args.agency, "organisation": args.organisation, "reason": args.reason}
            return "POST", f"{_board(args)}/partners/leaving", body


def _evaluation_step(args: argparse.Namespace) -> tuple[str, str, dict[str, Any] | None]:
    """The method, path and body of a step of the shared evaluation."""
    path = _evaluation(args)
    match args.action:
        case "contribute":
            return "POST", f"{path}/contributions", contribution(args)
        case "propose":
            return "PUT", f"{path}/proposal", proposal(args)
        case "dispute":
            return "POST", f"{path}/disputes", {"reasons": args.reasons}
        case "resolve":
            return "POST", f"{path}/disputes/resolution", {"resolution": args.resolution}
        case _:  # sign-off, finalise
            return "POST", f"{path}/{STEPS[args.action][0]}", None


BOARD_CHANGES = ("appoint", "vacate", "absent", "back", "partner-joins", "partner-leaves")


def lscb(args: argparse.Namespace) -> int:
    match args.action:
        case "boards":
            registered = _call(args, "GET", "/boards")
            print(json.dumps(registered, indent=2) if args.json else boards_table(registered))
            return 0
        case "board":
            view = _call(args, "GET", _board(args))
            print(json.dumps(view, indent=2) if args.json else board_text(view))
            return 0
        case "evaluation":
            view = _call(args, "GET", _evaluation(args))
            print(json.dumps(view, indent=2) if args.json else evaluation_text(view))
            return 0
        case action if action in BOARD_CHANGES:
            method, path, body = _board_change(args)
            view = _call(args, method, path, body, headers=_if_match(args.if_match))
            if args.json:
                return _dump(view)
            print(board_changed_text(view))
            return 0
        case _:
            method, path, step = _evaluation_step(args)
            view = _call(args, method, path, step, headers=_if_match(args.if_match))
            if args.json:
                return _dump(view)
            print(evaluation_changed_text(view))
            return 0


# ---------------------------------------------------------------- argument parsing


def _if_match_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--if-match",
        type=int,
        metavar="VERSION",
        help=f"refuse (409) if the {what} is past VERSION, the one you last saw",
    )


def _area(parser: argparse.ArgumentParser, *, office: bool = False) -> None:
    parser.add_argument("area", metavar="AREA", help=AREA)
    if office:
        parser.add_argument(
            "office",
            metavar="OFFICE",
            choices=[o.value for o in Office],
            help="the office: one of %(choices)s",
        )


def _partner(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--agency",
        required=True,
        choices=[a.value for a in Agency],
        metavar="AGENCY",
        help=f"the statutory partner it represents ({PARTNERS_RULE}: {STATUTORY}); one of %(choices)s",
    )
    parser.add_argument(
        "--organisation", required=True, help="the organisation, e.g. Mid Yorkshire Hospitals NHS Trust"
    )


def _add_board_commands(acts: Any, client: argparse.ArgumentParser) -> None:
    acts.add_parser(
        "boards",
        parents=[client],
        help="every board register, by area: its officers, who is notified first today, missing partners",
        description="One line per area with a board register: its chair and business manager (away today "
        f"or vacant), who is notified first today ({NOTICE_RULE}), how many partners sit on the board and "
        f"the statutory partners missing ({PARTNERS_RULE}).",
    )

    board = acts.add_parser(
        "board",
        parents=[client],
        help="one area's board register: officers, absences, partners and who is notified first today",
        description="The area's LSCB as its register stands: the chair and the business manager with their "
        f"contacts and absences, the partners on the board and the statutory partners missing "
        f"({PARTNERS_RULE}: {STATUTORY}; custody only where the area holds children in custody), and who "
        f"is notified first today. {FIRST_NOTIFIED}",
    )
    _area(board)

    appoint = acts.add_parser(
        "appoint",
        parents=[client],
        help="appoint the chair or the business manager, replacing whoever held the office",
        description=f"Record who holds the office from now on, replacing whoever held it. {FIRST_NOTIFIED} "
        "Letters are addressed to the chair by name.",
    )
    _area(appoint, office=True)
    appoint.add_argument("--name", required=True, help="the office holder's name, as letters address them")
    appoint.add_argument("--contact", help="how to reach them: an e-mail address or telephone")

    vacate = acts.add_parser(
        "vacate",
        parents=[client],
        help="the office is left vacant",
        description=f"Record that nobody holds the office. {FIRST_NOTIFIED}",
    )
    _area(vacate, office=True)
    vacate.add_argument("--reason", required=True, help="why the office is vacant")

    absent = acts.add_parser(
        "absent",
        parents=[client],
        help="the office holder is away: the other office is notified first meanwhile",
        description=f"Record an absence of the office holder, from a day to the last day away, or until "
        f"they return (`jip lscb back`). {FIRST_NOTIFIED} Absences may not overlap.",
    )
    _area(absent, office=True)
    absent.add_argument(
        "--from",
        dest="absent_from",
        required=True,
        type=day,
        metavar="YYYY-MM-DD",
        help="the first day away",
    )
    absent.add_argument(
        "--until",
        dest="absent_until",
        type=day,
        metavar="YYYY-MM-DD",
        help="the last day away (default: until they return)",
    )
    absent.add_argument("--reason", required=True, help="why they are away, e.g. annual leave")

    back = acts.add_parser(
        "back",
        parents=[client],
        help="the office holder is back from an absence with no return date",
        description="End the open absence of the office holder: they are back from this day. "
        + FIRST_NOTIFIED,
    )
    _area(back, office=True)
    back.add_argument(
        "--on", dest="returned_on", required=True, type=day, metavar="YYYY-MM-DD", help="the first day back"
    )

    joins = acts.add_parser(
        "partner-joins",
        parents=[client],
        help=f"a statutory partner's organisation joins the board ({PARTNERS_RULE})",
        description=f"Record that an organisation represents a statutory partner on the board. The statutory "
        f"partners are {STATUTORY} ({PARTNERS_RULE}; custody only where the area holds children in custody): "
        "the service refuses any other agency.",
    )
    _area(joins)
    _partner(joins)

    leaves = acts.add_parser(
        "partner-leaves",
        parents=[client],
        help="a partner's organisation leaves the board",
        description="Record that an organisation no longer sits on the board, with the reason. A statutory "
        f"partner with no organisation left on the board is missing ({PARTNERS_RULE}).",
    )
    _area(leaves)
    _partner(leaves)
    leaves.add_argument("--reason", required=True, help="why it leaves")

    for change in (appoint, vacate, absent, back, joins, leaves):
        _if_match_option(change, "board register")


def _add_evaluation_commands(acts: Any, client: argparse.ArgumentParser) -> None:
    evaluation = acts.add_parser(
        "evaluation",
        parents=[client],
        help="an inspection's shared evaluation of the board: criteria, partners, proposal, sign-offs",
        description="The inspectorates' shared evaluation of the board (004 §113): per criterion (004 §115 "
        "a-l, where the programme has them) the evidence by bearing and by agency and the findings "
        "contributed; the criteria not yet covered; the findings by partner (e.g. 004 §113); the proposed "
        "judgement with the programme's descriptor of its grade; who has signed it off and who is awaited "
        f"(every inspectorate taking part agrees it: {SHARED_RULE}); open disputes; the final judgement.",
    )
    evaluation.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)

    contribute = acts.add_parser(
        "contribute",
        parents=[client],
        help="contribute your inspectorate's finding about the board, attributed to a partner",
        description="Every inspectorate taking part contributes its findings about the board (004 §113): "
        "against one of the board's criteria where the programme has them (004 §115 a-l), attributed to "
        "the partner where the strength or weakness lies, the board or the partnership (e.g. 004 §113), "
        "citing evidence about the board or tagged with one of its criteria. A strength stands on evidence "
        "of strength; a weakness or an area for improvement on evidence of either.",
    )
    contribute.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    contribute.add_argument(
        "--criterion",
        metavar="ID",
        help="one of the board's criteria, e.g. 115c (004 §115 a-l; `jip lscb evaluation` lists them)",
    )
    contribute.add_argument(
        "--bearing", required=True, choices=[b.value for b in Bearing], help="what the finding is"
    )
    contribute.add_argument(
        "--for",
        dest="attributed_to",
        required=True,
        choices=[a.value for a in Agency],
        metavar="AGENCY",
        help="where it lies (e.g. 004 §113): a partner inspected, the lscb or the partnership; "
        "one of %(choices)s",
    )
    _text_options(contribute, "the finding as it will be reported")
    _evidence_option(contribute, "004 §113: about the board or tagged with one of its criteria")

    propose = acts.add_parser(
        "propose",
        parents=[client],
        help="the lead inspectorate proposes the shared judgement; every inspectorate signs it off afresh",
        description="The lead inspectorate (002 §11) proposes the board's shared judgement: a grade on the "
        f"programme's scale where it grades the board ({SHARED_RULE} in integrated-2014), a narrative with "
        "no grade otherwise (001 Proposal one). It cites evidence about the board; a judgement of "
        "inadequate cites a weakness. Each proposal is numbered, and every inspectorate taking part signs "
        f"off the current one ({SHARED_RULE}).",
    )
    propose.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    propose.add_argument(
        "--grade",
        choices=[g.value for g in Grade],
        help="where the programme grades the board; none for a narrative",
    )
    _text_options(propose, "the judgement as it will be reported")
    _evidence_option(propose, "004 §113: about the board or tagged with one of its criteria")

    changes = [contribute, propose]
    for name, (_, helptext, description) in STEPS.items():
        step = acts.add_parser(name, parents=[client], help=helptext, description=description)
        step.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
        changes.append(step)

    dispute = acts.add_parser(
        "dispute",
        parents=[client],
        help="your inspectorate does not agree the proposal: the reasons block finalisation",
        description="Your inspectorate (--as) records that it does not agree the current proposal, with "
        f"its reasons. The shared judgement is agreed by every inspectorate taking part ({SHARED_RULE}): "
        "it cannot be made final while a dispute is open.",
    )
    dispute.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    dispute.add_argument("--reasons", required=True, help="why your inspectorate does not agree")

    resolve = acts.add_parser(
        "resolve",
        parents=[client],
        help="your inspectorate withdraws its dispute, saying how it was resolved",
        description="Your inspectorate (--as) withdraws its dispute of the current proposal, saying how it "
        f"was resolved. It then signs the proposal off (`jip lscb sign-off`): every inspectorate taking part "
        f"agrees the shared judgement ({SHARED_RULE}).",
    )
    resolve.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    resolve.add_argument("--resolution", required=True, help="how the disagreement was resolved")

    for change in (*changes, dispute, resolve):
        _if_match_option(change, "evaluation")


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    """Add the LSCB commands to `jip`'s sub-command parser."""
    client = client_options(data_dir)
    parser = commands.add_parser(
        "lscb",
        help=summary("lscb"),
        description="Each area's Local Safeguarding Children Board register: its chair and business "
        f"manager, their absences, and the statutory partners on the board ({PARTNERS_RULE}). "
        f"{FIRST_NOTIFIED} And each inspection's shared evaluation of the board: every inspectorate "
        "contributes findings against the board's criteria (004 §115 a-l) attributed to a partner "
        "(e.g. 004 §113), the lead inspectorate proposes the judgement, and it is final when every "
        f"inspectorate taking part has signed it off ({SHARED_RULE}). Every change takes --if-match VERSION, "
        "the version a command printed, so nothing made meanwhile is overwritten.",
    )
    acts = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    _add_board_commands(acts, client)
    _add_evaluation_commands(acts, client)
    parser.set_defaults(run=lscb)
