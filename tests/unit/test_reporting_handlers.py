"""Reporting's lifecycle handlers, run through its pipeline (services/reporting/handlers.handle) against the
in-memory event store: each step is decided on the inspection's events as reporting keeps them (its
`sources`, here a stand-in in memory holding what the projection would) and appended to the report's own
stream; the draft goes to the chair the area's register names, and only that area's chair responds; a
published report's correction is drafted on the report saying what changed; a refused step, or one on a
version the caller no longer holds, writes nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any, cast

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.reporting import handlers
from services.reporting.commands import (
    AgreeReport,
    DecideFactualAccuracyPoint,
    DraftReport,
    FinaliseReport,
    PublishReport,
    QualityAssureReport,
    RecordFactualAccuracyResponse,
    SendReport,
)
from services.reporting.domain import lifecycle
from services.reporting.projections import SOURCES, source
from shared.language.contracts import CATALOGUE
from shared.language.contracts.judgement import FindingKind, FindingRecorded
from shared.language.contracts.lscb import BoardOfficerAppointed, LscbJudgementFinalised, Office
from shared.language.contracts.reporting import (
    Decision,
    Point,
    ReportAgreed,
    ReportCorrectionOpened,
    ReportDrafted,
    ReportQualityAssured,
)
from shared.language.contracts.scheduling import InspectionScheduled
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import catalogue
from shared.language.subjects import SubjectKeys
from shared.language.workdays import today_in_england
from shared.mechanics.auth import Principal, Role
from shared.mechanics.catalogue import Event
from shared.mechanics.commands import Handling
from shared.mechanics.envelope import Actor, Inspectorate
from shared.mechanics.errors import ConcurrencyConflict, Forbidden, NotFound, RuleViolation
from shared.mechanics.eventstore import CommandContext
from shared.mechanics.memory_store import MemoryEventStore
from shared.mechanics.mongo import Document

INSPECTION = "insp-jtai"
JTAI = catalogue()["jtai-2015"]
TAKING_PART = tuple(JTAI.participation.inspectorates)
AGENCIES = tuple(r.agency for r in JTAI.agencies if r.inspectorate in TAKING_PART)
LEAD = JTAI.participation.lead_inspectorate
AREA = "E08000036"
CHAIR = Principal(user="jo-reed", role=Role.LSCB_CHAIR, inspectorate=None, area_code=AREA)
POINT = Point(point=1, section="Key strengths", text="The audit was in October, not September.")
CORRECTION = "The finding on strategy meetings was added on 1 March 2027."
FINDING = FindingRecorded(
    inspection_id=INSPECTION,
    finding_id="f-1",
    kind=FindingKind.KEY_STRENGTH,
    addressed_to=Agency.PARTNERSHIP,
    text="Strategy meetings are timely.",
    evidence_item_ids=["ev-1"],
)


class Sources:
    """Reporting's `sources` collection, in memory: just the queries its reading makes (equality on
    fields and dotted paths, `$in`, `$lte`, `$or`), sorted as asked."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.docs = list(docs)

    def find(self, query: Document) -> Sources.Found:
        return Sources.Found([d for d in self.docs if _matches(d, query)])

    class Found:
        def __init__(self, docs: list[Document]) -> None:
            self.docs = docs

        def sort(self, order: Sequence[tuple[str, int]]) -> Sources.Found:
            for key, direction in reversed(order):
                self.docs.sort(key=lambda d: _at(d, key), reverse=direction < 0)
            return self

        async def __aiter__(self) -> AsyncIterator[Document]:
            for doc in self.docs:
                yield doc


def _at(doc: Document, path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _matches(doc: Document, query: Document) -> bool:
    return all(
        any(_matches(doc, q) for q in v) if k == "$or" else _holds(doc, k, v) for k, v in query.items()
    )


def _holds(doc: Document, path: str, wanted: Any) -> bool:
    value = _at(doc, path)
    if not isinstance(wanted, dict):
        return bool(value == wanted)
    assert set(wanted) <= {"$in", "$lte"}, f"reporting's reading asks what this stand-in cannot: {wanted}"
    within = "$in" not in wanted or value in wanted["$in"]
    return within and ("$lte" not in wanted or (value is not None and value <= wanted["$lte"]))


def context(inspectorate: Inspectorate) -> CommandContext:
    return CommandContext(Actor(inspectorate=inspectorate, role="lead_inspector", user="u-1"), "corr-1")


def acting(handling: Handling, by: Inspectorate | Principal) -> Handling:
    """The same handling, as another inspectorate (or the LSCB chair) acts."""
    if isinstance(by, Principal):
        return replace(handling, context=CommandContext(by.actor, "corr-2"), caller=by)
    return replace(handling, context=context(by))


async def keep(handling: Handling, streams: dict[str, list[Event]]) -> None:
    """Events reaching reporting's `sources` after the handling was made."""
    cast(dict[str, Sources], handling.db)[SOURCES].docs += await kept(streams)


async def kept(events_by_stream: dict[str, list[Event]]) -> list[Document]:
    """The events as reporting's projection keeps them: each as another service wrote it."""
    written = MemoryEventStore(CATALOGUE, "jip.elsewhere.events")
    docs: list[Document] = []
    for stream_id, events in events_by_stream.items():
        envelopes = await written.append(stream_id, 0, events, context(LEAD))
        docs += [source(e) for e in envelopes]
    return docs


def scheduled(fieldwork_ends_days_ago: int) -> InspectionScheduled:
    ends = today_in_england() - timedelta(days=fieldwork_ends_days_ago)
    return InspectionScheduled(
        inspection_id=INSPECTION,
        programme=JTAI.id,
        area_code=AREA,
        local_area="Wakefield",
        deep_dive_theme=None,
        announced=False,
        fieldwork_starts=ends - timedelta(days=4),
        fieldwork_ends=ends,
        notice_date=ends - timedelta(days=4),
        inspectorates=list(TAKING_PART),
        agencies={a: JTAI.agency_inspectorates()[a] for a in AGENCIES},
    )


def board() -> LscbJudgementFinalised:
    return LscbJudgementFinalised(
        inspection_id=INSPECTION,
        proposal=1,
        grade=None,
        text="The board challenges partners well.",
        evidence_item_ids=["ev-1"],
        signed_off_by=list(TAKING_PART),
    )


async def handling_of(
    store: MemoryEventStore, *, evaluated: bool = True, ended_days_ago: int = 3
) -> Handling:
    """As the lead inspectorate acts on the JTAI, its fieldwork over `ended_days_ago`, the area's LSCB
    register naming its chair, and the board's evaluation (all a JTAI letter reports that a judgement
    service makes: 001 Proposal one) recorded if `evaluated`."""
    streams: dict[str, list[Event]] = {
        f"inspection-{INSPECTION}": [scheduled(ended_days_ago)],
        f"board-{AREA}": [
            BoardOfficerAppointed(
                area_code=AREA, local_area="Wakefield", office=Office.CHAIR, name="Dr Jo Reed"
            )
        ],
    }
    if evaluated:
        streams[f"lscb-evaluation-{INSPECTION}"] = [board()]
    db = cast(AsyncDatabase[Document], {SOURCES: Sources(await kept(streams))})
    return Handling(store, db, cast(SubjectKeys, None), context(LEAD))


@pytest.fixture
def store() -> MemoryEventStore:
    return MemoryEventStore(CATALOGUE, "jip.reporting.events")


async def test_the_report_is_drafted_quality_assured_and_agreed_on_its_own_stream(
    store: MemoryEventStore,
) -> None:
    handling = await handling_of(store)
    drafted = await handlers.handle(DraftReport(INSPECTION), handling)
    assert (drafted.status, drafted.draft, drafted.version) == (lifecycle.Status.DRAFTED, 1, 1)
    assert re.fullmatch("[0-9a-f]{64}", drafted.checksum)
    assured = await handlers.handle(QualityAssureReport(INSPECTION, expected_version=1), handling)
    assert assured.quality_assured
    assert assured.awaiting_agreement == list(TAKING_PART)
    for inspectorate in TAKING_PART:
        agreed = await handlers.handle(AgreeReport(INSPECTION), acting(handling, inspectorate))
    assert agreed.status is lifecycle.Status.AGREED
    assert agreed.agreed == list(TAKING_PART)
    stream = await store.read(lifecycle.stream_id(INSPECTION))
    assert [type(e) for e in stream.events] == [
        ReportDrafted,
        ReportQualityAssured,
        *[ReportAgreed] * len(TAKING_PART),
    ]
    # Every step applies to the content as drafted, rendered from the events reporting keeps.
    steps = [e for e in stream.events if isinstance(e, ReportDrafted | ReportQualityAssured | ReportAgreed)]
    assert {e.checksum for e in steps} == {drafted.checksum}
    assert [e.actor.inspectorate for e in stream.envelopes] == [LEAD, LEAD, *TAKING_PART]


async def test_a_report_is_not_drafted_before_every_judgement_it_reports_is_final(
    store: MemoryEventStore,
) -> None:
    handling = await handling_of(store, evaluated=False)
    with pytest.raises(RuleViolation) as refused:
        await handlers.handle(DraftReport(INSPECTION), handling)
    assert refused.value.rule == JTAI.report.complete
    assert refused.value.message.endswith("not yet final: the inspectorates' shared evaluation of the LSCB")
    assert store.events == []


async def test_a_report_is_not_drafted_before_fieldwork_is_over(store: MemoryEventStore) -> None:
    handling = await handling_of(store, ended_days_ago=-2)
    with pytest.raises(RuleViolation) as refused:
        await handlers.handle(DraftReport(INSPECTION), handling)
    assert refused.value.rule == JTAI.report.drafted_after
    assert store.events == []


async def test_a_step_on_a_version_the_caller_no_longer_holds_writes_nothing(store: MemoryEventStore) -> None:
    handling = await handling_of(store)
    await handlers.handle(DraftReport(INSPECTION), handling)
    with pytest.raises(ConcurrencyConflict):
        await handlers.handle(QualityAssureReport(INSPECTION, expected_version=2), handling)
    with pytest.raises(RuleViolation, match="only the final report is published"):
        await handlers.handle(PublishReport(INSPECTION), handling)
    assert len(store.events) == 1


async def test_an_inspection_reporting_has_not_heard_of_is_not_found(store: MemoryEventStore) -> None:
    handling = await handling_of(store)
    with pytest.raises(NotFound):
        await handlers.handle(DraftReport("insp-unknown"), handling)
    assert store.events == []


async def test_a_published_report_is_corrected_in_its_next_edition_saying_what_changed(
    store: MemoryEventStore,
) -> None:
    handling = await handling_of(store)
    for command in (DraftReport(INSPECTION), QualityAssureReport(INSPECTION)):
        await handlers.handle(command, handling)
    for inspectorate in TAKING_PART:
        await handlers.handle(AgreeReport(INSPECTION), acting(handling, inspectorate))
    sent = await handlers.handle(SendReport(INSPECTION), handling)
    assert sent.sent is not None
    assert sent.sent.to == "Dr Jo Reed, chair of the LSCB"  # as the area's register, kept by reporting, names
    # The chair of another area does not respond for this one; the area's own chair does.
    elsewhere = replace(CHAIR, area_code="E08000035")
    response = RecordFactualAccuracyResponse(INSPECTION, (POINT,))
    with pytest.raises(Forbidden):
        await handlers.handle(response, acting(handling, elsewhere))
    responded = await handlers.handle(response, acting(handling, CHAIR))
    assert responded.status is lifecycle.Status.RESPONSE_RECEIVED
    decision = DecideFactualAccuracyPoint(INSPECTION, 1, Decision.REJECTED, "The audit log says September.")
    await handlers.handle(decision, handling)
    await handlers.handle(FinaliseReport(INSPECTION), handling)
    for inspectorate in TAKING_PART:
        published = await handlers.handle(PublishReport(INSPECTION), acting(handling, inspectorate))
    assert published.status is lifecycle.Status.PUBLISHED
    version = published.version

    # Nothing changed since it was published: its correction's own words are no change.
    with pytest.raises(RuleViolation, match="nothing to correct"):
        await handlers.handle(DraftReport(INSPECTION, CORRECTION), handling)
    await keep(handling, {f"findings-{INSPECTION}": [FINDING]})
    corrected = await handlers.handle(DraftReport(INSPECTION, CORRECTION, version), handling)
    assert (corrected.edition, corrected.correction, corrected.draft) == (2, CORRECTION, 2)
    assert [e.final_checksum for e in corrected.editions] == [published.final_checksum]
    stream = await store.read(lifecycle.stream_id(INSPECTION))
    opened, drafted = stream.events[-2:]
    assert isinstance(opened, ReportCorrectionOpened)
    assert (opened.edition, opened.corrects, opened.reason) == (2, published.final_checksum, CORRECTION)
    # The second edition's draft is of the report saying what changed: the checksum every step applies to.
    assert isinstance(drafted, ReportDrafted)
    assert drafted.checksum == corrected.checksum != published.final_checksum
