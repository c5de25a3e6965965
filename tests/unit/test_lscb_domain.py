"""The inspectorates' evaluation of the LSCB's effectiveness (001 Proposal one, fourth bullet)."""

from __future__ import annotations

import pytest

from services.lscb.domain import Evaluation, RecordEvaluation, evaluation, evolve
from shared.contracts.judgement import FindingKind, FindingRecorded
from shared.contracts.lscb import LscbEvaluationRecorded
from shared.contracts.vocabulary import Agency
from shared.errors import RuleViolation


def record(
    summary: str, ids: tuple[str, ...] = ("ev-1", "ev-2"), unknown: tuple[str, ...] = ()
) -> RecordEvaluation:
    return RecordEvaluation(inspection_id="insp-1", summary=summary, evidence_item_ids=ids, unknown=unknown)


def test_001_proposal_one_unknown_or_non_board_evidence_is_rejected_naming_the_ids() -> None:
    with pytest.raises(RuleViolation) as caught:
        evaluation.decide(
            evaluation.initial, record("The board is effective.", unknown=("ev-9", "ev-police-3"))
        )
    assert caught.value.rule == "001 Proposal one"
    assert "ev-9" in caught.value.message
    assert "ev-police-3" in caught.value.message
    assert "insp-1" in caught.value.message


def test_a_valid_evaluation_carries_its_summary_and_evidence_in_order() -> None:
    events = evaluation.decide(evaluation.initial, record("The board is effective.", ids=("ev-2", "ev-1")))
    assert events == [
        LscbEvaluationRecorded(
            inspection_id="insp-1", summary="The board is effective.", evidence_item_ids=["ev-2", "ev-1"]
        )
    ]


def test_a_later_evaluation_replaces_the_earlier_one_in_state() -> None:
    state = evaluation.initial
    for summary in ("First view of the board.", "Agreed view of the board."):
        for event in evaluation.decide(state, record(summary)):
            state = evolve(state, event)
    assert state.latest is not None
    assert state.latest.summary == "Agreed view of the board."


def test_fold_keeps_only_the_latest_and_ignores_other_events() -> None:
    first = LscbEvaluationRecorded(inspection_id="insp-1", summary="first", evidence_item_ids=["ev-1"])
    second = LscbEvaluationRecorded(inspection_id="insp-1", summary="second", evidence_item_ids=["ev-2"])
    other = FindingRecorded(
        inspection_id="insp-1",
        finding_id="f-1",
        kind=FindingKind.KEY_STRENGTH,
        addressed_to=Agency.LSCB,
        text="t",
        evidence_item_ids=["ev-1"],
    )
    assert evaluation.fold([first, second, other]) == Evaluation(latest=second)
    assert evaluation.fold([other]) == Evaluation()
