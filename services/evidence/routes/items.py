"""An inspection as the evidence service knows it, and its evidence items: recorded, read, amended
and withdrawn."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from shared.language.contracts.evidence import (
    Activity,
    Bearing,
    EvidenceDetails,
)
from shared.language.contracts.vocabulary import AboutCases, Agency, Reason
from shared.language.subjects import opened
from shared.mechanics.commands import Handling, HandlingDep
from shared.mechanics.envelope import Inspectorate, new_id
from shared.mechanics.http import Paged, set_version
from shared.mechanics.runtime import ServiceDep
from shared.views import evidence_items

from .. import handlers, views
from ..commands import AmendEvidenceItem, RecordEvidenceItem, WithdrawEvidenceItem
from .parameters import IfMatch

router = APIRouter()


class KnownInspectionView(BaseModel):
    inspection_id: str
    programme: str
    inspectorates: list[str]
    agencies: list[str]
    judgement_areas: list[str]
    criteria: int  # how many numbered criteria the programme has
    notice_started: bool  # evidence is accepted once the area has been notified ...
    evidence_closed: bool  # ... until the lead inspectorate closes evidence gathering
    cancelled: bool


@router.get("/inspections/{inspection_id}", summary="The inspection as this service knows it")
async def inspection(inspection_id: str, service: ServiceDep) -> KnownInspectionView:
    known = await views.known_inspection(service.db, inspection_id)
    file, _ = await views.evidence_file_of(service.store, inspection_id)
    return KnownInspectionView(
        inspection_id=inspection_id,
        programme=known.programme.id,
        inspectorates=list(known.inspectorates),
        agencies=list(known.agencies),
        judgement_areas=known.programme.area_ids(),
        criteria=len(known.programme.criteria),
        notice_started=known.notified,
        evidence_closed=file.closed is not None,
        cancelled=known.cancelled,
    )


# --- evidence items ----------------------------------------------------------------------------------


@router.post(
    "/inspections/{inspection_id}/evidence",
    status_code=201,
    summary="Record an evidence item for the inspector's own inspectorate",
)
async def record(
    inspection_id: str, body: EvidenceDetails, handling: HandlingDep, response: Response
) -> evidence_items.ItemView:
    item_id = new_id()
    outcome = await handlers.handle(RecordEvidenceItem(inspection_id, item_id, body), handling)
    set_version(response, outcome.version)
    [envelope], event = outcome.envelopes, outcome.state.current
    assert event is not None
    # Sealed as the log holds it, shown as the caller wrote it: no key to read back.
    return evidence_items.fold([(event, envelope)])[item_id].model_copy(update={"summary": body.summary})


@router.get("/inspections/{inspection_id}/evidence", summary="The inspection's evidence items as they stand")
async def evidence(
    inspection_id: str,
    service: ServiceDep,
    paged: Paged,
    agency: Agency | None = None,
    inspectorate: Inspectorate | None = None,
    criterion: str | None = Query(None, description='a criterion id, e.g. "68q"'),
    case_reference: str | None = None,
    bearing: Bearing | None = None,
    activity: Activity | None = None,
    withdrawn: bool = Query(False, description="include withdrawn items"),
) -> list[evidence_items.ItemView]:
    await views.known_inspection(service.db, inspection_id)
    items = [
        i
        for i in await views.items_of(service.store, inspection_id)
        if (withdrawn or not i.withdrawn)
        and agency in (None, i.agency)
        and inspectorate in (None, i.inspectorate)
        and (criterion is None or criterion in i.criteria)
        and case_reference in (None, i.case_reference)
        and bearing in (None, i.bearing)
        and activity in (None, i.activity)
    ]
    return await opened(service.keys, paged.of(items))


@router.get(
    "/inspections/{inspection_id}/evidence/{evidence_item_id}",
    summary="One evidence item as it stands, with every correction made to it",
)
async def evidence_item(
    inspection_id: str, evidence_item_id: str, service: ServiceDep, response: Response
) -> views.ItemHistory:
    history = await views.item_history(service.store, inspection_id, evidence_item_id)
    set_version(response, history.item.version)
    return await opened(service.keys, history)


class Amendment(AboutCases):
    reason: Reason
    details: EvidenceDetails  # the item as it should now stand


class Withdrawal(AboutCases):
    reason: Reason


@router.post(
    "/inspections/{inspection_id}/evidence/{evidence_item_id}/amendments",
    summary="Correct an item your inspectorate recorded: the full corrected item and the reason",
)
async def amend(
    inspection_id: str,
    evidence_item_id: str,
    body: Amendment,
    handling: HandlingDep,
    if_match: IfMatch,
    response: Response,
) -> evidence_items.ItemView:
    command = AmendEvidenceItem(inspection_id, evidence_item_id, body.reason, body.details, if_match)
    outcome = await handlers.handle(command, handling)
    set_version(response, outcome.version)
    return await _item(handling, inspection_id, evidence_item_id)


@router.post(
    "/inspections/{inspection_id}/evidence/{evidence_item_id}/withdrawal",
    summary="Withdraw an item your inspectorate recorded: it no longer counts, its history stays",
)
async def withdraw(
    inspection_id: str,
    evidence_item_id: str,
    body: Withdrawal,
    handling: HandlingDep,
    if_match: IfMatch,
    response: Response,
) -> evidence_items.ItemView:
    command = WithdrawEvidenceItem(inspection_id, evidence_item_id, body.reason, if_match)
    outcome = await handlers.handle(command, handling)
    set_version(response, outcome.version)
    return await _item(handling, inspection_id, evidence_item_id)


async def _item(handling: Handling, inspection_id: str, item_id: str) -> evidence_items.ItemView:
    """The item as it stands after the command, its summary opened."""
    history = await views.item_history(handling.store, inspection_id, item_id)
    return await opened(handling.keys, history.item)
