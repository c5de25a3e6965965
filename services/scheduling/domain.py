"""Scheduling inspections, their teams and the areas' calendars. Pure functions: no I/O.

Four kinds of stream, each folded into its own state: the inspection, the area's calendar (one
inspection at a time), the inspector's diary (one inspection at a time) and the round. A command that
spans two of them returns events for each, and the handler appends them together or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Literal, TypeVar

from shared.areas import Area
from shared.boards import Board
from shared.catalogue import Event
from shared.contracts.lscb import Office
from shared.contracts.scheduling import (
    AreaBooked,
    AreaReleased,
    InspectionCancelled,
    InspectionRescheduled,
    InspectionScheduled,
    InspectorAssigned,
    InspectorateJoined,
    InspectorBooked,
    InspectorBookingReleased,
    InspectorRegistered,
    InspectorReleased,
    InspectorUnavailable,
    MeetingScheduled,
    NotificationRecorded,
    Period,
    Recipient,
    RoundPlanned,
)
from shared.contracts.vocabulary import Agency
from shared.envelope import Inspectorate
from shared.errors import Forbidden, RuleViolation
from shared.programmes import Programme
from shared.workdays import date_in_england

# The dates of fieldwork, as the commands below and the rest of the platform use them.
from .dates import Window as Window
from .dates import last_working_day as last_working_day
from .dates import week_period as week_period
from .dates import window as window

# Rules of the platform that no seed states in a paragraph: cited to the domain brief.
ONE_INSPECTION_PER_AREA = "domain.md Scheduling: an area has one inspection at a time"
ONE_INSPECTION_PER_INSPECTOR = "domain.md Scheduling: an inspector is on one inspection at a time"
AVAILABILITY = "domain.md Scheduling: inspectors are assigned when available"
REGISTER = "domain.md Scheduling: the register of local authority areas"
CANCELLED = "domain.md Scheduling: a cancelled inspection takes no further commands"
S = TypeVar("S")


# ---------------------------------------------------------------- states


@dataclass(frozen=True)
class Inspection:
    scheduled: InspectionScheduled | None = None
    window: Period | None = None  # fieldwork, as rescheduled
    notice_date: date | None = None
    joined: tuple[InspectorateJoined, ...] = ()
    meetings: tuple[MeetingScheduled, ...] = ()
    notifications: tuple[NotificationRecorded, ...] = ()
    team: tuple[InspectorAssigned, ...] = ()
    rescheduled: tuple[InspectionRescheduled, ...] = ()
    cancelled: InspectionCancelled | None = None

    @property
    def inspectorates(self) -> list[Inspectorate]:
        assert self.scheduled is not None
        return [*self.scheduled.inspectorates, *(j.inspectorate for j in self.joined)]

    @property
    def agencies(self) -> dict[Agency, Inspectorate]:
        assert self.scheduled is not None
        joined = {a: j.inspectorate for j in self.joined for a in j.agencies}
        return {**self.scheduled.agencies, **joined}

    @property
    def lscb_notified(self) -> bool:
        return any(n.recipient is not Recipient.AGENCY_SENIOR_LEADER for n in self.notifications)

    def agencies_notified(self) -> set[Agency]:
        return {n.agency for n in self.notifications if n.agency is not None}

    def member(self, inspector_id: str) -> InspectorAssigned | None:
        return next((m for m in self.team if m.inspector_id == inspector_id), None)

    def on_site(self, week: int) -> int:
        return sum(week in m.weeks for m in self.team)


def evolve(state: Inspection, event: Event) -> Inspection:
    match event:
        case InspectionScheduled():
            window = Period(starts=event.fieldwork_starts, ends=event.fieldwork_ends)
            return replace(state, scheduled=event, window=window, notice_date=event.notice_date)
        case InspectorateJoined():
            return replace(state, joined=(*state.joined, event))
        case MeetingScheduled():
            others = tuple(m for m in state.meetings if m.kind != event.kind)
            return replace(state, meetings=(*others, event))
        case NotificationRecorded():
            return replace(state, notifications=(*state.notifications, event))
        case InspectionRescheduled():
            window = Period(starts=event.fieldwork_starts, ends=event.fieldwork_ends)
            return replace(
                state, window=window, notice_date=event.notice_date, rescheduled=(*state.rescheduled, event)
            )
        case InspectionCancelled():
            return replace(state, cancelled=event, team=())
        case InspectorAssigned():
            return replace(state, team=(*state.team, event))
        case InspectorReleased():
            return replace(state, team=tuple(m for m in state.team if m.inspector_id != event.inspector_id))
    return state


@dataclass(frozen=True)
class Calendar:
    """An area's inspections: inspection id -> fieldwork period."""

    bookings: dict[str, Period] = field(default_factory=dict)


def evolve_calendar(state: Calendar, event: Event) -> Calendar:
    match event:
        case AreaBooked():
            return Calendar({**state.bookings, event.inspection_id: event.period})
        case AreaReleased():
            return Calendar({k: v for k, v in state.bookings.items() if k != event.inspection_id})
    return state


@dataclass(frozen=True)
class Diary:
    registered: InspectorRegistered | None = None
    unavailable: tuple[InspectorUnavailable, ...] = ()
    bookings: dict[str, tuple[Period, ...]] = field(default_factory=dict)  # inspection id -> days on site


def evolve_diary(state: Diary, event: Event) -> Diary:
    match event:
        case InspectorRegistered():
            return replace(state, registered=event)
        case InspectorUnavailable():
            return replace(state, unavailable=(*state.unavailable, event))
        case InspectorBooked():
            return replace(state, bookings={**state.bookings, event.inspection_id: tuple(event.on_site)})
        case InspectorBookingReleased():
            return replace(
                state, bookings={k: v for k, v in state.bookings.items() if k != event.inspection_id}
            )
    return state


@dataclass(frozen=True)
class Round:
    planned: RoundPlanned | None = None


def evolve_round(state: Round, event: Event) -> Round:
    return Round(event) if isinstance(event, RoundPlanned) else state


def fold(evolve_fn: Callable[[S, Event], S], initial: S, events: Iterable[Event]) -> S:
    return reduce(evolve_fn, events, initial)


def inspection_stream(inspection_id: str) -> str:
    return f"inspection-{inspection_id}"


def area_stream(area_code: str) -> str:
    return f"area-{area_code}"


def inspector_stream(inspector_id: str) -> str:
    return f"inspector-{inspector_id}"


def round_stream(round_id: str) -> str:
    return f"round-{round_id}"


# ---------------------------------------------------------------- dates (services/scheduling/dates.py)


def _check_not_passed(programme: Programme, w: Window, today: date) -> None:
    if programme.notice.announced and w.notice_date < today:
        raise RuleViolation(
            f"the notice date {w.notice_date} ({programme.notice.working_days} working days before fieldwork "
            f"starts on {w.fieldwork.starts}) is already in the past; choose a later fieldwork week",
            programme.notice.source,
        )
    if w.fieldwork.starts < today:
        raise RuleViolation(
            f"fieldwork cannot start in the past ({w.fieldwork.starts})", programme.fieldwork.source
        )


def _check_area_free(calendar: Calendar, area: Area, inspection_id: str, fieldwork: Period) -> None:
    for other, period in calendar.bookings.items():
        if other != inspection_id and period.overlaps(fieldwork):
            raise RuleViolation(
                f"{area.name} already has inspection {other} from {period.starts} to {period.ends}, "
                f"which overlaps {fieldwork.starts} to {fieldwork.ends}",
                ONE_INSPECTION_PER_AREA,
            )


def _meetings(programme: Programme, inspection_id: str, fieldwork: Period) -> list[MeetingScheduled]:
    return [
        MeetingScheduled(
            inspection_id=inspection_id,
            kind=m.kind,
            on=fieldwork.starts if m.day == "first" else last_working_day(fieldwork),
            title=m.title,
        )
        for m in programme.meetings
    ]


# ---------------------------------------------------------------- commands


@dataclass(frozen=True)
class Changes:
    """Events per stream: the inspection's, the area calendar's and each inspector diary's."""

    inspection: list[Event]
    area: list[Event] = field(default_factory=list)
    diaries: dict[str, list[Event]] = field(default_factory=dict)


@dataclass(frozen=True)
class ScheduleInspection:
    inspection_id: str
    programme: Programme
    area: Area
    deep_dive_theme: str | None
    fieldwork_starts: date
    scheduled_by: Inspectorate
    today: date
    round: RoundPlanned | None = None


def schedule(calendar: Calendar, c: ScheduleInspection) -> Changes:
    """Events for the new inspection's stream and for the area's calendar."""
    p = c.programme
    if c.scheduled_by is not p.participation.lead_inspectorate:
        raise Forbidden(
            f"{p.title} inspections are arranged by the lead inspectorate, "
            f"{p.participation.lead_inspectorate}",
            p.participation.source,
        )
    _check_theme(p, c.deep_dive_theme)
    if c.round is not None:
        _check_round(c.round, c)
    w = window(p, c.fieldwork_starts)
    _check_not_passed(p, w, c.today)
    _check_area_free(calendar, c.area, c.inspection_id, w.fieldwork)
    scheduled = InspectionScheduled(
        inspection_id=c.inspection_id,
        programme=p.id,
        area_code=c.area.code,
        local_area=c.area.name,
        round_id=c.round.round_id if c.round else None,
        deep_dive_theme=c.deep_dive_theme,
        announced=p.notice.announced,
        fieldwork_starts=w.fieldwork.starts,
        fieldwork_ends=w.fieldwork.ends,
        notice_date=w.notice_date,
        inspectorates=p.participation.at_scheduling(c.area),
        agencies={
            a: i for a, i in p.agency_inspectorates().items() if i in p.participation.at_scheduling(c.area)
        },
    )
    booked = AreaBooked(inspection_id=c.inspection_id, area_code=c.area.code, period=w.fieldwork)
    return Changes(inspection=[scheduled, *_meetings(p, c.inspection_id, w.fieldwork)], area=[booked])


def _check_theme(p: Programme, theme: str | None) -> None:
    if not p.deep_dive_themes:
        if theme is not None:
            raise RuleViolation(
                f"{p.id} has no deep dive: leave deep_dive_theme out", p.judgement_areas[0].source
            )
        return
    if theme is None or p.theme(theme) is None:
        themes = ", ".join(t.id for t in p.deep_dive_themes)
        raise RuleViolation(
            f"deep-dive theme {theme!r} is not one of {p.id}'s: {themes}", p.deep_dive_themes[0].source
        )


def _check_round(r: RoundPlanned, c: ScheduleInspection) -> None:
    p = c.programme
    rule = p.selection.source
    if r.programme != p.id:
        raise RuleViolation(f"round {r.round_id} is a round of {r.programme}, not {p.id}", rule)
    if c.area.code not in {pick.area_code for pick in r.picks}:
        raise RuleViolation(f"{c.area.name} ({c.area.code}) was not picked for round {r.name}", rule)
    if r.deep_dive_theme is not None and c.deep_dive_theme != r.deep_dive_theme:
        raise RuleViolation(
            f"every inspection of round {r.name} has the deep-dive theme {r.deep_dive_theme!r}",
            p.rules.round_theme or rule,
        )


def _active(state: Inspection) -> InspectionScheduled:
    assert state.scheduled is not None, "handlers answer 404 for an inspection never scheduled"
    if state.cancelled is not None:
        raise RuleViolation(f"the inspection was cancelled: {state.cancelled.reason}", CANCELLED)
    return state.scheduled


@dataclass(frozen=True)
class JoinInspection:
    programme: Programme
    inspectorate: Inspectorate
    condition: Literal["requested", "triggered"]
    reason: str
    by: Inspectorate


def join(state: Inspection, c: JoinInspection) -> list[Event]:
    scheduled = _active(state)
    part = c.programme.participation
    rule = part.joining(c.inspectorate)
    if rule is None:
        raise RuleViolation(
            f"{c.inspectorate} does not join {c.programme.id} inspections on a condition; "
            f"those that may: {', '.join(i.inspectorate for i in part.conditional) or 'none'}",
            part.source,
        )
    if c.condition not in rule.when:
        raise RuleViolation(
            f"{c.inspectorate} joins {c.programme.id} inspections only when: {', '.join(rule.when)}",
            rule.source,
        )
    if c.inspectorate in state.inspectorates:
        raise RuleViolation(f"{c.inspectorate} already takes part in this inspection", rule.source)
    if c.by not in (part.lead_inspectorate, c.inspectorate):
        raise Forbidden(
            f"{c.inspectorate} joining is recorded by the lead inspectorate or by {c.inspectorate} itself",
            rule.source,
        )
    return [
        InspectorateJoined(
            inspection_id=scheduled.inspection_id,
            inspectorate=c.inspectorate,
            condition=c.condition,
            reason=c.reason,
            agencies=[r.agency for r in c.programme.agencies if r.inspectorate is c.inspectorate],
        )
    ]


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
    scheduled = _active(state)
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


@dataclass(frozen=True)
class Reschedule:
    programme: Programme
    area: Area
    fieldwork_starts: date
    reason: str
    by: Inspectorate
    today: date


def reschedule(state: Inspection, calendar: Calendar, c: Reschedule) -> Changes:
    """New fieldwork dates. The team is released, to be assigned again for the new dates."""
    scheduled = _active(state)
    assert state.window is not None
    p = c.programme
    _check_lead(p, c.by, "reschedules")
    if state.window.starts <= c.today:
        raise RuleViolation(
            f"fieldwork started on {state.window.starts}: it can be cancelled, not moved", p.fieldwork.source
        )
    w = window(p, c.fieldwork_starts)
    _check_not_passed(p, w, c.today)
    _check_area_free(calendar, c.area, scheduled.inspection_id, w.fieldwork)
    iid = scheduled.inspection_id
    released = f"fieldwork rescheduled to start on {w.fieldwork.starts}: assign again for the new dates"
    return Changes(
        inspection=[
            InspectionRescheduled(
                inspection_id=iid,
                fieldwork_starts=w.fieldwork.starts,
                fieldwork_ends=w.fieldwork.ends,
                notice_date=w.notice_date,
                reason=c.reason,
            ),
            *_meetings(p, iid, w.fieldwork),
            *(
                InspectorReleased(inspection_id=iid, inspector_id=m.inspector_id, reason=released)
                for m in state.team
            ),
        ],
        area=[AreaBooked(inspection_id=iid, area_code=c.area.code, period=w.fieldwork)],
        diaries=_release_diaries(state, released),
    )


@dataclass(frozen=True)
class Cancel:
    programme: Programme
    reason: str
    by: Inspectorate
    today: date


def cancel(state: Inspection, c: Cancel) -> Changes:
    scheduled = _active(state)
    assert state.window is not None
    _check_lead(c.programme, c.by, "cancels")
    if state.window.ends < c.today:
        raise RuleViolation(
            f"fieldwork ended on {state.window.ends}: a finished inspection is not cancelled",
            c.programme.fieldwork.source,
        )
    iid = scheduled.inspection_id
    released = f"inspection cancelled: {c.reason}"
    return Changes(
        inspection=[InspectionCancelled(inspection_id=iid, reason=c.reason)],
        area=[AreaReleased(inspection_id=iid, area_code=scheduled.area_code, reason=released)],
        diaries=_release_diaries(state, released),
    )


def _phase_sources(p: Programme, weeks: list[int]) -> str:
    """The citation of the phases of these weeks, e.g. "004 §100"; "002 §37; 002 §38-39" across two."""
    sources = [phase.source for w in weeks if (phase := p.fieldwork.phase(w)) is not None]
    return "; ".join(dict.fromkeys(sources))


def _check_lead(p: Programme, by: Inspectorate, does: str) -> None:
    if by is not p.participation.lead_inspectorate:
        raise Forbidden(
            f"the lead inspectorate, {p.participation.lead_inspectorate}, {does} {p.id} inspections",
            p.participation.source,
        )


def _release_diaries(state: Inspection, reason: str) -> dict[str, list[Event]]:
    assert state.scheduled is not None
    iid = state.scheduled.inspection_id
    return {
        m.inspector_id: [
            InspectorBookingReleased(inspection_id=iid, inspector_id=m.inspector_id, reason=reason)
        ]
        for m in state.team
    }


@dataclass(frozen=True)
class Assign:
    programme: Programme
    inspector_id: str
    weeks: tuple[int, ...]
    by: Inspectorate


def assign(state: Inspection, diary: Diary, c: Assign) -> Changes:
    """The inspector joins the team for the given weeks of fieldwork, within the programme's phases and
    on-site limits, when free in their diary."""
    scheduled = _active(state)
    assert state.window is not None
    p = c.programme
    inspector = diary.registered
    if inspector is None:
        raise RuleViolation(f"inspector {c.inspector_id} is not registered", AVAILABILITY)
    if inspector.inspectorate is not c.by:
        raise Forbidden(
            f"{inspector.name} is an inspector of {inspector.inspectorate}: "
            "each inspectorate assigns its own",
            p.participation.source,
        )
    if inspector.inspectorate not in state.inspectorates:
        raise RuleViolation(
            f"{inspector.inspectorate} does not take part in this inspection: "
            f"{', '.join(state.inspectorates)} do",
            p.participation.source,
        )
    if state.member(c.inspector_id) is not None:
        raise RuleViolation(f"{inspector.name} is already on the team: release them first", AVAILABILITY)
    weeks = sorted(set(c.weeks))
    if not weeks or weeks[0] < 1 or weeks[-1] > p.fieldwork.weeks:
        raise RuleViolation(
            f"weeks must be within the {p.fieldwork.weeks} week(s) of fieldwork, not {list(c.weeks)}",
            p.fieldwork.source,
        )
    for week in weeks:
        phase = p.fieldwork.phase(week)
        assert phase is not None
        if inspector.inspectorate not in phase.inspectorates:
            its_weeks = p.fieldwork.weeks_of(inspector.inspectorate)
            raise RuleViolation(
                f"week {week} of {p.id} fieldwork is for {', '.join(phase.inspectorates)}, not "
                f"{inspector.inspectorate}; {inspector.inspectorate} is on site in week(s) "
                f"{', '.join(map(str, its_weeks))}",
                # the paragraph that puts the inspectorate in its weeks (HMI Prisons in week 3: 004 §100)
                _phase_sources(p, its_weeks) or phase.source,
            )
    limits = p.on_site
    if limits is not None and limits.max_team is not None and len(state.team) >= limits.max_team:
        raise RuleViolation(f"the team is full: {p.id} has a team of {limits.max_team}", limits.source)
    if limits is not None and limits.max_at_once is not None:
        for week in weeks:
            if state.on_site(week) >= limits.max_at_once:
                raise RuleViolation(
                    f"week {week} already has {state.on_site(week)} inspectors on site: at most "
                    f"{limits.max_at_once} at any one time",
                    limits.source,
                )
    on_site = [week_period(state.window, w) for w in weeks]
    for absence in diary.unavailable:
        if any(absence.period.overlaps(d) for d in on_site):
            raise RuleViolation(
                f"{inspector.name} is unavailable from {absence.period.starts} to {absence.period.ends} "
                f"({absence.reason})",
                AVAILABILITY,
            )
    for other, days in diary.bookings.items():
        clash = next((d for d in days for mine in on_site if d.overlaps(mine)), None)
        if clash is not None:
            raise RuleViolation(
                f"{inspector.name} is already on inspection {other} from {clash.starts} to {clash.ends}",
                ONE_INSPECTION_PER_INSPECTOR,
            )
    iid = scheduled.inspection_id
    return Changes(
        inspection=[
            InspectorAssigned(
                inspection_id=iid,
                inspector_id=c.inspector_id,
                inspectorate=inspector.inspectorate,
                weeks=weeks,
                on_site=on_site,
            )
        ],
        diaries={
            c.inspector_id: [InspectorBooked(inspection_id=iid, inspector_id=c.inspector_id, on_site=on_site)]
        },
    )


@dataclass(frozen=True)
class Release:
    inspector_id: str
    reason: str
    by: Inspectorate
    programme: Programme


def release(state: Inspection, c: Release) -> Changes:
    scheduled = _active(state)
    member = state.member(c.inspector_id)
    if member is None:
        raise RuleViolation(f"inspector {c.inspector_id} is not on this inspection's team", AVAILABILITY)
    if c.by not in (member.inspectorate, c.programme.participation.lead_inspectorate):
        raise Forbidden(
            f"an inspector of {member.inspectorate} is released by {member.inspectorate} "
            "or the lead inspectorate",
            c.programme.participation.source,
        )
    iid = scheduled.inspection_id
    return Changes(
        inspection=[InspectorReleased(inspection_id=iid, inspector_id=c.inspector_id, reason=c.reason)],
        diaries={
            c.inspector_id: [
                InspectorBookingReleased(inspection_id=iid, inspector_id=c.inspector_id, reason=c.reason)
            ]
        },
    )


# ---------------------------------------------------------------- inspectors


def register_inspector(diary: Diary, registered: InspectorRegistered, by: Inspectorate) -> list[Event]:
    if registered.inspectorate is not by:
        raise Forbidden("each inspectorate registers its own inspectors", AVAILABILITY)
    if diary.registered is not None:
        raise RuleViolation(f"inspector {registered.inspector_id} is already registered", AVAILABILITY)
    return [registered]


def declare_unavailable(diary: Diary, absence: InspectorUnavailable, by: Inspectorate) -> list[Event]:
    if diary.registered is None:
        raise RuleViolation(f"inspector {absence.inspector_id} is not registered", AVAILABILITY)
    if diary.registered.inspectorate is not by:
        raise Forbidden("each inspectorate records its own inspectors' availability", AVAILABILITY)
    if absence.period.ends < absence.period.starts:
        raise RuleViolation("the period ends before it starts", AVAILABILITY)
    for inspection_id, days in diary.bookings.items():
        if any(absence.period.overlaps(d) for d in days):
            raise RuleViolation(
                f"{diary.registered.name} is on inspection {inspection_id} then: release them from it first",
                AVAILABILITY,
            )
    return [absence]
