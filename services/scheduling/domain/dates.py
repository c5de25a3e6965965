"""Fieldwork dates: weeks of five working days from a Monday, the notice date, and the days of fieldwork
each week. Pure functions: no I/O.

A week of fieldwork is Monday to Friday with no bank holiday in it (001 Proposal two: "contained within one
week (Monday to Friday)"), in every week of a two- or four-week programme too; a week with one is refused,
citing the programme's fieldwork paragraph and naming the next Monday whose weeks are all full. Notice is
given on the notice date: `working_days` working days before fieldwork when announced, the first day of
fieldwork when not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.language.contracts.scheduling import Period
from shared.language.programmes import Programme
from shared.language.workdays import is_working_day, working_days_before
from shared.mechanics.errors import RuleViolation


@dataclass(frozen=True)
class Window:
    fieldwork: Period
    notice_date: date


def window(programme: Programme, starts: date) -> Window:
    """Fieldwork from a Monday for the programme's weeks, each five working days (Monday to Friday, no bank
    holiday), and the day notice is given: `working_days` working days before fieldwork when announced,
    the first day of fieldwork when not."""
    rule = programme.fieldwork
    if starts.weekday() != 0:
        raise RuleViolation(
            f"fieldwork must start on a Monday; {starts} is a {starts.strftime('%A')}", rule.source
        )
    short = bank_holidays_in(programme, starts)
    if short:
        days = ", ".join(f"{day} ({name})" for day, name in short)
        raise RuleViolation(
            f"a week of fieldwork is five working days, Monday to Friday: the {rule.weeks} week(s) from "
            f"{starts} have a bank holiday in England and Wales on {days}; the next fieldwork of full "
            f"weeks starts on {next_full_weeks(programme, starts)}",
            rule.source,
        )
    ends = starts + timedelta(weeks=rule.weeks - 1, days=4)
    notice = (
        working_days_before(starts, programme.notice.working_days) if programme.notice.announced else starts
    )
    return Window(Period(starts=starts, ends=ends), notice)


def bank_holidays_in(programme: Programme, monday: date) -> list[tuple[date, str]]:
    """The bank holidays on the weekdays of the programme's weeks of fieldwork from `monday`, with names."""
    import holidays  # imported when first asked (shared/language/workdays.py)

    days = [monday + timedelta(weeks=w, days=d) for w in range(programme.fieldwork.weeks) for d in range(5)]
    named = holidays.country_holidays("GB", subdiv="ENG", years={d.year for d in days})
    return [(day, str(named.get(day, "bank holiday"))) for day in days if not is_working_day(day)]


def earliest_fieldwork(programme: Programme, today: date) -> Window:
    """The earliest fieldwork that can be scheduled `today`: from the first Monday after it whose weeks are
    all five working days and whose notice date has not passed (notice is given on that date, neither
    earlier nor later; an unannounced programme's notice date is its first day)."""
    monday = today + timedelta(days=7 - today.weekday())
    while bank_holidays_in(programme, monday) or window(programme, monday).notice_date < today:
        monday += timedelta(weeks=1)
    return window(programme, monday)


def next_full_weeks(programme: Programme, after: date) -> date:
    """The first Monday after `after` whose fieldwork weeks are all five working days."""
    monday = after + timedelta(days=7 - after.weekday())
    while bank_holidays_in(programme, monday):
        monday += timedelta(weeks=1)
    return monday


def last_working_day(period: Period) -> date:
    """The last day of fieldwork that is not a bank holiday, for the feedback meeting: its Friday, as
    `window` books only full weeks; an earlier day only for fieldwork booked before that rule."""
    day = period.ends
    while not is_working_day(day) and day > period.starts:
        day -= timedelta(days=1)
    return day


def week_period(fieldwork: Period, week: int) -> Period:
    monday = fieldwork.starts + timedelta(weeks=week - 1)
    return Period(starts=monday, ends=monday + timedelta(days=4))
