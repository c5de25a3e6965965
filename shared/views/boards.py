"""A local area's Local Safeguarding Children Board as its register events say it stands: who chairs it,
its business manager, their absences, and the statutory partners on it.

One fold for every service that learns the register from events (the lscb service that keeps it,
scheduling that notifies the chair first or the business manager in the chair's absence, reporting that
addresses letters to the chair), so "who is notified on this day" means the same everywhere. Pure: no
I/O, apart from `track`, which keeps a `boards` read model from a projection."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.areas import Area, FacilityKind
from shared.language.contracts.lscb import (
    BOARD_EVENTS,
    BoardEvent,
    BoardOfficerAbsent,
    BoardOfficerAppointed,
    BoardOfficerLeft,
    BoardOfficerReturned,
    BoardPartnerJoined,
    BoardPartnerLeft,
    Office,
)
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.consumer import Projection, Tx
from shared.mechanics.envelope import Envelope
from shared.mechanics.mongo import Document

COLLECTION = "boards"
# The statutory partners of the board (004 §41): custody only where the area holds children in custody.
STATUTORY_PARTNERS = (
    Agency.LOCAL_AUTHORITY,
    Agency.HEALTH,
    Agency.POLICE,
    Agency.PROBATION,
    Agency.YOUTH_OFFENDING_TEAM,
    Agency.CUSTODY,
)
PARTNERS_RULE = "004 §41"
CUSTODY = tuple(FacilityKind)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Absence(_Frozen):
    absent_from: date
    absent_until: date | None  # None: away until they return
    reason: str

    def covers(self, day: date) -> bool:
        return self.absent_from <= day and (self.absent_until is None or day <= self.absent_until)


class Officer(_Frozen):
    name: str
    contact: str | None = None
    absences: tuple[Absence, ...] = ()

    def absent_on(self, day: date) -> Absence | None:
        return next((a for a in self.absences if a.covers(day)), None)

    def open_absence(self) -> Absence | None:
        return next((a for a in self.absences if a.absent_until is None), None)


class Partner(_Frozen):
    agency: Agency
    organisation: str
    senior_leader: str | None = None  # their name, where the register knows it (BoardPartnerJoined v2)


class Contact(_Frozen):
    """Whom to tell first on a given day."""

    office: Office
    name: str
    contact: str | None


class Board(_Frozen):
    area_code: str
    local_area: str
    chair: Officer | None = None
    business_manager: Officer | None = None
    partners: tuple[Partner, ...] = ()
    version: int = 0  # of the register's stream

    def officer(self, office: Office) -> Officer | None:
        return self.chair if office is Office.CHAIR else self.business_manager

    def available(self, office: Office, day: date) -> Officer | None:
        officer = self.officer(office)
        return officer if officer is not None and officer.absent_on(day) is None else None

    def first_to_notify(self, day: date) -> Contact | None:
        """The chair, or the business manager when the chair is absent or the post vacant (001 Proposal
        two); None when neither is available on the day."""
        for office in (Office.CHAIR, Office.BUSINESS_MANAGER):
            officer = self.available(office, day)
            if officer is not None:
                return Contact(office=office, name=officer.name, contact=officer.contact)
        return None

    def missing_partners(self, area: Area | None) -> list[Agency]:
        """Statutory partners with no organisation on the board (custody only where there is custody)."""
        expected = [
            a
            for a in STATUTORY_PARTNERS
            if a is not Agency.CUSTODY or (area is not None and area.has_custody(CUSTODY))
        ]
        present = {p.agency for p in self.partners}
        return [a for a in expected if a not in present]


def _with_officer(board: Board, office: Office, officer: Officer | None) -> Board:
    field = "chair" if office is Office.CHAIR else "business_manager"
    return board.model_copy(update={field: officer})


def evolve(board: Board | None, event: Event) -> Board | None:
    if not isinstance(event, BoardEvent):
        return board
    if board is None:
        board = Board(area_code=event.area_code, local_area=event.local_area)
    board = board.model_copy(update={"version": board.version + 1})
    match event:
        case BoardOfficerAppointed():
            before = board.officer(event.office)  # the same person, new contact details: absences kept
            absences = before.absences if before is not None and before.name == event.name else ()
            return _with_officer(
                board, event.office, Officer(name=event.name, contact=event.contact, absences=absences)
            )
        case BoardOfficerLeft():
            return _with_officer(board, event.office, None)
        case BoardOfficerAbsent():
            officer = board.officer(event.office)
            assert officer is not None, "an absence is only recorded for an office that is held"
            absence = Absence(
                absent_from=event.absent_from, absent_until=event.absent_until, reason=event.reason
            )
            return _with_officer(
                board, event.office, officer.model_copy(update={"absences": (*officer.absences, absence)})
            )
        case BoardOfficerReturned():
            officer = board.officer(event.office)
            assert officer is not None
            last_day = max(event.returned_on - timedelta(days=1), officer.absences[-1].absent_from)
            absences = tuple(
                a.model_copy(update={"absent_until": last_day}) if a.absent_until is None else a
                for a in officer.absences
            )
            return _with_officer(board, event.office, officer.model_copy(update={"absences": absences}))
        case BoardPartnerJoined():
            joined = (event.agency, event.organisation)
            if all((p.agency, p.organisation) != joined for p in board.partners):
                partner = Partner(
                    agency=event.agency, organisation=event.organisation, senior_leader=event.senior_leader
                )
                return board.model_copy(update={"partners": (*board.partners, partner)})
            # On the board already (v2): its senior leader is named from now on, the partner in its place.
            renamed = tuple(
                p.model_copy(update={"senior_leader": event.senior_leader or p.senior_leader})
                if (p.agency, p.organisation) == joined
                else p
                for p in board.partners
            )
            return board.model_copy(update={"partners": renamed})
        case BoardPartnerLeft():
            kept = tuple(
                p for p in board.partners if (p.agency, p.organisation) != (event.agency, event.organisation)
            )
            return board.model_copy(update={"partners": kept})
    return board


def fold(events: Iterable[Event]) -> Board | None:
    board: Board | None = None
    for event in events:
        board = evolve(board, event)
    return board


def track(projection: Projection, collection: str = COLLECTION) -> None:
    """Keep `collection` of boards, one document per area code, from the register's events."""

    async def apply(event: BoardEvent, _: Envelope, tx: Tx) -> None:
        doc = await tx.db[collection].find_one({"_id": event.area_code}, session=tx.session)
        current = Board.model_validate(doc["board"]) if doc else None
        board = evolve(current, event)
        assert board is not None
        await tx.db[collection].replace_one(
            {"_id": event.area_code},
            {"board": board.model_dump(mode="json")},
            upsert=True,
            session=tx.session,
        )

    for event_type in BOARD_EVENTS:
        projection.on(event_type)(apply)


async def board_of(db: AsyncDatabase[Document], area_code: str, collection: str = COLLECTION) -> Board | None:
    """The board of this area as the read model holds it, or None if no register event has arrived."""
    doc = await db[collection].find_one({"_id": area_code})
    return Board.model_validate(doc["board"]) if doc else None
