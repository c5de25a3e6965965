"""`jip lscb`'s board register: each area's chair and business manager, their absences, and the statutory
partners on the board (the commands `boards`, `board`, `appoint`, `vacate`, `absent`, `back`,
`partner-joins` and `partner-leaves`): their arguments, and the request each change sends to the lscb
service. lscb.py sends them and adds the shared evaluation's commands."""

from __future__ import annotations

import argparse
from typing import Any

from jip.client import segment
from jip.commands.lscb_text import NOTICE_RULE
from jip.options import day, if_match_option
from shared.language.contracts.lscb import Office
from shared.language.contracts.vocabulary import Agency
from shared.views.boards import PARTNERS_RULE, STATUTORY_PARTNERS

AREA = "the area's ONS code or name, e.g. E08000036 or Wakefield (`jip areas` lists them)"
STATUTORY = ", ".join(STATUTORY_PARTNERS)
FIRST_NOTIFIED = (
    "The chair is notified first of an inspection, or the business manager when the chair is absent on the "
    f"day or the post is vacant ({NOTICE_RULE})."
)


def board_path(args: argparse.Namespace) -> str:
    return f"/boards/{segment(args.area)}"


def _officer_path(args: argparse.Namespace) -> str:
    return f"{board_path(args)}/officers/{segment(args.office)}"


def board_change(args: argparse.Namespace) -> tuple[str, str, dict[str, Any]]:
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
            body = {
                "agency": args.agency,
                "organisation": args.organisation,
                "senior_leader": args.senior_leader,
            }
            return "POST", f"{board_path(args)}/partners", {k: v for k, v in body.items() if v is not None}
        case _:  # partner-leaves
            body = {"agency": args.agency, "organisation": args.organisation, "reason": args.reason}
            return "POST", f"{board_path(args)}/partners/leaving", body


BOARD_CHANGES = ("appoint", "vacate", "absent", "back", "partner-joins", "partner-leaves")


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


def add_board_commands(acts: Any, client: argparse.ArgumentParser) -> None:
    """Add the board register's commands to `jip lscb`'s actions."""
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
        "the service refuses any other agency. Letters are addressed to its senior leader by name and role "
        "where the register names them (--senior-leader), by role alone otherwise; an organisation on the "
        "board already joins again to record its senior leader's name.",
    )
    _area(joins)
    _partner(joins)
    joins.add_argument(
        "--senior-leader",
        metavar="NAME",
        help="the organisation's senior leader, e.g. the Director of Children's Services, as letters address "
        "them: Jane Smith",
    )

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
        if_match_option(change, "board register")
