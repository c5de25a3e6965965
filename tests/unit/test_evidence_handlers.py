"""Evidence's handlers (services/evidence/handlers.py) through the service's one pipeline, `handle`, against
the in-memory event store (shared/mechanics/memory_store.py) and the inspection as scheduling told the service
of it, in an in-memory read model (tests/memory_db.py): what each command appends, and that a refused one
writes nothing.

The commands here are about no case, so their texts are held plain and the key store (SubjectKeys, on
MongoDB) is never asked: it points at no server, and a command that sealed or erased would fail. Sampling
a case and erasing one are run against the real servers in tests/integration/test_evidence*.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any, cast

import pytest
from pymongo import AsyncMongoClient

from services.evidence import commands, handlers
from services.evidence.commands import (
    AnswerLineOfEnquiry,
    CloseEvidenceGathering,
    CloseLineOfEnquiry,
    RaiseLineOfEnquiry,
    RecordEvidenceItem,
    WithdrawEvidenceItem,
)
from shared.language.contracts import CATALOGUE
from shared.language.contracts.evidence import (
    Activity,
    Bearing,
    EvidenceDetails,
    EvidenceGatheringClosed,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    LineOfEnquiryRaised,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import catalogue
from shared.language.subjects import SubjectKeys
from shared.mechanics.commands import Command, Handling
from shared.mechanics.envelope import Actor, Inspectorate
from shared.mechanics.errors import ConcurrencyConflict, Forbidden, NotFound, RuleViolation
from shared.mechanics.eventstore import CommandContext
from shared.mechanics.memory_store import MemoryEventStore
from shared.views import inspections
from tests.memory_db import Database

INTEGRATED = catalogue()["integrated-2014"]  # its lead is Ofsted
OFSTED, CQC, HMIC = Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC
INSPECTION = inspections.Inspection(
    inspection_id="insp-1",
    programme=INTEGRATED,
    agencies=(Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE),
    inspectorates=(OFSTED, CQC, HMIC),
    notified=True,  # notice has started: evidence is gathered
)
DATA = EvidenceDetails(
    agency=Agency.HEALTH,
    activity=Activity.PERFORMANCE_DATA,  # about no case: its summary is held plain
    judgement_area="help_and_protection",
    bearing=Bearing.WEAKNESS,
    summary="Initial health assessments: 41% within 20 working days",
)


def context(inspectorate: Inspectorate) -> CommandContext:
    return CommandContext(Actor(inspectorate=inspectorate, role="inspector", user=f"{inspectorate}-1"), "c-1")


class Evidence:
    """The evidence service's store and read model, and a Handling for any inspectorate."""

    def __init__(self, keys: SubjectKeys, *known: inspections.Inspection) -> None:
        self.store = MemoryEventStore(CATALOGUE, "jip.evidence.events")
        self.db = Database()
        for each in known:  # as the service's projection keeps them (services/evidence/projections.py)
            self.db[inspections.COLLECTION].docs[each.inspection_id] = inspections.document_of(each)
        self.keys = keys

    def by(self, inspectorate: Inspectorate) -> Handling:
        return Handling(self.store, cast(Any, self.db), self.keys, context(inspectorate))

    async def handle(self, command: Command[Any], inspectorate: Inspectorate = CQC) -> Any:
        return await handlers.handle(command, self.by(inspectorate))

    async def refused(self, command: Command[Any], inspectorate: Inspectorate = CQC) -> Exception:
        """The error the command is refused with; it writes nothing at all."""
        before = (list(self.store.events), list(self.store.outbox))
        with pytest.raises((RuleViolation, ConcurrencyConflict)) as caught:
            await self.handle(command, inspectorate)
        assert (self.store.events, self.store.outbox) == before
        return caught.value


@pytest.fixture
async def keys() -> AsyncIterator[SubjectKeys]:
    client: AsyncMongoClient[Any] = AsyncMongoClient(
        "mongodb://127.0.0.1:9", connect=False, serverSelectionTimeoutMS=100
    )
    yield SubjectKeys(client, "evidence")
    await client.close()


async def test_every_command_of_the_service_has_its_handler() -> None:
    declared = {
        value
        for value in vars(commands).values()
        if isinstance(value, type) and issubclass(value, Command) and value is not Command
    }
    assert set(handlers.COMMANDS) == declared


async def test_recording_an_item_appends_it_to_its_own_stream(keys: SubjectKeys) -> None:
    evidence = Evidence(keys, INSPECTION)

    outcome = await evidence.handle(RecordEvidenceItem("insp-1", "ev-1", DATA))

    recorded = EvidenceItemRecorded(
        inspection_id="insp-1", evidence_item_id="ev-1", inspectorate=CQC, inspector="cqc-1", **dict(DATA)
    )
    stream = await evidence.store.read("evidence-item-ev-1")
    assert stream.events == [recorded]
    assert (stream.version, outcome.version, outcome.state.current) == (1, 1, recorded)
    assert [e.actor.inspectorate for e in stream.envelopes] == [CQC]
    assert [o["key"] for o in evidence.store.outbox] == ["insp-1"]


async def test_nothing_is_recorded_before_the_area_is_told_nor_by_an_inspectorate_not_taking_part(
    keys: SubjectKeys,
) -> None:
    evidence = Evidence(keys, replace(INSPECTION, notified=False))

    refusal = await evidence.refused(RecordEvidenceItem("insp-1", "ev-1", DATA))
    assert "notice has not started" in str(refusal)
    probation = await evidence.refused(RecordEvidenceItem("insp-1", "ev-1", DATA), Inspectorate.HMI_PROBATION)
    assert isinstance(probation, Forbidden)  # HMI Probation takes no part in this inspection


async def test_a_withdrawal_is_of_the_version_read_and_an_item_not_of_the_inspection_is_not_found_first(
    keys: SubjectKeys,
) -> None:
    evidence = Evidence(keys, INSPECTION, replace(INSPECTION, inspection_id="insp-2"))
    await evidence.handle(RecordEvidenceItem("insp-1", "ev-1", DATA))

    stale = WithdrawEvidenceItem("insp-1", "ev-1", "the wrong area", expected_version=2)
    assert isinstance(await evidence.refused(stale), ConcurrencyConflict)
    # 0 names the item before it was recorded: a version it has moved on from, not a stream to create.
    assert isinstance(await evidence.refused(replace(stale, expected_version=0)), ConcurrencyConflict)
    # Another inspection's item is not found (404) before the version is looked at (409).
    with pytest.raises(NotFound, match="evidence item ev-1 is not recorded for inspection insp-2"):
        await evidence.handle(replace(stale, inspection_id="insp-2"))
    assert isinstance(await evidence.refused(replace(stale, expected_version=1), HMIC), Forbidden)

    outcome = await evidence.handle(replace(stale, expected_version=1))

    stream = await evidence.store.read("evidence-item-ev-1")
    assert stream.events[1:] == [
        EvidenceItemWithdrawn(
            inspection_id="insp-1",
            evidence_item_id="ev-1",
            inspectorate=CQC,
            inspector="cqc-1",
            reason="the wrong area",
        )
    ]
    assert (outcome.version, outcome.state.withdrawn) == (2, True)


async def test_a_line_of_enquiry_is_raised_and_an_answer_must_cite_evidence_that_stands(
    keys: SubjectKeys,
) -> None:
    evidence = Evidence(keys, INSPECTION, replace(INSPECTION, inspection_id="insp-2"))
    raise_line = RaiseLineOfEnquiry("insp-1", "line-1", Agency.HEALTH, None, (), "Are assessments timely?")

    await evidence.handle(raise_line)

    assert (await evidence.store.read("line-of-enquiry-line-1")).events == [
        LineOfEnquiryRaised(
            inspection_id="insp-1",
            line_id="line-1",
            raised_by=CQC,
            agency=Agency.HEALTH,
            case_reference=None,
            criteria=[],
            question="Are assessments timely?",
        )
    ]
    assert isinstance(await evidence.refused(raise_line), ConcurrencyConflict)  # a line is raised once
    unknown = await evidence.refused(AnswerLineOfEnquiry("insp-1", "line-1", ("ev-9",), "See ev-9."), HMIC)
    assert "ev-9: not recorded for this inspection" in str(unknown)
    closed_by_another = await evidence.refused(CloseLineOfEnquiry("insp-1", "line-1", "Timely."), HMIC)
    assert isinstance(closed_by_another, Forbidden)
    with pytest.raises(NotFound, match="line of enquiry line-1 is not raised for inspection insp-2"):
        await evidence.handle(CloseLineOfEnquiry("insp-2", "line-1", "Timely."))


async def test_only_the_lead_closes_evidence_gathering_and_then_nothing_more_is_recorded(
    keys: SubjectKeys,
) -> None:
    evidence = Evidence(keys, INSPECTION)
    close = CloseEvidenceGathering("insp-1", "fieldwork ends")

    assert isinstance(await evidence.refused(close, CQC), Forbidden)
    outcome = await evidence.handle(close, OFSTED)

    assert (await evidence.store.read("evidence-file-insp-1")).events == [
        EvidenceGatheringClosed(inspection_id="insp-1", closed_by=OFSTED, reason="fieldwork ends")
    ]
    assert outcome.version == 1
    refusal = await evidence.refused(RecordEvidenceItem("insp-1", "ev-1", DATA))
    assert "evidence gathering is closed" in str(refusal)
