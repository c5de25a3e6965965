"""Teams, diaries and area calendars (issue 3, Deliver 5): who may be on site when, and what
rescheduling and cancelling release. Each command is decided on the state folded from its streams,
and its events are appended to every stream it names, as services/scheduling/handlers.py does."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import pytest

from services.scheduling.domain import inspection, team
from services.scheduling.domain.area_calendar import (
    ONE_INSPECTION_PER_AREA,
    Calendar,
    area_stream,
    evolve_calendar,
)
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
    AVAILABILITY,
    ONE_INSPECTION_PER_INSPECTOR,
    Diary,
    declare_unavailable,
    evolve_diary,
    inspector_stream,
    register_inspector,
)
from services.scheduling.domain.notice import RecordNotification, notify
from services.scheduling.domain.team import Assign, Release
from shared.language.areas import register
from shared.language.contracts.scheduling import (
    AreaBooked,
    AreaReleased,
    InspectionCancelled,
    InspectionRescheduled,
    InspectionScheduled,
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
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme, catalogue
from shared.language.programmes.citations import CANCELLED_RULE
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import fold
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import RuleViolation

OFSTED, CQC, HMIC = Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC
PROBATION, PRISONS, HMCPSI = Inspectorate.HMI_PROBATION, Inspectorate.HMI_PRISONS, Inspectorate.HMCPSI

TODAY = date(2026, 1, 5)
MONDAY = date(2026, 3, 2)  # no bank holiday in the four weeks from here
WAKEFIELD = "E08000036"  # no custody the register knows of
LEEDS = "E08000035"  # HMYOI Wetherby: a young offender institution (002 §32)


def week(n: int, starts: date = MONDAY) -> Period:
    monday = starts + timedelta(weeks=n - 1)
    return Period(starts=monday, ends=monday + timedelta(days=4))


class Board:
    """The scheduling streams in memory: stream id -> events, each command deciding on the state folded
    from the streams it reads and appending to all the streams it names, or to none."""

    def __init__(self) -> None:
        self.streams: dict[str, list[Event]] = defaultdict(list)

    def inspection(self, inspection_id: str) -> Inspection:
        return fold(evolve, Inspection(), self.streams[inspection_stream(inspection_id)])

    def calendar(self, code: str) -> Calendar:
        return fold(evolve_calendar, Calendar(), self.streams[area_stream(code)])

    def diary(self, inspector_id: str) -> Diary:
        return fold(evolve_diary, Diary(), self.streams[inspector_stream(inspector_id)])

    def programme(self, inspection_id: str) -> Programme:
        scheduled = self.inspection(inspection_id).scheduled
        assert scheduled is not None
        return catalogue()[scheduled.programme]

    def schedule(
        self,
        inspection_id: str,
        programme_id: str,
        area_code: str = WAKEFIELD,
        starts: date = MONDAY,
        theme: str | None = None,
    ) -> list[Event]:
        programme = catalogue()[programme_id]
        area = register()[area_code]
        if theme is None and programme.deep_dive_themes:
            theme = programme.deep_dive_themes[0].id
        command = ScheduleInspection(
            inspection_id=inspection_id,
            programme=programme,
            area=area,
            deep_dive_theme=theme,
            fieldwork_starts=starts,
            scheduled_by=OFSTED,
            today=TODAY,
        )
        changes = inspection.schedule(self.calendar(area_code), command)
        events, booked = changes.inspection, changes.area
        self.streams[inspection_stream(inspection_id)] += events
        self.streams[area_stream(area_code)] += booked
        return events

    def register(self, inspector_id: str, inspectorate: Inspectorate, by: Inspectorate | None = None) -> None:
        registered = InspectorRegistered(
            inspector_id=inspector_id, inspectorate=inspectorate, name=f"Inspector {inspector_id}"
        )
        events = register_inspector(self.diary(inspector_id), registered, by or inspectorate)
        self.streams[inspector_stream(inspector_id)] += events

    def unavailable(
        self, inspector_id: str, period: Period, reason: str = "annual leave", by: Inspectorate | None = None
    ) -> None:
        diary = self.diary(inspector_id)
        absence = InspectorUnavailable(inspector_id=inspector_id, period=period, reason=reason)
        inspectorate = by or (diary.registered.inspectorate if diary.registered else OFSTED)
        self.streams[inspector_stream(inspector_id)] += declare_unavailable(diary, absence, inspectorate)

    def assign(
        self, inspection_id: str, inspector_id: str, weeks: tuple[int, ...], by: Inspectorate | None = None
    ) -> Changes:
        diary = self.diary(inspector_id)
        inspectorate = by or (diary.registered.inspectorate if diary.registered else OFSTED)
        command = Assign(self.programme(inspection_id), inspector_id, weeks, inspectorate)
        return self._apply(inspection_id, team.assign(self.inspection(inspection_id), diary, command))

    def release(self, inspection_id: str, inspector_id: str, by: Inspectorate) -> Changes:
        command = Release(inspector_id, "needed on another inspection", by, self.programme(inspection_id))
        return self._apply(inspection_id, team.release(self.inspection(inspection_id), command))

    def reschedule(self, inspection_id: str, starts: date, by: Inspectorate = OFSTED) -> Changes:
        state = self.inspection(inspection_id)
        assert state.scheduled is not None
        code = state.scheduled.area_code
        command = Reschedule(
            self.programme(inspection_id), register()[code], starts, "the area asked", by, TODAY
        )
        return self._apply(inspection_id, inspection.reschedule(state, self.calendar(code), command))

    def cancel(self, inspection_id: str, by: Inspectorate = OFSTED) -> Changes:
        command = Cancel(self.programme(inspection_id), "the area was reorganised", by, TODAY)
        return self._apply(inspection_id, inspection.cancel(self.inspection(inspection_id), command))

    def join(
        self,
        inspection_id: str,
        inspectorate: Inspectorate,
        condition: Literal["requested", "triggered"] = "triggered",
        by: Inspectorate = OFSTED,
    ) -> list[Event]:
        reason = "cases raise concerns about prosecution decisions"
        command = JoinInspection(self.programme(inspection_id), inspectorate, condition, reason, by)
        events = inspection.join(self.inspection(inspection_id), command)
        self.streams[inspection_stream(inspection_id)] += events
        return events

    def _apply(self, inspection_id: str, decided: Changes) -> Changes:
        state = self.inspection(inspection_id)
        assert state.scheduled is not None
        self.streams[inspection_stream(inspection_id)] += decided.inspection
        self.streams[area_stream(state.scheduled.area_code)] += decided.area
        for inspector_id, events in decided.diaries.items():
            self.streams[inspector_stream(inspector_id)] += events
        return decided

    def snapshot(self) -> dict[str, list[Event]]:
        return {k: list(v) for k, v in self.streams.items() if v}


@pytest.fixture
def board() -> Board:
    return Board()


# --- phases and on-site limits ----------------------------------------------------------------


def test_002_para_37_a_cqc_inspector_in_macp_week_1_is_rejected(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    board.register("cqc-1", CQC)
    for weeks in [(1,), (1, 2)]:
        with pytest.raises(RuleViolation) as caught:
            board.assign("macp-1", "cqc-1", weeks)
        assert caught.value.rule == "002 §38-39"  # the paragraph that puts CQC in week 2
        assert "week 1" in caught.value.message
        assert "ofsted, hmic" in caught.value.message
        assert "not cqc" in caught.value.message
        assert "week(s) 2" in caught.value.message  # where CQC may go instead
    assert board.inspection("macp-1").team == ()
    assert board.diary("cqc-1").bookings == {}

    decided = board.assign("macp-1", "cqc-1", (2,))
    assert board.inspection("macp-1").member("cqc-1") == decided.inspection[0]
    assert board.diary("cqc-1").bookings == {"macp-1": (week(2),)}


def test_002_para_38_hmic_is_not_on_site_in_macp_week_2(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    board.register("hmic-1", HMIC)
    with pytest.raises(RuleViolation) as caught:
        board.assign("macp-1", "hmic-1", (2,))
    assert caught.value.rule == "002 §37"  # the paragraph that puts HMIC in week 1
    assert "week(s) 1" in caught.value.message
    board.assign("macp-1", "hmic-1", (1,))


def test_002_para_35_an_eighth_inspector_on_site_in_a_macp_week_is_rejected(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    for n in range(1, 7):
        board.register(f"ofsted-{n}", OFSTED)
    board.register("cqc-1", CQC)
    board.register("probation-1", PROBATION)
    for n in range(1, 5):  # 002 §35: "four Ofsted inspectors and at least one from each of the others"
        board.assign("macp-1", f"ofsted-{n}", (1, 2))
    board.assign("macp-1", "cqc-1", (2,))
    board.assign("macp-1", "probation-1", (2,))
    board.assign("macp-1", "ofsted-5", (2,))
    assert board.inspection("macp-1").on_site(2) == 7
    before = board.snapshot()

    for weeks in [(2,), (1, 2)]:
        with pytest.raises(RuleViolation) as caught:
            board.assign("macp-1", "ofsted-6", weeks)
        assert caught.value.rule == "002 §35"
        assert "week 2 already has 7 inspectors on site" in caught.value.message
        assert "at most 7" in caught.value.message
    assert board.snapshot() == before  # nothing written

    # The limit is on site at any one time: week 1 has room (4 Ofsted so far).
    board.assign("macp-1", "ofsted-6", (1,))
    assert board.inspection("macp-1").on_site(1) == 5
    assert len(board.inspection("macp-1").team) == 8


def test_001_part_2_a_fourth_inspector_on_a_targeted_inspection_is_rejected(board: Board) -> None:
    board.schedule("targeted-1", "targeted-2015")
    for n in range(1, 5):
        board.register(f"ofsted-{n}", OFSTED)
    for n in range(1, 4):
        board.assign("targeted-1", f"ofsted-{n}", (1,))
    with pytest.raises(RuleViolation) as caught:
        board.assign("targeted-1", "ofsted-4", (1,))
    assert caught.value.rule == "001 Part 2"
    assert "team of 3" in caught.value.message
    assert "full" in caught.value.message

    board.release("targeted-1", "ofsted-1", by=OFSTED)
    board.assign("targeted-1", "ofsted-4", (1,))
    assert sorted(m.inspector_id for m in board.inspection("targeted-1").team) == [
        "ofsted-2",
        "ofsted-3",
        "ofsted-4",
    ]


def test_004_para_100_hmi_prisons_is_on_site_in_integrated_week_3_only(board: Board) -> None:
    board.schedule("int-1", "integrated-2014", area_code=LEEDS)
    board.register("prisons-1", PRISONS)
    with pytest.raises(RuleViolation) as caught:
        board.assign("int-1", "prisons-1", (2, 3))
    assert caught.value.rule == "004 §100"  # "present for week three", not the general window of §36
    assert "week(s) 3" in caught.value.message
    decided = board.assign("int-1", "prisons-1", (3,))
    assert board.diary("prisons-1").bookings == {"int-1": (week(3),)}
    assert decided.diaries == {
        "prisons-1": [InspectorBooked(inspection_id="int-1", inspector_id="prisons-1", on_site=[week(3)])]
    }


@pytest.mark.parametrize(
    ("programme_id", "weeks"), [("jtai-2015", (2,)), ("macp-2012", (3,)), ("macp-2012", ())]
)
def test_weeks_outside_the_fieldwork_are_rejected(
    board: Board, programme_id: str, weeks: tuple[int, ...]
) -> None:
    board.schedule("insp-1", programme_id)
    board.register("ofsted-1", OFSTED)
    with pytest.raises(RuleViolation) as caught:
        board.assign("insp-1", "ofsted-1", weeks)
    assert caught.value.rule == catalogue()[programme_id].fieldwork.source
    assert f"within the {catalogue()[programme_id].fieldwork.weeks} week(s)" in caught.value.message


# --- inspectors and their diaries -------------------------------------------------------------


def test_an_inspector_on_two_overlapping_inspections_is_rejected(board: Board) -> None:
    board.schedule("macp-1", "macp-2012", area_code=WAKEFIELD)  # 2 and 9 March
    board.schedule("jtai-1", "jtai-2015", area_code=LEEDS, starts=MONDAY + timedelta(weeks=1))  # 9 March
    board.register("ofsted-1", OFSTED)
    board.register("ofsted-2", OFSTED)
    board.assign("macp-1", "ofsted-1", (1, 2))
    board.assign("macp-1", "ofsted-2", (1,))

    with pytest.raises(RuleViolation) as caught:
        board.assign("jtai-1", "ofsted-1", (1,))
    assert caught.value.rule == ONE_INSPECTION_PER_INSPECTOR
    assert "already on inspection macp-1" in caught.value.message
    assert "from 2026-03-09 to 2026-03-13" in caught.value.message
    assert "jtai-1" not in board.diary("ofsted-1").bookings

    # On site in MACP week 1 only, the other inspector is free for the JTAI in the week after.
    board.assign("jtai-1", "ofsted-2", (1,))
    assert board.diary("ofsted-2").bookings == {"macp-1": (week(1),), "jtai-1": (week(2),)}


def test_assignment_during_declared_unavailability_is_rejected(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    board.register("ofsted-1", OFSTED)
    board.unavailable("ofsted-1", Period(starts=date(2026, 3, 13), ends=date(2026, 3, 13)), "training")
    board.unavailable("ofsted-1", Period(starts=date(2026, 3, 7), ends=date(2026, 3, 8)), "weekend away")

    with pytest.raises(RuleViolation) as caught:
        board.assign("macp-1", "ofsted-1", (1, 2))
    assert caught.value.rule == AVAILABILITY
    assert "unavailable from 2026-03-13 to 2026-03-13 (training)" in caught.value.message
    # The weekend between the two weeks is not on site: week 1 is free.
    board.assign("macp-1", "ofsted-1", (1,))
    assert board.diary("ofsted-1").bookings == {"macp-1": (week(1),)}


def test_unavailability_over_a_booking_is_rejected_until_released(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    board.register("ofsted-1", OFSTED)
    board.assign("macp-1", "ofsted-1", (2,))
    leave = Period(starts=date(2026, 3, 12), ends=date(2026, 3, 20))
    with pytest.raises(RuleViolation) as caught:
        board.unavailable("ofsted-1", leave)
    assert caught.value.rule == AVAILABILITY
    assert "on inspection macp-1" in caught.value.message
    assert "release them from it first" in caught.value.message
    assert board.diary("ofsted-1").unavailable == ()

    board.release("macp-1", "ofsted-1", by=OFSTED)
    board.unavailable("ofsted-1", leave)
    assert [a.period for a in board.diary("ofsted-1").unavailable] == [leave]


def test_an_inspector_assigned_by_another_inspectorate_is_rejected(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    board.register("cqc-1", CQC)
    with pytest.raises(RuleViolation) as caught:
        board.assign("macp-1", "cqc-1", (2,), by=OFSTED)  # not even the lead inspectorate
    assert caught.value.rule == "002 §11"
    assert "inspector of cqc" in caught.value.message
    assert "each inspectorate assigns its own" in caught.value.message


def test_an_unregistered_inspector_is_rejected(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    with pytest.raises(RuleViolation) as caught:
        board.assign("macp-1", "nobody", (1,), by=OFSTED)
    assert caught.value.rule == AVAILABILITY
    assert "nobody is not registered" in caught.value.message


def test_an_inspector_already_on_the_team_is_rejected(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    board.register("ofsted-1", OFSTED)
    board.assign("macp-1", "ofsted-1", (1,))
    with pytest.raises(RuleViolation) as caught:
        board.assign("macp-1", "ofsted-1", (2,))
    assert "already on the team" in caught.value.message


def test_each_inspectorate_registers_its_own_inspectors_once(board: Board) -> None:
    with pytest.raises(RuleViolation) as caught:
        board.register("cqc-1", CQC, by=OFSTED)
    assert caught.value.rule == AVAILABILITY
    assert "registers its own" in caught.value.message
    board.register("cqc-1", CQC)
    with pytest.raises(RuleViolation) as caught:
        board.register("cqc-1", CQC)
    assert "already registered" in caught.value.message


def test_unavailability_is_declared_by_the_inspectors_own_inspectorate_for_a_real_period(
    board: Board,
) -> None:
    leave = Period(starts=date(2026, 3, 2), ends=date(2026, 3, 6))
    with pytest.raises(RuleViolation) as caught:
        board.unavailable("ghost", leave, by=OFSTED)
    assert "ghost is not registered" in caught.value.message
    board.register("cqc-1", CQC)
    with pytest.raises(RuleViolation) as caught:
        board.unavailable("cqc-1", leave, by=OFSTED)
    assert "its own inspectors' availability" in caught.value.message
    with pytest.raises(RuleViolation) as caught:
        board.unavailable("cqc-1", Period(starts=date(2026, 3, 6), ends=date(2026, 3, 2)))
    assert "ends before it starts" in caught.value.message
    assert board.diary("cqc-1").unavailable == ()


def test_release_is_by_the_inspectors_inspectorate_or_the_lead_and_frees_the_diary(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    board.register("cqc-1", CQC)
    board.register("cqc-2", CQC)
    board.assign("macp-1", "cqc-1", (2,))
    with pytest.raises(RuleViolation) as caught:
        board.release("macp-1", "cqc-1", by=HMIC)
    assert caught.value.rule == "002 §11"
    assert "released by cqc or the lead inspectorate" in caught.value.message
    with pytest.raises(RuleViolation) as caught:
        board.release("macp-1", "cqc-2", by=CQC)
    assert "not on this inspection's team" in caught.value.message

    decided = board.release("macp-1", "cqc-1", by=OFSTED)
    assert [type(e) for e in decided.inspection] == [InspectorReleased]
    assert [type(e) for e in decided.diaries["cqc-1"]] == [InspectorBookingReleased]
    assert board.inspection("macp-1").team == ()
    assert board.diary("cqc-1").bookings == {}
    board.assign("macp-1", "cqc-1", (2,))  # and may be assigned again


# --- who takes part ---------------------------------------------------------------------------


def test_002_para_11_an_inspectorate_not_taking_part_is_rejected(board: Board) -> None:
    # Wakefield has no custody the register knows of: HMI Prisons does not take part (002 §32).
    events = board.schedule("macp-1", "macp-2012", area_code=WAKEFIELD)
    scheduled = events[0]
    assert isinstance(scheduled, InspectionScheduled)
    assert PRISONS not in scheduled.inspectorates
    assert Agency.CUSTODY not in scheduled.agencies
    board.register("prisons-1", PRISONS)
    with pytest.raises(RuleViolation) as caught:
        board.assign("macp-1", "prisons-1", (2,))
    assert caught.value.rule == "002 §11"
    assert "hmi_prisons does not take part in this inspection" in caught.value.message
    assert "ofsted, cqc, hmic, hmi_probation do" in caught.value.message


def test_002_para_32_hmi_prisons_takes_part_in_macp_where_the_area_has_a_yoi(board: Board) -> None:
    events = board.schedule("macp-leeds", "macp-2012", area_code=LEEDS)
    scheduled = events[0]
    assert isinstance(scheduled, InspectionScheduled)
    assert scheduled.inspectorates == [OFSTED, CQC, HMIC, PROBATION, PRISONS]
    assert scheduled.agencies[Agency.CUSTODY] is PRISONS
    assert Agency.CPS not in scheduled.agencies  # HMCPSI only when triggered
    board.register("prisons-1", PRISONS)
    with pytest.raises(RuleViolation) as caught:
        board.assign("macp-leeds", "prisons-1", (1,))
    assert caught.value.rule == "002 §38-39"  # the paragraph that puts HMI Prisons in week 2
    board.assign("macp-leeds", "prisons-1", (2,))  # 002 §39: "usually in the second week"
    assert board.inspection("macp-leeds").member("prisons-1") is not None


def test_001_part_1_hmi_prisons_takes_no_part_in_a_jtai_even_where_there_is_a_yoi(board: Board) -> None:
    events = board.schedule("jtai-leeds", "jtai-2015", area_code=LEEDS)
    scheduled = events[0]
    assert isinstance(scheduled, InspectionScheduled)
    assert scheduled.inspectorates == [OFSTED, CQC, HMIC, PROBATION]
    assert Agency.CUSTODY not in scheduled.agencies
    board.register("prisons-1", PRISONS)
    with pytest.raises(RuleViolation) as caught:
        board.assign("jtai-leeds", "prisons-1", (1,))
    assert caught.value.rule == "001 Part 1"
    assert "hmi_prisons does not take part" in caught.value.message


def test_002_para_33_hmcpsi_joins_a_macp_inspection_when_triggered(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    board.register("hmcpsi-1", HMCPSI)
    with pytest.raises(RuleViolation) as caught:
        board.assign("macp-1", "hmcpsi-1", (2,))
    assert "hmcpsi does not take part" in caught.value.message

    with pytest.raises(RuleViolation) as caught:
        board.join("macp-1", HMCPSI, condition="requested")
    assert caught.value.rule == "002 §33"
    assert "only when: triggered" in caught.value.message
    with pytest.raises(RuleViolation) as caught:
        board.join("macp-1", HMCPSI, by=CQC)
    assert "recorded by the lead inspectorate or by hmcpsi" in caught.value.message

    joined = board.join("macp-1", HMCPSI, by=HMCPSI)
    assert len(joined) == 1
    event = joined[0]
    assert isinstance(event, InspectorateJoined)
    assert (event.inspection_id, event.inspectorate, event.condition) == ("macp-1", HMCPSI, "triggered")
    assert event.agencies == [Agency.CPS]
    state = board.inspection("macp-1")
    assert HMCPSI in state.inspectorates
    assert state.agencies[Agency.CPS] is HMCPSI

    with pytest.raises(RuleViolation) as caught:
        board.assign("macp-1", "hmcpsi-1", (1,))  # 002 §39: triggered activity in week 2
    assert caught.value.rule == "002 §38-39"
    board.assign("macp-1", "hmcpsi-1", (2,))
    assert board.diary("hmcpsi-1").bookings == {"macp-1": (week(2),)}

    with pytest.raises(RuleViolation) as caught:
        board.join("macp-1", HMCPSI)
    assert "already takes part" in caught.value.message


def test_001_part_1_hmcpsi_cannot_join_a_jtai(board: Board) -> None:
    board.schedule("jtai-1", "jtai-2015")
    with pytest.raises(RuleViolation) as caught:
        board.join("jtai-1", HMCPSI)
    assert caught.value.rule == "001 Part 1"
    assert "hmcpsi does not join jtai-2015 inspections" in caught.value.message
    assert "those that may: none" in caught.value.message


def test_004_para_101_hmi_prisons_joins_an_integrated_inspection_on_request(board: Board) -> None:
    board.schedule("int-1", "integrated-2014", area_code=WAKEFIELD)
    assert PRISONS not in board.inspection("int-1").inspectorates
    board.join("int-1", PRISONS, condition="requested", by=PRISONS)
    assert board.inspection("int-1").agencies[Agency.CUSTODY] is PRISONS
    board.register("prisons-1", PRISONS)
    board.assign("int-1", "prisons-1", (3,))


# --- area calendars ---------------------------------------------------------------------------


def test_an_area_with_an_overlapping_inspection_is_refused(board: Board) -> None:
    board.schedule("macp-1", "macp-2012", area_code=WAKEFIELD)  # 2 to 13 March
    before = board.snapshot()
    with pytest.raises(RuleViolation) as caught:
        board.schedule("jtai-1", "jtai-2015", area_code=WAKEFIELD, starts=MONDAY + timedelta(weeks=1))
    assert caught.value.rule == ONE_INSPECTION_PER_AREA
    assert "Wakefield already has inspection macp-1 from 2026-03-02 to 2026-03-13" in caught.value.message
    assert "overlaps 2026-03-09 to 2026-03-13" in caught.value.message
    assert board.snapshot() == before

    # The week after, or another area in the same week, is fine.
    board.schedule("jtai-2", "jtai-2015", area_code=WAKEFIELD, starts=MONDAY + timedelta(weeks=2))
    board.schedule("jtai-3", "jtai-2015", area_code=LEEDS, starts=MONDAY + timedelta(weeks=1))
    assert board.calendar(WAKEFIELD).bookings == {
        "macp-1": Period(starts=MONDAY, ends=date(2026, 3, 13)),
        "jtai-2": week(3),
    }
    assert board.calendar(LEEDS).bookings == {"jtai-3": week(2)}


# --- rescheduling and cancelling --------------------------------------------------------------


def test_rescheduling_moves_the_dates_and_meetings_and_releases_the_team(board: Board) -> None:
    board.schedule("jtai-1", "jtai-2015", starts=date(2026, 3, 9))
    board.register("ofsted-1", OFSTED)
    board.register("cqc-1", CQC)
    board.assign("jtai-1", "ofsted-1", (1,))
    board.assign("jtai-1", "cqc-1", (1,))

    decided = board.reschedule("jtai-1", date(2026, 3, 23))
    moved = decided.inspection[0]
    assert isinstance(moved, InspectionRescheduled)
    assert (moved.fieldwork_starts, moved.fieldwork_ends) == (date(2026, 3, 23), date(2026, 3, 27))
    # Fri 20, 19, 18, 17, Mon 16, Fri 13, Thu 12, Wed 11 March: 8 working days (001 Proposal two).
    assert moved.notice_date == date(2026, 3, 11)
    assert [(m.kind, m.on) for m in decided.inspection if isinstance(m, MeetingScheduled)] == [
        ("joint_set_up", date(2026, 3, 23)),
        ("joint_feedback", date(2026, 3, 27)),
    ]
    assert sorted(e.inspector_id for e in decided.inspection if isinstance(e, InspectorReleased)) == [
        "cqc-1",
        "ofsted-1",
    ]
    assert decided.area == [
        AreaBooked(
            inspection_id="jtai-1",
            area_code=WAKEFIELD,
            period=Period(starts=date(2026, 3, 23), ends=date(2026, 3, 27)),
        )
    ]
    assert sorted(decided.diaries) == ["cqc-1", "ofsted-1"]
    assert all([type(e) for e in events] == [InspectorBookingReleased] for events in decided.diaries.values())

    state = board.inspection("jtai-1")
    assert state.window == Period(starts=date(2026, 3, 23), ends=date(2026, 3, 27))
    assert state.notice_date == date(2026, 3, 11)
    assert sorted((m.kind, m.on) for m in state.meetings) == [
        ("joint_feedback", date(2026, 3, 27)),
        ("joint_set_up", date(2026, 3, 23)),
    ]
    assert state.team == ()
    assert board.diary("ofsted-1").bookings == {}
    assert board.diary("cqc-1").bookings == {}
    assert board.calendar(WAKEFIELD).bookings == {
        "jtai-1": Period(starts=date(2026, 3, 23), ends=date(2026, 3, 27))
    }

    # The team is assigned again for the new dates; the old week is free for another inspection.
    board.assign("jtai-1", "ofsted-1", (1,))
    assert board.diary("ofsted-1").bookings == {
        "jtai-1": (Period(starts=date(2026, 3, 23), ends=date(2026, 3, 27)),)
    }
    board.schedule("targeted-1", "targeted-2015", starts=date(2026, 3, 9))


def test_rescheduling_onto_another_inspection_of_the_area_is_refused(board: Board) -> None:
    board.schedule("jtai-1", "jtai-2015", starts=date(2026, 3, 9))
    board.schedule("jtai-2", "jtai-2015", starts=date(2026, 3, 23))
    with pytest.raises(RuleViolation) as caught:
        board.reschedule("jtai-1", date(2026, 3, 23))
    assert caught.value.rule == ONE_INSPECTION_PER_AREA
    assert "jtai-2" in caught.value.message
    # Moving within its own booking is not a clash with itself.
    board.reschedule("jtai-1", date(2026, 3, 16))
    with pytest.raises(RuleViolation) as caught:
        board.reschedule("jtai-1", date(2026, 3, 30), by=CQC)
    assert "the lead inspectorate, ofsted, reschedules" in caught.value.message


def test_cancelling_releases_the_area_and_the_team(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")
    board.register("ofsted-1", OFSTED)
    board.register("hmic-1", HMIC)
    board.assign("macp-1", "ofsted-1", (1, 2))
    board.assign("macp-1", "hmic-1", (1,))
    with pytest.raises(RuleViolation) as caught:
        board.cancel("macp-1", by=HMIC)
    assert "the lead inspectorate, ofsted, cancels" in caught.value.message

    decided = board.cancel("macp-1")
    assert decided.inspection == [
        InspectionCancelled(inspection_id="macp-1", reason="the area was reorganised")
    ]
    assert [type(e) for e in decided.area] == [AreaReleased]
    assert sorted(decided.diaries) == ["hmic-1", "ofsted-1"]
    assert board.inspection("macp-1").team == ()
    assert board.calendar(WAKEFIELD).bookings == {}
    assert board.diary("ofsted-1").bookings == {}
    assert board.diary("hmic-1").bookings == {}
    # The area and the inspectors are free for another inspection in the same weeks.
    board.schedule("macp-2", "macp-2012")
    board.assign("macp-2", "ofsted-1", (1, 2))


def test_a_cancelled_inspection_refuses_further_commands(board: Board) -> None:
    board.schedule("jtai-1", "jtai-2015")
    board.register("ofsted-1", OFSTED)
    board.cancel("jtai-1")
    jtai = catalogue()["jtai-2015"]
    state = board.inspection("jtai-1")
    at = datetime(2026, 2, 16, 9, 0, tzinfo=UTC)
    attempts: dict[str, Callable[[], object]] = {
        "assign": lambda: board.assign("jtai-1", "ofsted-1", (1,)),
        "release": lambda: board.release("jtai-1", "ofsted-1", by=OFSTED),
        "reschedule": lambda: board.reschedule("jtai-1", date(2026, 3, 30)),
        "cancel": lambda: board.cancel("jtai-1"),
        "join": lambda: board.join("jtai-1", HMCPSI),
        "notify": lambda: notify(state, RecordNotification(jtai, Recipient.LSCB_CHAIR, None, OFSTED, at, at)),
    }
    before = board.snapshot()
    for name, attempt in attempts.items():
        with pytest.raises(RuleViolation) as caught:
            attempt()
        assert caught.value.rule == CANCELLED_RULE, name
        assert "cancelled: the area was reorganised" in caught.value.message, name
    assert board.snapshot() == before


# --- notification of unannounced inspections -------------------------------------------------


def test_002_para_34_an_unannounced_inspection_notifies_nobody_before_fieldwork(board: Board) -> None:
    board.schedule("macp-1", "macp-2012")  # fieldwork from Monday 2 March 2026
    macp = catalogue()["macp-2012"]
    state = board.inspection("macp-1")
    assert state.notice_date == MONDAY

    def notification(at: datetime) -> RecordNotification:
        return RecordNotification(macp, Recipient.LSCB_CHAIR, None, OFSTED, at, at)

    for at in [datetime(2026, 2, 27, 9, 0, tzinfo=UTC), datetime(2026, 3, 1, 23, 59, tzinfo=UTC)]:
        with pytest.raises(RuleViolation) as caught:
            notify(state, notification(at))
        assert caught.value.rule == "002 §34"
        assert "unannounced" in caught.value.message
        assert "2026-03-02" in caught.value.message

    events = notify(state, notification(datetime(2026, 3, 2, 8, 30, tzinfo=UTC)))
    assert [type(e) for e in events] == [NotificationRecorded]
