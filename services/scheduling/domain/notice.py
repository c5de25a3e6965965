"""Notice of an inspection: who is notified, by whom and when, recorded on the inspection's stream.
Announced inspections give notice on the notice date, neither earlier nor later; unannounced ones notify
nobody before fieldwork. Where the programme sets the order (the 001 protocol), the LSCB is told first, its
chair or, in the chair's absence, its business manager (001 Proposal two), then each agency's senior leader
by the inspectorate that inspects it. Pure functions: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.boards import Board
from shared.catalogue import Event
from shared.contracts.lscb import Office
from shared.contracts.scheduling import NotificationRecorded, Recipient
from shared.contracts.vocabulary import Agency
from shared.envelope import Inspectorate
from shared.errors import Forbidden, RuleViolation
from shared.programmes import Programme
from shared.workdays import date_in_england

from .inspection import Inspection, active


@dataclass(frozen=True)
class RecordNotification:
    programme: Programme
    recipient: Recipient
    agency: Agency | None
    notified_by: Inspectorate
    notified_at: datetime
    now: datetime
    board: Board | None = None  # the area's LSCB register, as scheduling learnt it from the lscb service


def lscb_addressee(c: RecordNotification, day: date, ordered: bool) -> str | None:
    """Who in the register receives an LSCB notification on `day`; where the programme sets the order,
    the chair, or the business manager only when the chair is absent (001 Proposal two)."""
    if c.board is None:
        return None
    office = Office.CHAIR if c.recipient is Recipient.LSCB_CHAIR else Office.BUSINESS_MANAGER
    if not ordered:
        officer = c.board.available(office, day)
        return officer.name if officer else None
    first = c.board.first_to_notify(day)
    where = f"the {c.board.local_area} LSCB"
    rule = c.programme.notice.source  # the chair first; the business manager in the chair's absence
    if first is None:
        raise RuleViolation(
            f"neither the chair nor the business manager of {where} is available on {day} by its register: "
            "record who is (the lscb service's board register) before notifying",
            rule,
        )
    if first.office is not office:
        if office is Office.CHAIR:
            chair = c.board.chair
            why = (
                f"{chair.name} is absent ({absence.reason})"
                if chair is not None and (absence := chair.absent_on(day)) is not None
                else "the post is vacant"
            )
            raise RuleViolation(
                f"the chair of {where} cannot be notified on {day}: {why}; notify the business manager, "
                f"{first.name}",
                rule,
            )
        raise RuleViolation(
            f"the business manager of {where} is notified only when the chair is absent; the chair, "
            f"{first.name}, is available on {day}",
            rule,
        )
    return first.name


def notify(state: Inspection, c: RecordNotification) -> list[Event]:
    scheduled = active(state)
    assert state.notice_date is not None
    assert state.window is not None
    p = c.programme
    rule = p.notice.source
    day = date_in_england(c.notified_at)
    if c.notified_at > c.now + timedelta(minutes=5):
        raise RuleViolation(f"notified_at {c.notified_at.isoformat()} is in the future", rule)
    if c.notified_by not in state.inspectorates:
        raise Forbidden(f"{c.notified_by} does not take part in this inspection", p.participation.source)
    if not p.notice.announced and day < state.window.starts:
        raise RuleViolation(
            f"{p.id} inspections are unannounced: nobody is notified before fieldwork starts on "
            f"{state.window.starts}",
            rule,
        )
    if p.notice.announced and day < state.notice_date:
        raise RuleViolation(
            f"notice is given {p.notice.working_days} working days before fieldwork, not earlier: the "
            f"notice date is {state.notice_date} (fieldwork starts on {state.window.starts}); notifying on "
            f"{day} would give more",
            rule,
        )
    if p.notice.announced and day > state.notice_date:
        raise RuleViolation(
            f"notifying on {day} gives less than {p.notice.working_days} working days' notice: the notice "
            f"date was {state.notice_date}",
            rule,
        )
    ordered = bool(
        p.notice.first_notified
    )  # the 001 protocol: the LSCB first, then each agency by its inspectorate
    if c.recipient is Recipient.AGENCY_SENIOR_LEADER:
        if c.agency is None or c.agency not in state.agencies:
            known = ", ".join(a.value for a in state.agencies)
            raise RuleViolation(
                f"an agency senior leader notification must name one of the inspected agencies: {known}", rule
            )
        if c.agency in state.agencies_notified():
            raise RuleViolation(f"the {c.agency} senior leader has already been notified", rule)
        if ordered and not state.lscb_notified:
            first = " or ".join(r.value for r in p.notice.first_notified)
            raise RuleViolation(f"the {first} must be notified before any agency's senior leader", rule)
        if ordered and state.agencies[c.agency] is not c.notified_by:
            raise Forbidden(
                f"the {c.agency} senior leader is notified by the inspectorate that inspects it, "
                f"{state.agencies[c.agency]}",
                rule,
            )
    else:
        if p.lscb is None:
            raise RuleViolation(
                f"{p.id} has no LSCB in its scope: notify the senior leaders of the agencies inspected", rule
            )
        if c.agency is not None:
            raise RuleViolation("an LSCB notification names no agency", rule)
        if state.lscb_notified:
            raise RuleViolation("the LSCB has already been notified", rule)
        if ordered and c.recipient not in p.notice.first_notified:
            raise RuleViolation(f"{c.recipient} is not notified under {p.id}", rule)
        if ordered and c.notified_by is not p.participation.lead_inspectorate:
            raise Forbidden(
                f"the LSCB is notified by the lead inspectorate, {p.participation.lead_inspectorate}", rule
            )
    addressee = lscb_addressee(c, day, ordered) if c.recipient is not Recipient.AGENCY_SENIOR_LEADER else None
    return [
        NotificationRecorded(
            inspection_id=scheduled.inspection_id,
            recipient=c.recipient,
            agency=c.agency,
            notified_by=c.notified_by,
            notified_at=c.notified_at,
            addressee=addressee,
        )
    ]


@dataclass(frozen=True)
class PlannedNotification:
    """One step of the notification protocol: who is told, by whom, and whether it is done."""

    recipient: Recipient
    agency: Agency | None
    addressee: str | None  # by name, from the LSCB register where it has one
    notified_by: Inspectorate | None  # None where the programme does not say who tells them
    done: NotificationRecorded | None


def notification_plan(
    state: Inspection, p: Programme, board: Board | None, today: date
) -> list[PlannedNotification]:
    """Whom to notify, in order: the LSCB (its chair, or the business manager when the chair is absent on
    the day notice is due, 001 Proposal two) where the programme has one in its scope, then each agency's
    senior leader by the inspectorate that inspects it. The day is the notice date when announced (notice
    is given on that day, neither earlier nor later); when unannounced, the first day of fieldwork, or
    today once fieldwork has started."""
    assert state.notice_date is not None
    day = state.notice_date if p.notice.announced else max(state.notice_date, today)
    ordered = bool(p.notice.first_notified)
    lead = p.participation.lead_inspectorate if ordered else None
    lscb = next((n for n in state.notifications if n.recipient is not Recipient.AGENCY_SENIOR_LEADER), None)
    first = board.first_to_notify(day) if board is not None else None
    steps: list[PlannedNotification] = []
    if p.lscb is None:
        pass  # CLA 2012: the local authority and its health partners, no LSCB (003)
    elif lscb is not None:
        steps = [PlannedNotification(lscb.recipient, None, lscb.addressee, lscb.notified_by, lscb)]
    elif first is not None:
        recipient = Recipient.LSCB_CHAIR if first.office is Office.CHAIR else Recipient.LSCB_BUSINESS_MANAGER
        steps = [PlannedNotification(recipient, None, first.name, lead, None)]
    else:
        steps = [PlannedNotification(Recipient.LSCB_CHAIR, None, None, lead, None)]
    done = {n.agency: n for n in state.notifications if n.agency is not None}
    steps += [
        PlannedNotification(
            Recipient.AGENCY_SENIOR_LEADER, agency, None, by if ordered else None, done.get(agency)
        )
        for agency, by in state.agencies.items()
    ]
    return steps
