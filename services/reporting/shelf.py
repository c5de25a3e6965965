"""Reporting's shelf: every document it can render (each inspection's report, each JTAI round's
overview), and a round's overview rendered from the reports of the round that are final.

An LSCB chair's shelf holds only the reports of their own area's inspections that were sent to the
partnership (001 Proposal four): not one not yet sent, not one of another area, and not one whose
programme sends the draft to an agency's senior leader (003); and no round's overview."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts import CATALOGUE
from shared.language.contracts.scheduling import (
    InspectionRescheduled,
    InspectionScheduled,
    InspectorateJoined,
    RoundPlanned,
)
from shared.language.programmes import catalogue
from shared.mechanics.auth import Principal, Role
from shared.mechanics.catalogue import Event
from shared.mechanics.errors import Forbidden, NotFound
from shared.mechanics.eventstore import EventStore
from shared.mechanics.mongo import Document
from shared.views.taking_part import READ_RULE, may_read, of_inspection

from .domain import lifecycle
from .projections import SOURCES
from .reading import checksum, events, events_of, kept, known, lifecycle_of, marking, participation
from .rendering import documents
from .rendering.documents import Format
from .views import Rendered


class DocumentEntry(BaseModel):
    document: str  # its path on this service
    kind: str
    inspection_id: str | None
    round_id: str | None
    local_area: str | None
    status: lifecycle.Status | None  # an overview has no lifecycle
    programme: str | None = None  # the programme an inspection runs under; None for an overview
    fieldwork_starts: date | None = None  # as last (re)scheduled
    fieldwork_ends: date | None = None


async def listing(
    store: EventStore, db: AsyncDatabase[Document], reader: Principal | None = None
) -> list[DocumentEntry]:
    """Every document reporting can render, or those `reader` may read: each inspection's report, and each
    round's overview where the programme publishes one (001 Proposal four). A chair reads only the reports
    sent to their partnership."""
    partnership = reader is not None and reader.role is Role.LSCB_CHAIR
    entries: list[DocumentEntry] = []
    rounds: dict[str, str] = {}
    joined: dict[str, list[Event]] = {}
    for event in await events(db, {"event_type": InspectorateJoined.event_type}):
        assert isinstance(event, InspectorateJoined)
        joined.setdefault(event.inspection_id, []).append(event)
    moved: dict[str, InspectionRescheduled] = {}  # each inspection's last new dates
    for event in await events(db, {"event_type": InspectionRescheduled.event_type}):
        assert isinstance(event, InspectionRescheduled)
        moved[event.inspection_id] = event
    schedules = await kept(db, {"event_type": InspectionScheduled.event_type})
    for each in sorted(schedules, key=lambda k: k.envelope.occurred_at):  # stable: in stream order
        scheduled = CATALOGUE.decode(each.envelope)
        assert isinstance(scheduled, InspectionScheduled)
        inspection = known(scheduled.inspection_id, [scheduled, *joined.get(scheduled.inspection_id, [])])
        if reader is not None and not may_read(reader, of_inspection(inspection)):
            continue
        programme = catalogue()[scheduled.programme]
        report = await lifecycle_of(store, scheduled.inspection_id)
        if partnership and (report.state.sent is None or not report.state.sent.lscb):
            continue  # the partnership reads the draft once it is sent to it
        dates = moved.get(scheduled.inspection_id, scheduled)
        entries.append(
            DocumentEntry(
                document=f"/inspections/{scheduled.inspection_id}/report",
                kind=programme.report.kind,
                inspection_id=scheduled.inspection_id,
                round_id=scheduled.round_id,
                local_area=scheduled.local_area,
                status=report.state.status(tuple(scheduled.inspectorates)),
                programme=scheduled.programme,
                fieldwork_starts=dates.fieldwork_starts,
                fieldwork_ends=dates.fieldwork_ends,
            )
        )
        if scheduled.round_id and programme.report.overview_per_round:
            rounds.setdefault(scheduled.round_id, programme.id)
    entries += [
        DocumentEntry(
            document=f"/rounds/{round_id}/overview",
            kind="overview",
            inspection_id=None,
            round_id=round_id,
            local_area=None,
            status=None,
        )
        for round_id in rounds
        if not partnership
    ]
    return entries


async def overview(
    store: EventStore,
    db: AsyncDatabase[Document],
    round_id: str,
    fmt: Format,
    as_at: datetime | None = None,
    reader: Principal | None = None,
) -> Rendered:
    """The round's overview: the inspections of the round whose report was final by `as_at`, each as
    published. A `reader` reads it if they may read one of the round's inspections."""
    cursor = db[SOURCES].find({"event_type": InspectionScheduled.event_type, "round_id": round_id})
    ids = sorted({doc["inspection_id"] async for doc in cursor})
    if not ids:
        raise NotFound(f"no inspection of round {round_id} has reached the reporting service")
    if reader is not None:
        parts = [of_inspection(await participation(db, i)) for i in ids]
        if not any(may_read(reader, part) for part in parts):
            raise Forbidden(
                f"{reader.inspectorate} takes part in no inspection of round {round_id}: its overview is "
                "read by the inspectorates taking part in the round and by auditors",
                READ_RULE,
            )
    included: list[list[Event]] = []
    for inspection_id in ids:
        final_at = (await lifecycle_of(store, inspection_id, as_at)).final_at()
        if final_at is not None:
            included.append(await events_of(db, inspection_id, final_at))
    planned = await events(db, {"event_type": RoundPlanned.event_type, "round_id": round_id})
    name = planned[0] if planned else None
    content = documents.render_overview(
        round_id,
        included,
        fmt,
        round_name=name.name if isinstance(name, RoundPlanned) else None,
        as_at=as_at,
        rehearsal=marking(as_at),
    )
    return Rendered(
        content=content,
        media_type=documents.MEDIA_TYPES[fmt],
        status=lifecycle.Status.LIVE,
        content_as_at=as_at,
        checksum=checksum(content),
    )
