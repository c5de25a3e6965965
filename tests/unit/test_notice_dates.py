"""Fieldwork windows and notice dates per programme, across the bank holidays of England and Wales.

Every expected date below was counted by hand on a calendar, not computed by the code under test:
the notice date is the day that leaves exactly N working days before fieldwork starts (001 Proposal
two: "eight working days before the start of the inspection")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.scheduling.domain.dates import earliest_fieldwork, next_full_weeks, window
from shared.language.programmes import Programme, catalogue
from shared.mechanics.errors import RuleViolation

# England and Wales bank holidays from December 2025 to April 2027 (gov.uk/bank-holidays), written out
# by hand so that the table below can be checked without the holidays library the product uses.
BANK_HOLIDAYS = {
    date(2025, 12, 25),  # Christmas Day, Thursday
    date(2025, 12, 26),  # Boxing Day, Friday
    date(2026, 1, 1),  # New Year's Day, Thursday
    date(2026, 4, 3),  # Good Friday
    date(2026, 4, 6),  # Easter Monday
    date(2026, 5, 4),  # early May bank holiday
    date(2026, 5, 25),  # spring bank holiday
    date(2026, 8, 31),  # summer bank holiday
    date(2026, 12, 25),  # Christmas Day, Friday
    date(2026, 12, 28),  # Boxing Day (Saturday 26th) substitute, Monday
    date(2027, 1, 1),  # New Year's Day, Friday
    date(2027, 3, 26),  # Good Friday
    date(2027, 3, 29),  # Easter Monday
}


def _hand_counted_working_days(first: date, before: date) -> int:
    """Weekdays that are not in BANK_HOLIDAYS, from `first` (counted) up to `before` (not counted)."""
    days = (first + timedelta(days=n) for n in range((before - first).days))
    return sum(1 for d in days if d.weekday() < 5 and d not in BANK_HOLIDAYS)


@pytest.fixture(scope="module")
def jtai() -> Programme:
    return catalogue()["jtai-2015"]


JTAI_NOTICE = [
    # (fieldwork Monday, notice date 8 working days before, why the case is here)
    pytest.param(date(2026, 3, 9), date(2026, 2, 25), id="ordinary-week"),
    # Christmas and New Year 2025-26: Thu 25, Fri 26 Dec and Thu 1 Jan are skipped; Fri 2 Jan is a
    # bank holiday in Scotland only and counts. Fri 2, Wed 31, Tue 30, Mon 29, Wed 24, Tue 23, Mon 22,
    # Fri 19.
    pytest.param(date(2026, 1, 5), date(2025, 12, 19), id="new-year-2026"),
    # Christmas 2026: Fri 25 Dec, the Boxing Day substitute Mon 28 Dec and Fri 1 Jan are skipped.
    pytest.param(date(2027, 1, 4), date(2026, 12, 18), id="new-year-2027-three-holidays"),
    # Fri 8, Thu 7, Wed 6, Tue 5, Mon 4 (5), Fri 1 Jan skipped, Thu 31, Wed 30, Tue 29 Dec.
    pytest.param(date(2027, 1, 11), date(2026, 12, 29), id="new-year-2027-one-week-on"),
    # Easter 2026: Good Friday 3 Apr and Easter Monday 6 Apr. Fri 10 ... Tue 7 (4), Thu 2, Wed 1,
    # Tue 31, Mon 30 Mar.
    pytest.param(date(2026, 4, 13), date(2026, 3, 30), id="easter-2026"),
    # The week after: the notice period (Wed 8 to Fri 17 Apr) no longer reaches Easter.
    pytest.param(date(2026, 4, 20), date(2026, 4, 8), id="easter-2026-one-week-on"),
    # The week before Easter: Fri 20 Mar back to Wed 11 Mar, no holiday in it.
    pytest.param(date(2026, 3, 23), date(2026, 3, 11), id="easter-2026-one-week-before"),
    # Easter 2027: Good Friday 26 Mar and Easter Monday 29 Mar. Fri 2 Apr ... Tue 30 Mar (4),
    # Thu 25, Wed 24, Tue 23, Mon 22 Mar.
    pytest.param(date(2027, 4, 5), date(2027, 3, 22), id="easter-2027"),
    pytest.param(date(2027, 4, 12), date(2027, 3, 31), id="easter-2027-one-week-on"),
    # Early May bank holiday Mon 4 May 2026: Fri 8 ... Tue 5 (4), Fri 1 May, Thu 30, Wed 29, Tue 28 Apr.
    pytest.param(date(2026, 5, 11), date(2026, 4, 28), id="early-may-2026"),
    pytest.param(date(2026, 5, 18), date(2026, 5, 6), id="early-may-2026-one-week-on"),
    # Spring bank holiday Mon 25 May 2026: Fri 29 ... Tue 26 (4), Fri 22, Thu 21, Wed 20, Tue 19 May.
    pytest.param(date(2026, 6, 1), date(2026, 5, 19), id="spring-bank-holiday-2026"),
    pytest.param(date(2026, 6, 8), date(2026, 5, 27), id="spring-bank-holiday-2026-one-week-on"),
    # Summer bank holiday Mon 31 Aug 2026: Fri 4 ... Tue 1 Sep (4), Fri 28, Thu 27, Wed 26, Tue 25 Aug.
    pytest.param(date(2026, 9, 7), date(2026, 8, 25), id="august-2026"),
    pytest.param(date(2026, 9, 14), date(2026, 9, 2), id="august-2026-one-week-on"),
]


def test_the_hand_written_table_is_itself_consistent() -> None:
    # Guards the table, not the product: each row leaves 8 hand-counted working days, on a working day.
    for case in JTAI_NOTICE:
        starts, notice = case.values
        assert isinstance(starts, date)
        assert isinstance(notice, date)
        assert starts.weekday() == 0, case.id
        assert notice.weekday() < 5, case.id
        assert notice not in BANK_HOLIDAYS, case.id
        assert _hand_counted_working_days(notice, starts) == 8, case.id


@pytest.mark.parametrize(("starts", "notice"), JTAI_NOTICE)
def test_001_proposal_two_jtai_notice_is_eight_working_days_before_fieldwork(
    jtai: Programme, starts: date, notice: date
) -> None:
    w = window(jtai, starts)
    assert w.notice_date == notice
    assert w.fieldwork.starts == starts
    assert w.fieldwork.ends == starts + timedelta(days=4)  # Monday to Friday of one week


@pytest.mark.parametrize(("starts", "notice"), JTAI_NOTICE[:6])
def test_001_part_2_targeted_gives_the_same_eight_working_days(starts: date, notice: date) -> None:
    assert window(catalogue()["targeted-2015"], starts).notice_date == notice


@pytest.mark.parametrize(
    "holiday",
    [
        pytest.param(date(2026, 5, 4), id="early-may-2026"),
        pytest.param(date(2026, 12, 28), id="boxing-day-substitute-2026"),
        pytest.param(date(2026, 4, 6), id="easter-monday-2026"),
        pytest.param(date(2027, 3, 29), id="easter-monday-2027"),
        pytest.param(date(2026, 5, 25), id="spring-2026"),
        pytest.param(date(2026, 8, 31), id="august-2026"),
    ],
)
@pytest.mark.parametrize("programme_id", ["jtai-2015", "macp-2012", "integrated-2014"])
def test_fieldwork_on_a_bank_holiday_monday_is_rejected_naming_the_fieldwork_rule(
    programme_id: str, holiday: date
) -> None:
    programme = catalogue()[programme_id]
    assert holiday.weekday() == 0
    with pytest.raises(RuleViolation) as caught:
        window(programme, holiday)
    assert caught.value.rule == programme.fieldwork.source
    assert "bank holiday" in caught.value.message
    assert str(holiday) in caught.value.message
    # The first Monday whose weeks are all full is suggested, and is fine.
    suggested = next_full_weeks(programme, holiday)
    assert f"starts on {suggested}" in caught.value.message
    assert window(programme, suggested).fieldwork.starts == suggested


# Weeks with a bank holiday on a weekday, hand-counted: (programme, Monday, the holiday, the next Monday
# whose every week is Monday to Friday).
D = date
SHORT_WEEKS = [
    # The second run of `jip demo` booked Mon 21 to Fri 25 December 2026, Christmas Day a Friday; Mon 28
    # is the Boxing Day substitute and Fri 1 January 2027 New Year's Day.
    pytest.param("jtai-2015", D(2026, 12, 21), D(2026, 12, 25), D(2027, 1, 4), id="jtai-christmas-2026"),
    pytest.param("jtai-2015", D(2025, 12, 29), D(2026, 1, 1), D(2026, 1, 5), id="jtai-new-year-2026"),
    # Good Friday 3 April 2026, then Easter Monday 6 April.
    pytest.param("jtai-2015", D(2026, 3, 30), D(2026, 4, 3), D(2026, 4, 13), id="jtai-good-friday"),
    pytest.param("targeted-2015", D(2026, 3, 30), D(2026, 4, 3), D(2026, 4, 13), id="targeted-easter"),
    # Two weeks: Good Friday in the second; then Easter Monday in the first of 30 Mar and 6 Apr.
    pytest.param("macp-2012", D(2026, 3, 23), D(2026, 4, 3), D(2026, 4, 13), id="macp-good-friday"),
    pytest.param("cla-2012", D(2026, 3, 23), D(2026, 4, 3), D(2026, 4, 13), id="cla-good-friday"),
    pytest.param("macp-2012", D(2025, 12, 22), D(2025, 12, 25), D(2026, 1, 5), id="macp-christmas"),
    # Four weeks: the summer bank holiday 31 August 2026 is in week 4, 3, 2 then 1 of the next Mondays.
    pytest.param("integrated-2014", D(2026, 8, 10), D(2026, 8, 31), D(2026, 9, 7), id="integrated-august"),
]  # fmt: skip


@pytest.mark.parametrize(("programme_id", "monday", "holiday", "suggested"), SHORT_WEEKS)
def test_001_proposal_two_a_fieldwork_week_is_five_working_days(
    programme_id: str, monday: date, holiday: date, suggested: date
) -> None:
    """001 Proposal two: fieldwork "contained within one week (Monday to Friday)"; each week of a two- or
    four-week programme is five working days too. A week with a bank holiday is refused, citing the
    programme's fieldwork paragraph and suggesting the next fieldwork of full weeks."""
    programme = catalogue()[programme_id]
    assert monday.weekday() == 0
    assert holiday in BANK_HOLIDAYS
    with pytest.raises(RuleViolation) as caught:
        window(programme, monday)
    assert caught.value.rule == programme.fieldwork.source
    assert "five working days, Monday to Friday" in caught.value.message
    assert str(holiday) in caught.value.message
    assert f"the next fieldwork of full weeks starts on {suggested}" in caught.value.message
    w = window(programme, suggested)
    weekdays = [
        suggested + timedelta(weeks=n, days=d) for n in range(programme.fieldwork.weeks) for d in range(5)
    ]
    assert not set(weekdays) & BANK_HOLIDAYS
    assert w.fieldwork.ends == weekdays[-1]  # the last Friday: the feedback meeting's day


def test_fieldwork_rules_are_cited_per_programme() -> None:
    assert catalogue()["jtai-2015"].fieldwork.source == "001 Proposal two"
    assert catalogue()["macp-2012"].fieldwork.source == "002 §37"
    assert catalogue()["integrated-2014"].fieldwork.source == "004 §36"


@pytest.mark.parametrize(
    "day",
    [date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 13), date(2026, 3, 14)],
    ids=["tue", "wed", "thu", "fri", "sat"],
)
def test_001_proposal_two_fieldwork_not_on_a_monday_is_rejected(jtai: Programme, day: date) -> None:
    with pytest.raises(RuleViolation) as caught:
        window(jtai, day)
    assert caught.value.rule == "001 Proposal two"
    assert "Monday" in caught.value.message
    assert day.strftime("%A") in caught.value.message


def test_a_tuesday_after_a_bank_holiday_monday_is_still_rejected(jtai: Programme) -> None:
    # Tuesday 5 May 2026 is the first working day of its week, but fieldwork runs Monday to Friday.
    with pytest.raises(RuleViolation) as caught:
        window(jtai, date(2026, 5, 5))
    assert "Monday" in caught.value.message
    assert "Tuesday" in caught.value.message


@pytest.mark.parametrize(
    ("starts", "second_friday"),
    [
        (date(2026, 3, 9), date(2026, 3, 20)),
        (date(2026, 4, 13), date(2026, 4, 24)),  # the first full weeks after Easter 2026
    ],
)
@pytest.mark.parametrize("programme_id", ["macp-2012", "cla-2012"])
def test_002_para_34_unannounced_two_weeks_have_no_notice_before_fieldwork(
    programme_id: str, starts: date, second_friday: date
) -> None:
    w = window(catalogue()[programme_id], starts)
    assert w.notice_date == starts  # 002 §34: unannounced; the area learns on day 1
    assert w.fieldwork.starts == starts
    assert w.fieldwork.ends == second_friday  # 002 §37: "within a two-week period"
    assert second_friday.weekday() == 4


@pytest.mark.parametrize(
    ("starts", "fourth_friday"),
    [
        (date(2026, 3, 2), date(2026, 3, 27)),
        (date(2026, 6, 1), date(2026, 6, 26)),  # after the spring bank holiday
        (date(2026, 9, 7), date(2026, 10, 2)),  # after the summer bank holiday
    ],
)
def test_004_para_36_integrated_window_is_four_weeks(starts: date, fourth_friday: date) -> None:
    w = window(catalogue()["integrated-2014"], starts)
    assert w.fieldwork.ends == fourth_friday
    assert fourth_friday.weekday() == 4
    assert w.notice_date == starts  # unannounced, as the single inspection it continues (004 §29)


def test_the_earliest_fieldwork_skips_weeks_whose_notice_has_passed_and_weeks_with_a_bank_holiday() -> None:
    """Issue 22 point 10: from Thursday 3 December 2026 a JTAI's fieldwork cannot start on 7 or 14 December
    (their notice dates have passed) nor on 21 or 28 December (Christmas Day, Boxing Day's substitute): the
    earliest is Monday 4 January 2027, with notice on 18 December, 8 working days before."""
    jtai = catalogue()["jtai-2015"]
    earliest = earliest_fieldwork(jtai, date(2026, 12, 3))
    assert (earliest.fieldwork.starts, earliest.fieldwork.ends) == (date(2027, 1, 4), date(2027, 1, 8))
    assert earliest.notice_date == date(2026, 12, 18)
    # On its notice date it is still the earliest; a day later it is not.
    assert earliest_fieldwork(jtai, date(2026, 12, 18)) == earliest
    assert earliest_fieldwork(jtai, date(2026, 12, 19)).fieldwork.starts == date(2027, 1, 11)


def test_the_earliest_unannounced_fieldwork_is_the_next_monday_of_full_weeks() -> None:
    macp = catalogue()["macp-2012"]
    assert not macp.notice.announced
    earliest = earliest_fieldwork(macp, date(2027, 3, 24))  # a Wednesday; Easter Monday is 29 March 2027
    assert earliest.fieldwork.starts == next_full_weeks(macp, date(2027, 3, 24))
    assert earliest.notice_date == earliest.fieldwork.starts
