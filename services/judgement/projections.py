"""Judgement's read models: the inspections scheduled, and the evidence recorded for them as it stands.

A withdrawn evidence item also flags, for review, every judgement that cites it."""

from __future__ import annotations

from shared.language.contracts.evidence import EvidenceItemWithdrawn
from shared.mechanics.consumer import Projection, Tx
from shared.mechanics.decider import execute
from shared.mechanics.envelope import Actor, Envelope
from shared.mechanics.eventstore import CommandContext
from shared.views import evidence_items, inspections

from .domain import judgements

evidence = Projection("evidence", ["scheduling", "evidence"])
evidence_items.track(evidence)
inspections.track(evidence)
indexes = evidence_items.indexes
PLATFORM = Actor(inspectorate=None, role="platform", user="judgement-service")


@evidence.on(EvidenceItemWithdrawn)
async def flag_judgements(event: EvidenceItemWithdrawn, envelope: Envelope, tx: Tx) -> None:
    """Idempotent: a judgement already flagged for this item is not flagged again. A write lost to a
    concurrent command is decided again on the fresh stream."""
    reason = f"evidence item {event.evidence_item_id} was withdrawn by {event.inspectorate}: {event.reason}"
    command = judgements.FlagWithdrawn(event.inspection_id, event.evidence_item_id, reason[:1000])
    context = CommandContext(PLATFORM, envelope.correlation_id, causation_id=envelope.event_id)
    stream = judgements.stream_id(event.inspection_id)
    await execute(tx.store, judgements.judgements, stream, command, context, attempts=10)
