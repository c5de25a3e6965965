"""Evidence's commands (commands.py), each to its handler: load what the decision needs - the inspection
as this service knows it, its evidence file, the cited items - seal the caller's texts to their case,
decide and append (shared/mechanics/decider.py)."""

from __future__ import annotations

from collections.abc import Sequence

from shared.language.contracts.evidence import EvidenceDetails, HeldDetails, LineOfEnquiryRaised
from shared.language.subjects import SubjectKeys, subject_of
from shared.mechanics.commands import Commands, Handling, Pipeline
from shared.mechanics.decider import Decided, execute
from shared.mechanics.errors import NotFound
from shared.mechanics.eventstore import StreamStore
from shared.mechanics.runtime import Service
from shared.views.taking_part import TakingPart

from .commands import (
    AddSampleCase,
    AmendEvidenceItem,
    AnswerLineOfEnquiry,
    CloseEvidenceGathering,
    CloseLineOfEnquiry,
    EraseCase,
    RaiseLineOfEnquiry,
    RecordEvidenceItem,
    RemoveSampleCase,
    WithdrawEvidenceItem,
)
from .domain import evidence_file, evidence_item, lines_of_enquiry
from .views import evidence_file_of, known_inspection, line_of


async def taking_part(service: Service, inspection_id: str) -> TakingPart:
    """Who takes part, as scheduling's events told this service: they read the inspection's evidence."""
    known = await known_inspection(service.db, inspection_id)
    return TakingPart(inspection_id, known.inspectorates, None, known.programme.participation.source)


async def _held(keys: SubjectKeys, inspection_id: str, details: EvidenceDetails) -> HeldDetails:
    """The details as the log holds them: the summary sealed to the item's case, if it has one."""
    summary = await keys.held(inspection_id, details.case_reference, details.summary)
    return HeldDetails.model_validate({**dict(details), "summary": summary})


# --- evidence items ----------------------------------------------------------------------------------


async def record(command: RecordEvidenceItem, handling: Handling) -> Decided[evidence_item.EvidenceItem]:
    inspection = await known_inspection(handling.db, command.inspection_id)
    file, _ = await evidence_file_of(handling.store, command.inspection_id)
    decision = evidence_item.RecordEvidenceItem(
        inspection,
        file,
        command.evidence_item_id,
        handling.context.inspectorate,
        handling.context.actor.user,
        await _held(handling.keys, command.inspection_id, command.details),
    )
    stream = evidence_item.item_stream(command.evidence_item_id)
    return await execute(
        handling.store, evidence_item.evidence_item, stream, decision, handling.context, creating=True
    )


async def amend(command: AmendEvidenceItem, handling: Handling) -> Decided[evidence_item.EvidenceItem]:
    return await _correct(command, handling)


async def withdraw(command: WithdrawEvidenceItem, handling: Handling) -> Decided[evidence_item.EvidenceItem]:
    return await _correct(command, handling)


async def _correct(
    command: AmendEvidenceItem | WithdrawEvidenceItem, handling: Handling
) -> Decided[evidence_item.EvidenceItem]:
    """Amend the item with corrected details, or withdraw it. An item that is not this inspection's is
    not found (404) before the version the caller read is checked (409, in the decider)."""
    inspection = await known_inspection(handling.db, command.inspection_id)
    stream = evidence_item.item_stream(command.evidence_item_id)
    await _recorded_for(handling.store, command.inspection_id, command.evidence_item_id)
    file, _ = await evidence_file_of(handling.store, command.inspection_id)
    details = command.details if isinstance(command, AmendEvidenceItem) else None
    decision = evidence_item.CorrectEvidenceItem(
        inspection,
        file,
        command.evidence_item_id,
        handling.context.inspectorate,
        handling.context.actor.user,
        command.reason,
        None if details is None else await _held(handling.keys, command.inspection_id, details),
    )
    return await execute(
        handling.store,
        evidence_item.evidence_item,
        stream,
        decision,
        handling.context,
        expected_version=command.expected_version,
    )


async def _recorded_for(store: StreamStore, inspection_id: str, evidence_item_id: str) -> None:
    """404 unless the item is recorded for the inspection (an item's inspection never changes)."""
    stream = await store.read(evidence_item.item_stream(evidence_item_id))
    recorded = evidence_item.evidence_item.fold(stream.events).current
    if recorded is None or recorded.inspection_id != inspection_id:
        raise NotFound(f"evidence item {evidence_item_id} is not recorded for inspection {inspection_id}")


# --- the evidence file: samples, the close, erasure --------------------------------------------------


async def add_sample_case(command: AddSampleCase, handling: Handling) -> Decided[evidence_file.EvidenceFile]:
    return await _change_sample(command, handling, add=True)


async def remove_sample_case(
    command: RemoveSampleCase, handling: Handling
) -> Decided[evidence_file.EvidenceFile]:
    return await _change_sample(command, handling, add=False)


async def _change_sample(
    command: AddSampleCase | RemoveSampleCase, handling: Handling, *, add: bool
) -> Decided[evidence_file.EvidenceFile]:
    reason = await handling.keys.held(command.inspection_id, command.case_reference, command.reason)
    decision = evidence_file.ChangeSample(
        await known_inspection(handling.db, command.inspection_id),
        command.sample,
        command.case_reference,
        handling.context.inspectorate,
        reason,
        add,
    )
    return await _change_file(handling, command.inspection_id, decision)


async def close_evidence_gathering(
    command: CloseEvidenceGathering, handling: Handling
) -> Decided[evidence_file.EvidenceFile]:
    decision = evidence_file.CloseEvidenceGathering(
        await known_inspection(handling.db, command.inspection_id),
        handling.context.inspectorate,
        command.reason,
    )
    return await _change_file(handling, command.inspection_id, decision)


async def erase_case(command: EraseCase, handling: Handling) -> Decided[evidence_file.EvidenceFile]:
    """Destroy the case's key, then record that it was. The key goes first, with the KEK that every copy
    the database kept of it is wrapped under (SubjectKeys.erase rotates it): an erasure that fails after
    it is simply asked for again, and no event ever says erased while the key can still be had."""
    decision = evidence_file.EraseCase(
        await known_inspection(handling.db, command.inspection_id),
        command.case_reference,
        handling.context.inspectorate,
        command.basis,
    )
    file, _ = await evidence_file_of(handling.store, command.inspection_id)
    evidence_file.decide_file(file, decision)  # who may, and not yet erased: refused before the key goes
    await handling.keys.erase(subject_of(command.inspection_id, command.case_reference))
    return await _change_file(handling, command.inspection_id, decision)


async def _change_file(
    handling: Handling, inspection_id: str, decision: evidence_file.FileCommand
) -> Decided[evidence_file.EvidenceFile]:
    """A change to the inspection's evidence file; one lost to a concurrent change is decided again."""
    stream = evidence_file.file_stream(inspection_id)
    return await execute(handling.store, evidence_file.evidence_file, stream, decision, handling.context)


# --- lines of enquiry --------------------------------------------------------------------------------


async def raise_line(
    command: RaiseLineOfEnquiry, handling: Handling
) -> Decided[lines_of_enquiry.LineOfEnquiry]:
    inspection = await known_inspection(handling.db, command.inspection_id)
    file, _ = await evidence_file_of(handling.store, command.inspection_id)
    decision = lines_of_enquiry.RaiseLineOfEnquiry(
        inspection,
        file,
        command.line_id,
        handling.context.inspectorate,
        command.agency,
        command.case_reference,
        list(command.criteria),
        await handling.keys.held(command.inspection_id, command.case_reference, command.question),
    )
    return await _decide_line(handling, decision, creating=True)


async def answer_line(
    command: AnswerLineOfEnquiry, handling: Handling
) -> Decided[lines_of_enquiry.LineOfEnquiry]:
    inspection = await known_inspection(handling.db, command.inspection_id)
    raised = await _raised(handling.store, command.inspection_id, command.line_id)
    file, _ = await evidence_file_of(handling.store, command.inspection_id)
    problems = await _not_citable(handling.store, command.inspection_id, command.evidence_item_ids)
    decision = lines_of_enquiry.AnswerLineOfEnquiry(
        inspection,
        file,
        command.line_id,
        handling.context.inspectorate,
        list(command.evidence_item_ids),
        await handling.keys.held(command.inspection_id, raised.case_reference, command.answer),
        problems,
    )
    return await _decide_line(handling, decision)


async def close_line(
    command: CloseLineOfEnquiry, handling: Handling
) -> Decided[lines_of_enquiry.LineOfEnquiry]:
    inspection = await known_inspection(handling.db, command.inspection_id)
    raised = await _raised(handling.store, command.inspection_id, command.line_id)
    decision = lines_of_enquiry.CloseLineOfEnquiry(
        inspection,
        command.line_id,
        handling.context.inspectorate,
        await handling.keys.held(command.inspection_id, raised.case_reference, command.conclusion),
    )
    return await _decide_line(handling, decision)


async def _raised(store: StreamStore, inspection_id: str, line_id: str) -> LineOfEnquiryRaised:
    """How the line was raised, once it is known to be the inspection's own (404 otherwise)."""
    raised = (await line_of(store, inspection_id, line_id)).events[0]
    assert isinstance(raised, LineOfEnquiryRaised)
    return raised


async def _not_citable(
    store: StreamStore, inspection_id: str, evidence_item_ids: Sequence[str]
) -> dict[str, str]:
    """Cited items that an answer may not stand on, with the reason: unknown here, or withdrawn."""
    streams = await store.read_streams([evidence_item.item_stream(i) for i in evidence_item_ids])
    problems = {}
    for item_id in evidence_item_ids:
        state = evidence_item.evidence_item.fold(streams[evidence_item.item_stream(item_id)].events)
        if state.current is None or state.current.inspection_id != inspection_id:
            problems[item_id] = "not recorded for this inspection"
        elif state.withdrawn:
            problems[item_id] = "withdrawn"
    return problems


async def _decide_line(
    handling: Handling,
    decision: lines_of_enquiry.LineCommand,
    expected_version: int | None = None,
    *,
    creating: bool = False,
) -> Decided[lines_of_enquiry.LineOfEnquiry]:
    stream = lines_of_enquiry.line_stream(decision.line_id)
    return await execute(
        handling.store,
        lines_of_enquiry.line_of_enquiry,
        stream,
        decision,
        handling.context,
        expected_version=expected_version,
        creating=creating,
    )


COMMANDS: Commands = {
    RecordEvidenceItem: record,
    AmendEvidenceItem: amend,
    WithdrawEvidenceItem: withdraw,
    AddSampleCase: add_sample_case,
    RemoveSampleCase: remove_sample_case,
    CloseEvidenceGathering: close_evidence_gathering,
    EraseCase: erase_case,
    RaiseLineOfEnquiry: raise_line,
    AnswerLineOfEnquiry: answer_line,
    CloseLineOfEnquiry: close_line,
}
handle = Pipeline(COMMANDS).handle
