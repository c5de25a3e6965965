"""An area's calendar: the inspections booked for one local authority area, one at a time (stream
`area-{code}`). Scheduling or rescheduling an inspection books it (`book`); cancelling releases it. Pure
functions: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.language.areas import Area
from shared.language.contracts.scheduling import AreaBooked, AreaReleased, Period
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.errors import RuleViolation

# Rules of the platform that no seed states in a paragraph: cited to the domain brief.
ONE_INSPECTION_PER_AREA = "domain.md Scheduling: an area has one inspection at a time"
REGISTER = "domain.md Scheduling: the register of local authority areas"


@dataclass(frozen=True)
class Calendar:
    """An area's inspections: inspection id -> fieldwork period."""

    bookings: dict[str, Period] = field(default_factory=dict)


def evolve_calendar(state: Calendar, event: Event) -> Calendar:
    match event:
        case AreaBooked():
            return Calendar({**state.bookings, event.inspection_id: event.period})
        case AreaReleased():
            return Calendar({k: v for k, v in state.bookings.items() if k != event.inspection_id})
    return state


def area_stream(area_code: str) -> str:
    return f"area-{area_code}"


def check_area_free(calendar: Calendar, area: Area, inspection_id: str, fieldwork: Period) -> None:
    """No other inspection of the area overlaps this fieldwork."""
    for other, period in calendar.bookings.items():
        if other != inspection_id and period.overlaps(fieldwork):
            raise RuleViolation(
                f"{area.name} already has inspection {other} from {period.starts} to {period.ends}, "
                f"which overlaps {fieldwork.starts} to {fieldwork.ends}",
                ONE_INSPECTION_PER_AREA,
            )


@dataclass(frozen=True)
class Book:
    area: Area
    inspection_id: str
    fieldwork: Period


def book(calendar: Calendar, c: Book) -> list[Event]:
    """The area booked for the inspection's fieldwork, when no other inspection of it overlaps."""
    check_area_free(calendar, c.area, c.inspection_id, c.fieldwork)
    return [AreaBooked(inspection_id=c.inspection_id, area_code=c.area.code, period=c.fieldwork)]


decider = Decider[Calendar, Book](Calendar(), evolve_calendar, book)
