"""How `jip lscb` shows the lscb service's answers: an area's board register, who is notified first
(001 Proposal two), the registers of every area, and the inspectorates' shared evaluation of the board with
its contributions, proposal, sign-offs and final judgement (004 §26, §113)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from jip.render import NONE, excerpt, table, wrapped
from shared.language.areas import find
from shared.language.contracts.evidence import Bearing
from shared.language.contracts.lscb import Office
from shared.language.workdays import today_in_england
from shared.views.boards import PARTNERS_RULE, Board

CRITERION = 64  # the width a criterion's text is shortened to


NOTICE_RULE = "001 Proposal two"


def _office(office: str) -> str:
    return office.replace("_", " ")


def _contact(holder: Mapping[str, Any]) -> str:
    return f" ({holder['contact']})" if holder.get("contact") else ""


def _officer_lines(office: str, officer: Mapping[str, Any] | None) -> list[str]:
    label = f"  {_office(office):<18}"
    if officer is None:
        return [f"{label}vacant"]
    lines = [f"{label}{officer['name']}{_contact(officer)}"]
    for absence in officer.get("absences") or []:
        until = f"to {absence['absent_until']}" if absence.get("absent_until") else "until they return"
        lines += wrapped(f"away {absence['absent_from']} {until}: ", absence["reason"], "    ")
    return lines


def first_text(view: Mapping[str, Any]) -> str:
    """Who is notified first today (001 Proposal two), by office and name."""
    first = view.get("first_to_notify")
    if first is None:
        return "nobody: the chair and the business manager are both vacant or away"
    return f"the {_office(first['office'])}, {first['name']}{_contact(first)}"


def _missing(view: Mapping[str, Any]) -> str:
    return ", ".join(view["missing_partners"]) or "none"


def _partner(partner: Mapping[str, Any]) -> str:
    """ "Wakefield Council, senior leader Jane Smith": the organisation, and its senior leader where named."""
    leader = partner.get("senior_leader")
    return f"{partner['organisation']}, senior leader {leader}" if leader else partner["organisation"]


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
            lines += [f"    {p['agency']:<{width}}  {_partner(p)}" for p in partners]
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
    return "\n".join(table(headers, rows))


def board_changed_text(view: Mapping[str, Any]) -> str:
    """What a change to the register left, and the version to give --if-match next."""
    return (
        f"LSCB of {view['local_area']} ({view['area_code']}): notified first today {first_text(view)}; "
        f"statutory partners missing: {_missing(view)}; version {view['version']}"
    )


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
        *wrapped("", contribution["text"], indent + "  "),
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
            *wrapped("text ", final["summary"]),
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
            lines.append(f"  {c['criterion']:<5} {excerpt(c['text'], CRITERION)}")
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
        grid = table(["partner", "strengths", "weaknesses", "areas for improvement"], rows)
        lines += [f"  {line}" for line in grid]
    else:
        lines.append("by partner: no contributions yet")
    proposal = view.get("proposal")
    if proposal is None:
        lines.append("proposal: none yet (the lead inspectorate proposes: `jip lscb propose`)")
    else:
        lines.append(f"proposal {proposal['proposal']}: {_grade(proposal)}")
        if view.get("descriptor"):
            lines += wrapped("descriptor ", view["descriptor"])
        lines += wrapped("text       ", proposal["text"])
        lines += wrapped("evidence   ", ", ".join(proposal["evidence_item_ids"]))
        if not view.get("final"):
            lines.append(f"  {_signed_off(view)}")
    disputes: Sequence[Mapping[str, Any]] = view["disputes"]
    if disputes:
        lines.append("open disputes (finalisation waits until each is resolved):")
        for d in disputes:
            lines += wrapped(f"{d['inspectorate']} on proposal {d['proposal']}: ", d["reasons"])
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
