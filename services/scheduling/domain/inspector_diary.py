"""An inspector's diary: who they are, when they are unavailable and the inspections they are booked on,
one at a time (stream `inspector-{id}`). Each inspectorate registers its own inspectors and records their
availability. Pure functions: no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from shared.language.contracts.scheduling import (
    InspectorBooked,
    InspectorBookingReleased,
    InspectorRegistered,
    InspectorUnavailable,
    Period,
)
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation

# Rules of the platform that no seed states in a paragraph: cited to the domain brief.
ONE_INSPECTION_PER_INSPECTOR = "domain.md Scheduling: an inspector is on one inspection at a time"
AVAILABILITY = "domain.md Scheduling: inspectors are assigned when available"


@dataclass(frozen=True)
class Diary:
    registered: InspectorRegistered | None = None
    unavailable: tuple[InspectorUnavailable, ...] = ()
    bookings: dict[str, tuple[Period, ...]] = field(default_factory=dict)  # inspection id -> days on site


def evolve_diary(state: Diary, event: Event) -> Diary:
    match event:
        case InspectorRegistered():
            return replace(state, registered=event)
        case InspectorUnavailable():
            return replace(state, unavailable=(*state.unavailable, event))
        case InspectorBooked():
            return replace(state, bookings={**state.bookings, event.inspection_id: tuple(event.on_site)})
        case InspectorBookingReleased():
            return replace(
                state, bookings={k: v for k, v in state.bookings.items() if k != event.inspection_id}
            )
    return state


def inspector_stream(inspector_id: str) -> str:
    return f"inspector-{inspector_id}"


def check_free(diary: Diary, on_site: Sequence[Period]) -> None:
    """The inspector is neither unavailable nor on another inspection on any of these days on site."""
    assert diary.registered is not None
    name = diary.registered.name
    for absence in diary.unavailable:
        if any(absence.period.overlaps(d) for d in on_site):
            raise RuleViolation(
                f"{name} is unavailable from {absence.period.starts} to {absence.period.ends} "
                f"({absence.reason})",
                AVAILABILITY,
            )
    for other, days in diary.bookings.items():
        clash = next((d for d in days for mine in on_site if d.overlaps(mine)), None)
        if clash is not None:
            raise RuleViolation(
                f"{name} is already on inspection {other} from {clash.starts} to {clash.ends}",
                ONE_INSPECTION_PER_INSPECTOR,
            )


def register_inspector(diary: Diary, registered: InspectorRegistered, by: Inspectorate) -> list[Event]:
    if registered.inspectorate is not by:
        raise Forbidden("each inspectorate registers its own inspectors", AVAILABILITY)
    if diary.registered is not None:
        raise RuleViolation(f"inspector {registered.inspector_id} is already registered", AVAILABILITY)
    return [registered]


def declare_unavailable(diary: Diary, absence: InspectorUnavailable, by: Inspectorate) -> list[Event]:
    if diary.registered is None:
        raise RuleViolation(f"inspector {absence.inspector_id} is not registered", AVAILABILITY)
    if diary.registered.inspectorate is not by:
        raise Forbidden("each inspectorate records its own inspectors' availability", AVAILABILITY)
    if absence.period.ends < absence.period.starts:
        raise RuleViolation("the period ends before it starts", AVAILABILITY)
    for inspection_id, days in diary.bookings.items():
        if any(absence.period.overlaps(d) for d in days):
            raise RuleViolation(
                f"{diary.registered.name} is on inspection {inspection_id} then: release them from it first",
                AVAILABILITY,
            )
    return [absence]


@dataclass(frozen=True)
class RegisterInspector:
    registered: InspectorRegistered
    by: Inspectorate


@dataclass(frozen=True)
class DeclareUnavailable:
    absence: InspectorUnavailable
    by: Inspectorate


def decide(diary: Diary, c: RegisterInspector | DeclareUnavailable) -> list[Event]:
    """The commands on the diary alone; the inspections' commands book and release it (team.py)."""
    if isinstance(c, RegisterInspector):
        return register_inspector(diary, c.registered, c.by)
    return declare_unavailable(diary, c.absence, c.by)


decider = Decider[Diary, RegisterInspector | DeclareUnavailable](Diary(), evolve_diary, decide)
