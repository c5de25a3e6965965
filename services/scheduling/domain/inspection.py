"""The inspection: scheduled for an area under a programme, joined by an inspectorate on a condition,
rescheduled or cancelled by the lead inspectorate (stream `inspection-{id}`). A command on its stream
alone returns its events (`decider`); one that reaches the area's calendar or inspectors' diaries returns
`Changes`, the events for each stream (`Changes.by_stream`), which the handler appends together or not at
all. Pure functions: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from shared.language.areas import Area
from shared.language.contracts.scheduling import (
    AreaReleased,
    InspectionCancelled,
    InspectionRescheduled,
    InspectionScheduled,
    InspectorAssigned,
    InspectorateJoined,
    InspectorBookingReleased,
    InspectorReleased,
    MeetingScheduled,
    NotificationRecorded,
    Period,
    Recipient,
    RoundPlanned,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme
from shared.language.programmes.citations import CANCELLED_RULE
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation

from .area_calendar import Book, Calendar, area_stream, book
from .dates import Window, last_working_day, window
from .inspector_diary import inspector_stream


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


def inspection_stream(inspection_id: str) -> str:
    return f"inspection-{inspection_id}"


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


@dataclass(frozen=True)
class Changes:
    """Events per stream: the inspection's, the area calendar's and each inspector diary's."""

    inspection: list[Event]
    area: list[Event] = field(default_factory=list)
    diaries: dict[str, list[Event]] = field(default_factory=dict)

    def by_stream(self, inspection_id: str, area_code: str) -> dict[str, list[Event]]:
        """The events for each stream by its id: the inspection's, its area's calendar, each diary's."""
        return {
            inspection_stream(inspection_id): self.inspection,
            area_stream(area_code): self.area,
            **{inspector_stream(k): events for k, events in sorted(self.diaries.items())},
        }


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
    booked = book(calendar, Book(c.area, c.inspection_id, w.fieldwork))
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
    return Changes(inspection=[scheduled, *_meetings(p, c.inspection_id, w.fieldwork)], area=booked)


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


def active(state: Inspection) -> InspectionScheduled:
    """The inspection as scheduled, for a command on it (its notice, its team): refused once cancelled."""
    assert state.scheduled is not None, "handlers answer 404 for an inspection never scheduled"
    if state.cancelled is not None:
        raise RuleViolation(f"the inspection was cancelled: {state.cancelled.reason}", CANCELLED_RULE)
    return state.scheduled


@dataclass(frozen=True)
class JoinInspection:
    programme: Programme
    inspectorate: Inspectorate
    condition: Literal["requested", "triggered"]
    reason: str
    by: Inspectorate


def join(state: Inspection, c: JoinInspection) -> list[Event]:
    """A conditional inspectorate joins, on the condition the programme gives it (the inspection's
    stream alone: `decider`)."""
    scheduled = active(state)
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


decider = Decider[Inspection, JoinInspection](Inspection(), evolve, join)


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
    scheduled = active(state)
    assert state.window is not None
    p = c.programme
    _check_lead(p, c.by, "reschedules")
    if state.window.starts <= c.today:
        raise RuleViolation(
            f"fieldwork started on {state.window.starts}: it can be cancelled, not moved", p.fieldwork.source
        )
    w = window(p, c.fieldwork_starts)
    _check_not_passed(p, w, c.today)
    booked = book(calendar, Book(c.area, scheduled.inspection_id, w.fieldwork))
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
        area=booked,
        diaries=_release_diaries(state, released),
    )


@dataclass(frozen=True)
class Cancel:
    programme: Programme
    reason: str
    by: Inspectorate
    today: date


def cancel(state: Inspection, c: Cancel) -> Changes:
    scheduled = active(state)
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
