"""Scheduling an inspection and notifying the local partnership. Pure functions: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from shared.catalogue import Event
from shared.contracts.scheduling import InspectionScheduled, NotificationRecorded, Recipient
from shared.contracts.vocabulary import Agency
from shared.decider import Decider
from shared.envelope import Inspectorate
from shared.errors import RuleViolation
from shared.programmes import Programme
from shared.workdays import date_in_england, working_days_before

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass(frozen=True)
class ScheduleInspection:
    inspection_id: str
    programme: Programme
    local_area: str
    deep_dive_theme: str
    fieldwork_starts: date
    scheduled_by: Inspectorate
    today: date


@dataclass(frozen=True)
class RecordNotification:
    programme: Programme
    recipient: Recipient
    agency: Agency | None
    notified_by: Inspectorate
    notified_at: datetime
    now: datetime


Command = ScheduleInspection | RecordNotification


@dataclass(frozen=True)
class Inspection:
    scheduled: InspectionScheduled | None = None
    notifications: tuple[NotificationRecorded, ...] = ()

    @property
    def lscb_notified(self) -> bool:
        return any(n.recipient is not Recipient.AGENCY_SENIOR_LEADER for n in self.notifications)

    def agencies_notified(self) -> set[Agency]:
        return {n.agency for n in self.notifications if n.agency is not None}


def evolve(state: Inspection, event: Event) -> Inspection:
    match event:
        case InspectionScheduled():
            return replace(state, scheduled=event)
        case NotificationRecorded():
            return replace(state, notifications=(*state.notifications, event))
    return state


def fieldwork_dates(programme: Programme, starts: date) -> tuple[date, date, date]:
    """Fieldwork's last day and the notice date: `notice.working_days` working days before it starts."""
    rule = programme.fieldwork
    if _WEEKDAYS[starts.weekday()] != rule.starts_on:
        raise RuleViolation(
            f"fieldwork must start on a {rule.starts_on.capitalize()}; {starts} is a "
            f"{_WEEKDAYS[starts.weekday()].capitalize()}",
            rule.source,
        )
    notice = working_days_before(starts, programme.notice.working_days)
    return starts, starts + timedelta(days=rule.days - 1), notice


def decide(state: Inspection, command: Command) -> list[Event]:
    match command:
        case ScheduleInspection():
            return [_schedule(state, command)]
        case RecordNotification():
            return [_notify(state, command)]


def _schedule(state: Inspection, c: ScheduleInspection) -> InspectionScheduled:
    p = c.programme
    if state.scheduled is not None:
        raise RuleViolation(f"inspection {c.inspection_id} is already scheduled", p.participation.source)
    if c.scheduled_by is not p.participation.lead_inspectorate:
        raise RuleViolation(
            f"{p.title} inspections are arranged by the lead inspectorate, "
            f"{p.participation.lead_inspectorate}",
            p.participation.source,
        )
    if p.theme(c.deep_dive_theme) is None:
        themes = ", ".join(t.id for t in p.deep_dive_themes)
        raise RuleViolation(
            f"deep-dive theme {c.deep_dive_theme!r} is not one of {p.id}'s: {themes}",
            p.deep_dive_themes[0].source if p.deep_dive_themes else p.participation.source,
        )
    starts, ends, notice = fieldwork_dates(p, c.fieldwork_starts)
    if notice < c.today:
        raise RuleViolation(
            f"the notice date {notice} ({p.notice.working_days} working days before fieldwork "
            f"starts on {starts}) is already in the past; choose a later fieldwork week",
            p.notice.source,
        )
    return InspectionScheduled(
        inspection_id=c.inspection_id,
        programme=p.id,
        local_area=c.local_area,
        deep_dive_theme=c.deep_dive_theme,
        fieldwork_starts=starts,
        fieldwork_ends=ends,
        notice_date=notice,
        inspectorates=list(p.participation.inspectorates),
        agencies=p.agency_inspectorates(),
    )


def _notify(state: Inspection, c: RecordNotification) -> NotificationRecorded:
    scheduled = state.scheduled
    p = c.programme
    rule = p.notice.source
    if scheduled is None:
        raise RuleViolation("notifications can only be recorded for a scheduled inspection", rule)
    if c.notified_at > c.now + timedelta(minutes=5):
        raise RuleViolation(f"notified_at {c.notified_at.isoformat()} is in the future", rule)
    if date_in_england(c.notified_at) > scheduled.notice_date:
        raise RuleViolation(
            f"notifying on {date_in_england(c.notified_at)} gives less than {p.notice.working_days} "
            f"working days' notice: the notice date was {scheduled.notice_date}",
            rule,
        )
    if c.recipient is Recipient.AGENCY_SENIOR_LEADER:
        if not state.lscb_notified:
            first = " or ".join(r.value for r in p.notice.first_notified)
            raise RuleViolation(f"the {first} must be notified before any agency's senior leader", rule)
        if c.agency is None or c.agency not in scheduled.agencies:
            known = ", ".join(a.value for a in scheduled.agencies)
            raise RuleViolation(
                f"an agency senior leader notification must name one of the inspected agencies: {known}", rule
            )
        if scheduled.agencies[c.agency] is not c.notified_by:
            raise RuleViolation(
                f"the {c.agency} senior leader is notified by the inspectorate that inspects it, "
                f"{scheduled.agencies[c.agency]}",
                rule,
            )
        if c.agency in state.agencies_notified():
            raise RuleViolation(f"the {c.agency} senior leader has already been notified", rule)
    else:
        if c.recipient not in p.notice.first_notified:
            raise RuleViolation(f"{c.recipient} is not notified under {p.id}", rule)
        if c.agency is not None:
            raise RuleViolation("an LSCB notification names no agency", rule)
        if state.lscb_notified:
            raise RuleViolation("the LSCB has already been notified", rule)
        if c.notified_by is not p.participation.lead_inspectorate:
            raise RuleViolation(
                f"the LSCB is notified by the lead inspectorate, {p.participation.lead_inspectorate}", rule
            )
    return NotificationRecorded(
        inspection_id=scheduled.inspection_id,
        recipient=c.recipient,
        agency=c.agency,
        notified_by=c.notified_by,
        notified_at=c.notified_at,
    )


inspection = Decider[Inspection, Command](Inspection(), evolve, decide)


def stream_id(inspection_id: str) -> str:
    return f"inspection-{inspection_id}"
