"""How a document opens and closes: its title, whom it is addressed to (by name and role, from the area's
board register), how the area came to be inspected — the notice actually given, first to the LSCB's chair
(001 Proposal two), or, for an unannounced inspection, that it was unannounced and when inspectors arrived
(002 §34-38; 003; 004 §29) — and who signs it: the lead inspector of each inspectorate taking part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby

from shared.language.contracts.scheduling import (
    InspectorAssigned,
    InspectorRegistered,
    InspectorReleased,
    NotificationRecorded,
    Recipient,
)
from shared.language.workdays import date_in_england
from shared.views.boards import Board

from ..domain.names import AGENCIES
from .context import Inspection
from .words import (
    INSPECTORATES,
    LEADERS_OF_AREA,
    NAMED_LEADERS,
    NOT_LOCAL,
    SENIOR_LEADERS,
    capital,
    day,
    listing,
)

# The scope of a joint targeted area inspection, as a letter's title names it (001 Proposal one: "the
# multi-agency response to all forms of child abuse and neglect").
JTAI_SCOPE = "the multi-agency response to abuse and neglect"
JTAI_SCOPE_SOURCE = "001 Proposal one"


@dataclass(frozen=True)
class Notice:
    """The notice actually given: the day of the first notification recorded, and to whom, in order."""

    day: str
    recipients: str  # "first to the chair of the LSCB, then to the senior leaders of the police"


def single_agency(inspection: Inspection) -> bool:
    """Ofsted's targeted inspection is "a single agency exercise" (001 Part 2): one inspectorate only."""
    return len(inspection.programme.participation.possible()) == 1


def title(inspection: Inspection) -> str:
    programme, area = inspection.programme, inspection.scheduled.local_area
    if programme.report.kind == "findings_letter" and not single_agency(inspection):
        return f"{programme.title} of {JTAI_SCOPE} in {area}"
    return f"{programme.title} in {area}"


def addressees(inspection: Inspection, board: Board | None) -> str:
    """The "To:" line, each addressee by name where the area's board register names them, and by role: the
    board's chair where the programme evaluates the board (001 Proposal four), then the senior leader of
    each agency inspected, in the programme's order, with the organisation the register lists for it
    ("Jane Smith, Director of Children's Services, Wakefield Council"; by role alone where the register
    names no leader), or "in" the area (the police "of the police force for" it; a national service such as
    the CPS neither). A programme without the board in its scope, such as CLA 2012, is addressed to the
    agencies alone (003)."""
    area = inspection.scheduled.local_area
    said: list[str] = []
    if inspection.programme.lscb is not None:
        chair = board.chair.name if board is not None and board.chair else None
        office = f"chair of the {area} Local Safeguarding Children Board"
        said.append(f"{chair}, {office}" if chair else f"the {office}")
    partners = board.partners if board is not None else ()
    for agency in inspection.inspected():
        role = SENIOR_LEADERS[agency]
        on_board = [p for p in partners if p.agency is agency]
        if any(p.senior_leader for p in on_board):  # each organisation's leader: by name where named
            named = NAMED_LEADERS.get(agency, role)
            said.extend(
                f"{p.senior_leader}, {named}, {p.organisation}"
                if p.senior_leader
                else f"the {named}, {p.organisation}"
                for p in on_board
            )
        elif on_board:
            said.append(f"the {role}, {listing([p.organisation for p in on_board])}")
        elif agency in NOT_LOCAL:
            said.append(f"the {role}, {capital(AGENCIES[agency]).removeprefix('The ')}")
        else:
            said.append(f"the {role} {LEADERS_OF_AREA.get(agency, 'in')} {area}")
    if len(said) > 1 and any("," in s for s in said):
        return f"{'; '.join(said[:-1])}; and {said[-1]}"
    return listing(said)


def _recipient(n: NotificationRecorded) -> str:
    if n.recipient is Recipient.LSCB_CHAIR:
        return "the chair of the LSCB"
    if n.recipient is Recipient.LSCB_BUSINESS_MANAGER:
        return "the business manager of the LSCB"
    return "leader"


def notice(inspection: Inspection) -> Notice | None:
    """The notice of an announced inspection as it was given: the day of the first notification recorded
    (not the day scheduling planned), and its recipients in the order they were told."""
    if not inspection.scheduled.announced:
        return None
    notified = [e for e in inspection.events if isinstance(e, NotificationRecorded)]
    if not notified:
        return None
    groups: list[str] = []
    for kind, run in groupby(notified, _recipient):
        told = list(run)
        if kind == "leader":
            agencies = [AGENCIES[n.agency] for n in told if n.agency is not None]
            groups.append(f"the senior leaders of {listing(agencies)}" if agencies else "the senior leaders")
        else:
            groups.extend(kind for _ in told)
    groups = list(dict.fromkeys(groups))
    first_to_board = notified[0].recipient is not Recipient.AGENCY_SENIOR_LEADER
    if len(groups) == 1 and not first_to_board:
        recipients = f"to {groups[0]}"
    else:
        recipients = ", then ".join([f"first to {groups[0]}", *(f"to {g}" for g in groups[1:])])
    return Notice(day=day(date_in_england(notified[0].notified_at)), recipients=recipients)


def arrival(inspection: Inspection) -> str:
    """For an unannounced inspection, one sentence: that it was unannounced, and when inspectors arrived,
    each inspectorate in the first week the programme puts it on site (002 §37-38)."""
    if inspection.scheduled.announced:
        return ""
    starts = inspection.fieldwork[0]
    fieldwork = inspection.programme.fieldwork
    arriving = []
    for inspectorate in inspection.scheduled.inspectorates:
        weeks = fieldwork.weeks_of(inspectorate)
        if weeks:
            arriving.append((min(weeks), inspectorate))
    arriving.sort(key=lambda a: a[0])
    waves = [(week, [i for _, i in run]) for week, run in groupby(arriving, lambda a: a[0])]
    if len(waves) <= 1:
        arrived = starts + timedelta(weeks=(waves[0][0] if waves else 1) - 1)
        return f"The inspection was unannounced: inspectors arrived on {day(arrived)}."
    said = [
        f"from {listing([INSPECTORATES[i] for i in who])}"
        f"{' arrived' if n == 0 else ''} on {day(starts + timedelta(weeks=week - 1))}"
        for n, (week, who) in enumerate(waves)
    ]
    first = f"inspectors {said[0]}"
    return f"The inspection was unannounced: {first}, and {listing(said[1:])}."


def signatories(inspection: Inspection) -> list[str]:
    """How a document closes: the lead inspector of each inspectorate taking part, by role, and by name
    where the team is known. An inspectorate's lead inspector is the first of its inspectors assigned to
    the inspection and still on its team; their name is the one they were registered under."""
    names = {e.inspector_id: e.name for e in inspection.events if isinstance(e, InspectorRegistered)}
    team: dict[str, InspectorAssigned] = {}
    for event in inspection.events:
        if isinstance(event, InspectorAssigned):
            team.setdefault(event.inspector_id, event)
        elif isinstance(event, InspectorReleased):
            team.pop(event.inspector_id, None)
    signed = []
    for inspectorate in inspection.inspectorates:
        lead = next((a for a in team.values() if a.inspectorate is inspectorate), None)
        name = names.get(lead.inspector_id) if lead is not None else None
        role = f"Lead inspector for {INSPECTORATES[inspectorate]}"
        signed.append(f"{role}: {name}" if name else role)
    return signed


def framework(programme_id: str, programme_title: str) -> str:
    """The programme as a reader knows it, not by its identifier: "Joint targeted area inspection (2015
    framework)", the year its identifier ends with."""
    year = programme_id.rsplit("-", 1)[-1]
    return f"{programme_title} ({year} framework)" if year.isdigit() else programme_title
