"""Scheduling a JTAI and notifying the local partnership (001 Part 1, Proposal one and two)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest

from services.scheduling.domain import inspection, notice
from services.scheduling.domain.area_calendar import Calendar
from services.scheduling.domain.inspection import (
    Cancel,
    Inspection,
    Reschedule,
    ScheduleInspection,
    cancel,
    evolve,
    reschedule,
)
from services.scheduling.domain.notice import RecordNotification, notification_plan
from shared.language.areas import register
from shared.language.contracts.scheduling import (
    InspectionScheduled,
    MeetingScheduled,
    NotificationRecorded,
    Recipient,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme, catalogue
from shared.mechanics import decider
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import RuleViolation

FIELDWORK = date(2026, 3, 9)  # a Monday
NOTICE = date(2026, 2, 25)  # 8 working days before it
ON_NOTICE_DAY = datetime(2026, 2, 25, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 2, 25, 10, 0, tzinfo=UTC)

AGENCY_INSPECTORATES = {
    Agency.LOCAL_AUTHORITY: Inspectorate.OFSTED,
    Agency.HEALTH: Inspectorate.CQC,
    Agency.POLICE: Inspectorate.HMIC,
    Agency.PROBATION: Inspectorate.HMI_PROBATION,
}


@pytest.fixture
def jtai() -> Programme:
    return catalogue()["jtai-2015"]


def schedule(
    programme: Programme,
    *,
    starts: date = FIELDWORK,
    today: date = date(2026, 2, 20),
    theme: str | None = "cse_and_missing",
    by: Inspectorate = Inspectorate.OFSTED,
) -> ScheduleInspection:
    return ScheduleInspection(
        inspection_id="insp-1",
        programme=programme,
        area=register()["E08000036"],  # Wakefield
        deep_dive_theme=theme,
        fieldwork_starts=starts,
        scheduled_by=by,
        today=today,
    )


def notify(
    programme: Programme,
    recipient: Recipient,
    agency: Agency | None = None,
    by: Inspectorate = Inspectorate.OFSTED,
    at: datetime = ON_NOTICE_DAY,
    now: datetime = NOW,
) -> RecordNotification:
    return RecordNotification(
        programme=programme, recipient=recipient, agency=agency, notified_by=by, notified_at=at, now=now
    )


def decide(command: ScheduleInspection) -> list[Event]:
    changes = inspection.schedule(Calendar(), command)
    events, _ = changes.inspection, changes.area
    return events


def fold(events: Sequence[Event]) -> Inspection:
    return decider.fold(evolve, Inspection(), events)


def scheduled_state(programme: Programme, *, starts: date = FIELDWORK) -> tuple[list[Event], Inspection]:
    events = decide(schedule(programme, starts=starts))
    return events, fold(events)


def run(programme: Programme, commands: Sequence[RecordNotification]) -> list[Event]:
    """Schedule, then apply each command to the state folded from every event so far."""
    events, _ = scheduled_state(programme)
    for command in commands:
        events += notice.notify(fold(events), command)
    return events


def lscb_chair(programme: Programme) -> RecordNotification:
    return notify(programme, Recipient.LSCB_CHAIR)


def leader(programme: Programme, agency: Agency, by: Inspectorate | None = None) -> RecordNotification:
    return notify(programme, Recipient.AGENCY_SENIOR_LEADER, agency, by=by or AGENCY_INSPECTORATES[agency])


# --- scheduling ------------------------------------------------------------------------------


def test_001_proposal_two_scheduling_computes_friday_end_and_notice_date(jtai: Programme) -> None:
    events = decide(schedule(jtai))
    event = events[0]
    assert isinstance(event, InspectionScheduled)
    assert event.inspection_id == "insp-1"
    assert event.programme == "jtai-2015"
    assert (event.area_code, event.local_area) == ("E08000036", "Wakefield")
    assert event.announced is True
    assert event.deep_dive_theme == "cse_and_missing"
    assert event.fieldwork_starts == FIELDWORK
    assert event.fieldwork_ends == date(2026, 3, 13)
    assert event.fieldwork_ends.weekday() == 4  # Friday
    assert event.notice_date == NOTICE
    assert event.inspectorates == [
        Inspectorate.OFSTED,
        Inspectorate.CQC,
        Inspectorate.HMIC,
        Inspectorate.HMI_PROBATION,
    ]
    assert event.agencies == AGENCY_INSPECTORATES
    # 001 Proposal three: the joint set-up meeting on day 1, the joint feedback meeting on the last day
    assert [(m.kind, m.on) for m in events[1:] if isinstance(m, MeetingScheduled)] == [
        ("joint_set_up", FIELDWORK),
        ("joint_feedback", date(2026, 3, 13)),
    ]


def test_001_proposal_two_notice_date_skips_easter_bank_holidays(jtai: Programme) -> None:
    events = decide(schedule(jtai, starts=date(2026, 4, 13)))
    event = events[0]
    assert isinstance(event, InspectionScheduled)
    assert event.notice_date == date(2026, 3, 30)
    assert event.fieldwork_ends == date(2026, 4, 17)


@pytest.mark.parametrize(
    "starts", [date(2026, 3, 10), date(2026, 3, 13), date(2026, 3, 14), date(2026, 3, 15)]
)
def test_001_proposal_two_fieldwork_not_starting_on_a_monday_is_rejected(
    jtai: Programme, starts: date
) -> None:
    with pytest.raises(RuleViolation) as caught:
        decide(schedule(jtai, starts=starts))
    assert caught.value.rule == "001 Proposal two"
    assert "Monday" in caught.value.message
    assert str(starts) in caught.value.message


def test_001_proposal_two_notice_date_in_the_past_is_rejected_naming_the_notice_date(
    jtai: Programme,
) -> None:
    with pytest.raises(RuleViolation) as caught:
        decide(schedule(jtai, today=NOTICE + timedelta(days=1)))
    assert caught.value.rule == "001 Proposal two"
    assert str(NOTICE) in caught.value.message
    assert "past" in caught.value.message


def test_001_proposal_two_notice_date_today_is_still_in_time(jtai: Programme) -> None:
    events = decide(schedule(jtai, today=NOTICE))
    assert [type(e) for e in events] == [InspectionScheduled, MeetingScheduled, MeetingScheduled]


def test_001_proposal_one_unknown_deep_dive_theme_is_rejected(jtai: Programme) -> None:
    with pytest.raises(RuleViolation) as caught:
        decide(schedule(jtai, theme="knife_crime"))
    assert "knife_crime" in caught.value.message
    assert caught.value.rule.startswith("001 Proposal one")


@pytest.mark.parametrize(
    "inspectorate", [i for i in Inspectorate if i is not Inspectorate.OFSTED], ids=lambda i: str(i)
)
def test_001_part_1_only_the_lead_inspectorate_ofsted_may_schedule(
    jtai: Programme, inspectorate: Inspectorate
) -> None:
    with pytest.raises(RuleViolation) as caught:
        decide(schedule(jtai, by=inspectorate))
    assert caught.value.rule == "001 Part 1"
    assert "ofsted" in caught.value.message


def test_fold_keeps_the_schedule_and_notifications_in_order(jtai: Programme) -> None:
    events = run(jtai, [lscb_chair(jtai), leader(jtai, Agency.POLICE), leader(jtai, Agency.HEALTH)])
    state = fold(events)
    assert state.scheduled == events[0]
    assert [n.recipient for n in state.notifications] == [
        Recipient.LSCB_CHAIR,
        Recipient.AGENCY_SENIOR_LEADER,
        Recipient.AGENCY_SENIOR_LEADER,
    ]
    assert state.agencies_notified() == {Agency.POLICE, Agency.HEALTH}


# --- notifications ---------------------------------------------------------------------------


def test_001_proposal_two_agency_leader_before_the_lscb_is_rejected(jtai: Programme) -> None:
    _, state = scheduled_state(jtai)
    with pytest.raises(RuleViolation) as caught:
        notice.notify(state, leader(jtai, Agency.LOCAL_AUTHORITY))
    assert caught.value.rule == "001 Proposal two"
    assert "lscb_chair" in caught.value.message
    assert "before" in caught.value.message


def test_001_proposal_two_lscb_chair_first_then_each_agency_by_its_own_inspectorate(
    jtai: Programme,
) -> None:
    commands = [lscb_chair(jtai), *(leader(jtai, agency) for agency in AGENCY_INSPECTORATES)]
    events = run(jtai, commands)
    notifications = events[3:]  # after the schedule and its two meetings
    assert all(isinstance(n, NotificationRecorded) for n in notifications)
    assert [
        (n.recipient, n.agency, n.notified_by) for n in notifications if isinstance(n, NotificationRecorded)
    ] == [
        (Recipient.LSCB_CHAIR, None, Inspectorate.OFSTED),
        (Recipient.AGENCY_SENIOR_LEADER, Agency.LOCAL_AUTHORITY, Inspectorate.OFSTED),
        (Recipient.AGENCY_SENIOR_LEADER, Agency.HEALTH, Inspectorate.CQC),
        (Recipient.AGENCY_SENIOR_LEADER, Agency.POLICE, Inspectorate.HMIC),
        (Recipient.AGENCY_SENIOR_LEADER, Agency.PROBATION, Inspectorate.HMI_PROBATION),
    ]
    assert all(isinstance(n, NotificationRecorded) and n.inspection_id == "insp-1" for n in notifications)
    assert fold(events).agencies_notified() == set(AGENCY_INSPECTORATES)


def test_001_proposal_two_business_manager_stands_in_for_an_absent_chair(jtai: Programme) -> None:
    events = run(jtai, [notify(jtai, Recipient.LSCB_BUSINESS_MANAGER), leader(jtai, Agency.HEALTH)])
    assert [n.recipient for n in events if isinstance(n, NotificationRecorded)] == [
        Recipient.LSCB_BUSINESS_MANAGER,
        Recipient.AGENCY_SENIOR_LEADER,
    ]


def test_001_proposal_two_the_lscb_is_notified_by_the_lead_inspectorate(jtai: Programme) -> None:
    _, state = scheduled_state(jtai)
    with pytest.raises(RuleViolation) as caught:
        notice.notify(state, notify(jtai, Recipient.LSCB_CHAIR, by=Inspectorate.CQC))
    assert "ofsted" in caught.value.message


@pytest.mark.parametrize(
    ("agency", "wrong"),
    [
        (Agency.LOCAL_AUTHORITY, Inspectorate.CQC),
        (Agency.HEALTH, Inspectorate.OFSTED),
        (Agency.POLICE, Inspectorate.HMI_PROBATION),
        (Agency.PROBATION, Inspectorate.HMIC),
    ],
)
def test_001_proposal_two_agency_notified_by_the_wrong_inspectorate_is_rejected(
    jtai: Programme, agency: Agency, wrong: Inspectorate
) -> None:
    state = fold(run(jtai, [lscb_chair(jtai)]))
    with pytest.raises(RuleViolation) as caught:
        notice.notify(state, leader(jtai, agency, by=wrong))
    assert caught.value.rule == "001 Proposal two"
    assert str(AGENCY_INSPECTORATES[agency]) in caught.value.message


def test_the_same_agency_notified_twice_is_rejected(jtai: Programme) -> None:
    state = fold(run(jtai, [lscb_chair(jtai), leader(jtai, Agency.POLICE)]))
    with pytest.raises(RuleViolation) as caught:
        notice.notify(state, leader(jtai, Agency.POLICE))
    assert "already been notified" in caught.value.message


@pytest.mark.parametrize("second", [Recipient.LSCB_CHAIR, Recipient.LSCB_BUSINESS_MANAGER])
def test_the_lscb_notified_twice_is_rejected(jtai: Programme, second: Recipient) -> None:
    state = fold(run(jtai, [lscb_chair(jtai)]))
    with pytest.raises(RuleViolation) as caught:
        notice.notify(state, notify(jtai, second))
    assert "already been notified" in caught.value.message


def test_an_lscb_notification_naming_an_agency_is_rejected(jtai: Programme) -> None:
    _, state = scheduled_state(jtai)
    with pytest.raises(RuleViolation):
        notice.notify(state, notify(jtai, Recipient.LSCB_CHAIR, agency=Agency.POLICE))


def test_001_proposal_two_notification_after_the_notice_date_is_rejected(jtai: Programme) -> None:
    _, state = scheduled_state(jtai)
    late = datetime(2026, 2, 26, 9, 0, tzinfo=UTC)
    with pytest.raises(RuleViolation) as caught:
        notice.notify(state, notify(jtai, Recipient.LSCB_CHAIR, at=late, now=late))
    assert caught.value.rule == "001 Proposal two"
    assert "less than 8 working days' notice" in caught.value.message
    assert str(NOTICE) in caught.value.message


@pytest.mark.parametrize(
    "early",
    [
        datetime(2026, 2, 24, 16, 0, tzinfo=UTC),  # the day before the notice date
        datetime(2026, 1, 28, 9, 0, tzinfo=UTC),  # 28 working days before fieldwork
        datetime(2025, 12, 3, 9, 0, tzinfo=UTC),  # 64 working days before fieldwork
    ],
    ids=["the-day-before", "four-weeks-early", "three-months-early"],
)
@pytest.mark.parametrize("programme_id", ["jtai-2015", "targeted-2015"])
def test_001_proposal_two_notice_is_given_eight_working_days_before_fieldwork_not_earlier(
    programme_id: str, early: datetime
) -> None:
    """001 Proposal two: "notify the local partnership eight working days before the start of the
    inspection" (Part 2: "a notice period of eight working days"). The short notice is the point: a
    notification before the notice date is refused, citing the programme's notice paragraph; on the day it
    is recorded."""
    programme = catalogue()[programme_id]
    _, state = scheduled_state(programme)
    for recipient in (Recipient.LSCB_CHAIR, Recipient.LSCB_BUSINESS_MANAGER):
        with pytest.raises(RuleViolation) as caught:
            notice.notify(state, notify(programme, recipient, at=early, now=early))
        assert caught.value.rule == programme.notice.source
        assert "not earlier" in caught.value.message
        assert f"the notice date is {NOTICE}" in caught.value.message
    [done] = notice.notify(state, notify(programme, Recipient.LSCB_CHAIR))  # on the notice date
    assert isinstance(done, NotificationRecorded)


def test_001_proposal_two_notice_date_is_judged_by_the_date_in_england(jtai: Programme) -> None:
    # Fieldwork Monday 13 July 2026: notice date Wednesday 1 July, in British Summer Time.
    _, state = scheduled_state(jtai, starts=date(2026, 7, 13))
    assert state.scheduled is not None
    assert state.scheduled.notice_date == date(2026, 7, 1)
    in_time = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 23:30 BST on 1 July
    late = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 BST on 2 July
    early = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 July: the notice date in England
    assert notice.notify(state, notify(jtai, Recipient.LSCB_CHAIR, at=in_time, now=in_time))
    assert notice.notify(state, notify(jtai, Recipient.LSCB_CHAIR, at=early, now=early))
    too_early = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 23:30 BST on 30 June
    with pytest.raises(RuleViolation, match="not earlier"):
        notice.notify(state, notify(jtai, Recipient.LSCB_CHAIR, at=too_early, now=too_early))
    with pytest.raises(RuleViolation, match="less than 8 working days' notice"):
        notice.notify(state, notify(jtai, Recipient.LSCB_CHAIR, at=late, now=late))


def test_a_notification_more_than_five_minutes_in_the_future_is_rejected(jtai: Programme) -> None:
    _, state = scheduled_state(jtai)
    with pytest.raises(RuleViolation) as caught:
        notice.notify(state, notify(jtai, Recipient.LSCB_CHAIR, at=NOW + timedelta(minutes=6)))
    assert "future" in caught.value.message
    # Clock skew of up to five minutes is tolerated.
    events = notice.notify(state, notify(jtai, Recipient.LSCB_CHAIR, at=NOW + timedelta(minutes=5)))
    assert len(events) == 1


@pytest.mark.parametrize("agency", [Agency.CUSTODY, Agency.LSCB, Agency.PARTNERSHIP, None])
def test_an_agency_not_inspected_in_jtai_is_rejected(jtai: Programme, agency: Agency | None) -> None:
    state = fold(run(jtai, [lscb_chair(jtai)]))
    command = notify(jtai, Recipient.AGENCY_SENIOR_LEADER, agency, by=Inspectorate.OFSTED)
    with pytest.raises(RuleViolation) as caught:
        notice.notify(state, command)
    assert "inspected agencies" in caught.value.message
    assert "local_authority" in caught.value.message


def test_001_proposal_three_the_feedback_meeting_is_on_the_last_day_of_a_full_week(jtai: Programme) -> None:
    # Fieldwork from Monday 30 March 2026 would end on Good Friday: refused (a week is Monday to Friday).
    with pytest.raises(RuleViolation, match=r"2026-04-03 \(Good Friday\)"):
        decide(schedule(jtai, starts=date(2026, 3, 30), today=date(2026, 3, 1)))
    events = decide(schedule(jtai, starts=date(2026, 4, 13), today=date(2026, 3, 1)))
    meetings = {m.kind: m.on for m in events if isinstance(m, MeetingScheduled)}
    assert meetings == {"joint_set_up": date(2026, 4, 13), "joint_feedback": date(2026, 4, 17)}


def test_fieldwork_once_started_is_cancelled_not_moved_and_a_finished_one_is_not_cancelled(
    jtai: Programme,
) -> None:
    _, state = scheduled_state(jtai)  # fieldwork 9 to 13 March 2026
    wakefield = register()["E08000036"]
    move = Reschedule(jtai, wakefield, date(2026, 3, 23), "asked by the area", Inspectorate.OFSTED, FIELDWORK)
    with pytest.raises(RuleViolation, match="can be cancelled, not moved") as caught:
        reschedule(state, Calendar(), move)
    assert caught.value.rule == "001 Proposal two"
    assert cancel(state, Cancel(jtai, "a serious incident", Inspectorate.OFSTED, FIELDWORK)).inspection
    late = Cancel(jtai, "too late", Inspectorate.OFSTED, date(2026, 3, 16))
    with pytest.raises(RuleViolation, match="fieldwork ended on 2026-03-13"):
        cancel(state, late)


def test_003_a_cla_inspection_notifies_the_agencies_not_an_lscb_it_has_no_lscb_in_scope() -> None:
    cla = catalogue()["cla-2012"]
    events = decide(schedule(cla, theme=None))
    state = fold(events)
    plan = notification_plan(state, cla, None, FIELDWORK)
    assert [step.recipient for step in plan] == [Recipient.AGENCY_SENIOR_LEADER] * len(state.agencies)
    on_arrival = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    with pytest.raises(RuleViolation) as refused:
        notice.notify(state, notify(cla, Recipient.LSCB_CHAIR, at=on_arrival, now=on_arrival))
    assert "cla-2012 has no LSCB in its scope" in refused.value.message
    assert refused.value.rule.startswith("003")
