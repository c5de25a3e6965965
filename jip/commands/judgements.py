"""`jip judgements`: requests to the running judgement service (`jip findings` is in findings.py).

Each command is made as the actor given by --as (or $JIP_ACTOR), like the evidence commands; the service is
at $JIP_JUDGEMENT_URL, or on the embedded stack's port. The rules stay in the service: a refused command
prints its reason and the rule it cites, e.g. `jip: error: ... (rule: 004 §67)`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from typing import Any

from jip.client import Service, client_options, if_match, segment
from jip.commands import summary
from jip.options import (
    INSPECTION,
    evidence_option,
    given_text,
    inspection_path,
    text_options,
)
from jip.render import NONE, dump, excerpt, table, when, wrapped
from shared.language.contracts.vocabulary import Agency, Grade

SERVICE = Service("judgement")
TITLE = 30  # the width an area's title is shortened to on the board
AREA = (
    "the judgement area's id, e.g. help_and_protection (`jip judgements board INSPECTION` lists the "
    "inspection's)"
)
# The steps of moderation that take no body, by command: what each does and the rule it follows.
STEPS = {
    "moderate": (
        "the lead inspector moderates a proposed judgement",
        "The lead inspectorate's lead inspector moderates a proposed judgement (each programme cites where "
        "it names its lead, e.g. 002 §11 in MACP 2012). Refused while it is flagged for review (cited "
        "evidence withdrawn, or a contributing judgement changed so that a limiting rule now derives another "
        "grade), or if its grade now departs from the one the limiting rules derive with no rationale. Each "
        "refusal cites the programme's own paragraph.",
    ),
    "quality-assure": (
        "the lead inspectorate quality-assures a moderated judgement",
        "The lead inspectorate quality-assures a moderated judgement (`jip programmes ID` shows where each "
        "programme states it). Refused while it is flagged for review.",
    ),
    "finalise": (
        "the inspectorate that judges the agency signs off a quality-assured judgement as final",
        "The inspectorate that judges the agency (e.g. 004 §40; the lead inspectorate for the partnership) "
        "signs off a quality-assured judgement as final. A cumulative judgement is final only after its "
        "contributing ones are (004 §41). A final judgement changes only by `jip judgements revise`.",
    ),
}


def _judgement(args: argparse.Namespace) -> str:
    return f"{inspection_path(args)}/judgements/{segment(args.agency)}/{segment(args.area)}"


# ---------------------------------------------------------------- rendering


def _flag_cause(flag: Mapping[str, Any]) -> str:
    """The withdrawn item, or the limiting rules' paragraphs (004 §79), that flagged a judgement."""
    if flag.get("evidence_item_id"):
        return str(flag["evidence_item_id"])
    return ", ".join(rule["source"] for rule in flag.get("limiting_rules") or []) or "review"


def _grade(view: Mapping[str, Any]) -> str:
    if view.get("grade"):
        return f"grade {view['grade']}"
    return "narrative, no grade" if view["kind"] == "narrative" else "no grade"


def _derived(view: Mapping[str, Any]) -> str:
    """What the limiting rules derive, with the rules' sources: e.g. `inadequate (004 §67)`."""
    derived = view.get("derived") or {}
    if not derived.get("grade"):
        return NONE
    return f"{derived['grade']} ({', '.join(r['source'] for r in derived['rules'])})"


def _scale(board: Mapping[str, Any]) -> list[str]:
    scale = " > ".join(board["scale"]) or "none: no graded judgement"
    narrative = ", ".join(board["narrative_for"])
    return [
        f"scale, best first: {scale}",
        *([f"in narrative, with no grade: {narrative}"] if narrative else []),
    ]


def board_text(board: Mapping[str, Any]) -> str:
    """`jip judgements board`: every judgement the programme makes for the inspection, one line each."""
    lines = [
        f"judgements of inspection {board['inspection_id']} ({board['programme']}), "
        f"version {board['version']}",
        *_scale(board),
    ]
    if not board["judgements"]:
        lines.append(
            "no judgement is proposed or expected: record key strengths and recommendations with "
            "`jip findings record`"
        )
        return "\n".join(lines)
    rows = [
        [
            j["agency"],
            j["judgement_area"],
            excerpt(j["title"], TITLE),
            j["kind"],
            j.get("status") or NONE,
            j.get("grade") or NONE,
            _derived(j),
            str(len(j.get("flagged") or [])),
        ]
        for j in board["judgements"]
    ]
    headers = ["agency", "area", "title", "kind", "status", "grade", "derived", "flags"]
    return "\n".join(lines + table(headers, rows))


def _rule_line(rule: Mapping[str, Any]) -> str:
    return (
        f"    {rule['source']} ({rule['rule_id']}): {rule['leads_to']}, because "
        f"{', '.join(rule['because'])} judged inadequate"
    )


def _event_lines(envelope: Mapping[str, Any]) -> list[str]:
    """One event of a judgement's history: when, its version, what happened, who did it, and why."""
    payload: Mapping[str, Any] = envelope.get("payload") or {}
    actor = envelope["actor"]
    what = str(envelope["event_type"]).removeprefix("judgement.")
    details = []
    if "text" in payload:  # proposed or revised: the grade it gave
        details.append(f"grade {payload.get('grade') or 'none (narrative)'}")
    if payload.get("returned_from"):
        details.append(f"returned from {payload['returned_from']}")
    if payload.get("evidence_item_id"):
        details.append(f"evidence {payload['evidence_item_id']} withdrawn")
    lines = [
        "  ".join(
            [
                f"  {when(str(envelope['occurred_at']))}",
                f"v{envelope['stream_version']}",
                what,
                f"by {actor.get('inspectorate') or 'platform'}/{actor['user']}",
                ", ".join(details),
            ]
        ).rstrip()
    ]
    if payload.get("reason"):
        lines += wrapped("reason: ", str(payload["reason"]), "      ")
    return lines


def judgement_text(view: Mapping[str, Any]) -> str:
    """`jip judgements show`: the judgement in full, what the limiting rules derive, its flags, and every
    event of its history."""
    status = view.get("status")
    revised = f", revised {view['revisions']} time(s)" if view.get("revisions") else ""
    lines = [
        f"judgement on {view['agency']} for {view['judgement_area']}: {view['kind']}, "
        f"{status or 'not proposed yet'}{revised}; version {view['version']}",
        *wrapped("title     ", view["title"]),
    ]
    if view.get("part_of"):
        lines.append(f"  part of   {view['part_of']}")
    if view.get("derived_from"):
        lines.append(f"  cumulative, from {', '.join(view['derived_from'])}")
    if status:
        lines.append(f"  grade     {view.get('grade') or _grade(view)}")
        lines += wrapped("text      ", view.get("text") or NONE)
        lines += wrapped("evidence  ", ", ".join(view.get("evidence_item_ids") or []) or NONE)
        if view.get("rationale"):
            lines += wrapped("rationale ", view["rationale"])
        if view.get("leaders_understand_failure"):
            lines.append("  leaders understand the failure: the rules it lifts do not apply")
    derived = view.get("derived")
    if derived is not None:
        if derived.get("grade"):
            lines.append(f"  derived   {derived['grade']}, by the limiting rules:")
            lines += [_rule_line(rule) for rule in derived["rules"]]
        else:
            lines.append(f"  derived   {NONE}: no limiting rule applies now")
    if view.get("flagged"):
        lines.append("  FLAGGED FOR REVIEW: evidence withdrawn, or a limiting rule derives anew; revise it")
        lines += [f"    {_flag_cause(flag)}: {flag['reason']}" for flag in view["flagged"]]
    history: Sequence[Mapping[str, Any]] = view.get("history") or []
    if not history:
        lines.append("history: none yet")
        return "\n".join(lines)
    lines.append("history:")
    for envelope in history:
        lines += _event_lines(envelope)
    return "\n".join(lines)


def changed_text(view: Mapping[str, Any]) -> str:
    """What a command left: the judgement's status and grade, and the version to give --if-match next."""
    derived = (view.get("derived") or {}).get("grade")
    departs = f" (the limiting rules derive {derived})" if derived and derived != view.get("grade") else ""
    flagged = "; FLAGGED FOR REVIEW" if view.get("flagged") else ""
    return (
        f"judgement on {view['agency']} for {view['judgement_area']}: {view['status']}, "
        f"{_grade(view)}{departs}{flagged}; version {view['version']}"
    )


# ---------------------------------------------------------------- commands


def proposal(args: argparse.Namespace) -> dict[str, Any]:
    """The body of `propose` and `revise`, by the API's field names; a grade or rationale not given is
    left out."""
    body: dict[str, Any] = {
        "grade": args.grade,
        "text": given_text(args),
        "evidence_item_ids": args.evidence,
        "rationale": args.rationale,
        "leaders_understand_failure": args.leaders_understand_failure,
    }
    if args.action == "revise":
        body["reason"] = args.reason
    return {k: v for k, v in body.items() if v is not None}


def judgements(args: argparse.Namespace) -> int:
    path = _judgement(args) if args.action != "board" else ""
    match args.action:
        case "board":
            board = SERVICE.call(args, "GET", f"{inspection_path(args)}/judgements")
            print(json.dumps(board, indent=2) if args.json else board_text(board))
            return 0
        case "show":
            view = SERVICE.call(args, "GET", path)
            print(json.dumps(view, indent=2) if args.json else judgement_text(view))
            return 0
        case "propose":
            view = SERVICE.call(args, "PUT", path, proposal(args), headers=if_match(args.if_match))
        case "revise":
            view = SERVICE.call(
                args, "POST", f"{path}/revise", proposal(args), headers=if_match(args.if_match)
            )
        case "return":
            body = {"reason": args.reason}
            view = SERVICE.call(args, "POST", f"{path}/return", body, headers=if_match(args.if_match))
        case _:  # moderate, quality-assure, finalise
            view = SERVICE.call(args, "POST", f"{path}/{args.action}", headers=if_match(args.if_match))
    if args.json:
        return dump(view)
    print(changed_text(view))
    return 0


# ---------------------------------------------------------------- argument parsing


def _subject(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)
    parser.add_argument(
        "agency",
        metavar="AGENCY",
        choices=[a.value for a in Agency],
        help="who is judged: an inspected agency or the partnership; one of %(choices)s",
    )
    parser.add_argument("area", metavar="AREA", help=AREA)


def _if_match_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--if-match",
        type=int,
        metavar="VERSION",
        help="refuse (409) if the inspection's judgements are past VERSION, the one you last saw",
    )


def _proposal_options(parser: argparse.ArgumentParser) -> None:
    _subject(parser)
    parser.add_argument(
        "--grade",
        choices=[g.value for g in Grade],
        help="a grade on the programme's scale, for a graded judgement; none for a narrative one (004 §29)",
    )
    text_options(parser, "the judgement as it will be reported")
    evidence_option(parser, "004 §48; an inadequate grade cites a weakness")
    parser.add_argument(
        "--rationale",
        help="why the grade departs from the one the limiting rules derive (needed when it does)",
    )
    parser.add_argument(
        "--leaders-understand-failure",
        action="store_true",
        help="leaders have shown they understand the failure: lifts the leadership rules (004 §70, §81)",
    )
    _if_match_option(parser)


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    """Add the judgements command to `jip`'s sub-command parser."""
    client = client_options(data_dir)

    j = commands.add_parser(
        "judgements",
        help=summary("judgements"),
        description="A judgement on an agency (or the partnership) for a judgement area stands on cited "
        "evidence (004 §48). It is proposed by the inspectorate that judges the agency (004 §40), moderated "
        "by the lead inspector (002 §11), quality-assured by the lead inspectorate (001 Proposal four) and "
        "signed off as final; a final judgement changes only by a revision with a reason. The programme's "
        "catalogue file says who is graded on which area and scale, who is reported in narrative (004 §29) "
        "and the limiting rules deriving one judgement from others (004 §67, §70, §79, §81). Every change "
        "takes --if-match VERSION, the version a command printed, so nothing made meanwhile is overwritten.",
    )
    acts = j.add_subparsers(dest="action", required=True, metavar="ACTION")

    board = acts.add_parser(
        "board",
        parents=[client],
        help="every judgement of the inspection: where each stands and what the limiting rules derive",
        description="Every judgement the inspection's programme makes, as a table: the agency, the area, "
        "graded or narrative (004 §29), its status in moderation (— until proposed), its grade, the grade "
        "the limiting rules derive with their sources (e.g. inadequate (004 §67)), and how many flags for "
        "withdrawn evidence it has (004 §48); then the programme's scale.",
    )
    board.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)

    show = acts.add_parser(
        "show",
        parents=[client],
        help="one judgement in full, with the rules that derive its grade and its history",
        description="One judgement in full: its grade, text, cited evidence and rationale; the grade the "
        "limiting rules derive, each rule with the areas judged inadequate that fire it (004 §67, §70, §79, "
        "§81); its flags for withdrawn evidence (004 §48); then every event of its history with who made "
        "it and the version it left.",
    )
    _subject(show)

    propose = acts.add_parser(
        "propose",
        parents=[client],
        help="propose a judgement, or propose it again before it is final (moderation starts afresh)",
        description="Propose a judgement as the inspectorate that judges the agency (004 §40; any "
        "inspectorate taking part for the partnership). It cites evidence recorded for the inspection, "
        "not withdrawn, about the agency or the partnership; an inadequate grade cites a weakness (004 "
        "§48). A graded judgement takes a grade on the programme's scale, a narrative one none (004 §29). "
        "A cumulative judgement follows its contributing ones (004 §41). Where the limiting rules derive a "
        "grade (004 §67, §70, §79, §81), a different one needs --rationale. Proposing again before it is "
        "final starts moderation afresh; a final judgement changes only by `jip judgements revise`.",
    )
    _proposal_options(propose)

    revise = acts.add_parser(
        "revise",
        parents=[client],
        help="change a final judgement, with the reason; it is moderated again",
        description="Change a final judgement: the only way one changes, with the reason (001 Proposal "
        "four). It goes through moderation and quality assurance again. The rules of `jip judgements "
        "propose` apply to the new judgement (004 §40, §48, §67, §70, §79, §81).",
    )
    _proposal_options(revise)
    revise.add_argument("--reason", required=True, help="why the final judgement changes")

    for name, (helptext, description) in STEPS.items():
        step = acts.add_parser(name, parents=[client], help=helptext, description=description)
        _subject(step)
        _if_match_option(step)

    send_back = acts.add_parser(
        "return",
        parents=[client],
        help="send a judgement in moderation or quality assurance back, with the reason",
        description="The lead inspectorate sends a proposed or moderated judgement back, with the reason "
        "(002 §11; 001 Proposal four); it moves on again only when proposed again.",
    )
    _subject(send_back)
    send_back.add_argument("--reason", required=True, help="what must change before it moves on")
    _if_match_option(send_back)
    j.set_defaults(run=judgements)
