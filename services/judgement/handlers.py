"""Judgement's commands (commands.py), each to its handler: load what the decision needs, decide, append."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts.evidence import Bearing
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.commands import Commands, Handling, Pipeline
from shared.mechanics.decider import Decided, execute
from shared.mechanics.mongo import Document
from shared.mechanics.runtime import Service
from shared.views import evidence_items
from shared.views.cited_evidence import CitedItem
from shared.views.inspections import Inspection
from shared.views.taking_part import TakingPart, check_acting, of_inspection

from .commands import AdvanceJudgement, ProposeJudgement, RecordFinding
from .domain import findings, judgements
from .views import JudgementView, inspection, view_of


async def taking_part(service: Service, inspection_id: str) -> TakingPart:
    """Who takes part, as scheduling's events told this service: they read the inspection."""
    return of_inspection(await inspection(service.db, inspection_id))


async def _cited(
    db: AsyncDatabase[Document], inspection_id: str, evidence_item_ids: tuple[str, ...]
) -> tuple[tuple[CitedItem, ...], tuple[str, ...]]:
    """The cited items recorded for the inspection and standing (not withdrawn), each cited once in the
    order given; and the ids cited that are not."""
    standing = {
        doc["_id"]: doc
        async for doc in db[evidence_items.COLLECTION].find(
            {"_id": {"$in": list(evidence_item_ids)}, "inspection_id": inspection_id, "withdrawn": False},
            {"bearing": 1, "agency": 1},
        )
    }
    ids = list(dict.fromkeys(evidence_item_ids))
    cited = tuple(
        CitedItem(i, Agency(standing[i]["agency"]), Bearing(standing[i]["bearing"]))
        for i in ids
        if i in standing
    )
    return cited, tuple(i for i in ids if i not in standing)


async def record_finding(command: RecordFinding, handling: Handling) -> Decided[findings.Findings]:
    known = await inspection(handling.db, command.inspection_id)
    check_acting(handling.context.inspectorate, of_inspection(known), "record findings")
    cited, unknown = await _cited(handling.db, command.inspection_id, command.evidence_item_ids)
    decision = findings.RecordFinding(
        inspection_id=command.inspection_id,
        finding_id=command.finding_id,
        kind=command.kind,
        addressed_to=command.addressed_to,
        text=command.text,
        cited=cited,
        unknown=unknown,
        agencies=known.agencies,
        programme=known.programme,
    )
    stream = findings.stream_id(command.inspection_id)
    return await execute(handling.store, findings.findings, stream, decision, handling.context)


async def propose(command: ProposeJudgement, handling: Handling) -> JudgementView:
    known = await inspection(handling.db, command.inspection_id)
    cited, unknown = await _cited(handling.db, command.inspection_id, command.evidence_item_ids)
    decision = judgements.Propose(
        inspection=known,
        agency=command.agency,
        judgement_area=command.judgement_area,
        grade=command.grade,
        text=command.text,
        cited=cited,
        unknown=unknown,
        by=handling.context.inspectorate,
        rationale=command.rationale,
        leaders_understand_failure=command.leaders_understand_failure,
        reason=command.reason,
    )
    return await _judge(handling, known, decision, command.expected_version)


async def advance(command: AdvanceJudgement, handling: Handling) -> JudgementView:
    known = await inspection(handling.db, command.inspection_id)
    decision = judgements.Advance(
        known,
        command.agency,
        command.judgement_area,
        command.step,
        handling.context.inspectorate,
        command.reason,
    )
    return await _judge(handling, known, decision, command.expected_version)


async def _judge(
    handling: Handling,
    known: Inspection,
    decision: judgements.Propose | judgements.Advance,
    expected_version: int | None,
) -> JudgementView:
    decided = await execute(
        handling.store,
        judgements.judgements,
        judgements.stream_id(known.inspection_id),
        decision,
        handling.context,
        expected_version=expected_version,
    )
    return view_of(known, decided.state, decision.agency, decision.judgement_area, decided.version)


COMMANDS: Commands = {RecordFinding: record_finding, ProposeJudgement: propose, AdvanceJudgement: advance}
handle = Pipeline(COMMANDS).handle
