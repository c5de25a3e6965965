"""Recording evidence items (001 Part 1, Proposal one and three)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from services.evidence.domain import EvidenceItem, KnownInspection, RecordEvidenceItem, evidence_item
from shared.contracts.evidence import Activity, Bearing, EvidenceDetails, EvidenceItemRecorded
from shared.contracts.vocabulary import Agency
from shared.envelope import Inspectorate
from shared.errors import RuleViolation
from shared.programmes import catalogue


@pytest.fixture
def known() -> KnownInspection:
    programme = catalogue()["jtai-2015"]
    return KnownInspection(
        inspection_id="insp-1",
        programme=programme,
        inspectorates=tuple(programme.participation.inspectorates),
        agencies=tuple(programme.agency_inspectorates()),
    )


def record(known: KnownInspection, **changes: Any) -> RecordEvidenceItem:
    details = EvidenceDetails(
        agency=Agency.HEALTH,
        activity=Activity.CASE_TRACKING,
        judgement_area="identification_and_referral",
        criterion="001 Proposal one",
        bearing=Bearing.WEAKNESS,
        case_reference="CASE-0042",
        summary="Health visitor referral was not followed up for three weeks.",
    )
    command = RecordEvidenceItem(
        inspection=known, evidence_item_id="ev-1", inspectorate=Inspectorate.CQC, details=details
    )
    detail_changes = {k: v for k, v in changes.items() if k in EvidenceDetails.model_fields}
    command_changes = {k: v for k, v in changes.items() if k not in detail_changes}
    return replace(command, details=details.model_copy(update=detail_changes), **command_changes)


def test_a_valid_command_yields_one_event_with_every_field_carried_over(known: KnownInspection) -> None:
    command = record(known)
    events = evidence_item.decide(evidence_item.initial, command)
    assert events == [
        EvidenceItemRecorded(
            inspection_id="insp-1",
            evidence_item_id="ev-1",
            inspectorate=Inspectorate.CQC,
            agency=Agency.HEALTH,
            activity=Activity.CASE_TRACKING,
            judgement_area="identification_and_referral",
            criterion="001 Proposal one",
            bearing=Bearing.WEAKNESS,
            case_reference="CASE-0042",
            summary="Health visitor referral was not followed up for three weeks.",
        )
    ]
    [event] = events
    assert isinstance(event, EvidenceItemRecorded)
    assert evidence_item.fold(events) == EvidenceItem(recorded=event)


def test_optional_fields_may_be_absent(known: KnownInspection) -> None:
    events = evidence_item.decide(
        evidence_item.initial,
        record(known, criterion=None, case_reference=None, activity=Activity.DATA, bearing=Bearing.STRENGTH),
    )
    [event] = events
    assert isinstance(event, EvidenceItemRecorded)
    assert event.criterion is None
    assert event.case_reference is None
    assert event.activity is Activity.DATA
    assert event.bearing is Bearing.STRENGTH


def test_001_part_1_an_inspectorate_not_taking_part_is_rejected(known: KnownInspection) -> None:
    with pytest.raises(RuleViolation) as caught:
        evidence_item.decide(
            evidence_item.initial, record(known, inspectorate=Inspectorate.HMI_PRISONS, agency=Agency.LSCB)
        )
    assert caught.value.rule == "001 Part 1"
    assert "hmi_prisons" in caught.value.message


def test_001_part_1_an_agency_not_inspected_is_rejected(known: KnownInspection) -> None:
    with pytest.raises(RuleViolation) as caught:
        evidence_item.decide(evidence_item.initial, record(known, agency=Agency.CUSTODY))
    assert caught.value.rule == "001 Part 1"
    assert "custody" in caught.value.message


@pytest.mark.parametrize("agency", [Agency.LSCB, Agency.PARTNERSHIP])
def test_evidence_about_the_board_or_the_partnership_is_accepted(
    known: KnownInspection, agency: Agency
) -> None:
    [event] = evidence_item.decide(evidence_item.initial, record(known, agency=agency))
    assert isinstance(event, EvidenceItemRecorded)
    assert event.agency is agency


def test_001_proposal_one_an_unknown_judgement_area_is_rejected(known: KnownInspection) -> None:
    with pytest.raises(RuleViolation) as caught:
        evidence_item.decide(evidence_item.initial, record(known, judgement_area="achieving_permanence"))
    assert caught.value.rule == "001 Proposal one"
    assert "achieving_permanence" in caught.value.message


@pytest.mark.parametrize(
    "area",
    ["identification_and_referral", "assessment_and_decision_making", "deep_dive", "leadership_and_lscb"],
)
def test_001_proposal_one_every_jtai_area_is_accepted(known: KnownInspection, area: str) -> None:
    [event] = evidence_item.decide(evidence_item.initial, record(known, judgement_area=area))
    assert isinstance(event, EvidenceItemRecorded)
    assert event.judgement_area == area


def test_recording_the_same_item_twice_is_rejected(known: KnownInspection) -> None:
    state = evidence_item.fold(evidence_item.decide(evidence_item.initial, record(known)))
    with pytest.raises(RuleViolation) as caught:
        evidence_item.decide(state, record(known, summary="A correction"))
    assert "ev-1" in caught.value.message
    assert "already recorded" in caught.value.message
