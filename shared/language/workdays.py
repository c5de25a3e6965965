"""Working days in England and Wales: Monday to Friday, less bank holidays (notice periods count these)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from shared.mechanics.clock import CLOCK

ENGLAND = ZoneInfo("Europe/London")


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    import holidays  # a second's import of every country's calendars: when a date is first counted

    # England and Wales share one list of bank holidays, substitute days included.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """The date `count` working days before `day`: notice given then leaves `count` working days."""
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def today_in_england() -> date:
    """Today in England by the platform's clock (shared/mechanics/clock.py): a rehearsal platform's moved
    date."""
    return CLOCK.now().astimezone(ENGLAND).date()


def date_in_england(moment: datetime) -> date:
    return moment.astimezone(ENGLAND).date()
