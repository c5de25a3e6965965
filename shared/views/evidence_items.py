"""Evidence items as they stand, and their triangulation: one read model for every service that reads
evidence (evidence, judgement, lscb), so corroboration means the same thing wherever it is shown.

An item as it stands is one fold (`evolve`, and `erased` for its case's erasure) that every reader
calls: the evidence service deciding on an item, the read models (`track`), the evidence service and the
auditor reading the log (`fold`), and reporting (`standing_items`). An item's own events come in its
stream's order; its case's erasure is on the evidence file's stream, and counts whenever it arrives.

A finding is corroborated when at least two independent sources support it: different inspectorates, or
different kinds of evidence (001 Proposal three: "evidence from tracking and sampling will be
triangulated"; 004 §24, §35, §48). Each programme cites its own paragraph for it: its
rules.corroboration."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts.evidence import (
    Bearing,
    CaseErased,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    HeldDetails,
    amended,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme
from shared.language.subjects import ERASED, subject_of
from shared.mechanics.catalogue import Event
from shared.mechanics.consumer import Projection, Tx
from shared.mechanics.envelope import Envelope, Inspectorate
from shared.mechanics.mongo import Document

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


# --- the item as it stands: one fold ------------------------------------------------------------------

ITEM_EVENTS = (EvidenceItemRecorded, EvidenceItemAmended, EvidenceItemWithdrawn)
ItemEvent = EvidenceItemRecorded | EvidenceItemAmended | EvidenceItemWithdrawn


@dataclass(frozen=True)
class EvidenceItem:
    """An evidence item as its own events leave it: as recorded and amended, whether it is withdrawn, and
    the reason it was last corrected. The evidence service decides on it; every read of an item is it."""

    current: EvidenceItemRecorded | None = None  # as it stands after any amendments; None: not recorded
    withdrawn: bool = False
    correction: str | None = None  # the reason of the latest amendment or of the withdrawal


def evolve(item: EvidenceItem, event: Event) -> EvidenceItem:
    """The item after one of its events, which its stream (`evidence-item-{id}`) keeps in order. An
    amendment of an item not recorded changes nothing."""
    if isinstance(event, EvidenceItemRecorded):
        return EvidenceItem(event)
    if isinstance(event, EvidenceItemAmended) and item.current is not None:
        return replace(item, current=amended(item.current, event), correction=event.reason)
    if isinstance(event, EvidenceItemWithdrawn):
        return replace(item, withdrawn=True, correction=event.reason)
    return item


def erased(item: EvidenceItem) -> EvidenceItem:
    """The item once its case's key is destroyed: the key is gone already, and the sealed copy of its
    summary goes too, so no read model keeps even that."""
    if item.current is None:
        return item
    return replace(item, current=item.current.model_copy(update={"summary": ERASED}))


def _case(item: EvidenceItem) -> str | None:
    """The case the item's summary is sealed to, as a subject (shared/language/subjects.py); None for none."""
    current = item.current
    if current is None or current.case_reference is None:
        return None
    return subject_of(current.inspection_id, current.case_reference)


def as_they_stand(events: Iterable[Event]) -> dict[str, EvidenceItem]:
    """Every item recorded among `events`, as it stands. Each item's events come in its stream's order;
    its case's erasure is on another stream (the evidence file) and counts wherever it comes among them."""
    found: dict[str, EvidenceItem] = {}
    erasures: set[str] = set()
    for event in events:
        if isinstance(event, CaseErased):
            erasures.add(subject_of(event.inspection_id, event.case_reference))
        elif isinstance(event, ITEM_EVENTS):
            found[event.evidence_item_id] = evolve(found.get(event.evidence_item_id, EvidenceItem()), event)
    return {
        item_id: erased(item) if _case(item) in erasures else item
        for item_id, item in found.items()
        if item.current is not None
    }


def standing_items(events: Iterable[Event]) -> dict[str, EvidenceItemRecorded]:
    """Each item as it stands, the withdrawn left out: for a consumer that rebuilds from the events alone,
    without their envelopes (reporting)."""
    return {
        item_id: current
        for item_id, item in as_they_stand(events).items()
        if not item.withdrawn and (current := item.current) is not None
    }


def view_of(item: EvidenceItem, recorded_at: datetime, version: int) -> ItemView:
    """The item as read models hold it: with when it was recorded and the version it stands at."""
    assert item.current is not None, "a view is of a recorded item"
    return ItemView(
        **item.current.model_dump(),
        recorded_at=recorded_at,
        version=version,
        withdrawn=item.withdrawn,
        correction=item.correction,
    )


def item_of(view: ItemView) -> EvidenceItem:
    """The item a view holds, to fold its next event on."""
    current = EvidenceItemRecorded.model_validate(
        view.model_dump(include=set(EvidenceItemRecorded.model_fields))
    )
    return EvidenceItem(current, view.withdrawn, view.correction)


def fold(events: Iterable[tuple[Event, Envelope]]) -> dict[str, ItemView]:
    """The views from events with their envelopes, for a consumer that rebuilds from the log."""
    pairs = list(events)
    recorded_at = {
        e.evidence_item_id: env.occurred_at for e, env in pairs if isinstance(e, EvidenceItemRecorded)
    }
    versions: dict[str, int] = {}
    for event, envelope in pairs:
        if isinstance(event, ITEM_EVENTS):
            item_id = event.evidence_item_id
            versions[item_id] = max(versions.get(item_id, 0), envelope.stream_version)
    return {
        item_id: view_of(item, recorded_at[item_id], versions[item_id])
        for item_id, item in as_they_stand(event for event, _ in pairs).items()
    }


# --- the read model -----------------------------------------------------------------------------------


def erasures_of(collection: str) -> str:
    """Where a read model keeps the cases erased (no text, only which), so an item's event arriving after
    its case's erasure is folded as erased too."""
    return f"{collection}_erased_cases"


def track(projection: Projection, collection: str = COLLECTION) -> None:
    """Keep `collection` of `ItemView` documents from the evidence events read by `projection`: each
    event folded (`evolve`, `erased`) on the item as stored, in the event's transaction."""

    async def changed(event: ItemEvent, envelope: Envelope, tx: Tx) -> None:
        before = None
        if not isinstance(event, EvidenceItemRecorded):  # a recording folds on nothing: read nothing
            doc = await tx.db[collection].find_one({"_id": event.evidence_item_id}, session=tx.session)
            before = None if doc is None else _view(doc)
        item = evolve(EvidenceItem() if before is None else item_of(before), event)
        if item.current is None:
            return
        case = _case(item)
        if case is not None and case in await erased_cases(tx, item.current.inspection_id):
            item = erased(item)
        recorded_at = (
            envelope.occurred_at
            if before is None or isinstance(event, EvidenceItemRecorded)
            else before.recorded_at
        )
        view = view_of(item, recorded_at, envelope.stream_version)
        await _write(tx, collection, view)

    projection.on(EvidenceItemRecorded)(changed)
    projection.on(EvidenceItemAmended)(changed)
    projection.on(EvidenceItemWithdrawn)(changed)

    async def erased_cases(tx: Tx, inspection_id: str) -> set[str]:
        """The inspection's erased cases, read once in a transaction for all the events it applies."""
        memo = f"{erasures_of(collection)}:{inspection_id}"
        if memo not in tx.memo:
            erasures = tx.db[erasures_of(collection)].find(
                {"inspection_id": inspection_id}, session=tx.session
            )
            tx.memo[memo] = {doc["_id"] for doc in await erasures.to_list()}
        cases: set[str] = tx.memo[memo]
        return cases

    @projection.on(CaseErased)
    async def case_erased(event: CaseErased, envelope: Envelope, tx: Tx) -> None:
        case = subject_of(event.inspection_id, event.case_reference)
        (await erased_cases(tx, event.inspection_id)).add(case)
        await tx.db[erasures_of(collection)].replace_one(
            {"_id": case},
            {"inspection_id": event.inspection_id, "case_reference": event.case_reference},
            upsert=True,
            session=tx.session,
        )
        about = {"inspection_id": event.inspection_id, "case_reference": event.case_reference}
        for doc in await tx.db[collection].find(about, session=tx.session).to_list():
            view = _view(doc)
            await _write(tx, collection, view_of(erased(item_of(view)), view.recorded_at, view.version))


async def _write(tx: Tx, collection: str, view: ItemView) -> None:
    document = view.model_dump(mode="json", exclude={"evidence_item_id"})
    await tx.db[collection].replace_one(
        {"_id": view.evidence_item_id}, document, upsert=True, session=tx.session
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
