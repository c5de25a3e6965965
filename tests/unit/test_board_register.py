"""An area's LSCB register: its chair and business manager, their absences (who is notified first of a
JTAI: the chair, or the business manager in the chair's absence, 001 Proposal two), and the statutory
partners on the board (004 §41). Pure: the register decider and the `shared.views.boards` fold."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.lscb.domain.board_register import (
    Absent,
    Appoint,
    Command,
    JoinPartner,
    LeavePartner,
    Return,
    Vacate,
    register,
)
from shared.language.areas import Area, find
from shared.language.contracts import CATALOGUE
from shared.language.contracts.lscb import (
    BoardOfficerAbsent,
    BoardOfficerAppointed,
    BoardOfficerLeft,
    BoardOfficerReturned,
    BoardPartnerJoined,
    BoardPartnerLeft,
    LscbEvaluationRecorded,
    Office,
)
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.views import boards
from shared.views.boards import Absence, Board, Contact, Partner
from tests.domain import Decisions

A = Agency
CHAIR = Office.CHAIR
MANAGER = Office.BUSINESS_MANAGER
NOTICE_RULE = "001 Proposal two"
PARTNERS_RULE = "004 §41"


def area(name: str) -> Area:
    found = find(name)
    assert found is not None
    return found


WAKEFIELD = area("Wakefield")
LEEDS = area("Leeds")


def appoint(
    office: Office = CHAIR, name: str = "Dr Ann Chair", contact: str | None = "01924 000001"
) -> Appoint:
    return Appoint(WAKEFIELD, office, name, contact)


def absent(start: date, until: date | None, office: Office = CHAIR, reason: str = "annual leave") -> Absent:
    return Absent(WAKEFIELD, office, start, until, reason)


def returned(on: date, office: Office = CHAIR) -> Return:
    return Return(WAKEFIELD, office, on)


def join(agency: Agency, organisation: str) -> JoinPartner:
    return JoinPartner(WAKEFIELD, agency, organisation)


REGISTER = Decisions(register)
run, refused = REGISTER.run, REGISTER.refused


def board_of(*commands: Command) -> Board:
    board, _ = run(register.initial, *commands)
    assert board is not None
    return board


STAFFED = (appoint(CHAIR, "Dr Ann Chair"), appoint(MANAGER, "Bea Manager", "01924 000002"))


# --- officers --------------------------------------------------------------------------------


def test_appointing_the_chair_of_a_new_register_names_the_area() -> None:
    board, events = run(None, appoint())
    assert events == [
        BoardOfficerAppointed(
            area_code="E08000036",
            local_area="Wakefield",
            office=CHAIR,
            name="Dr Ann Chair",
            contact="01924 000001",
        )
    ]
    assert board is not None
    assert (board.area_code, board.local_area) == ("E08000036", "Wakefield")
    assert board.chair is not None
    assert (board.chair.name, board.chair.contact) == ("Dr Ann Chair", "01924 000001")
    assert board.business_manager is None


def test_reappointing_the_same_name_and_contact_changes_nothing() -> None:
    board = board_of(appoint())
    assert register.decide(board, appoint()) == []


@pytest.mark.parametrize(
    "again",
    [appoint(name="Prof Cy Newchair"), appoint(contact="01924 999999"), appoint(contact=None)],
    ids=["new-holder", "new-contact", "contact-removed"],
)
def test_reappointing_with_another_name_or_contact_replaces_the_holder(again: Appoint) -> None:
    board, events = run(board_of(appoint()), again)
    assert [type(e) for e in events] == [BoardOfficerAppointed]
    assert board is not None
    assert board.chair is not None
    assert (board.chair.name, board.chair.contact) == (again.name, again.contact)


def test_the_two_offices_are_held_separately() -> None:
    board = board_of(*STAFFED)
    assert board.chair is not None
    assert board.business_manager is not None
    assert (board.chair.name, board.business_manager.name) == ("Dr Ann Chair", "Bea Manager")
    assert board.officer(CHAIR) is board.chair
    assert board.officer(MANAGER) is board.business_manager


def test_vacating_an_office_leaves_it_empty() -> None:
    board, events = run(board_of(*STAFFED), Vacate(WAKEFIELD, CHAIR, "retired"))
    assert events == [
        BoardOfficerLeft(area_code="E08000036", local_area="Wakefield", office=CHAIR, reason="retired")
    ]
    assert board is not None
    assert board.chair is None
    assert board.business_manager is not None


@pytest.mark.parametrize(
    "before",
    [(), (appoint(MANAGER),), (appoint(), Vacate(WAKEFIELD, CHAIR, "retired"))],
    ids=["new-register", "only-the-other-office-held", "already-vacated"],
)
def test_001_proposal_two_vacating_a_vacant_office_is_refused(before: tuple[Command, ...]) -> None:
    board, _ = run(None, *before)
    error = refused(board, Vacate(WAKEFIELD, CHAIR, "left"))
    assert error.rule == NOTICE_RULE
    assert "already vacant" in error.message
    assert "Wakefield" in error.message


# --- absences --------------------------------------------------------------------------------


def test_an_absence_is_recorded_against_the_office_holder() -> None:
    board, events = run(board_of(*STAFFED), absent(date(2026, 3, 10), date(2026, 3, 12)))
    assert events == [
        BoardOfficerAbsent(
            area_code="E08000036",
            local_area="Wakefield",
            office=CHAIR,
            absent_from=date(2026, 3, 10),
            absent_until=date(2026, 3, 12),
            reason="annual leave",
        )
    ]
    assert board is not None
    assert board.chair is not None
    assert board.chair.absences == (
        Absence(absent_from=date(2026, 3, 10), absent_until=date(2026, 3, 12), reason="annual leave"),
    )
    assert board.business_manager is not None
    assert board.business_manager.absences == ()


@pytest.mark.parametrize(
    ("day", "away"),
    [
        (date(2026, 3, 9), False),
        (date(2026, 3, 10), True),
        (date(2026, 3, 12), True),
        (date(2026, 3, 13), False),
    ],
)
def test_an_absence_covers_its_first_and_last_days(day: date, away: bool) -> None:
    board = board_of(*STAFFED, absent(date(2026, 3, 10), date(2026, 3, 12)))
    assert board.chair is not None
    assert (board.chair.absent_on(day) is not None) is away
    assert (board.available(CHAIR, day) is None) is away


def test_an_open_absence_covers_every_day_from_its_start() -> None:
    board = board_of(*STAFFED, absent(date(2026, 3, 10), None))
    assert board.available(CHAIR, date(2026, 3, 9)) is not None
    assert board.available(CHAIR, date(2030, 1, 1)) is None


def test_a_one_day_absence_is_accepted() -> None:
    _, events = run(board_of(*STAFFED), absent(date(2026, 3, 10), date(2026, 3, 10)))
    assert [type(e) for e in events] == [BoardOfficerAbsent]


def test_001_proposal_two_an_absence_of_a_vacant_office_is_refused() -> None:
    error = refused(board_of(appoint(CHAIR)), absent(date(2026, 3, 10), None, office=MANAGER))
    assert error.rule == NOTICE_RULE
    assert "vacant" in error.message
    assert "business_manager" in error.message
    assert refused(None, absent(date(2026, 3, 10), None)).rule == NOTICE_RULE


def test_001_proposal_two_an_absence_ending_before_it_starts_is_refused() -> None:
    error = refused(board_of(*STAFFED), absent(date(2026, 3, 10), date(2026, 3, 9)))
    assert error.rule == NOTICE_RULE
    assert "ends on or after the day it starts" in error.message


@pytest.mark.parametrize(
    ("start", "until"),
    [
        (date(2026, 3, 8), date(2026, 3, 10)),  # ends on its first day
        (date(2026, 3, 12), date(2026, 3, 14)),  # starts on its last day
        (date(2026, 3, 11), date(2026, 3, 11)),  # inside it
        (date(2026, 3, 1), date(2026, 3, 31)),  # around it
        (date(2026, 3, 1), None),  # open, from before it
        (date(2026, 3, 12), None),  # open, from its last day
    ],
)
def test_001_proposal_two_an_absence_overlapping_a_recorded_one_is_refused(
    start: date, until: date | None
) -> None:
    board = board_of(*STAFFED, absent(date(2026, 3, 10), date(2026, 3, 12)))
    error = refused(board, absent(start, until))
    assert error.rule == NOTICE_RULE
    assert "already recorded as away from 2026-03-10 to 2026-03-12" in error.message
    assert "Dr Ann Chair" in error.message


@pytest.mark.parametrize(
    ("start", "until"),
    [(date(2026, 3, 1), date(2026, 3, 9)), (date(2026, 3, 13), date(2026, 3, 20)), (date(2026, 3, 13), None)],
)
def test_absences_that_do_not_overlap_are_both_kept(start: date, until: date | None) -> None:
    board = board_of(*STAFFED, absent(date(2026, 3, 10), date(2026, 3, 12)), absent(start, until))
    assert board.chair is not None
    assert len(board.chair.absences) == 2


@pytest.mark.parametrize(
    ("start", "until"),
    [(date(2026, 4, 1), date(2026, 4, 3)), (date(2026, 2, 1), date(2026, 2, 3)), (date(2026, 4, 1), None)],
    ids=["later", "earlier", "another-open"],
)
def test_001_proposal_two_an_open_absence_blocks_another_until_the_return(
    start: date, until: date | None
) -> None:
    board = board_of(*STAFFED, absent(date(2026, 3, 10), None))
    error = refused(board, absent(start, until))
    assert error.rule == NOTICE_RULE
    assert "no return date: record the return first" in error.message


def test_the_other_office_holder_can_be_away_at_the_same_time() -> None:
    board = board_of(*STAFFED, absent(date(2026, 3, 10), None))
    _, events = run(board, absent(date(2026, 3, 10), None, office=MANAGER))
    assert [type(e) for e in events] == [BoardOfficerAbsent]


# --- returns ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before",
    [STAFFED, (*STAFFED, absent(date(2026, 3, 10), date(2026, 3, 12))), (appoint(MANAGER),)],
    ids=["never-away", "only-a-closed-absence", "vacant-office"],
)
def test_001_proposal_two_a_return_without_an_open_absence_is_refused(before: tuple[Command, ...]) -> None:
    error = refused(board_of(*before), returned(date(2026, 3, 20)))
    assert error.rule == NOTICE_RULE
    assert "no absence without a return date" in error.message


@pytest.mark.parametrize(
    "on", [date(2026, 3, 9), date(2026, 3, 10)], ids=["before-the-start", "on-the-start"]
)
def test_001_proposal_two_a_return_must_come_after_the_absence_started(on: date) -> None:
    board = board_of(*STAFFED, absent(date(2026, 3, 10), None))
    error = refused(board, returned(on))
    assert error.rule == NOTICE_RULE
    assert "after the absence started on 2026-03-10" in error.message


def test_after_the_return_the_absence_ends_the_day_before() -> None:
    board, events = run(board_of(*STAFFED, absent(date(2026, 3, 10), None)), returned(date(2026, 3, 16)))
    assert events == [
        BoardOfficerReturned(
            area_code="E08000036", local_area="Wakefield", office=CHAIR, returned_on=date(2026, 3, 16)
        )
    ]
    assert board is not None
    assert board.chair is not None
    assert board.chair.absences == (
        Absence(absent_from=date(2026, 3, 10), absent_until=date(2026, 3, 15), reason="annual leave"),
    )
    assert board.chair.open_absence() is None
    assert board.available(CHAIR, date(2026, 3, 15)) is None
    assert board.available(CHAIR, date(2026, 3, 16)) is not None


def test_after_the_return_a_new_absence_may_be_recorded() -> None:
    board = board_of(*STAFFED, absent(date(2026, 3, 10), None), returned(date(2026, 3, 16)))
    _, events = run(board, absent(date(2026, 3, 16), None, reason="sick leave"))
    assert [type(e) for e in events] == [BoardOfficerAbsent]
    assert refused(board, absent(date(2026, 3, 15), None)).rule == NOTICE_RULE


def test_earlier_closed_absences_are_kept_as_they_were_on_return() -> None:
    board = board_of(
        *STAFFED,
        absent(date(2026, 2, 2), date(2026, 2, 6)),
        absent(date(2026, 3, 10), None),
        returned(date(2026, 3, 12)),
    )
    assert board.chair is not None
    assert [(a.absent_from, a.absent_until) for a in board.chair.absences] == [
        (date(2026, 2, 2), date(2026, 2, 6)),
        (date(2026, 3, 10), date(2026, 3, 11)),
    ]


# --- partners --------------------------------------------------------------------------------


@pytest.mark.parametrize("agency", [A.CPS, A.LSCB, A.PARTNERSHIP])
def test_004_41_only_a_statutory_partner_joins_the_board(agency: Agency) -> None:
    error = refused(None, join(agency, "Somebody"))
    assert error.rule == PARTNERS_RULE
    assert f"{agency} is not a statutory partner" in error.message
    assert "youth_offending_team" in error.message


@pytest.mark.parametrize("agency", boards.STATUTORY_PARTNERS)
def test_004_41_each_statutory_partner_may_join(agency: Agency) -> None:
    board, events = run(None, join(agency, "An organisation"))
    assert events == [
        BoardPartnerJoined(
            area_code="E08000036", local_area="Wakefield", agency=agency, organisation="An organisation"
        )
    ]
    assert board is not None
    assert [(p.agency, p.organisation) for p in board.partners] == [(agency, "An organisation")]


def test_a_partner_joining_again_changes_nothing() -> None:
    board = board_of(join(A.HEALTH, "Wakefield CCG"))
    assert register.decide(board, join(A.HEALTH, "Wakefield CCG")) == []


def test_one_agency_may_have_several_organisations_on_the_board() -> None:
    board = board_of(join(A.HEALTH, "Wakefield CCG"), join(A.HEALTH, "NHS England Yorkshire"))
    assert [p.organisation for p in board.partners] == ["Wakefield CCG", "NHS England Yorkshire"]


def test_001_proposal_four_a_partner_joins_with_its_senior_leader_named() -> None:
    board, events = run(None, JoinPartner(WAKEFIELD, A.LOCAL_AUTHORITY, "Wakefield Council", "Jane Smith"))
    assert events == [
        BoardPartnerJoined(
            area_code="E08000036",
            local_area="Wakefield",
            agency=A.LOCAL_AUTHORITY,
            organisation="Wakefield Council",
            senior_leader="Jane Smith",
        )
    ]
    assert board is not None
    assert board.partners == (
        Partner(agency=A.LOCAL_AUTHORITY, organisation="Wakefield Council", senior_leader="Jane Smith"),
    )


def test_a_partner_joined_without_a_name_has_no_senior_leader_named() -> None:
    board = board_of(join(A.POLICE, "West Yorkshire Police"))
    assert board.partners == (Partner(agency=A.POLICE, organisation="West Yorkshire Police"),)
    assert board.partners[0].senior_leader is None


def test_a_partner_joining_again_with_another_name_names_its_senior_leader_in_its_place() -> None:
    council, trust = join(A.LOCAL_AUTHORITY, "Wakefield Council"), join(A.HEALTH, "Wakefield CCG")
    board, events = run(
        board_of(council, trust), JoinPartner(WAKEFIELD, A.LOCAL_AUTHORITY, "Wakefield Council", "Jane Smith")
    )
    assert [e.senior_leader for e in events if isinstance(e, BoardPartnerJoined)] == ["Jane Smith"]
    assert board is not None
    assert [(p.organisation, p.senior_leader) for p in board.partners] == [
        ("Wakefield Council", "Jane Smith"),
        ("Wakefield CCG", None),
    ]  # still one partner each, in the order they joined
    named = JoinPartner(WAKEFIELD, A.LOCAL_AUTHORITY, "Wakefield Council", "Jane Smith")
    assert register.decide(board, named) == []  # the same name again
    assert register.decide(board, council) == []  # no name given: the one recorded stays
    board, _ = run(board, JoinPartner(WAKEFIELD, A.LOCAL_AUTHORITY, "Wakefield Council", "Tom Brown"))
    assert board is not None
    assert board.partners[0].senior_leader == "Tom Brown"
    assert len(board.partners) == 2


def test_a_partner_that_left_and_joins_again_has_only_the_name_it_joins_with() -> None:
    named = JoinPartner(WAKEFIELD, A.POLICE, "West Yorkshire Police", "Jane Smith")
    leaves = LeavePartner(WAKEFIELD, A.POLICE, "West Yorkshire Police", "merged")
    board = board_of(named, leaves, join(A.POLICE, "West Yorkshire Police"))
    assert board.partners == (Partner(agency=A.POLICE, organisation="West Yorkshire Police"),)


def v1_partner_joined(payload: dict[str, object]) -> Envelope:
    """A BoardPartnerJoined as version 1 wrote it, before a senior leader could be named."""
    return Envelope(
        event_id="board-event-1",
        event_type="lscb.BoardPartnerJoined",
        schema_version=1,
        stream_id="lscb-board-E08000036",
        stream_version=1,
        inspection_id=None,
        occurred_at=datetime(2026, 2, 20, 9, tzinfo=UTC),
        actor=Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="ofsted-lead"),
        correlation_id="board-correlation",
        payload=payload,
    )


def test_a_version_1_partner_joined_still_loads_with_no_senior_leader_named() -> None:
    payload: dict[str, object] = {
        "area_code": "E08000036",
        "local_area": "Wakefield",
        "agency": "police",
        "organisation": "West Yorkshire Police",
    }
    assert BoardPartnerJoined.schema_version == 2
    assert BoardPartnerJoined.upcasters[1](payload) == {**payload, "senior_leader": None}
    event = CATALOGUE.decode(v1_partner_joined(payload))
    assert event == BoardPartnerJoined(
        area_code="E08000036", local_area="Wakefield", agency=A.POLICE, organisation="West Yorkshire Police"
    )
    assert isinstance(event, BoardPartnerJoined)
    assert event.senior_leader is None
    board = boards.fold([event])
    assert board is not None
    assert board.partners == (Partner(agency=A.POLICE, organisation="West Yorkshire Police"),)
    # a version 2 naming the leader afterwards names them on the same partner
    named = event.model_copy(update={"senior_leader": "Jane Smith"})
    renamed = boards.fold([event, named])
    assert renamed is not None
    assert [(p.organisation, p.senior_leader) for p in renamed.partners] == [
        ("West Yorkshire Police", "Jane Smith")
    ]


def test_a_board_read_model_stored_before_senior_leaders_still_loads() -> None:
    stored = {
        "area_code": "E08000036",
        "local_area": "Wakefield",
        "partners": [{"agency": "police", "organisation": "West Yorkshire Police"}],
        "version": 1,
    }
    board = Board.model_validate(stored)
    assert board.partners[0].senior_leader is None


def test_a_partner_leaving_removes_only_that_organisation() -> None:
    board = board_of(join(A.HEALTH, "Wakefield CCG"), join(A.HEALTH, "NHS England Yorkshire"))
    board2, events = run(board, LeavePartner(WAKEFIELD, A.HEALTH, "Wakefield CCG", "merged"))
    assert events == [
        BoardPartnerLeft(
            area_code="E08000036",
            local_area="Wakefield",
            agency=A.HEALTH,
            organisation="Wakefield CCG",
            reason="merged",
        )
    ]
    assert board2 is not None
    assert [p.organisation for p in board2.partners] == ["NHS England Yorkshire"]


@pytest.mark.parametrize(
    ("agency", "organisation"),
    [(A.HEALTH, "Leeds CCG"), (A.POLICE, "Wakefield CCG")],
    ids=["other-organisation", "other-agency"],
)
def test_004_41_a_partner_not_on_the_board_cannot_leave_it(agency: Agency, organisation: str) -> None:
    for board in (None, board_of(join(A.HEALTH, "Wakefield CCG"))):
        error = refused(board, LeavePartner(WAKEFIELD, agency, organisation, "left"))
        assert error.rule == PARTNERS_RULE
        assert f"{organisation} ({agency}) is not on the Wakefield LSCB" in error.message


# --- who is notified first -------------------------------------------------------------------

DAY = date(2026, 2, 25)
CHAIR_AWAY = absent(date(2026, 2, 23), date(2026, 2, 27))
MANAGER_AWAY = absent(date(2026, 2, 25), None, office=MANAGER)
VACATE_CHAIR = Vacate(WAKEFIELD, CHAIR, "resigned")
VACATE_MANAGER = Vacate(WAKEFIELD, MANAGER, "resigned")
THE_CHAIR = Contact(office=CHAIR, name="Dr Ann Chair", contact="01924 000001")
THE_MANAGER = Contact(office=MANAGER, name="Bea Manager", contact="01924 000002")


@pytest.mark.parametrize(
    ("changes", "first"),
    [
        ((), THE_CHAIR),
        ((MANAGER_AWAY,), THE_CHAIR),
        ((VACATE_MANAGER,), THE_CHAIR),
        ((absent(date(2026, 2, 16), date(2026, 2, 24)),), THE_CHAIR),  # back the day before
        ((absent(date(2026, 2, 26), None),), THE_CHAIR),  # away from the day after
        ((CHAIR_AWAY,), THE_MANAGER),
        ((absent(DAY, DAY),), THE_MANAGER),
        ((VACATE_CHAIR,), THE_MANAGER),
        ((CHAIR_AWAY, MANAGER_AWAY), None),
        ((VACATE_CHAIR, MANAGER_AWAY), None),
        ((CHAIR_AWAY, VACATE_MANAGER), None),
        ((VACATE_CHAIR, VACATE_MANAGER), None),
    ],
    ids=[
        "both-available",
        "manager-away",
        "manager-post-vacant",
        "chair-back-the-day-before",
        "chair-away-from-the-day-after",
        "chair-away",
        "chair-away-that-day-only",
        "chair-post-vacant",
        "both-away",
        "chair-vacant-manager-away",
        "chair-away-manager-vacant",
        "both-vacant",
    ],
)
def test_001_proposal_two_the_chair_first_the_business_manager_in_the_chairs_absence(
    changes: tuple[Command, ...], first: Contact | None
) -> None:
    assert board_of(*STAFFED, *changes).first_to_notify(DAY) == first


def test_001_proposal_two_the_chair_is_first_again_once_returned() -> None:
    board = board_of(*STAFFED, absent(date(2026, 2, 20), None))
    assert board.first_to_notify(DAY) == THE_MANAGER
    board = board_of(*STAFFED, absent(date(2026, 2, 20), None), returned(DAY))
    assert board.first_to_notify(DAY) == THE_CHAIR


def test_a_board_with_only_partners_has_nobody_to_notify() -> None:
    assert board_of(join(A.POLICE, "West Yorkshire Police")).first_to_notify(DAY) is None


# --- missing partners ------------------------------------------------------------------------

WITHOUT_CUSTODY = [A.LOCAL_AUTHORITY, A.HEALTH, A.POLICE, A.PROBATION, A.YOUTH_OFFENDING_TEAM]


def test_004_41_custody_is_an_expected_partner_only_where_the_area_holds_children_in_custody() -> None:
    board = board_of(appoint())
    assert LEEDS.facilities  # HMYOI Wetherby
    assert board.missing_partners(LEEDS) == [*WITHOUT_CUSTODY, A.CUSTODY]
    assert board.missing_partners(WAKEFIELD) == WITHOUT_CUSTODY
    assert board.missing_partners(None) == WITHOUT_CUSTODY


def test_004_41_partners_on_the_board_are_not_missing() -> None:
    board = board_of(
        join(A.LOCAL_AUTHORITY, "Wakefield Council"),
        join(A.POLICE, "West Yorkshire Police"),
        join(A.CUSTODY, "HMYOI Wetherby"),
    )
    assert board.missing_partners(LEEDS) == [A.HEALTH, A.PROBATION, A.YOUTH_OFFENDING_TEAM]
    assert board.missing_partners(WAKEFIELD) == [A.HEALTH, A.PROBATION, A.YOUTH_OFFENDING_TEAM]


def test_004_41_a_partner_that_left_is_missing_again() -> None:
    board = board_of(
        *(join(a, f"{a} body") for a in WITHOUT_CUSTODY),
        LeavePartner(WAKEFIELD, A.PROBATION, "probation body", "contract ended"),
    )
    assert board.missing_partners(WAKEFIELD) == [A.PROBATION]


# --- version and fold ------------------------------------------------------------------------


def test_the_version_counts_the_register_events() -> None:
    board, events = run(
        None,
        *STAFFED,
        appoint(),  # no change: no event
        absent(date(2026, 3, 10), None),
        returned(date(2026, 3, 12)),
        join(A.HEALTH, "Wakefield CCG"),
        join(A.HEALTH, "Wakefield CCG"),  # no change
        LeavePartner(WAKEFIELD, A.HEALTH, "Wakefield CCG", "merged"),
        Vacate(WAKEFIELD, MANAGER, "left"),
    )
    assert len(events) == 7
    assert board is not None
    assert board.version == 7
    assert boards.fold(events) == board


def test_the_fold_ignores_events_that_are_not_the_registers() -> None:
    other = LscbEvaluationRecorded(inspection_id="insp-1", summary="Effective.", evidence_item_ids=["ev-1"])
    _, events = run(None, *STAFFED)
    assert boards.fold([other]) is None
    assert boards.fold([other, *events, other]) == boards.fold(events)
    board = boards.fold([other, *events, other])
    assert board is not None
    assert board.version == 2


def test_the_register_decider_folds_like_shared_boards() -> None:
    board, events = run(None, *STAFFED, CHAIR_AWAY, join(A.POLICE, "West Yorkshire Police"))
    assert register.fold(events) == boards.fold(events) == board
    assert register.initial is None


def test_a_board_learnt_in_leeds_names_leeds() -> None:
    event = register.decide(None, Appoint(LEEDS, CHAIR, "Dr Lee Chair", None))[0]
    assert isinstance(event, BoardOfficerAppointed)
    assert (event.area_code, event.local_area) == ("E08000035", "Leeds")


def test_new_contact_details_for_the_same_chair_keep_the_recorded_absence() -> None:
    where = {"area_code": "E08000035", "local_area": "Leeds"}
    events: list[Event] = [
        BoardOfficerAppointed(**where, office=Office.CHAIR, name="X", contact="1"),
        BoardOfficerAppointed(**where, office=Office.BUSINESS_MANAGER, name="Y", contact=None),
        BoardOfficerAbsent(
            **where, office=Office.CHAIR, absent_from=date(2026, 2, 20), absent_until=None, reason="Leave"
        ),
        BoardOfficerAppointed(**where, office=Office.CHAIR, name="X", contact="2"),
    ]
    board = boards.fold(events)
    assert board is not None
    contact = board.first_to_notify(date(2026, 2, 25))
    assert contact is not None
    assert contact.name == "Y"
    new_chair = BoardOfficerAppointed(**where, office=Office.CHAIR, name="Z", contact=None)
    replaced = boards.fold([*events, new_chair])
    assert replaced is not None
    first = replaced.first_to_notify(date(2026, 2, 25))
    assert first is not None
    assert first.name == "Z"  # a new chair is not away because the last one was
