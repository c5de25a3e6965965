"""The inspection's team: each inspectorate assigns its own inspectors for weeks of fieldwork, within the
programme's phases and on-site limits, when their diary is free, and releases them. A change to the team is
recorded on the inspection's stream and in the inspector's diary together. Pure functions: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from shared.language.contracts.scheduling import (
    InspectorAssigned,
    InspectorBooked,
    InspectorBookingReleased,
    InspectorReleased,
)
from shared.language.programmes import Programme
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation

from .dates import week_period
from .inspection import Changes, Inspection, active
from .inspector_diary import AVAILABILITY, Diary, check_free


def _phase_sources(p: Programme, weeks: list[int]) -> str:
    """The citation of the phases of these weeks, e.g. "004 §100"; "002 §37; 002 §38-39" across two."""
    sources = [phase.source for w in weeks if (phase := p.fieldwork.phase(w)) is not None]
    return "; ".join(dict.fromkeys(sources))


@dataclass(frozen=True)
class Assign:
    programme: Programme
    inspector_id: str
    weeks: tuple[int, ...]
    by: Inspectorate


def assign(state: Inspection, diary: Diary, c: Assign) -> Changes:
    """The inspector joins the team for the given weeks of fieldwork, within the programme's phases and
    on-site limits, when free in their diary."""
    scheduled = active(state)
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
    check_free(diary, on_site)
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
    scheduled = active(state)
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
