"""Notice of an inspection: who is notified, by whom and when, recorded on the inspection's stream.
Announced inspections give notice on the notice date, neither earlier nor later; unannounced ones notify
nobody before fieldwork. Where the programme names an order (`[notice.order]`, the rule "lscb_chair_first"
of 001 Proposal two), the lead inspectorate tells the LSCB first, its chair or, in the chair's absence, its
business manager, then each agency's senior leader is told by the inspectorate that inspects it; a refusal
under the order cites the order's own source. Pure functions: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.language.contracts.lscb import Office
from shared.language.contracts.scheduling import NotificationRecorded, Recipient
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme
from shared.language.programmes.rules import NotificationOrder
from shared.language.workdays import date_in_england
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation
from shared.views.boards import Board

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


def lscb_addressee(c: RecordNotification, day: date, order: NotificationOrder | None) -> str | None:
    """Who in the register receives an LSCB notification on `day`; where the programme sets the order,
    the chair, or the business manager only when the chair is absent (001 Proposal two)."""
    if c.board is None:
        return None
    office = Office.CHAIR if c.recipient is Recipient.LSCB_CHAIR else Office.BUSINESS_MANAGER
    if order is None:
        officer = c.board.available(office, day)
        return officer.name if officer else None
    first = c.board.first_to_notify(day)
    where = f"the {c.board.local_area} LSCB"
    if first is None:
        raise RuleViolation(
            f"neither the chair nor the business manager of {where} is available on {day} by its register: "
            "record who is (the lscb service's board register) before notifying",
            order.source,
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
                order.source,
            )
        raise RuleViolation(
            f"the business manager of {where} is notified only when the chair is absent; the chair, "
            f"{first.name}, is available on {day}",
            order.source,
        )
    return first.name


def notify(state: Inspection, c: RecordNotification) -> list[Event]:
    """Record one notification: on the day the programme gives notice, by an inspectorate taking part, to
    someone not yet told, and in the programme's order where it sets one (`notice.order`)."""
    scheduled = active(state)
    p, day = c.programme, date_in_england(c.notified_at)
    if c.notified_at > c.now + timedelta(minutes=5):
        raise RuleViolation(f"notified_at {c.notified_at.isoformat()} is in the future", p.notice.source)
    if c.notified_by not in state.inspectorates:
        raise Forbidden(f"{c.notified_by} does not take part in this inspection", p.participation.source)
    on_the_day(state, p, day)
    order = p.notice.order
    if c.recipient is Recipient.AGENCY_SENIOR_LEADER:
        agency = not_yet_told(state, c)
        if order is not None:
            after_the_lscb(state, c, agency, order)
        addressee = None
    else:
        lscb_not_yet_told(state, c)
        if order is not None:
            lscb_first(c, order)
        addressee = lscb_addressee(c, day, order)
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


def on_the_day(state: Inspection, p: Programme, day: date) -> None:
    """Announced: notice is given on the notice date, neither earlier nor later. Unannounced: nobody is told
    before fieldwork starts."""
    assert state.notice_date is not None
    assert state.window is not None
    notice = p.notice
    if not notice.announced and day < state.window.starts:
        raise RuleViolation(
            f"{p.id} inspections are unannounced: nobody is notified before fieldwork starts on "
            f"{state.window.starts}",
            notice.source,
        )
    if notice.announced and day < state.notice_date:
        raise RuleViolation(
            f"notice is given {notice.working_days} working days before fieldwork, not earlier: the "
            f"notice date is {state.notice_date} (fieldwork starts on {state.window.starts}); notifying on "
            f"{day} would give more",
            notice.source,
        )
    if notice.announced and day > state.notice_date:
        raise RuleViolation(
            f"notifying on {day} gives less than {notice.working_days} working days' notice: the notice "
            f"date was {state.notice_date}",
            notice.source,
        )


def not_yet_told(state: Inspection, c: RecordNotification) -> Agency:
    """The inspected agency whose senior leader this notification tells, not told before."""
    rule = c.programme.notice.source
    if c.agency is None or c.agency not in state.agencies:
        known = ", ".join(a.value for a in state.agencies)
        raise RuleViolation(
            f"an agency senior leader notification must name one of the inspected agencies: {known}", rule
        )
    if c.agency in state.agencies_notified():
        raise RuleViolation(f"the {c.agency} senior leader has already been notified", rule)
    return c.agency


def lscb_not_yet_told(state: Inspection, c: RecordNotification) -> None:
    """An LSCB notification: for a programme with the LSCB in its scope, naming no agency, told once."""
    p = c.programme
    rule = p.notice.source
    if p.lscb is None:
        raise RuleViolation(
            f"{p.id} has no LSCB in its scope: notify the senior leaders of the agencies inspected", rule
        )
    if c.agency is not None:
        raise RuleViolation("an LSCB notification names no agency", rule)
    if state.lscb_notified:
        raise RuleViolation("the LSCB has already been notified", rule)


def lscb_first(c: RecordNotification, order: NotificationOrder) -> None:
    """`lscb_chair_first`: the lead inspectorate tells the LSCB's chair (or business manager) first."""
    if c.recipient not in order.first:
        raise RuleViolation(f"{c.recipient} is not notified under {c.programme.id}", order.source)
    lead = c.programme.participation.lead_inspectorate
    if c.notified_by is not lead:
        raise Forbidden(f"the LSCB is notified by the lead inspectorate, {lead}", order.source)


def after_the_lscb(
    state: Inspection, c: RecordNotification, agency: Agency, order: NotificationOrder
) -> None:
    """`lscb_chair_first`: each agency's senior leader is told after the LSCB, by the inspectorate that
    inspects the agency."""
    if not state.lscb_notified:
        first = " or ".join(r.value for r in order.first)
        raise RuleViolation(f"the {first} must be notified before any agency's senior leader", order.source)
    if state.agencies[agency] is not c.notified_by:
        raise Forbidden(
            f"the {agency} senior leader is notified by the inspectorate that inspects it, "
            f"{state.agencies[agency]}",
            order.source,
        )


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
    ordered = p.notice.order is not None
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
