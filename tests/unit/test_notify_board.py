"""Notifying the LSCB of a JTAI by its register: the chair first, the business manager only in the chair's
absence (001 Proposal two), the notification naming whom it reached; and the notification plan built from
the register. Pure: scheduling's domain with boards folded by the lscb register decider."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.lscb.domain.board_register import Absent, Appoint, Command, Return, Vacate, register
from services.scheduling.domain import notice
from services.scheduling.domain.area_calendar import Calendar
from services.scheduling.domain.inspection import Inspection, ScheduleInspection, evolve, schedule
from services.scheduling.domain.notice import PlannedNotification, RecordNotification, notification_plan
from shared.language.areas import Area, find
from shared.language.contracts.lscb import Office
from shared.language.contracts.scheduling import NotificationRecorded, Recipient
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme, catalogue
from shared.mechanics import decider
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import RuleViolation
from shared.views.boards import Board
from tests.domain import refusal

I = Inspectorate  # noqa: E741
JTAI = catalogue()["jtai-2015"]
INTEGRATED = catalogue()["integrated-2014"]
FIELDWORK = date(2026, 3, 9)  # a Monday
NOTICE = date(2026, 2, 25)  # 8 working days before it
ON_NOTICE_DAY = datetime(2026, 2, 25, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 2, 25, 10, 0, tzinfo=UTC)
CHAIR, MANAGER = Office.CHAIR, Office.BUSINESS_MANAGER
AGENCY_INSPECTORATES = [
    (Agency.LOCAL_AUTHORITY, I.OFSTED),
    (Agency.HEALTH, I.CQC),
    (Agency.POLICE, I.HMIC),
    (Agency.PROBATION, I.HMI_PROBATION),
]


def wakefield() -> Area:
    area = find("Wakefield")
    assert area is not None
    return area


WAKEFIELD = wakefield()


def board(*changes: Command) -> Board:
    """Wakefield's register: a chair and a business manager, then the changes."""
    state: Board | None = None
    commands = (
        Appoint(WAKEFIELD, CHAIR, "Dr Ann Chair", "01924 000001"),
        Appoint(WAKEFIELD, MANAGER, "Bea Manager", "01924 000002"),
        *changes,
    )
    for command in commands:
        for event in register.decide(state, command):
            state = register.evolve(state, event)
    assert state is not None
    return state


def chair_away(start: date = date(2026, 2, 23), until: date | None = date(2026, 2, 27)) -> Absent:
    return Absent(WAKEFIELD, CHAIR, start, until, "annual leave")


MANAGER_AWAY = Absent(WAKEFIELD, MANAGER, date(2026, 2, 24), None, "sick leave")
CHAIR_VACANT = Vacate(WAKEFIELD, CHAIR, "resigned")


def scheduled(programme: Programme = JTAI) -> list[Event]:
    theme = "cse_and_missing" if programme.deep_dive_themes else None
    command = ScheduleInspection(
        inspection_id="insp-1",
        programme=programme,
        area=WAKEFIELD,
        deep_dive_theme=theme,
        # Four weeks from 9 March would reach Good Friday: a week of fieldwork is Monday to Friday.
        fieldwork_starts=FIELDWORK if programme.fieldwork.weeks < 4 else date(2026, 3, 2),
        scheduled_by=I.OFSTED,
        today=date(2026, 2, 20),
    )
    return schedule(Calendar(), command).inspection


def fold(events: Sequence[Event]) -> Inspection:
    return decider.fold(evolve, Inspection(), events)


def notify(
    recipient: Recipient,
    register_: Board | None,
    *,
    agency: Agency | None = None,
    by: Inspectorate = I.OFSTED,
    programme: Programme = JTAI,
    at: datetime = ON_NOTICE_DAY,
) -> RecordNotification:
    return RecordNotification(
        programme=programme,
        recipient=recipient,
        agency=agency,
        notified_by=by,
        notified_at=at,
        now=max(at, NOW),
        board=register_,
    )


def recorded(events: Sequence[Event], command: RecordNotification) -> NotificationRecorded:
    (event,) = notice.notify(fold(events), command)
    assert isinstance(event, NotificationRecorded)
    return event


def refused(events: Sequence[Event], command: RecordNotification) -> RuleViolation:
    return refusal(notice.notify, fold(events), command)


# --- notify, by the register -----------------------------------------------------------------


def test_001_proposal_two_the_chair_available_on_the_day_is_notified_by_name() -> None:
    event = recorded(scheduled(), notify(Recipient.LSCB_CHAIR, board()))
    assert event.recipient is Recipient.LSCB_CHAIR
    assert event.addressee == "Dr Ann Chair"
    assert event.notified_by is I.OFSTED


@pytest.mark.parametrize(
    "absence",
    [chair_away(), chair_away(NOTICE, NOTICE), chair_away(date(2026, 2, 1), None)],
    ids=["that-week", "that-day-only", "open-absence"],
)
def test_001_proposal_two_notifying_an_absent_chair_is_refused_naming_the_business_manager(
    absence: Absent,
) -> None:
    error = refused(scheduled(), notify(Recipient.LSCB_CHAIR, board(absence)))
    assert error.rule == JTAI.notice.source == "001 Proposal two"
    assert "the chair of the Wakefield LSCB cannot be notified on 2026-02-25" in error.message
    assert "Dr Ann Chair is absent (annual leave)" in error.message
    assert "notify the business manager, Bea Manager" in error.message


def test_001_proposal_two_notifying_the_chair_of_a_vacant_post_is_refused_naming_the_business_manager() -> (
    None
):
    error = refused(scheduled(), notify(Recipient.LSCB_CHAIR, board(CHAIR_VACANT)))
    assert error.rule == "001 Proposal two"
    assert "the post is vacant" in error.message
    assert "notify the business manager, Bea Manager" in error.message


@pytest.mark.parametrize(
    "changes",
    [
        (),
        (chair_away(date(2026, 2, 16), date(2026, 2, 24)),),
        (chair_away(date(2026, 2, 26), None),),
        (MANAGER_AWAY,),
    ],
    ids=["never-away", "back-the-day-before", "away-from-the-day-after", "manager-away-too"],
)
def test_001_proposal_two_notifying_the_business_manager_while_the_chair_is_available_is_refused(
    changes: tuple[Command, ...],
) -> None:
    error = refused(scheduled(), notify(Recipient.LSCB_BUSINESS_MANAGER, board(*changes)))
    assert error.rule == "001 Proposal two"
    assert "notified only when the chair is absent" in error.message
    assert "the chair, Dr Ann Chair, is available on 2026-02-25" in error.message


@pytest.mark.parametrize("recipient", [Recipient.LSCB_CHAIR, Recipient.LSCB_BUSINESS_MANAGER])
@pytest.mark.parametrize(
    "changes",
    [
        (chair_away(), MANAGER_AWAY),
        (CHAIR_VACANT, MANAGER_AWAY),
        (chair_away(), Vacate(WAKEFIELD, MANAGER, "left")),
    ],
    ids=["both-away", "chair-vacant-manager-away", "chair-away-manager-vacant"],
)
def test_001_proposal_two_notifying_when_neither_is_available_is_refused(
    recipient: Recipient, changes: tuple[Command, ...]
) -> None:
    error = refused(scheduled(), notify(recipient, board(*changes)))
    assert error.rule == "001 Proposal two"
    assert "neither the chair nor the business manager of the Wakefield LSCB" in error.message
    assert "2026-02-25" in error.message


@pytest.mark.parametrize("changes", [(chair_away(),), (CHAIR_VACANT,)], ids=["chair-away", "chair-vacant"])
def test_001_proposal_two_the_business_manager_notified_in_the_chairs_absence_is_named(
    changes: tuple[Command, ...],
) -> None:
    event = recorded(scheduled(), notify(Recipient.LSCB_BUSINESS_MANAGER, board(*changes)))
    assert event.recipient is Recipient.LSCB_BUSINESS_MANAGER
    assert event.addressee == "Bea Manager"


def test_001_proposal_two_the_chair_back_from_absence_is_notified_again() -> None:
    returned = board(chair_away(date(2026, 2, 16), None), Return(WAKEFIELD, CHAIR, NOTICE))
    assert recorded(scheduled(), notify(Recipient.LSCB_CHAIR, returned)).addressee == "Dr Ann Chair"


def test_the_notification_day_is_the_day_in_england() -> None:
    # 01:00 on the 25th at UTC+5 is 20:00 on the 24th in England (GMT): the day before the notice date.
    at = datetime(2026, 2, 25, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    error = refused(scheduled(), notify(Recipient.LSCB_CHAIR, board(), at=at))
    assert "notifying on 2026-02-24" in error.message
    # 02:00 on the 26th at UTC+5 is 21:00 on the 25th in England: the notice date, and the chair, away on
    # the 26th only, is in.
    later = datetime(2026, 2, 26, 2, 0, tzinfo=timezone(timedelta(hours=5)))
    register_ = board(chair_away(date(2026, 2, 26), date(2026, 2, 26)))
    assert (
        recorded(scheduled(), notify(Recipient.LSCB_CHAIR, register_, at=later)).addressee == "Dr Ann Chair"
    )


def test_the_recorded_notification_carries_the_addressee_into_the_state() -> None:
    events = scheduled()
    events += notice.notify(fold(events), notify(Recipient.LSCB_BUSINESS_MANAGER, board(chair_away())))
    state = fold(events)
    assert state.lscb_notified
    assert [n.addressee for n in state.notifications] == ["Bea Manager"]


def test_an_agency_senior_leader_notification_has_no_addressee_from_the_register() -> None:
    events = scheduled()
    events += notice.notify(fold(events), notify(Recipient.LSCB_CHAIR, board()))
    leader = notify(Recipient.AGENCY_SENIOR_LEADER, board(), agency=Agency.HEALTH, by=I.CQC)
    event = recorded(events, leader)
    assert (event.agency, event.addressee) == (Agency.HEALTH, None)


# --- without a register ----------------------------------------------------------------------


@pytest.mark.parametrize("recipient", [Recipient.LSCB_CHAIR, Recipient.LSCB_BUSINESS_MANAGER])
def test_without_a_register_either_lscb_recipient_is_accepted_with_no_addressee(recipient: Recipient) -> None:
    event = recorded(scheduled(), notify(recipient, None))
    assert event.recipient is recipient
    assert event.addressee is None


def test_without_a_register_the_other_rules_still_apply() -> None:
    error = refused(scheduled(), notify(Recipient.LSCB_CHAIR, None, by=I.CQC))
    assert error.rule == "001 Proposal two"
    assert "lead inspectorate, ofsted" in error.message


# --- a programme that sets no order ----------------------------------------------------------


ON_FIELDWORK = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("recipient", "changes", "addressee"),
    [
        (Recipient.LSCB_CHAIR, (), "Dr Ann Chair"),
        (Recipient.LSCB_BUSINESS_MANAGER, (), "Bea Manager"),
        (Recipient.LSCB_CHAIR, (chair_away(FIELDWORK, FIELDWORK),), None),
    ],
    ids=["chair", "manager-while-chair-available", "absent-chair"],
)
def test_where_the_programme_sets_no_order_the_register_names_the_holder_if_available(
    recipient: Recipient, changes: tuple[Command, ...], addressee: str | None
) -> None:
    command = notify(recipient, board(*changes), programme=INTEGRATED, at=ON_FIELDWORK)
    assert recorded(scheduled(INTEGRATED), command).addressee == addressee


# --- the notification plan -------------------------------------------------------------------


def agency_steps(done: dict[Agency, NotificationRecorded] | None = None) -> list[PlannedNotification]:
    done = done or {}
    return [
        PlannedNotification(Recipient.AGENCY_SENIOR_LEADER, agency, None, by, done.get(agency))
        for agency, by in AGENCY_INSPECTORATES
    ]


def test_001_proposal_two_the_plan_names_the_chair_then_each_agencys_senior_leader_by_its_inspectorate() -> (
    None
):
    plan = notification_plan(fold(scheduled()), JTAI, board(), date(2026, 2, 20))
    assert plan == [
        PlannedNotification(Recipient.LSCB_CHAIR, None, "Dr Ann Chair", I.OFSTED, None),
        *agency_steps(),
    ]


def test_001_proposal_two_the_plan_puts_the_business_manager_first_if_the_chair_is_away_on_notice_day() -> (
    None
):
    plan = notification_plan(fold(scheduled()), JTAI, board(chair_away()), date(2026, 2, 20))
    assert plan[0] == PlannedNotification(
        Recipient.LSCB_BUSINESS_MANAGER, None, "Bea Manager", I.OFSTED, None
    )
    assert plan[1:] == agency_steps()


@pytest.mark.parametrize(
    "today",
    [date(2026, 2, 20), NOTICE, date(2026, 2, 26)],  # before, on and after the notice date
)
def test_001_proposal_two_the_plan_looks_at_the_notice_date_the_only_day_notice_is_given(today: date) -> None:
    """Notice is given on the notice date, neither earlier nor later: the chair, who is in on the 25th and
    away from the 26th, is the one to tell whatever the day the plan is read."""
    plan = notification_plan(fold(scheduled()), JTAI, board(chair_away(date(2026, 2, 26), None)), today)
    assert plan[0].recipient is Recipient.LSCB_CHAIR


@pytest.mark.parametrize(
    "register_",
    [None, board(chair_away(), MANAGER_AWAY)],
    ids=["no-register", "neither-available"],
)
def test_the_plan_names_nobody_for_the_lscb_without_someone_available(register_: Board | None) -> None:
    plan = notification_plan(fold(scheduled()), JTAI, register_, date(2026, 2, 20))
    assert plan[0] == PlannedNotification(Recipient.LSCB_CHAIR, None, None, I.OFSTED, None)
    assert plan[1:] == agency_steps()


def test_the_plan_marks_the_steps_done() -> None:
    register_ = board(chair_away())
    events = scheduled()
    lscb = recorded(events, notify(Recipient.LSCB_BUSINESS_MANAGER, register_))
    events.append(lscb)
    health = recorded(
        events, notify(Recipient.AGENCY_SENIOR_LEADER, register_, agency=Agency.HEALTH, by=I.CQC)
    )
    events.append(health)
    # The chair being back by now does not rewrite what was done.
    plan = notification_plan(fold(events), JTAI, board(), NOTICE)
    assert plan == [
        PlannedNotification(Recipient.LSCB_BUSINESS_MANAGER, None, "Bea Manager", I.OFSTED, lscb),
        *agency_steps({Agency.HEALTH: health}),
    ]
    assert [step.done is not None for step in plan] == [True, False, True, False, False]


def test_where_the_programme_sets_no_order_the_plan_names_no_inspectorate() -> None:
    state = fold(scheduled(INTEGRATED))
    plan = notification_plan(state, INTEGRATED, board(), date(2026, 2, 20))
    assert plan[0] == PlannedNotification(Recipient.LSCB_CHAIR, None, "Dr Ann Chair", None, None)
    assert [(s.recipient, s.agency, s.notified_by) for s in plan[1:]] == [
        (Recipient.AGENCY_SENIOR_LEADER, agency, None) for agency in state.agencies
    ]
