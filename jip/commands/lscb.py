"""`jip lscb`: requests to the running LSCB service, for each area's board register (its commands are in
lscb_board.py) and each inspection's shared evaluation of the Local Safeguarding Children Board.

Each command is made as the actor given by --as (or $JIP_ACTOR), like the evidence and judgement commands;
the service is at $JIP_LSCB_URL, or on the embedded stack's port. The rules stay in the service: a refused
command prints its reason and the rule it cites, e.g. `jip: error: ... (rule: 004 §41)`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from jip.client import Service, client_options, if_match
from jip.commands import summary
from jip.commands.lscb_board import (
    BOARD_CHANGES,
    FIRST_NOTIFIED,
    add_board_commands,
    board_change,
    board_path,
)
from jip.commands.lscb_text import (
    board_changed_text,
    board_text,
    boards_table,
    evaluation_changed_text,
    evaluation_text,
)
from jip.options import (
    INSPECTION,
    evidence_option,
    given_text,
    if_match_option,
    inspection_path,
    text_options,
)
from jip.render import dump
from shared.language.contracts.evidence import Bearing
from shared.language.contracts.vocabulary import Agency, Grade
from shared.views.boards import PARTNERS_RULE

SERVICE = Service("lscb")
SHARED_RULE = "004 §26, §113"
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


def _evaluation(args: argparse.Namespace) -> str:
    return f"{inspection_path(args)}/evaluation"


# ---------------------------------------------------------------- commands


def contribution(args: argparse.Namespace) -> dict[str, Any]:
    """The body of `contribute`, by the API's field names; no --criterion leaves it out."""
    body = {
        "criterion": args.criterion,
        "bearing": args.bearing,
        "attributed_to": args.attributed_to,
        "text": given_text(args),
        "evidence_item_ids": args.evidence,
    }
    return {k: v for k, v in body.items() if v is not None}


def proposal(args: argparse.Namespace) -> dict[str, Any]:
    """The body of `propose`; no --grade (a narrative) leaves it out."""
    body = {"grade": args.grade, "text": given_text(args), "evidence_item_ids": args.evidence}
    return {k: v for k, v in body.items() if v is not None}


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


def lscb(args: argparse.Namespace) -> int:
    match args.action:
        case "boards":
            registered = SERVICE.call(args, "GET", "/boards")
            print(json.dumps(registered, indent=2) if args.json else boards_table(registered))
            return 0
        case "board":
            view = SERVICE.call(args, "GET", board_path(args))
            print(json.dumps(view, indent=2) if args.json else board_text(view))
            return 0
        case "evaluation":
            view = SERVICE.call(args, "GET", _evaluation(args))
            print(json.dumps(view, indent=2) if args.json else evaluation_text(view))
            return 0
        case action if action in BOARD_CHANGES:
            method, path, body = board_change(args)
            view = SERVICE.call(args, method, path, body, headers=if_match(args.if_match))
            if args.json:
                return dump(view)
            print(board_changed_text(view))
            return 0
        case _:
            method, path, step = _evaluation_step(args)
            view = SERVICE.call(args, method, path, step, headers=if_match(args.if_match))
            if args.json:
                return dump(view)
            print(evaluation_changed_text(view))
            return 0


# ---------------------------------------------------------------- argument parsing


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
    text_options(contribute, "the finding as it will be reported")
    evidence_option(contribute, "004 §113: about the board or tagged with one of its criteria")

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
    text_options(propose, "the judgement as it will be reported")
    evidence_option(propose, "004 §113: about the board or tagged with one of its criteria")

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
        if_match_option(change, "evaluation")


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
    add_board_commands(acts, client)
    _add_evaluation_commands(acts, client)
    parser.set_defaults(run=lscb)
