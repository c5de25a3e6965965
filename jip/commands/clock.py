"""`jip clock show|advance`: the platform's one clock, and moving a rehearsal platform's clock forward.

Every service reads the same clock (shared/mechanics/clock.py). In production it is the real time and cannot
be moved. On a rehearsal platform (JIP_ENVIRONMENT=rehearsal, as `jip stack up --rehearsal` starts one) it can
be moved forward, never back, so that a whole inspection can be played in one sitting; every event is stamped
with the clock as it stood, and every answer of a rehearsal platform says what its clock reads."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from embedded.errors import StackError
from jip.client import Service, client_options
from jip.commands import summary
from shared.mechanics.clock import CLOCK, ENGLAND, parse_moment
from shared.mechanics.topics import SERVICES

DESCRIPTION = (
    "The platform has one clock, which every service and `jip` read: what 'now' and 'today' are when a "
    "notice is given, evidence recorded or a report published, and the time every event records. In "
    "production (JIP_ENVIRONMENT=production, the default) it is the real time and refuses to move. On a "
    "rehearsal platform (JIP_ENVIRONMENT=rehearsal; `jip stack up --rehearsal`), a copy of the platform "
    "where inspectors train and programme versions are rehearsed, a lead inspector can move it forward, "
    "never back, to play a whole inspection (notice, fieldwork, feedback, publication) in one sitting. "
    "Every answer of a rehearsal platform carries the header JIP-Rehearsal-Clock."
)


def follow(answer: Mapping[str, Any]) -> None:
    """Make this process's clock (`today_in_england()`, `utc_now()`) the platform's, from a service's
    `GET /clock` answer: a command that works out dates itself (`jip demo`) then works them out as the
    services do."""
    if answer.get("rehearsal"):
        CLOCK.follow(datetime.fromisoformat(str(answer["now"])))
    else:
        CLOCK.use_real_time()


async def follow_platform(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """`follow` the clock of the service at `url` (with the client's token); its answer."""
    response = await http.get(f"{url}/clock")
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    follow(answer)
    return answer


def _when(value: str | None) -> str:
    if not value:
        return "-"
    return datetime.fromisoformat(value).astimezone(ENGLAND).strftime("%Y-%m-%d %H:%M:%S")


def _who(set_by: Mapping[str, Any] | None) -> str:
    if not set_by:
        return "someone"
    of = " ".join(str(set_by[k]) for k in ("inspectorate", "role") if set_by.get(k))
    return f"{set_by.get('user', 'someone')}" + (f" ({of})" if of else "")


def readings(args: argparse.Namespace) -> dict[str, dict[str, Any] | None]:
    """The clock as each service reads it (None for one that does not answer)."""
    found: dict[str, dict[str, Any] | None] = {}
    for service in SERVICES:
        try:
            found[service] = Service(service).call(args, "GET", "/clock")
        except StackError as exc:
            if "not answering" not in str(exc):
                raise
            found[service] = None
    return found


def agree(found: Mapping[str, Mapping[str, Any] | None]) -> bool:
    """Every answering service reads the same clock: the same environment, set to the same moment."""
    views = {(v["environment"], v.get("set_to"), v.get("set_at")) for v in found.values() if v is not None}
    return len(views) <= 1


def show_text(found: Mapping[str, Mapping[str, Any] | None]) -> str:
    answering = [v for v in found.values() if v is not None]
    if not answering:
        raise StackError("no service is answering: start the platform with `jip stack up`")
    first = answering[0]
    if first["rehearsal"]:
        lines = [
            "REHEARSAL platform (JIP_ENVIRONMENT=rehearsal): its clock is not the real time.",
            f"  it reads {_when(first['now'])} in England: today is {first['today']}",
        ]
        if first.get("set_to"):
            reason = f": {first['reason']}" if first.get("reason") else ""
            lines.append(
                f"  set to {_when(first['set_to'])} by {_who(first.get('set_by'))}, at "
                f"{_when(first['set_at'])} real time{reason}"
            )
        else:
            lines.append("  never moved: it reads the real time until a lead inspector moves it")
    else:
        lines = [
            "production platform (JIP_ENVIRONMENT=production): its clock is the real time and never moves",
            f"  it reads {_when(first['now'])} in England: today is {first['today']}",
        ]
    lines.append(f"  {'service':<12} {'now (England)':<20} today")
    for service, view in found.items():
        if view is None:
            lines.append(f"  {service:<12} not answering")
        else:
            lines.append(f"  {service:<12} {_when(view['now']):<20} {view['today']}")
    lines.append(
        "every service reads the same clock"
        if agree(found)
        else "THE SERVICES DO NOT AGREE: check that every one has the same JIP_ENVIRONMENT and database"
    )
    return "\n".join(lines)


def show(args: argparse.Namespace) -> int:
    found = readings(args)
    print(json.dumps(found, indent=2) if args.json else show_text(found))
    return 0 if agree(found) else 3


def advance(args: argparse.Namespace) -> int:
    if args.to is not None:
        try:
            parse_moment(args.to)
        except ValueError as exc:
            raise StackError(f"--to {exc}") from None
        body: dict[str, Any] = {"to": args.to}
    else:
        body = {"days": args.days}
    if args.reason:
        body["reason"] = args.reason
    Service(args.service).call(args, "POST", "/clock/advance", body)
    return show(args)


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    """Add `jip clock` to `jip`'s sub-command parser."""
    client = client_options(data_dir)
    c = commands.add_parser(
        "clock",
        help=summary("clock"),
        description=DESCRIPTION,
    )
    actions = c.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = actions.add_parser(
        "show",
        parents=[client],
        help="the clock as each running service reads it (they must agree)",
        description=f"{DESCRIPTION} `show` asks each running service; it exits 3 if they do not agree.",
    )
    s.set_defaults(run=show)
    a = actions.add_parser(
        "advance",
        parents=[client],
        help="move a rehearsal platform's clock forward (a lead inspector; refused in production)",
        description=f"{DESCRIPTION} `advance` moves it to a date or time, or by a number of days, through "
        "one service; every service reads it at its next request. It is refused on a production platform, "
        "and when it would move the clock back.",
    )
    to = a.add_mutually_exclusive_group(required=True)
    to.add_argument(
        "--to", metavar="DATE", help="YYYY-MM-DD (the start of that day) or YYYY-MM-DDTHH:MM, England's time"
    )
    to.add_argument("--days", type=int, metavar="N", help="move it N days on")
    a.add_argument("--reason", metavar="TEXT", help="why it is moved, kept with the clock")
    a.add_argument(
        "--service",
        default="scheduling",
        choices=SERVICES,
        help="the service to ask (any one; default scheduling)",
    )
    a.set_defaults(run=advance)
