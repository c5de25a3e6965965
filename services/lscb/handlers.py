"""The LSCB service's commands (commands.py), each to its handler: load what the decision needs, decide,
append, and answer with the view as it stands after (views.py).

A board register's handler finds the area the caller named and checks the caller keeps registers
(`keep_register`); an evaluation's handler loads the inspection as this service knows it and, for a
contribution or a proposal, the cited items as they stand."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from shared.language.programmes import catalogue
from shared.mechanics.commands import Commands, Handling, Pipeline
from shared.mechanics.decider import execute
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden
from shared.mechanics.mongo import Document
from shared.mechanics.runtime import Service
from shared.views import evidence_items
from shared.views.cited_evidence import CitedItem
from shared.views.inspections import Inspection
from shared.views.taking_part import TakingPart, of_inspection

from .commands import (
    AppointOfficer,
    Contribute,
    Dispute,
    Finalise,
    JoinPartner,
    LeavePartner,
    ProposeJudgement,
    RecordAbsence,
    RecordReturn,
    ResolveDispute,
    SignOff,
    VacateOffice,
)
from .domain import board_register, evaluation
from .views import BoardView, EvaluationView, area, board_view, evaluation_view, inspection

# The board register


def keep_register(by: Inspectorate) -> None:
    """An area's board register is kept by the lead inspectorate's lead inspectors (the access table admits
    lead inspectors only; this names the inspectorate). The register is the area's, not one inspection's:
    it outlives each inspection, and every inspection of the area reads it (whom to tell first, to whom the
    letter goes). So its keeper is the lead inspectorate of every programme the platform runs, as each
    programme's participation names it: Ofsted in all five. A programme led by another inspectorate would
    make its lead a keeper too."""
    leads: dict[Inspectorate, list[str]] = {}
    for programme in catalogue().values():
        part = programme.participation
        leads.setdefault(part.lead_inspectorate, []).append(part.source)
    if by not in leads:
        raise Forbidden(
            f"an area's board register is kept by the lead inspectorate, {', '.join(leads)}, whose "
            f"inspections tell its chair first and address their letters to the chair; not by {by}",
            "; ".join(dict.fromkeys(source for sources in leads.values() for source in sources)),
        )


async def _register(
    handling: Handling, decision: board_register.Command, expected_version: int | None
) -> BoardView:
    keep_register(handling.context.inspectorate)
    decided = await execute(
        handling.store,
        board_register.register,
        board_register.stream_id(decision.area.code),
        decision,
        handling.context,
        expected_version=expected_version,
    )
    return board_view(decision.area, decided.state, decided.version)


async def appoint(command: AppointOfficer, handling: Handling) -> BoardView:
    decision = board_register.Appoint(area(command.area), command.office, command.name, command.contact)
    return await _register(handling, decision, command.expected_version)


async def vacate(command: VacateOffice, handling: Handling) -> BoardView:
    decision = board_register.Vacate(area(command.area), command.office, command.reason)
    return await _register(handling, decision, command.expected_version)


async def absent(command: RecordAbsence, handling: Handling) -> BoardView:
    decision = board_register.Absent(
        area(command.area), command.office, command.absent_from, command.absent_until, command.reason
    )
    return await _register(handling, decision, command.expected_version)


async def returned(command: RecordReturn, handling: Handling) -> BoardView:
    decision = board_register.Return(area(command.area), command.office, command.returned_on)
    return await _register(handling, decision, command.expected_version)


async def join(command: JoinPartner, handling: Handling) -> BoardView:
    decision = board_register.JoinPartner(
        area(command.area), command.agency, command.organisation, command.senior_leader
    )
    return await _register(handling, decision, command.expected_version)


async def leave(command: LeavePartner, handling: Handling) -> BoardView:
    decision = board_register.LeavePartner(
        area(command.area), command.agency, command.organisation, command.reason
    )
    return await _register(handling, decision, command.expected_version)


# The shared evaluation


async def taking_part(service: Service, inspection_id: str) -> TakingPart:
    """Who takes part, as scheduling's events told this service: they read the inspection."""
    return of_inspection(await inspection(service.db, inspection_id))


async def _cited(
    db: AsyncDatabase[Document], inspection_id: str, evidence_item_ids: tuple[str, ...]
) -> tuple[tuple[CitedItem, ...], tuple[str, ...]]:
    """The cited items the service holds, standing, in the order given; and the ids it does not."""
    ids = list(dict.fromkeys(evidence_item_ids))
    found = {
        i.evidence_item_id: i for i in await evidence_items.items_of(db, inspection_id, _id={"$in": ids})
    }
    cited = tuple(
        CitedItem(i, found[i].agency, found[i].bearing, tuple(found[i].criteria)) for i in ids if i in found
    )
    return cited, tuple(i for i in ids if i not in found)


async def _evaluate(
    handling: Handling, known: Inspection, decision: evaluation.Command, expected_version: int | None
) -> EvaluationView:
    decided = await execute(
        handling.store,
        evaluation.evaluation,
        evaluation.stream_id(known.inspection_id),
        decision,
        handling.context,
        expected_version=expected_version,
    )
    return await evaluation_view(handling.db, handling.keys, known, decided.state, decided.version)


async def contribute(command: Contribute, handling: Handling) -> EvaluationView:
    known = await inspection(handling.db, command.inspection_id)
    cited, unknown = await _cited(handling.db, command.inspection_id, command.evidence_item_ids)
    decision = evaluation.Contribute(
        known,
        command.contribution_id,
        handling.context.inspectorate,
        command.criterion,
        command.bearing,
        command.attributed_to,
        command.text,
        cited,
        unknown,
    )
    return await _evaluate(handling, known, decision, command.expected_version)


async def propose(command: ProposeJudgement, handling: Handling) -> EvaluationView:
    known = await inspection(handling.db, command.inspection_id)
    cited, unknown = await _cited(handling.db, command.inspection_id, command.evidence_item_ids)
    decision = evaluation.Propose(
        known, handling.context.inspectorate, command.grade, command.text, cited, unknown
    )
    return await _evaluate(handling, known, decision, command.expected_version)


async def sign_off(command: SignOff, handling: Handling) -> EvaluationView:
    known = await inspection(handling.db, command.inspection_id)
    decision = evaluation.SignOff(known, handling.context.inspectorate)
    return await _evaluate(handling, known, decision, command.expected_version)


async def dispute(command: Dispute, handling: Handling) -> EvaluationView:
    known = await inspection(handling.db, command.inspection_id)
    decision = evaluation.Dispute(known, handling.context.inspectorate, command.reasons)
    return await _evaluate(handling, known, decision, command.expected_version)


async def resolve(command: ResolveDispute, handling: Handling) -> EvaluationView:
    known = await inspection(handling.db, command.inspection_id)
    decision = evaluation.Resolve(known, handling.context.inspectorate, command.resolution)
    return await _evaluate(handling, known, decision, command.expected_version)


async def finalise(command: Finalise, handling: Handling) -> EvaluationView:
    known = await inspection(handling.db, command.inspection_id)
    decision = evaluation.Finalise(known, handling.context.inspectorate)
    return await _evaluate(handling, known, decision, command.expected_version)


COMMANDS: Commands = {
    AppointOfficer: appoint,
    VacateOffice: vacate,
    RecordAbsence: absent,
    RecordReturn: returned,
    JoinPartner: join,
    LeavePartner: leave,
    Contribute: contribute,
    ProposeJudgement: propose,
    SignOff: sign_off,
    Dispute: dispute,
    ResolveDispute: resolve,
    Finalise: finalise,
}
handle = Pipeline(COMMANDS).handle
