"""Helpers for the unit tests of the services' pure domains: run commands through an aggregate's decider,
catch the rule a command is refused by, and build the evidence items they cite.

A test module binds them to its aggregate once (`board = Decisions(register)`, then `run = board.run` and
`refused = board.refused`) and calls `run(state, *commands)` and `refused(state, command, *words)`; a domain
function that is not a decider is refused with `refusal(decide, *args)`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Generic, TypeVar

import pytest

from shared.language.contracts.evidence import Activity, Bearing, EvidenceItemRecorded, Meeting
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import RuleViolation
from shared.views.evidence_items import ItemView

S = TypeVar("S")
C = TypeVar("C")


def refusal(decide: Callable[..., object], *args: object, words: tuple[str, ...] = ()) -> RuleViolation:
    """The rule `decide(*args)` is refused by (a 403 Forbidden is a RuleViolation too); each of `words` is
    in its message or the paragraph it cites."""
    with pytest.raises(RuleViolation) as caught:
        decide(*args)
    for word in words:
        assert word in f"{caught.value.message} {caught.value.rule}", (word, caught.value.message)
    return caught.value


class Decisions(Generic[S, C]):
    """An aggregate's decider, for a test: each command decided on the state its events left."""

    def __init__(self, decider: Decider[S, C]) -> None:
        self.decider = decider

    def run(self, state: S, *commands: C) -> tuple[S, list[Event]]:
        """Decide each command in turn, evolving the state by its events; the state at the end and every
        event decided."""
        events: list[Event] = []
        for command in commands:
            new = self.decider.decide(state, command)
            for event in new:
                state = self.decider.evolve(state, event)
            events += new
        return state, events

    def refused(self, state: S, command: C, *words: str) -> RuleViolation:
        """The rule the command is refused by in this state."""
        return refusal(self.decider.decide, state, command, words=words)


SUMMARY = "Inspector's account of {} (evidence text)"  # an item's text, by its id


def recorded_item(
    item_id: str = "ev-1",
    by: Inspectorate = Inspectorate.CQC,
    agency: Agency = Agency.HEALTH,
    area: str = "deep_dive",
    bearing: Bearing = Bearing.STRENGTH,
    case: str | None = "CASE-0001",
    *,
    inspection_id: str = "insp-1",
    activity: Activity | None = None,
    criteria: Sequence[str] = (),
) -> EvidenceItemRecorded:
    """An evidence item as an inspector of `by` records it: from tracking a case, or performance data where
    it names none; its text is SUMMARY."""
    return EvidenceItemRecorded(
        inspection_id=inspection_id,
        evidence_item_id=item_id,
        inspectorate=by,
        inspector=f"{by}-inspector",
        agency=agency,
        activity=activity or (Activity.CASE_TRACKING if case else Activity.PERFORMANCE_DATA),
        judgement_area=area,
        criteria=list(criteria),
        bearing=bearing,
        case_reference=case,
        summary=SUMMARY.format(item_id),
    )


RECORDED_AT = datetime(2015, 3, 2, 9, 0, tzinfo=UTC)  # when item_view's items were recorded


def item_view(
    item_id: str = "ev-1",
    *,
    by: Inspectorate = Inspectorate.CQC,
    agency: Agency = Agency.HEALTH,
    area: str = "help_and_protection",
    bearing: Bearing = Bearing.STRENGTH,
    activity: Activity = Activity.CASE_SAMPLING,
    meeting: Meeting | None = None,
    criteria: Sequence[str] = (),
    case: str | None = "WKF-0001",
    summary: str | None = None,
    withdrawn: bool = False,
    inspection_id: str = "insp-1",
) -> ItemView:
    """An evidence item as it stands, as the evidence service's read model holds it and answers it (its
    `model_dump(mode="json")`): recorded once, at RECORDED_AT, by an inspector of `by`, and withdrawn or
    not; its text is `summary`, or "Evidence {item_id}." where none is given."""
    return ItemView(
        evidence_item_id=item_id,
        inspection_id=inspection_id,
        inspectorate=by,
        inspector="inspector-7",
        recorded_at=RECORDED_AT,
        version=1,
        withdrawn=withdrawn,
        agency=agency,
        activity=activity,
        meeting=meeting,
        judgement_area=area,
        criteria=list(criteria),
        bearing=bearing,
        case_reference=case,
        summary=f"Evidence {item_id}." if summary is None else summary,
    )
