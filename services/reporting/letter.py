"""The JTAI findings letter, rebuilt from events alone (001 Proposal four). A pure function: the same
events give the same letter, byte for byte, however and whenever they arrived."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from shared import boards
from shared.catalogue import Event
from shared.contracts.evidence import Bearing, EvidenceItemRecorded, standing_items
from shared.contracts.judgement import FindingKind, FindingRecorded
from shared.contracts.lscb import LscbEvaluationRecorded, LscbJudgementFinalised, LscbJudgementProposed
from shared.contracts.scheduling import (
    InspectionRescheduled,
    InspectionScheduled,
    InspectorateJoined,
    NotificationRecorded,
    Recipient,
)
from shared.contracts.vocabulary import Agency
from shared.envelope import Inspectorate
from shared.programmes import catalogue
from shared.workdays import date_in_england

INSPECTORATES = {
    Inspectorate.OFSTED: "Ofsted",
    Inspectorate.CQC: "the Care Quality Commission",
    Inspectorate.HMIC: "HM Inspectorate of Constabulary",
    Inspectorate.HMI_PROBATION: "HM Inspectorate of Probation",
    Inspectorate.HMI_PRISONS: "HM Inspectorate of Prisons",
    Inspectorate.HMCPSI: "HM Crown Prosecution Service Inspectorate",
}
AGENCIES = {
    Agency.LOCAL_AUTHORITY: "the local authority",
    Agency.HEALTH: "health services",
    Agency.POLICE: "the police",
    Agency.PROBATION: "probation services",
    Agency.YOUTH_OFFENDING_TEAM: "the youth offending team",
    Agency.CUSTODY: "custodial establishments",
    Agency.CPS: "the Crown Prosecution Service",
    Agency.LSCB: "the Local Safeguarding Children Board",
    Agency.PARTNERSHIP: "the local partnership",
}
SECTIONS = [
    (FindingKind.KEY_STRENGTH, "Key strengths"),
    (FindingKind.AREA_FOR_PRIORITY_ACTION, "Areas for priority action"),
    (FindingKind.AREA_FOR_DEVELOPMENT, "Areas for development"),
]


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _listing(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _support(ids: Sequence[str], items: dict[str, EvidenceItemRecorded]) -> str:
    known = [items[i] for i in ids if i in items]
    sources = sorted({i.inspectorate for i in known}, key=list(Inspectorate).index)
    from_whom = f" from {_listing([INSPECTORATES[s] for s in sources])}" if sources else ""
    return f"{len(ids)} evidence item{'s' if len(ids) != 1 else ''}{from_whom}"


def render_findings_letter(events: Sequence[Event]) -> str:
    """`events` in stream order; every event of one inspection the reporting service has received."""
    scheduled = next((e for e in events if isinstance(e, InspectionScheduled)), None)
    if scheduled is None:
        raise ValueError("no InspectionScheduled event: the letter has nothing to be about")
    programme = catalogue()[scheduled.programme]
    theme = programme.theme(scheduled.deep_dive_theme) if scheduled.deep_dive_theme else None
    moved = [e for e in events if isinstance(e, InspectionRescheduled)]
    starts, ends = (
        (moved[-1].fieldwork_starts, moved[-1].fieldwork_ends)
        if moved
        else (
            scheduled.fieldwork_starts,
            scheduled.fieldwork_ends,
        )
    )
    joined = [e for e in events if isinstance(e, InspectorateJoined)]
    area = scheduled.local_area
    items = standing_items(events)
    findings = [e for e in events if isinstance(e, FindingRecorded)]
    final = next((e for e in events if isinstance(e, LscbJudgementFinalised)), None)
    proposed = any(isinstance(e, LscbJudgementProposed) for e in events)
    legacy = [e for e in events if isinstance(e, LscbEvaluationRecorded)]  # logs before the agreement flow
    board = boards.fold(events)
    chair = board.chair if board is not None else None
    notifications = [e for e in events if isinstance(e, NotificationRecorded)]
    inspectorates = _listing(
        [INSPECTORATES[i] for i in [*scheduled.inspectorates, *(j.inspectorate for j in joined)]]
    )
    agencies = _listing(
        [AGENCIES[a] for a in [*scheduled.agencies, *(a for j in joined for a in j.agencies)]]
    )

    lines = [
        f"# {programme.title} of the multi-agency response to abuse and neglect in {area}",
        "",
        f"**To:** {f'{chair.name}, ' if chair else 'the '}chair of the {area} Local Safeguarding Children "
        f"Board, and the senior leaders of {agencies} in {area}  ",
        f"**From:** {inspectorates}  ",
        f"**Fieldwork:** {_day(starts)} to {_day(ends)}  ",
        f"**Inspection:** {scheduled.inspection_id}",
        "",
        f"{_capital(inspectorates)} inspected together how agencies in {area} work to protect children, "
        f"under {programme.statute}. The inspection included a deep dive into the experiences of "
        f"{theme.title if theme else scheduled.deep_dive_theme}.",
    ]
    lscb_notice = next((n for n in notifications if n.recipient is not Recipient.AGENCY_SENIOR_LEADER), None)
    if lscb_notice is not None:
        leaders = [AGENCIES[n.agency] for n in notifications if n.agency is not None]
        who = "the chair" if lscb_notice.recipient is Recipient.LSCB_CHAIR else "the business manager"
        then = f", then to the senior leaders of {_listing(leaders)}" if leaders else ""
        lines += [
            "",
            f"Notice of the inspection was given on {_day(date_in_england(lscb_notice.notified_at))}, "
            f"first to {who} of the LSCB{then}.",
        ]
    lines += [
        "",
        "This letter sets out the inspection's key findings: the key strengths, and the recommendations "
        "for the local partnership or a named agency, divided into areas for priority action and areas for "
        "development. It does not make a graded judgement.",
    ]

    for kind, heading in SECTIONS:
        lines += ["", f"## {heading}", ""]
        chosen = [f for f in findings if f.kind is kind]
        if not chosen:
            lines.append("None identified.")
        for number, finding in enumerate(chosen, start=1):
            lines.append(
                f"{number}. {finding.text} *(For {AGENCIES[finding.addressed_to]}; "
                f"{_support(finding.evidence_item_ids, items)}.)*"
            )

    lines += ["", "## The effectiveness of the Local Safeguarding Children Board", ""]
    if final is not None:
        agreed = _listing([INSPECTORATES[i] for i in final.signed_off_by])
        lines.append(f"{final.text} *({_support(final.evidence_item_ids, items)}; agreed by {agreed}.)*")
    elif legacy:
        lines.append(f"{legacy[-1].summary} *({_support(legacy[-1].evidence_item_ids, items)}.)*")
    elif proposed:
        lines.append("The inspectorates have not yet all agreed their shared evaluation of the board.")
    else:
        lines.append("The inspectorates' evaluation of the board has not been recorded yet.")

    bearings = Counter(i.bearing for i in items.values())
    cases = {i.case_reference for i in items.values() if i.case_reference}
    shown = [f"{bearings[Bearing.STRENGTH]} showing strengths", f"{bearings[Bearing.WEAKNESS]} weaknesses"]
    if bearings[Bearing.AREA_FOR_IMPROVEMENT]:
        shown.append(f"{bearings[Bearing.AREA_FOR_IMPROVEMENT]} areas for improvement")
    lines += [
        "",
        "## The evidence behind these findings",
        "",
        f"Inspectors recorded {len(items)} evidence items ({', '.join(shown)}) from {len(cases)} "
        "children's cases.",
        "",
        "| Inspectorate | Evidence items |",
        "|---|---|",
    ]
    by_inspectorate = Counter(i.inspectorate for i in items.values())
    for inspectorate in scheduled.inspectorates:
        lines.append(f"| {_capital(INSPECTORATES[inspectorate])} | {by_inspectorate[inspectorate]} |")
    return "\n".join(lines) + "\n"
