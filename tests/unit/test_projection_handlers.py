"""A projection may register several handlers for one event type; they run in the order registered."""

from __future__ import annotations

from typing import Any, cast

from shared.language.contracts.evidence import EvidenceItemWithdrawn
from shared.mechanics.consumer import Projection, Tx
from shared.mechanics.envelope import Envelope


async def test_handlers_of_one_event_type_run_in_the_order_registered() -> None:
    projection = Projection("p", ["evidence"])
    ran: list[str] = []

    @projection.on(EvidenceItemWithdrawn)
    async def first(_: EvidenceItemWithdrawn, __: Envelope, ___: Tx) -> None:
        ran.append("first")

    @projection.on(EvidenceItemWithdrawn)
    async def second(_: EvidenceItemWithdrawn, __: Envelope, ___: Tx) -> None:
        ran.append("second")

    handler = projection.handlers[EvidenceItemWithdrawn.event_type]
    await handler(cast(Any, None), cast(Any, None), cast(Any, None))
    assert ran == ["first", "second"]
    assert list(projection.handlers) == [EvidenceItemWithdrawn.event_type]
