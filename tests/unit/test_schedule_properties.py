"""Property tests (issue 3, Tests): no generated schedule double-books an inspector or an area, exceeds an
on-site limit, puts an inspectorate on site outside its phase or books an inspector when unavailable.

Hypothesis generates sequences of commands; each is decided by the pure domain functions on the state
folded from the streams it reads, and its events are appended to every stream it names, or to none
when a rule is broken, as services/scheduling/handlers.py composes them over the event store. The
invariants are then checked on the final folded states. The last tests break one rule at a time and
show that the invariants catch it, so the properties cannot pass vacuously."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import combinations
from typing import Literal

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings, target
from hypothesis import strategies as st

from services.scheduling.domain import inspection, team
from services.scheduling.domain.area_calendar import Calendar, area_stream, evolve_calendar
from services.scheduling.domain.dates import week_period
from services.scheduling.domain.inspection import (
    Cancel,
    Changes,
    Inspection,
    JoinInspection,
    Reschedule,
    ScheduleInspection,
    evolve,
    inspection_stream,
)
from services.scheduling.domain.inspector_diary import (
    Diary,
    declare_unavailable,
    evolve_diary,
    inspector_stream,
    register_inspector,
)
from services.scheduling.domain.team import Assign, Release
from shared.language.areas import Area, register
from shared.language.contracts.scheduling import (
    InspectorRegistered,
    InspectorReleased,
    InspectorUnavailable,
    Period,
)
from shared.language.programmes import Programme, catalogue
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import fold
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import RuleViolation

OFSTED, CQC, HMIC = Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC
PROBATION, PRISONS, HMCPSI = Inspectorate.HMI_PROBATION, Inspectorate.HMI_PRISONS, Inspectorate.HMCPSI

TODAY = date(2030, 12, 2)
MONDAYS = [date(2031, 1, 6) + timedelta(weeks=n) for n in range(6)]  # no bank holiday Mondays among them
PROGRAMMES = ["macp-2012", "targeted-2015", "jtai-2015", "integrated-2014"]
AREAS = [
    "E08000035",  # Leeds: HMYOI Wetherby, so HMI Prisons takes part in MACP and integrated (002 §32)
    "E08000036",  # Wakefield
    "E06000014",  # York: a prison mother-and-baby unit
    "E09000033",  # Westminster
]
INSPECTION_IDS = ["i1", "i2", "i3", "i4"]
# Enough inspectors that the limits can bind: 8 may be on site in MACP week 2 (002 §35 allows 7), and
# more than 3 Ofsted inspectors may try to join a targeted inspection (001 Part 2).
INSPECTORS = {
    **{f"ofsted-{n}": OFSTED for n in range(1, 6)},
    "cqc-1": CQC,
    "cqc-2": CQC,
    "hmic-1": HMIC,
    "probation-1": PROBATION,
    "prisons-1": PRISONS,
    "hmcpsi-1": HMCPSI,
}


# --- commands ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    inspection_id: str
    programme_id: str
    area_code: str
    starts: date


@dataclass(frozen=True)
class Register:
    inspector_id: str


@dataclass(frozen=True)
class Unavailable:
    inspector_id: str
    period: Period


@dataclass(frozen=True)
class AssignTo:
    inspection_id: str
    inspector_id: str
    weeks: tuple[int, ...]
    by_own_inspectorate: bool


@dataclass(frozen=True)
class ReleaseFrom:
    inspection_id: str
    inspector_id: str
    by_lead: bool


@dataclass(frozen=True)
class Move:
    inspection_id: str
    starts: date


@dataclass(frozen=True)
class CancelIt:
    inspection_id: str


@dataclass(frozen=True)
class Join:
    inspection_id: str
    inspectorate: Inspectorate
    condition: Literal["requested", "triggered"]


Command = Schedule | Register | Unavailable | AssignTo | ReleaseFrom | Move | CancelIt | Join

inspection_ids = st.sampled_from(INSPECTION_IDS)
inspector_ids = st.sampled_from(sorted(INSPECTORS))
programmes, areas, mondays = st.sampled_from(PROGRAMMES), st.sampled_from(AREAS), st.sampled_from(MONDAYS)
schedules = st.builds(Schedule, inspection_ids, programmes, areas, mondays)
registrations = st.builds(Register, inspector_ids)
absences = st.builds(
    Unavailable,
    inspector_ids,
    st.builds(
        lambda first, days: Period(starts=first, ends=first + timedelta(days=days)),
        st.sampled_from([MONDAYS[0] + timedelta(days=n) for n in range(-3, 7 * 9)]),
        st.integers(0, 6),
    ),
)
weeks = st.sampled_from([(1,), (1,), (2,), (2,), (3,), (4,), (1, 2), (2, 3), (3, 4), (1, 2, 3, 4), (5,)])
assignments = st.builds(
    AssignTo,
    inspection_ids,
    inspector_ids,
    weeks,  # week 1 fits every programme; the rest test the phases; week 5 is outside every fieldwork
    st.sampled_from([True, True, True, False]),  # mostly by the inspector's own inspectorate
)
# Staffing an inspection: every inspector in turn, in a random order, so that the limits are reached.
staffings = st.builds(
    lambda i, order, w: [AssignTo(i, k, w, True) for k in order],
    inspection_ids,
    st.permutations(sorted(INSPECTORS)),
    weeks,
)
# A step is one command or a staffing; assignments come first, as one_of favours its first branches.
steps: st.SearchStrategy[list[Command]] = st.one_of(
    staffings,
    st.one_of(
        assignments,
        st.builds(ReleaseFrom, inspection_ids, inspector_ids, st.booleans()),
        absences,
        st.builds(Move, inspection_ids, mondays),
        st.builds(CancelIt, inspection_ids),
        st.builds(
            Join,
            inspection_ids,
            st.sampled_from([HMCPSI, PRISONS]),
            st.sampled_from(["requested", "triggered"]),
        ),
        schedules,
        registrations,
    ).map(lambda command: [command]),
)
# Inspections and registrations first, so that most later commands have something to act on.
scenarios: st.SearchStrategy[list[Command]] = st.tuples(
    st.tuples(*(st.builds(Schedule, st.just(i), programmes, areas, mondays) for i in INSPECTION_IDS)),
    st.sets(inspector_ids, max_size=3),  # left unregistered, until a Register command comes
    st.lists(steps, min_size=3, max_size=25),
).map(
    lambda parts: [
        *parts[0],
        *(Register(k) for k in INSPECTORS if k not in parts[1]),
        *(command for step in parts[2] for command in step),
    ]
)


# --- the streams, composed as the handlers compose them --------------------------------------


@dataclass(frozen=True)
class Deciders:
    """The domain's deciders; the last tests swap one for a broken one."""

    schedule: Callable[[Calendar, ScheduleInspection], Changes] = inspection.schedule
    assign: Callable[[Inspection, Diary, Assign], Changes] = team.assign
    release: Callable[[Inspection, Release], Changes] = team.release
    reschedule: Callable[[Inspection, Calendar, Reschedule], Changes] = inspection.reschedule
    cancel: Callable[[Inspection, Cancel], Changes] = inspection.cancel


class Streams:
    """Stream id -> events. A command reads the streams it needs, folds them, decides, and appends the
    events for each stream it names, all of them or (on a RuleViolation) none."""

    def __init__(self, deciders: Deciders) -> None:
        self.deciders = deciders
        self.streams: dict[str, list[Event]] = defaultdict(list)
        self.accepted: list[Command] = []

    def inspection(self, inspection_id: str) -> Inspection:
        return fold(evolve, Inspection(), self.streams[inspection_stream(inspection_id)])

    def calendar(self, code: str) -> Calendar:
        return fold(evolve_calendar, Calendar(), self.streams[area_stream(code)])

    def diary(self, inspector_id: str) -> Diary:
        return fold(evolve_diary, Diary(), self.streams[inspector_stream(inspector_id)])

    def apply(self, command: Command) -> None:
        try:
            writes = self.decide(command)
        except RuleViolation:
            return
        for stream_id, events in writes.items():
            self.streams[stream_id] += events
        if writes:
            self.accepted.append(command)

    def decide(self, c: Command) -> dict[str, list[Event]]:
        """The events to append per stream; {} where the handler would answer 404 or 409."""
        d = self.deciders
        match c:
            case Schedule():
                if self.streams[inspection_stream(c.inspection_id)]:
                    return {}  # the handler appends at version 0: a conflict
                programme = catalogue()[c.programme_id]
                theme = programme.deep_dive_themes[0].id if programme.deep_dive_themes else None
                area = register()[c.area_code]
                command = ScheduleInspection(c.inspection_id, programme, area, theme, c.starts, OFSTED, TODAY)
                changes = d.schedule(self.calendar(c.area_code), command)
                events, booked = changes.inspection, changes.area
                return {
                    inspection_stream(c.inspection_id): events,
                    area_stream(c.area_code): booked,
                }
            case Register():
                registered = InspectorRegistered(
                    inspector_id=c.inspector_id, inspectorate=INSPECTORS[c.inspector_id], name=c.inspector_id
                )
                events = register_inspector(self.diary(c.inspector_id), registered, registered.inspectorate)
                return {inspector_stream(c.inspector_id): events}
            case Unavailable():
                diary = self.diary(c.inspector_id)
                if diary.registered is None:
                    return {}  # 404
                absence = InspectorUnavailable(inspector_id=c.inspector_id, period=c.period, reason="leave")
                events = declare_unavailable(diary, absence, INSPECTORS[c.inspector_id])
                return {inspector_stream(c.inspector_id): events}
            case Join():
                state = self.inspection(c.inspection_id)
                if state.scheduled is None:
                    return {}
                join = JoinInspection(self.programme(state), c.inspectorate, c.condition, "triggered", OFSTED)
                return {inspection_stream(c.inspection_id): inspection.join(state, join)}
            case AssignTo():
                own = INSPECTORS[c.inspector_id]
                by = own if c.by_own_inspectorate else next(i for i in Inspectorate if i is not own)
                return self.across(
                    c.inspection_id,
                    lambda s, _, diaries: d.assign(
                        s, diaries[c.inspector_id], Assign(self.programme(s), c.inspector_id, c.weeks, by)
                    ),
                    also_diary=c.inspector_id,
                )
            case ReleaseFrom():
                by = OFSTED if c.by_lead else INSPECTORS[c.inspector_id]
                return self.across(
                    c.inspection_id,
                    lambda s, _, __: d.release(
                        s, Release(c.inspector_id, "needed elsewhere", by, self.programme(s))
                    ),
                )
            case Move():
                return self.across(
                    c.inspection_id,
                    lambda s, cal, _: d.reschedule(
                        s,
                        cal,
                        Reschedule(
                            self.programme(s), self.area(s), c.starts, "asked by the area", OFSTED, TODAY
                        ),
                    ),
                )
            case CancelIt():
                return self.across(
                    c.inspection_id,
                    lambda s, _, __: d.cancel(s, Cancel(self.programme(s), "reorganised", OFSTED, TODAY)),
                )
        raise AssertionError(c)  # pragma: no cover

    def across(
        self,
        inspection_id: str,
        decide: Callable[[Inspection, Calendar, dict[str, Diary]], Changes],
        also_diary: str | None = None,
    ) -> dict[str, list[Event]]:
        """As handlers.py reads for a command on an inspection: it, its calendar and its team's diaries."""
        state = self.inspection(inspection_id)
        if state.scheduled is None:
            return {}  # 404
        area_code = state.scheduled.area_code
        read = {*(m.inspector_id for m in state.team), *([also_diary] if also_diary else [])}
        diaries = {inspector_id: self.diary(inspector_id) for inspector_id in read}
        decided = decide(state, self.calendar(area_code), diaries)
        assert set(decided.diaries) <= read, "a decider wrote to a diary the handler did not read"
        return {
            inspection_stream(inspection_id): decided.inspection,
            area_stream(area_code): decided.area,
            **{inspector_stream(k): events for k, events in decided.diaries.items()},
        }

    @staticmethod
    def programme(state: Inspection) -> Programme:
        assert state.scheduled is not None
        return catalogue()[state.scheduled.programme]

    @staticmethod
    def area(state: Inspection) -> Area:
        assert state.scheduled is not None
        return register()[state.scheduled.area_code]


def run(scenario: list[Command], deciders: Deciders = Deciders()) -> Streams:
    streams = Streams(deciders)
    for command in scenario:
        streams.apply(command)
    return streams


# --- the invariants ---------------------------------------------------------------------------


def violations(s: Streams) -> list[str]:
    """Every broken invariant in the final folded states, described."""
    problems: list[str] = []
    inspections = {i: s.inspection(i) for i in INSPECTION_IDS if s.inspection(i).scheduled is not None}
    active = {i: state for i, state in inspections.items() if state.cancelled is None}
    diaries = {k: s.diary(k) for k in INSPECTORS}

    # An area has one inspection at a time, and its calendar books exactly the active inspections.
    for code in AREAS:
        bookings = s.calendar(code).bookings
        for (a, pa), (b, pb) in combinations(sorted(bookings.items()), 2):
            if pa.overlaps(pb):
                problems.append(f"area {code}: {a} {pa} overlaps {b} {pb}")
        for i, period in bookings.items():
            state = active.get(i)
            if state is None or state.scheduled is None or state.scheduled.area_code != code:
                problems.append(f"area {code}: books {i}, which is not an active inspection there")
            elif state.window != period:
                problems.append(f"area {code}: books {i} for {period}, but its fieldwork is {state.window}")
    for i, state in active.items():
        assert state.scheduled is not None
        if i not in s.calendar(state.scheduled.area_code).bookings:
            problems.append(f"{i}: active but not booked in its area's calendar")

    # An inspector is on one inspection at a time, when available, and diaries match the teams.
    for k, diary in diaries.items():
        days = [(i, p) for i, periods in diary.bookings.items() for p in periods]
        for (a, pa), (b, pb) in combinations(days, 2):
            if pa.overlaps(pb):
                problems.append(f"{k}: on {a} {pa} and on {b} {pb}")
        for absence in diary.unavailable:
            problems += [
                f"{k}: on {i} {p}, unavailable {absence.period}"
                for i, p in days
                if absence.period.overlaps(p)
            ]
        for i, periods in diary.bookings.items():
            member = active[i].member(k) if i in active else None
            if member is None or tuple(member.on_site) != periods:
                problems.append(f"{k}: diary books {i} {periods}, the team has {member}")

    for i, state in inspections.items():
        assert state.scheduled is not None
        assert state.window is not None
        programme = catalogue()[state.scheduled.programme]
        team = state.team
        if state.cancelled is not None and team:
            problems.append(f"{i}: cancelled with a team")
        if len({m.inspector_id for m in team}) != len(team):
            problems.append(f"{i}: an inspector is on the team twice")
        for m in team:
            if diaries[m.inspector_id].bookings.get(i) != tuple(m.on_site):
                problems.append(f"{i}: {m.inspector_id} on the team, not booked so in their diary")
            if m.on_site != [week_period(state.window, w) for w in m.weeks]:
                problems.append(
                    f"{i}: {m.inspector_id} on site {m.on_site}, not in weeks {m.weeks} of {state.window}"
                )
            if m.inspectorate not in state.inspectorates:
                problems.append(f"{i}: {m.inspector_id} of {m.inspectorate}, which does not take part")
            for w in m.weeks:
                phase = programme.fieldwork.phase(w)
                if phase is None or m.inspectorate not in phase.inspectorates:
                    problems.append(f"{i}: {m.inspector_id} of {m.inspectorate} on site in week {w}")
        limits = programme.on_site
        if limits is not None and limits.max_team is not None and len(team) > limits.max_team:
            problems.append(f"{i}: a team of {len(team)}, more than {limits.max_team}")
        if limits is not None and limits.max_at_once is not None:
            for w in range(1, programme.fieldwork.weeks + 1):
                on_site = sum(w in m.weeks for m in team)
                if on_site > limits.max_at_once:
                    problems.append(f"{i}: {on_site} on site in week {w}, more than {limits.max_at_once}")
    return problems


PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTIES
@given(scenarios)
def test_no_generated_schedule_breaks_a_scheduling_invariant(scenario: list[Command]) -> None:
    streams = run(scenario)
    assert violations(streams) == []
    # Steer the search towards full teams, where the on-site limits bind.
    for programme_id, load in fullest(streams).items():
        target(float(load), label=f"fullest {programme_id}")


def fullest(s: Streams) -> dict[str, int]:
    """Per limited programme, the most inspectors on site in one week of any of its inspections."""
    load = {"macp-2012": 0, "targeted-2015": 0}
    for i in INSPECTION_IDS:
        state = s.inspection(i)
        if state.scheduled is not None and state.scheduled.programme in load:
            busiest = max((sum(w in m.weeks for m in state.team) for w in (1, 2)), default=0)
            load[state.scheduled.programme] = max(load[state.scheduled.programme], busiest)
    return load


# --- the properties are not vacuous -----------------------------------------------------------


def test_a_dense_hand_written_schedule_meets_every_limit_exactly() -> None:
    # MACP in Leeds: 7 on site in week 2 (002 §35), a full targeted team of 3 (001 Part 2) the week after.
    macp_week_2 = ["ofsted-1", "ofsted-2", "ofsted-3", "ofsted-4", "cqc-1", "probation-1", "prisons-1"]
    scenario: list[Command] = [
        Schedule("i1", "macp-2012", "E08000035", MONDAYS[0]),
        Schedule("i2", "targeted-2015", "E08000036", MONDAYS[2]),
        *(Register(k) for k in INSPECTORS),
        *(AssignTo("i1", k, (2,), True) for k in macp_week_2),
        AssignTo("i1", "cqc-2", (2,), True),  # the eighth: refused
        AssignTo("i1", "ofsted-5", (1,), True),
        AssignTo("i1", "hmic-1", (1,), True),
        *(AssignTo("i2", f"ofsted-{n}", (1,), True) for n in (1, 2, 5)),
        AssignTo("i2", "ofsted-3", (1,), True),  # the fourth: refused
    ]
    streams = run(scenario)
    assert violations(streams) == []
    assert sum(2 in m.weeks for m in streams.inspection("i1").team) == 7
    assert len(streams.inspection("i2").team) == 3
    assert AssignTo("i1", "cqc-2", (2,), True) not in streams.accepted
    assert AssignTo("i2", "ofsted-3", (1,), True) not in streams.accepted


def _without_limits(programme: Programme) -> Programme:
    return programme.model_copy(update={"on_site": None})


def _every_phase_open(programme: Programme) -> Programme:
    phases = [p.model_copy(update={"inspectorates": list(Inspectorate)}) for p in programme.fieldwork.phases]
    return programme.model_copy(
        update={"fieldwork": programme.fieldwork.model_copy(update={"phases": phases})}
    )


def _assign_with(
    programme: Callable[[Programme], Programme] = lambda p: p, diary: Callable[[Diary], Diary] = lambda d: d
) -> Callable[[Inspection, Diary, Assign], Changes]:
    def assign(state: Inspection, d: Diary, c: Assign) -> Changes:
        return team.assign(state, diary(d), replace(c, programme=programme(c.programme)))

    return assign


def _reschedule_keeping_the_team(state: Inspection, calendar: Calendar, c: Reschedule) -> Changes:
    decided = inspection.reschedule(state, calendar, c)
    kept = [e for e in decided.inspection if not isinstance(e, InspectorReleased)]
    return Changes(inspection=kept, area=decided.area)


def _release_keeping_the_diary(state: Inspection, c: Release) -> Changes:
    return Changes(inspection=team.release(state, c).inspection)


def _cancel_keeping_the_area(state: Inspection, c: Cancel) -> Changes:
    decided = inspection.cancel(state, c)
    return Changes(inspection=decided.inspection, diaries=decided.diaries)


BROKEN = {
    "area calendar ignored": Deciders(schedule=lambda _, c: inspection.schedule(Calendar(), c)),
    "diary ignored": Deciders(assign=_assign_with(diary=lambda d: replace(d, bookings={}))),
    "unavailability ignored": Deciders(assign=_assign_with(diary=lambda d: replace(d, unavailable=()))),
    "on-site limits ignored": Deciders(assign=_assign_with(programme=_without_limits)),
    "phases ignored": Deciders(assign=_assign_with(programme=_every_phase_open)),
    "release keeps the diary booked": Deciders(release=_release_keeping_the_diary),
    "reschedule keeps the team": Deciders(reschedule=_reschedule_keeping_the_team),
    "cancel keeps the area": Deciders(cancel=_cancel_keeping_the_area),
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_the_invariants_catch_a_broken_rule(broken: Deciders) -> None:
    counterexample = find(
        scenarios,
        lambda scenario: bool(violations(run(scenario, broken))),
        # The first counterexample will do: no shrinking, and the same search on every run.
        settings=settings(
            max_examples=2000, deadline=None, database=None, derandomize=True, phases=[Phase.generate]
        ),
    )
    assert violations(run(counterexample, broken))
    assert violations(run(counterexample)) == []  # the real rules refuse what the broken one allowed
