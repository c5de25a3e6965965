"""When each step of the demo inspection happens, worked out from its programme and its fieldwork dates.

Fieldwork is whole weeks of five working days, Monday to Friday with no bank holiday (001 Proposal two; the
same rule for every programme's weeks). Notice is given on the notice date, 8 working days before fieldwork
in a JTAI or targeted inspection, neither earlier nor later; in an unannounced programme the area learns
of the inspection when inspectors arrive on its first day (002 §34). Each inspectorate records evidence in
the weeks its phase is on site. The report is drafted after the last day of fieldwork and its feedback
meeting; the days between the later steps are the demo's own plausible pace (a working week for the
factual-accuracy response, say), since the sources set none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from services.scheduling.domain.dates import earliest_fieldwork
from shared.language.programmes import Programme, catalogue
from shared.language.workdays import is_working_day
from shared.mechanics.clock import ENGLAND
from shared.mechanics.envelope import Inspectorate

# Working days between the steps after fieldwork: the demo's pace, not a rule of any programme.
JUDGED_AFTER = 1  # the judgements and the board's evaluation made final
DRAFTED_AFTER = 3
SENT_AFTER = 5
RESPONSE_WITHIN = 5  # the partnership's one factual-accuracy response
FINAL_AFTER = 2
PUBLISHED_AFTER = 3


def at(day: date, clock: str) -> datetime:
    """`day` at `clock` ("09:00") in England."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=ENGLAND)


def working_days_after(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _programme(programme: Programme | str) -> Programme:
    return catalogue()[programme] if isinstance(programme, str) else programme


def first_fieldwork_week(today: date, programme: Programme | str = "jtai-2015") -> date:
    """The Monday of the earliest fieldwork that can be scheduled `today` (the scheduling service's rule,
    `GET /programmes/{id}/earliest-fieldwork`)."""
    return earliest_fieldwork(_programme(programme), today).fieldwork.starts


@dataclass(frozen=True)
class Timetable:
    """The moments of one inspection's steps, from its programme and its fieldwork as scheduled."""

    programme: Programme
    starts: date  # the first Monday of fieldwork
    ends: date  # the last Friday
    notice_date: date

    @property
    def notice(self) -> datetime:
        """Notice given on the notice date; or, unannounced, inspectors arriving on the first morning."""
        return at(self.notice_date, "09:00") if self.programme.notice.announced else self.arrival

    @property
    def sample(self) -> datetime:
        """The shared sample: chosen during notice, or on the first day when there is none."""
        if self.programme.notice.announced:
            return at(working_days_after(self.notice_date, 1), "10:00")
        return at(self.starts, "11:00")

    @property
    def arrival(self) -> datetime:
        return at(self.starts, "09:00")

    def evidence(self, week: int) -> datetime:
        """When the evidence of a week of fieldwork is recorded: its Wednesday morning."""
        return at(self.starts + timedelta(weeks=week - 1, days=2), "10:00")

    @property
    def enquiries(self) -> datetime:
        """Lines of enquiry, and what triangulation shows: the last week's Thursday."""
        return at(self.ends - timedelta(days=1), "14:00")

    @property
    def closure(self) -> datetime:
        """Evidence gathering closed on the last day, after its feedback meeting."""
        return at(self.ends, "16:00")

    @property
    def judged(self) -> datetime:
        return at(working_days_after(self.ends, JUDGED_AFTER), "10:00")

    @property
    def drafted(self) -> datetime:
        return at(working_days_after(self.ends, DRAFTED_AFTER), "10:00")

    @property
    def sent(self) -> datetime:
        return at(working_days_after(self.ends, SENT_AFTER), "10:00")

    @property
    def response(self) -> datetime:
        return at(working_days_after(self.sent.date(), RESPONSE_WITHIN), "10:00")

    @property
    def final(self) -> datetime:
        return at(working_days_after(self.response.date(), FINAL_AFTER), "10:00")

    @property
    def published(self) -> datetime:
        return at(working_days_after(self.final.date(), PUBLISHED_AFTER), "09:30")

    def weeks_on_site(self, inspectorate: Inspectorate) -> list[int]:
        """The weeks its phase is on site: HMI Prisons in week 3 of an Integrated 2014 one (004 §100)."""
        return self.programme.fieldwork.weeks_of(inspectorate)
