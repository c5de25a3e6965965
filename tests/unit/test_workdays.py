"""Working days in England and Wales: the JTAI notice period (001 Proposal two) counts these."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.language.workdays import date_in_england, is_working_day, working_days_before

NOTICE_WORKING_DAYS = 8  # 001 Proposal two: "eight working days before the start of the inspection"


def _working_days_from_until(first: date, last: date) -> int:
    """Working days from `first` (counted) up to `last` (not counted): the notice day is the first."""
    days = (last - first).days
    return sum(1 for n in range(days) if is_working_day(first + timedelta(days=n)))


@pytest.mark.parametrize(
    ("fieldwork_monday", "notice_date"),
    [
        pytest.param(date(2026, 3, 9), date(2026, 2, 25), id="ordinary-week"),
        # Good Friday 3 April and Easter Monday 6 April 2026 are bank holidays.
        pytest.param(date(2026, 4, 13), date(2026, 3, 30), id="week-after-easter-2026"),
        # Christmas Thursday 25 December 2025, Boxing Day Friday 26, New Year's Day Thursday 1 January 2026.
        pytest.param(date(2026, 1, 5), date(2025, 12, 19), id="week-after-new-year-2026"),
        # Christmas Friday 25 December 2026, Boxing Day (Saturday) substituted on Monday 28 December,
        # New Year's Day Friday 1 January 2027.
        pytest.param(date(2027, 1, 4), date(2026, 12, 18), id="week-after-new-year-2027-substitute-day"),
    ],
)
def test_001_proposal_two_notice_is_eight_working_days_before_fieldwork_monday(
    fieldwork_monday: date, notice_date: date
) -> None:
    assert fieldwork_monday.weekday() == 0
    assert working_days_before(fieldwork_monday, NOTICE_WORKING_DAYS) == notice_date
    assert _working_days_from_until(notice_date, fieldwork_monday) == NOTICE_WORKING_DAYS


@pytest.mark.parametrize(
    "holiday",
    [
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2026, 1, 1),
        date(2026, 12, 28),  # substitute for Boxing Day, a Saturday
        date(2026, 5, 4),  # early May bank holiday
        date(2026, 8, 31),  # summer bank holiday (England and Wales, not Scotland)
    ],
)
def test_england_and_wales_bank_holidays_are_not_working_days(holiday: date) -> None:
    assert holiday.weekday() < 5
    assert not is_working_day(holiday)


def test_scottish_only_bank_holiday_is_a_working_day_in_england() -> None:
    # 2 January 2026 (a Friday) is a bank holiday in Scotland only.
    assert is_working_day(date(2026, 1, 2))


def test_weekends_never_count_as_working_days() -> None:
    start = date(2026, 1, 1)
    for offset in range(366 * 2):
        day = start + timedelta(days=offset)
        if day.weekday() >= 5:
            assert not is_working_day(day), day


def test_one_working_day_before_a_monday_is_the_friday() -> None:
    assert working_days_before(date(2026, 3, 9), 1) == date(2026, 3, 6)
    # From a Sunday or Saturday the weekend is skipped too.
    assert working_days_before(date(2026, 3, 8), 1) == date(2026, 3, 6)
    assert working_days_before(date(2026, 3, 7), 1) == date(2026, 3, 6)


def test_notice_date_is_always_a_working_day_and_leaves_exactly_the_notice_period() -> None:
    monday = date(2025, 1, 6)
    for week in range(104):
        fieldwork = monday + timedelta(weeks=week)
        notice = working_days_before(fieldwork, NOTICE_WORKING_DAYS)
        assert is_working_day(notice), fieldwork
        assert _working_days_from_until(notice, fieldwork) == NOTICE_WORKING_DAYS, fieldwork
        # Never fewer than 8 weekdays back, never more than 8 working days plus a generous holiday span.
        assert timedelta(days=10) <= fieldwork - notice <= timedelta(days=18), fieldwork


def test_zero_working_days_is_the_day_itself() -> None:
    assert working_days_before(date(2026, 3, 9), 0) == date(2026, 3, 9)


def test_date_in_england_moves_a_late_utc_instant_in_british_summer_time_to_the_next_day() -> None:
    # 23:30 UTC on 1 July 2026 is 00:30 BST on 2 July.
    assert date_in_england(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)
    assert date_in_england(datetime(2026, 7, 1, 22, 59, tzinfo=UTC)) == date(2026, 7, 1)


def test_date_in_england_keeps_the_utc_date_in_greenwich_mean_time() -> None:
    # In winter England is on UTC: 23:30 UTC on 15 January is still 15 January.
    assert date_in_england(datetime(2026, 1, 15, 23, 30, tzinfo=UTC)) == date(2026, 1, 15)


def test_date_in_england_around_the_clocks_going_forward() -> None:
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    assert date_in_england(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == date(2026, 3, 28)
    assert date_in_england(datetime(2026, 3, 29, 23, 30, tzinfo=UTC)) == date(2026, 3, 30)
