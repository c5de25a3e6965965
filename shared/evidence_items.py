"""Evidence items as they stand, and their triangulation: one read model for every service that reads
evidence (evidence, judgement, lscb), so corroboration means the same thing wherever it is shown.

A finding is corroborated when at least two independent sources support it: different inspectorates, or
different kinds of evidence (001 Proposal three: "evidence from tracking and sampling will be
triangulated"; 004 §24, §35, §48). Each programme cites its own paragraph for it: its
rules.corroboration."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.catalogue import Event
from shared.consumer import Projection, Tx
from shared.contracts.evidence import (
    Bearing,
    CaseErased,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    HeldDetails,
    details_of,
)
from shared.contracts.vocabulary import Agency
from shared.envelope import Envelope, Inspectorate
from shared.mongo import Document
from shared.programmes import Programme
from shared.subjects import ERASED

COLLECTION = "evidence_items"
CORROBORATED = "a finding is corroborated by two independent sources"  # after the programme's citation


class ItemView(HeldDetails):
    """An evidence item as it stands: its latest details, who recorded it, and whether it still counts.
    Read models hold the summary sealed, as the log does; `opened` opens it for showing."""

    evidence_item_id: str
    inspection_id: str
    inspectorate: Inspectorate
    inspector: str
    recorded_at: datetime
    version: int  # 1 when recorded; each amendment or withdrawal adds one
    withdrawn: bool = False
    correction: str | None = None  # the reason of the latest amendment or of the withdrawal


def track(projection: Projection, collection: str = COLLECTION) -> None:
    """Keep `collection` of `ItemView` documents from the evidence events read by `projection`."""

    @projection.on(EvidenceItemRecorded)
    async def recorded(event: EvidenceItemRecorded, envelope: Envelope, tx: Tx) -> None:
        view = ItemView(
            **event.model_dump(exclude={"evidence_item_id"}),
            evidence_item_id=event.evidence_item_id,
            recorded_at=envelope.occurred_at,
            version=envelope.stream_version,
        )
        document = view.model_dump(mode="json", exclude={"evidence_item_id"})
        await tx.db[collection].replace_one(
            {"_id": event.evidence_item_id}, document, upsert=True, session=tx.session
        )

    @projection.on(EvidenceItemAmended)
    async def amended(event: EvidenceItemAmended, envelope: Envelope, tx: Tx) -> None:
        change = {
            **details_of(event).model_dump(mode="json"),
            "version": envelope.stream_version,
            "correction": event.reason,
        }
        await tx.db[collection].update_one(
            {"_id": event.evidence_item_id}, {"$set": change}, session=tx.session
        )

    @projection.on(EvidenceItemWithdrawn)
    async def withdrawn(event: EvidenceItemWithdrawn, envelope: Envelope, tx: Tx) -> None:
        change = {"withdrawn": True, "version": envelope.stream_version, "correction": event.reason}
        await tx.db[collection].update_one(
            {"_id": event.evidence_item_id}, {"$set": change}, session=tx.session
        )

    @projection.on(CaseErased)
    async def erased(event: CaseErased, _: Envelope, tx: Tx) -> None:
        # The key is gone already; the sealed copies go too, so no read model keeps even those.
        await tx.db[collection].update_many(
            {"inspection_id": event.inspection_id, "case_reference": event.case_reference},
            {"$set": {"summary": ERASED}},
            session=tx.session,
        )


async def indexes(db: AsyncDatabase[Document], collection: str = COLLECTION) -> None:
    await db[collection].create_index([("inspection_id", ASCENDING), ("recorded_at", ASCENDING)])


async def items_of(
    db: AsyncDatabase[Document],
    inspection_id: str,
    *,
    withdrawn: bool = False,
    collection: str = COLLECTION,
    **match: object,
) -> list[ItemView]:
    """The inspection's items in the order recorded; withdrawn ones only when asked for."""
    query: dict[str, object] = {"inspection_id": inspection_id, **match}
    if not withdrawn:
        query["withdrawn"] = False
    cursor = db[collection].find(query).sort([("recorded_at", ASCENDING), ("_id", ASCENDING)])
    return [_view(doc) async for doc in cursor]


def _view(doc: Document) -> ItemView:
    item_id = doc.pop("_id")
    return ItemView.model_validate({**doc, "evidence_item_id": item_id})


def fold(events: Iterable[tuple[Event, Envelope]]) -> dict[str, ItemView]:
    """The same views from events in log order, for a consumer that rebuilds from the log (reporting)."""
    views: dict[str, ItemView] = {}
    for event, envelope in events:
        if isinstance(event, EvidenceItemRecorded):
            views[event.evidence_item_id] = ItemView(
                **event.model_dump(),
                recorded_at=envelope.occurred_at,
                version=envelope.stream_version,
            )
        elif (
            isinstance(event, EvidenceItemAmended | EvidenceItemWithdrawn) and event.evidence_item_id in views
        ):
            view = views[event.evidence_item_id]
            change: dict[str, object] = {"version": envelope.stream_version, "correction": event.reason}
            if isinstance(event, EvidenceItemAmended):
                change |= dict(details_of(event))
            else:
                change["withdrawn"] = True
            views[event.evidence_item_id] = view.model_copy(update=change)
    return views


# --- triangulation -----------------------------------------------------------------------------------


class Finding(BaseModel):
    """The items that show one thing (a strength, a weakness or an area for improvement) about one
    agency, in one area or on one criterion, and whether independent sources corroborate it."""

    bearing: Bearing
    evidence_item_ids: list[str]
    inspectorates: list[Inspectorate]
    activities: list[str]
    case_references: list[str]
    corroborated: bool


class AreaEvidence(BaseModel):
    judgement_area: str
    findings: list[Finding]
    contested: bool  # independent items show both strength and weakness here: a line to pursue


class CriterionEvidence(AreaEvidence):
    criterion: str
    source: str


class Coverage(BaseModel):
    """What inspectors have not yet looked at for the agency (the coverage view used during fieldwork)."""

    criteria_without_evidence: list[str]
    areas_without_evidence: list[str]


class AgencyEvidence(BaseModel):
    agency: Agency
    items: int
    corroborated_findings: int  # of its findings per area
    areas: list[AreaEvidence]
    criteria: list[CriterionEvidence]
    coverage: Coverage


class Triangulation(BaseModel):
    inspection_id: str
    programme: str
    rule: str  # the programme's own paragraph (its rules.corroboration), and what it means
    items: int
    corroborated_findings: int
    agencies: list[AgencyEvidence]


def findings(items: Sequence[ItemView]) -> list[Finding]:
    """Group items by what they show; each group is corroborated by two inspectorates or two activities."""
    by_bearing: dict[Bearing, list[ItemView]] = defaultdict(list)
    for item in items:
        by_bearing[item.bearing].append(item)
    result = []
    for bearing in Bearing:
        group = by_bearing.get(bearing)
        if not group:
            continue
        inspectorates = sorted({i.inspectorate for i in group})
        activities = sorted({i.activity.value for i in group})
        result.append(
            Finding(
                bearing=bearing,
                evidence_item_ids=[i.evidence_item_id for i in group],
                inspectorates=inspectorates,
                activities=activities,
                case_references=sorted({i.case_reference for i in group if i.case_reference}),
                corroborated=len(inspectorates) >= 2 or len(activities) >= 2,
            )
        )
    return result


def _contested(found: Sequence[Finding]) -> bool:
    shown = {f.bearing for f in found}
    return Bearing.STRENGTH in shown and bool(shown - {Bearing.STRENGTH})


def coverage_areas(programme: Programme, agency: Agency) -> list[str]:
    """The areas evidence about `agency` is gathered for: not the cumulative ones (derived from others),
    and the board's own graded area only for the board."""
    if agency is Agency.LSCB:
        return [programme.lscb.judgement_area] if programme.lscb else []
    board = (
        programme.lscb.judgement_area if programme.lscb and programme.lscb.evaluation == "graded" else None
    )
    return [a.id for a in programme.judgement_areas if not a.derived_from and a.id != board]


def triangulate(
    inspection_id: str, programme: Programme, agencies: Sequence[Agency], items: Sequence[ItemView]
) -> Triangulation:
    """Per agency, per area and per criterion: the evidence, its corroboration, and what has none yet.
    Withdrawn items do not count. Deterministic: the same items give the same view."""
    standing = [i for i in items if not i.withdrawn]
    subjects = [Agency(a) for a in dict.fromkeys([*agencies, *([Agency.LSCB] if programme.lscb else [])])]
    subjects += sorted({i.agency for i in standing} - set(subjects))  # e.g. the partnership as a whole
    views = []
    for agency in subjects:
        about = [i for i in standing if i.agency is agency]
        areas = []
        for area_id in dict.fromkeys(i.judgement_area for i in about):
            found = findings([i for i in about if i.judgement_area == area_id])
            areas.append(AreaEvidence(judgement_area=area_id, findings=found, contested=_contested(found)))
        criteria = []
        for criterion in (c for c in programme.criteria if c.agency is agency):
            # Items cite only their own agency's criteria, or the board's, to which every partner contributes.
            cited = [i for i in standing if criterion.id in i.criteria]
            if cited:
                found = findings(cited)
                criteria.append(
                    CriterionEvidence(
                        criterion=criterion.id,
                        source=criterion.source,
                        judgement_area=criterion.judgement_area,
                        findings=found,
                        contested=_contested(found),
                    )
                )
        evidenced = {c.criterion for c in criteria}
        own = [c.id for c in programme.criteria if c.agency is agency]
        views.append(
            AgencyEvidence(
                agency=agency,
                items=len(about),
                corroborated_findings=sum(f.corroborated for a in areas for f in a.findings),
                areas=areas,
                criteria=criteria,
                coverage=Coverage(
                    criteria_without_evidence=[c for c in own if c not in evidenced],
                    areas_without_evidence=[
                        a
                        for a in coverage_areas(programme, agency)
                        if a not in {x.judgement_area for x in areas}
                    ],
                ),
            )
        )
    return Triangulation(
        inspection_id=inspection_id,
        programme=programme.id,
        rule=f"{programme.rules.corroboration}: {CORROBORATED}",
        items=len(standing),
        corroborated_findings=sum(a.corroborated_findings for a in views),
        agencies=views,
    )
