"""Evidence items, case samples, lines of enquiry and the close of evidence gathering
(services/evidence/domain/: pure functions, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from services.evidence.domain.evidence_file import (
    ChangeSample,
    CloseEvidenceGathering,
    EraseCase,
    EvidenceFile,
    evidence_file,
    file_stream,
)
from services.evidence.domain.evidence_item import (
    OWN_INSPECTORATE,
    CorrectEvidenceItem,
    EvidenceItem,
    RecordEvidenceItem,
    evidence_item,
    item_stream,
)
from services.evidence.domain.inspection import IMMUTABLE, KnownInspection
from services.evidence.domain.lines_of_enquiry import (
    AnswerLineOfEnquiry,
    CloseLineOfEnquiry,
    LineOfEnquiry,
    RaiseLineOfEnquiry,
    line_of_enquiry,
    line_stream,
)
from shared.language.contracts.evidence import (
    Activity,
    Bearing,
    CaseErased,
    ErasureBasis,
    EvidenceGatheringClosed,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    HeldDetails,
    LineOfEnquiryAnswered,
    LineOfEnquiryClosed,
    LineOfEnquiryRaised,
    Meeting,
    Sample,
    SampleCaseAdded,
    SampleCaseRemoved,
    details_of,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme, catalogue
from shared.language.subjects import ERASURE, seal_with
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden
from tests.domain import refusal as refused

OFSTED, CQC, HMIC, HMI_PROBATION, HMI_PRISONS = (
    Inspectorate.OFSTED,
    Inspectorate.CQC,
    Inspectorate.HMIC,
    Inspectorate.HMI_PROBATION,
    Inspectorate.HMI_PRISONS,
)
INTEGRATED = catalogue()["integrated-2014"]  # numbered criteria, a graded LSCB area, no deep dive
JTAI = catalogue()["jtai-2015"]  # deep-dive themes, no numbered criteria
MACP = catalogue()["macp-2012"]  # shared judgements of the partnership; each agency commented on in narrative
# Where Integrated 2014 states each rule the tests meet (its [rules] table): never another programme's.
WINDOW = INTEGRATED.rules.evidence_gathering  # "004 §35-36"
SHARED_SAMPLE = INTEGRATED.rules.shared_sample  # "004 §33, §35"
OWN_SAMPLE = INTEGRATED.rules.own_samples  # "004 §35, §82"
TRACKED_CASES = f"{SHARED_SAMPLE}; {OWN_SAMPLE}"
ENQUIRIES = INTEGRATED.rules.lines_of_enquiry  # "004 §35"
CASE = "WKF-0042"
OTHER_CASE = "WKF-0099"


def known(programme: Programme = INTEGRATED, **changes: Any) -> KnownInspection:
    """A notified inspection with every inspectorate that always takes part and the agencies they inspect."""
    taking_part = tuple(programme.participation.inspectorates)
    inspection = KnownInspection(
        inspection_id="insp-1",
        programme=programme,
        inspectorates=taking_part,
        agencies=tuple(r.agency for r in programme.agencies if r.inspectorate in taking_part),
        notified=True,
    )
    return replace(inspection, **changes)


def details(**changes: Any) -> HeldDetails:
    """A health weakness on criterion 68q of integrated-2014 (health, help and protection)."""
    fields: dict[str, Any] = {
        "agency": Agency.HEALTH,
        "activity": Activity.CASE_SAMPLING,
        "judgement_area": "help_and_protection",
        "criteria": ["68q"],
        "bearing": Bearing.WEAKNESS,
        "case_reference": CASE,
        "summary": "The health visitor's referral was not followed up for three weeks.",
    }
    return HeldDetails.model_validate(fields | changes)


def file_of(events: Iterable[Event] = ()) -> EvidenceFile:
    return evidence_file.fold(list(events))


def added(sample: Sample, case: str = CASE, by: Inspectorate = OFSTED) -> SampleCaseAdded:
    return SampleCaseAdded(
        inspection_id="insp-1", sample=sample, case_reference=case, added_by=by, reason="deep-dive cohort"
    )


CLOSED = EvidenceGatheringClosed(inspection_id="insp-1", closed_by=OFSTED, reason="fieldwork has ended")


def record(
    inspection: KnownInspection | None = None,
    file: EvidenceFile | None = None,
    *,
    by: Inspectorate = CQC,
    item_id: str = "ev-1",
    **changes: Any,
) -> RecordEvidenceItem:
    return RecordEvidenceItem(
        inspection=inspection or known(),
        file=file or EvidenceFile(),
        evidence_item_id=item_id,
        inspectorate=by,
        inspector="inspector-7",
        details=details(**changes),
    )


def correct(
    new: HeldDetails | None,
    *,
    by: Inspectorate = CQC,
    inspection: KnownInspection | None = None,
    file: EvidenceFile | None = None,
) -> CorrectEvidenceItem:
    """An amendment with `new` details, or a withdrawal when `new` is None."""
    return CorrectEvidenceItem(
        inspection=inspection or known(),
        file=file or EvidenceFile(),
        evidence_item_id="ev-1",
        inspectorate=by,
        inspector="inspector-7",
        reason="the wrong case was cited",
        details=new,
    )


def recorded(**changes: Any) -> list[Event]:
    """The stream of item ev-1 once CQC has recorded it."""
    return list(evidence_item.decide(evidence_item.initial, record(**changes)))


def recorded_item(**changes: Any) -> EvidenceItem:
    return evidence_item.fold(recorded(**changes))


def test_integrated_2014_fixture_has_the_criteria_these_tests_cite() -> None:
    health = INTEGRATED.criterion("68q")
    board = INTEGRATED.criterion("115a")
    assert health is not None
    assert (health.agency, health.judgement_area) == (Agency.HEALTH, "help_and_protection")
    assert board is not None
    assert (board.agency, board.judgement_area) == (Agency.LSCB, "lscb")
    assert INTEGRATED.participation.lead_inspectorate is OFSTED
    assert not JTAI.criteria
    assert JTAI.deep_dive_themes
    assert not INTEGRATED.deep_dive_themes


# --- recording an item ---------------------------------------------------------------------------------


def test_record_yields_one_event_carrying_every_detail_and_the_recorder() -> None:
    events = evidence_item.decide(evidence_item.initial, record())
    assert events == [
        EvidenceItemRecorded(
            inspection_id="insp-1",
            evidence_item_id="ev-1",
            inspectorate=CQC,
            inspector="inspector-7",
            agency=Agency.HEALTH,
            activity=Activity.CASE_SAMPLING,
            judgement_area="help_and_protection",
            criteria=["68q"],
            bearing=Bearing.WEAKNESS,
            case_reference=CASE,
            summary="The health visitor's referral was not followed up for three weeks.",
        )
    ]
    [event] = events
    assert isinstance(event, EvidenceItemRecorded)
    assert evidence_item.fold(events) == EvidenceItem(current=event)
    assert details_of(event) == details()


def test_record_optional_details_may_be_absent() -> None:
    [event] = evidence_item.decide(
        evidence_item.initial,
        record(
            activity=Activity.PERFORMANCE_DATA,
            case_reference=None,
            criteria=[],
            bearing=Bearing.AREA_FOR_IMPROVEMENT,
        ),
    )
    assert isinstance(event, EvidenceItemRecorded)
    assert event.case_reference is None
    assert event.criteria == []
    assert event.meeting is None


def test_record_a_meeting_observation_names_the_meeting() -> None:
    [event] = evidence_item.decide(
        evidence_item.initial,
        record(activity=Activity.MEETING_OBSERVATION, meeting=Meeting.STRATEGY_MEETING, case_reference=None),
    )
    assert isinstance(event, EvidenceItemRecorded)
    assert event.meeting is Meeting.STRATEGY_MEETING


def test_participation_an_inspectorate_not_taking_part_is_rejected() -> None:
    violation = refused(evidence_item.decide, evidence_item.initial, record(by=HMI_PRISONS))
    assert violation.rule == INTEGRATED.participation.source == "004 §19-22"
    assert "hmi_prisons does not take part" in violation.message
    assert "ofsted, cqc, hmic, hmi_probation" in violation.message


def test_participation_a_conditional_inspectorate_that_has_joined_may_record() -> None:
    joined = known(
        inspectorates=(OFSTED, CQC, HMIC, HMI_PROBATION, HMI_PRISONS),
        agencies=(*known().agencies, Agency.CUSTODY),
    )
    command = record(
        joined, by=HMI_PRISONS, agency=Agency.CUSTODY, criteria=["103a"], judgement_area="help_and_protection"
    )
    [event] = evidence_item.decide(evidence_item.initial, command)
    assert isinstance(event, EvidenceItemRecorded)
    assert event.agency is Agency.CUSTODY


def test_agencies_an_agency_not_inspected_is_rejected() -> None:
    assert Agency.CUSTODY not in known().agencies
    violation = refused(
        evidence_item.decide, evidence_item.initial, record(agency=Agency.CUSTODY, criteria=["103a"])
    )
    assert violation.rule == INTEGRATED.agencies[0].source == "004 §20"
    assert "custody is not inspected" in violation.message
    assert "lscb, partnership" in violation.message


@pytest.mark.parametrize(
    ("agency", "area", "criteria"),
    [(Agency.LSCB, "lscb", ["115a"]), (Agency.PARTNERSHIP, "leadership", [])],
)
def test_agencies_the_board_and_the_partnership_are_always_accepted(
    agency: Agency, area: str, criteria: list[str]
) -> None:
    only_health = known(agencies=(Agency.HEALTH,))
    command = record(only_health, agency=agency, judgement_area=area, criteria=criteria)
    [event] = evidence_item.decide(evidence_item.initial, command)
    assert isinstance(event, EvidenceItemRecorded)
    assert event.agency is agency


def test_judgement_areas_an_unknown_area_is_rejected() -> None:
    violation = refused(
        evidence_item.decide, evidence_item.initial, record(judgement_area="deep_dive", criteria=[])
    )
    assert violation.rule == INTEGRATED.judgement_areas[0].source == "004 §41"
    assert "'deep_dive' is not an area of integrated-2014" in violation.message
    assert "help_and_protection" in violation.message


@pytest.mark.parametrize("area", JTAI.area_ids())
def test_judgement_areas_every_area_of_the_programme_is_accepted(area: str) -> None:
    command = record(known(JTAI), judgement_area=area, criteria=[])
    [event] = evidence_item.decide(evidence_item.initial, command)
    assert isinstance(event, EvidenceItemRecorded)
    assert event.judgement_area == area


def test_criteria_an_unknown_criterion_is_rejected() -> None:
    violation = refused(evidence_item.decide, evidence_item.initial, record(criteria=["68q", "99z"]))
    assert violation.rule == INTEGRATED.criteria[0].source == "004 §63 a"
    assert "criterion 99z is not in" in violation.message
    assert "(integrated-2014)" in violation.message
    assert "its criteria are 63a to 115l" in violation.message


def test_criteria_a_criterion_about_another_agency_is_rejected() -> None:
    command = record(agency=Agency.POLICE, criteria=["68q"])
    violation = refused(evidence_item.decide, evidence_item.initial, command)
    assert violation.rule == "004 §68 q"
    assert "criterion 68q is about health, not police" in violation.message


def test_criteria_a_criterion_under_another_area_is_rejected() -> None:
    violation = refused(evidence_item.decide, evidence_item.initial, record(judgement_area="looked_after"))
    assert violation.rule == "004 §68 q"
    assert "criterion 68q is under 'help_and_protection', not 'looked_after'" in violation.message


def test_criteria_a_board_criterion_cited_by_another_agency_is_accepted_under_the_board_area() -> None:
    command = record(by=HMIC, agency=Agency.POLICE, judgement_area="lscb", criteria=["115a", "115l"])
    [event] = evidence_item.decide(evidence_item.initial, command)
    assert isinstance(event, EvidenceItemRecorded)
    assert (event.agency, event.criteria) == (Agency.POLICE, ["115a", "115l"])


def test_criteria_a_board_criterion_under_another_area_is_rejected() -> None:
    command = record(by=HMIC, agency=Agency.POLICE, judgement_area="help_and_protection", criteria=["115a"])
    violation = refused(evidence_item.decide, evidence_item.initial, command)
    assert violation.rule == "004 §115 a"
    assert "criterion 115a is under 'lscb', not 'help_and_protection'" in violation.message


def test_criteria_a_programme_without_criteria_rejects_any_criterion() -> None:
    command = record(known(JTAI), judgement_area="identification_and_referral", criteria=["68q"])
    violation = refused(evidence_item.decide, evidence_item.initial, command)
    assert violation.rule == JTAI.judgements.source == "001 Proposal four"
    assert "criterion 68q is not in Joint targeted area inspection (jtai-2015)" in violation.message
    assert "it has no numbered criteria" in violation.message


def test_window_before_notice_is_rejected() -> None:
    violation = refused(evidence_item.decide, evidence_item.initial, record(known(notified=False)))
    assert violation.rule == WINDOW
    assert "notice has not started" in violation.message


def test_window_a_cancelled_inspection_is_rejected() -> None:
    violation = refused(evidence_item.decide, evidence_item.initial, record(known(cancelled=True)))
    assert violation.rule == WINDOW
    assert "the inspection is cancelled" in violation.message


def test_window_after_evidence_gathering_closed_is_rejected() -> None:
    violation = refused(evidence_item.decide, evidence_item.initial, record(file=file_of([CLOSED])))
    assert violation.rule == WINDOW
    assert "evidence gathering is closed" in violation.message


def test_tracked_cases_a_case_in_no_sample_is_rejected() -> None:
    command = record(activity=Activity.CASE_TRACKING, file=file_of([added("shared", OTHER_CASE)]))
    violation = refused(evidence_item.decide, evidence_item.initial, command)
    assert violation.rule == TRACKED_CASES
    assert f"case {CASE} is in neither the shared sample nor cqc's own" in violation.message


@pytest.mark.parametrize("sample", ["shared", CQC])
def test_tracked_cases_a_case_in_the_shared_or_the_recorders_own_sample_is_accepted(sample: Sample) -> None:
    command = record(activity=Activity.CASE_TRACKING, file=file_of([added(sample, by=CQC)]))
    [event] = evidence_item.decide(evidence_item.initial, command)
    assert isinstance(event, EvidenceItemRecorded)
    assert (event.activity, event.case_reference) == (Activity.CASE_TRACKING, CASE)


def test_tracked_cases_a_case_in_another_inspectorates_own_sample_is_rejected() -> None:
    command = record(activity=Activity.CASE_TRACKING, file=file_of([added(OFSTED)]))
    violation = refused(evidence_item.decide, evidence_item.initial, command)
    assert violation.rule == TRACKED_CASES


def test_tracked_cases_a_case_removed_from_the_sample_is_no_longer_tracked() -> None:
    removed = SampleCaseRemoved(
        inspection_id="insp-1", sample="shared", case_reference=CASE, removed_by=OFSTED, reason="closed case"
    )
    command = record(activity=Activity.CASE_TRACKING, file=file_of([added("shared"), removed]))
    assert refused(evidence_item.decide, evidence_item.initial, command).rule == TRACKED_CASES


def test_tracked_cases_sampling_needs_no_sample() -> None:
    [event] = evidence_item.decide(evidence_item.initial, record(activity=Activity.CASE_SAMPLING))
    assert isinstance(event, EvidenceItemRecorded)


def joint_audit(programme: Programme, file: EvidenceFile) -> RecordEvidenceItem:
    area = "deep_dive" if programme is JTAI else "help_and_protection"
    criteria = [] if programme is JTAI else ["68q"]
    return record(
        known(programme), file, activity=Activity.JOINT_AUDIT, judgement_area=area, criteria=criteria
    )


def test_joint_audit_of_a_shared_sample_case_is_accepted_with_deep_dive_themes() -> None:
    [event] = evidence_item.decide(evidence_item.initial, joint_audit(JTAI, file_of([added("shared")])))
    assert isinstance(event, EvidenceItemRecorded)
    assert event.activity is Activity.JOINT_AUDIT


def test_joint_audit_of_a_case_outside_the_shared_sample_is_rejected() -> None:
    own_only = file_of([added(CQC, by=CQC)])
    violation = refused(evidence_item.decide, evidence_item.initial, joint_audit(JTAI, own_only))
    assert violation.rule == "001 Proposal two"  # JTAI's rules.joint_audit
    assert f"case {CASE} is not in the shared sample" in violation.message


def test_joint_audit_is_rejected_in_a_programme_without_deep_dive() -> None:
    command = joint_audit(INTEGRATED, file_of([added("shared")]))
    violation = refused(evidence_item.decide, evidence_item.initial, command)
    assert violation.rule == INTEGRATED.judgement_areas[0].source  # its own scope, not the JTAI's paragraph
    assert "integrated-2014 has no deep dive" in violation.message


def test_immutable_recording_the_same_item_twice_is_rejected() -> None:
    violation = refused(evidence_item.decide, recorded_item(), record(summary="Recorded again."))
    assert violation.rule == IMMUTABLE
    assert "evidence item ev-1 is already recorded" in violation.message


# --- corrections ---------------------------------------------------------------------------------------


def test_amend_by_the_recording_inspectorate_gives_the_full_new_details_and_the_reason() -> None:
    new = details(
        activity=Activity.PRACTICE_OBSERVATION,
        case_reference=None,
        criteria=["68a", "68b"],
        bearing=Bearing.STRENGTH,
        summary="Referrals were followed up the same day.",
    )
    history = recorded()
    events = evidence_item.decide(evidence_item.fold(history), correct(new))
    assert events == [
        EvidenceItemAmended(
            inspection_id="insp-1",
            evidence_item_id="ev-1",
            inspectorate=CQC,
            inspector="inspector-7",
            reason="the wrong case was cited",
            **dict(new),
        )
    ]
    after = evidence_item.fold([*history, *events])
    assert after.current is not None
    assert details_of(after.current) == new
    assert after.current.case_reference is None  # every detail replaced, cleared ones too
    assert (after.current.inspectorate, after.current.evidence_item_id) == (CQC, "ev-1")
    assert not after.withdrawn


def test_amend_twice_the_latest_details_stand() -> None:
    history = recorded()
    for summary in ("First correction.", "Second correction."):
        history += evidence_item.decide(evidence_item.fold(history), correct(details(summary=summary)))
    state = evidence_item.fold(history)
    assert [type(e) for e in history] == [EvidenceItemRecorded, EvidenceItemAmended, EvidenceItemAmended]
    assert state.current is not None
    assert state.current.summary == "Second correction."


@pytest.mark.parametrize("new", [details(summary="Changed by another."), None], ids=["amend", "withdraw"])
def test_own_inspectorate_another_inspectorate_cannot_correct_the_item(new: HeldDetails | None) -> None:
    violation = refused(evidence_item.decide, recorded_item(), correct(new, by=OFSTED))
    assert violation.rule == OWN_INSPECTORATE
    assert "was recorded by cqc: only cqc corrects it" in violation.message


def test_immutable_an_amendment_that_changes_nothing_is_rejected() -> None:
    violation = refused(evidence_item.decide, recorded_item(), correct(details()))
    assert violation.rule == IMMUTABLE
    assert "the amendment changes nothing" in violation.message


def test_withdraw_by_the_recording_inspectorate_gives_the_reason_and_the_item_no_longer_counts() -> None:
    history = recorded()
    events = evidence_item.decide(evidence_item.fold(history), correct(None))
    assert events == [
        EvidenceItemWithdrawn(
            inspection_id="insp-1",
            evidence_item_id="ev-1",
            inspectorate=CQC,
            inspector="inspector-7",
            reason="the wrong case was cited",
        )
    ]
    after = evidence_item.fold([*history, *events])
    assert after.withdrawn
    assert after.current == history[0]  # the item as it stood, kept for the record


@pytest.mark.parametrize(
    "new", [details(summary="Changed after withdrawal."), None], ids=["amend", "withdraw"]
)
def test_immutable_a_withdrawn_item_cannot_be_corrected(new: HeldDetails | None) -> None:
    history = recorded()
    withdrawn = evidence_item.fold(
        [*history, *evidence_item.decide(evidence_item.fold(history), correct(None))]
    )
    violation = refused(evidence_item.decide, withdrawn, correct(new))
    assert violation.rule == IMMUTABLE
    assert "evidence item ev-1 is withdrawn: record a new item" in violation.message


@pytest.mark.parametrize(
    "new", [details(summary="Changed after the close."), None], ids=["amend", "withdraw"]
)
def test_window_no_correction_after_evidence_gathering_closed(new: HeldDetails | None) -> None:
    violation = refused(evidence_item.decide, recorded_item(), correct(new, file=file_of([CLOSED])))
    assert violation.rule == WINDOW
    assert "evidence gathering is closed" in violation.message


@pytest.mark.parametrize("new", [details(summary="Never recorded."), None], ids=["amend", "withdraw"])
def test_immutable_correcting_an_item_never_recorded_is_rejected(new: HeldDetails | None) -> None:
    violation = refused(evidence_item.decide, evidence_item.initial, correct(new))
    assert violation.rule == IMMUTABLE
    assert "evidence item ev-1 is not recorded for this inspection" in violation.message


def test_amendment_is_revalidated_an_unknown_area_is_rejected() -> None:
    violation = refused(
        evidence_item.decide, recorded_item(), correct(details(judgement_area="deep_dive", criteria=[]))
    )
    assert violation.rule == "004 §41"
    assert "'deep_dive' is not an area of integrated-2014" in violation.message


def test_amendment_is_revalidated_an_untracked_case_is_rejected() -> None:
    new = details(activity=Activity.CASE_TRACKING)
    violation = refused(evidence_item.decide, recorded_item(), correct(new))
    assert violation.rule == TRACKED_CASES


def test_amendment_is_revalidated_a_criterion_of_another_agency_is_rejected() -> None:
    violation = refused(evidence_item.decide, recorded_item(), correct(details(criteria=["80a"])))
    assert violation.rule == "004 §80 a"
    assert "criterion 80a is about police, not health" in violation.message


# --- the evidence file: case samples and the close ----------------------------------------------------


def change(
    sample: Sample,
    *,
    by: Inspectorate = CQC,
    case: str = CASE,
    add: bool = True,
    inspection: KnownInspection | None = None,
) -> ChangeSample:
    return ChangeSample(
        inspection=inspection or known(),
        sample=sample,
        case_reference=case,
        by=by,
        reason="child subject to a child protection plan",
        add=add,
    )


def close(by: Inspectorate = OFSTED) -> CloseEvidenceGathering:
    return CloseEvidenceGathering(inspection=known(), by=by, reason="fieldwork has ended")


@pytest.mark.parametrize("by", INTEGRATED.participation.inspectorates)
def test_shared_sample_any_participating_inspectorate_adds_a_case(by: Inspectorate) -> None:
    events = evidence_file.decide(EvidenceFile(), change("shared", by=by))
    assert events == [
        SampleCaseAdded(
            inspection_id="insp-1",
            sample="shared",
            case_reference=CASE,
            added_by=by,
            reason="child subject to a child protection plan",
        )
    ]
    assert set(evidence_file.fold(events).tracked_by(HMI_PROBATION)) == {CASE}


def test_own_sample_an_inspectorate_adds_to_its_own() -> None:
    events = evidence_file.decide(EvidenceFile(), change(CQC, by=CQC))
    [event] = events
    assert isinstance(event, SampleCaseAdded)
    assert (event.sample, event.added_by) == (CQC, CQC)
    state = evidence_file.fold(events)
    assert CASE in state.tracked_by(CQC)
    assert CASE not in state.tracked_by(OFSTED)
    assert CASE not in state.sample("shared")


def test_own_sample_adding_to_another_inspectorates_sample_is_rejected() -> None:
    violation = refused(evidence_file.decide, EvidenceFile(), change(OFSTED, by=CQC))
    assert violation.rule == OWN_SAMPLE
    assert "cqc changes the shared sample or its own, not ofsted's" in violation.message


def test_samples_an_inspectorate_not_taking_part_is_rejected() -> None:
    violation = refused(evidence_file.decide, EvidenceFile(), change("shared", by=HMI_PRISONS))
    assert violation.rule == "004 §19-22"
    assert "hmi_prisons does not take part" in violation.message


def test_samples_before_notice_are_rejected() -> None:
    command = change("shared", inspection=known(notified=False))
    assert refused(evidence_file.decide, EvidenceFile(), command).rule == WINDOW


@pytest.mark.parametrize(("sample", "rule"), [("shared", SHARED_SAMPLE), (CQC, OWN_SAMPLE)])
def test_samples_adding_a_case_twice_is_rejected(sample: Sample, rule: str) -> None:
    state = file_of([added(sample, by=CQC)])
    violation = refused(evidence_file.decide, state, change(sample))
    assert violation.rule == rule
    assert f"case {CASE} is already in the {sample} sample" in violation.message


def test_samples_the_same_case_may_be_in_the_shared_and_an_own_sample() -> None:
    state = file_of([added("shared")])
    [event] = evidence_file.decide(state, change(CQC))
    assert isinstance(event, SampleCaseAdded)


@pytest.mark.parametrize(("sample", "rule"), [("shared", SHARED_SAMPLE), (CQC, OWN_SAMPLE)])
def test_samples_removing_a_case_not_there_is_rejected(sample: Sample, rule: str) -> None:
    state = file_of([added(sample, case=OTHER_CASE, by=CQC)])
    violation = refused(evidence_file.decide, state, change(sample, add=False))
    assert violation.rule == rule
    assert f"case {CASE} is not in the {sample} sample" in violation.message


def test_samples_removing_a_case_takes_it_out_of_the_sample() -> None:
    state = file_of([added("shared"), added("shared", OTHER_CASE)])
    events = evidence_file.decide(state, change("shared", by=HMIC, add=False))
    assert events == [
        SampleCaseRemoved(
            inspection_id="insp-1",
            sample="shared",
            case_reference=CASE,
            removed_by=HMIC,
            reason="child subject to a child protection plan",
        )
    ]
    after = file_of([added("shared"), added("shared", OTHER_CASE), *events])
    assert set(after.sample("shared")) == {OTHER_CASE}


def test_close_by_the_lead_inspectorate_closes_evidence_gathering() -> None:
    events = evidence_file.decide(EvidenceFile(), close())
    assert events == [CLOSED]
    assert evidence_file.fold(events).closed == CLOSED


@pytest.mark.parametrize("by", [CQC, HMIC, HMI_PROBATION])
def test_close_by_an_inspectorate_other_than_the_lead_is_rejected(by: Inspectorate) -> None:
    violation = refused(evidence_file.decide, EvidenceFile(), close(by))
    assert violation.rule == WINDOW
    assert "only the lead inspectorate, ofsted, closes evidence gathering" in violation.message


def test_close_twice_is_rejected() -> None:
    violation = refused(evidence_file.decide, file_of([CLOSED]), close())
    assert violation.rule == WINDOW
    assert "evidence gathering is already closed" in violation.message


@pytest.mark.parametrize("add", [True, False], ids=["add", "remove"])
def test_samples_do_not_change_after_the_close(add: bool) -> None:
    violation = refused(evidence_file.decide, file_of([added("shared"), CLOSED]), change("shared", add=add))
    assert violation.rule == WINDOW
    assert "evidence gathering is closed" in violation.message


# --- lines of enquiry ----------------------------------------------------------------------------------


def raise_line(
    by: Inspectorate = CQC,
    *,
    inspection: KnownInspection | None = None,
    file: EvidenceFile | None = None,
    agency: Agency = Agency.HEALTH,
    criteria: list[str] | None = None,
) -> RaiseLineOfEnquiry:
    return RaiseLineOfEnquiry(
        inspection=inspection or known(),
        file=file or EvidenceFile(),
        line_id="loe-1",
        by=by,
        agency=agency,
        case_reference=CASE,
        criteria=["68q"] if criteria is None else criteria,
        question="Why was the referral not followed up?",
    )


def answer(
    ids: list[str],
    *,
    by: Inspectorate = HMIC,
    not_citable: Mapping[str, str] | None = None,
    file: EvidenceFile | None = None,
) -> AnswerLineOfEnquiry:
    return AnswerLineOfEnquiry(
        inspection=known(),
        file=file or EvidenceFile(),
        line_id="loe-1",
        by=by,
        evidence_item_ids=ids,
        answer="The police referral reached health late.",
        not_citable=not_citable or {},
    )


def close_line(by: Inspectorate) -> CloseLineOfEnquiry:
    return CloseLineOfEnquiry(inspection=known(), line_id="loe-1", by=by, conclusion="Delay confirmed.")


RAISED = LineOfEnquiryRaised(
    inspection_id="insp-1",
    line_id="loe-1",
    raised_by=CQC,
    agency=Agency.HEALTH,
    case_reference=CASE,
    criteria=["68q"],
    question="Why was the referral not followed up?",
)
LINE_CLOSED = LineOfEnquiryClosed(
    inspection_id="insp-1", line_id="loe-1", closed_by=CQC, conclusion="Delay confirmed."
)


def test_enquiries_a_participating_inspectorate_raises_a_line() -> None:
    events = line_of_enquiry.decide(line_of_enquiry.initial, raise_line())
    assert events == [RAISED]
    assert line_of_enquiry.fold(events) == LineOfEnquiry(raised=RAISED)


def test_enquiries_an_inspectorate_not_taking_part_cannot_raise() -> None:
    violation = refused(line_of_enquiry.decide, line_of_enquiry.initial, raise_line(HMI_PRISONS))
    assert violation.rule == "004 §19-22"
    assert "hmi_prisons does not take part" in violation.message


def test_enquiries_raising_before_notice_is_rejected() -> None:
    command = raise_line(inspection=known(notified=False))
    violation = refused(line_of_enquiry.decide, line_of_enquiry.initial, command)
    assert violation.rule == WINDOW
    assert "notice has not started" in violation.message


def test_enquiries_raising_about_an_agency_not_inspected_is_rejected() -> None:
    command = raise_line(agency=Agency.CUSTODY, criteria=[])
    violation = refused(line_of_enquiry.decide, line_of_enquiry.initial, command)
    assert violation.rule == "004 §20"
    assert "custody is not inspected" in violation.message


def test_enquiries_raising_on_a_criterion_of_another_agency_is_rejected() -> None:
    command = raise_line(agency=Agency.POLICE)
    violation = refused(line_of_enquiry.decide, line_of_enquiry.initial, command)
    assert violation.rule == "004 §68 q"
    assert "criterion 68q is about health, not police" in violation.message


def test_enquiries_raising_the_same_line_twice_is_rejected() -> None:
    violation = refused(line_of_enquiry.decide, LineOfEnquiry(raised=RAISED), raise_line())
    assert violation.rule == IMMUTABLE
    assert "line of enquiry loe-1 is already raised" in violation.message


def test_enquiries_an_answer_citing_items_that_do_not_stand_is_rejected_naming_them() -> None:
    command = answer(
        ["ev-1", "ev-8", "ev-9"], not_citable={"ev-8": "withdrawn", "ev-9": "not an item of insp-1"}
    )
    violation = refused(line_of_enquiry.decide, LineOfEnquiry(raised=RAISED), command)
    assert violation.rule == ENQUIRIES
    assert "ev-8: withdrawn" in violation.message
    assert "ev-9: not an item of insp-1" in violation.message
    assert "ev-1" not in violation.message


def test_enquiries_an_answer_cites_each_item_once_in_the_order_given() -> None:
    events = line_of_enquiry.decide(LineOfEnquiry(raised=RAISED), answer(["ev-2", "ev-1", "ev-2", "ev-1"]))
    assert events == [
        LineOfEnquiryAnswered(
            inspection_id="insp-1",
            line_id="loe-1",
            answered_by=HMIC,
            evidence_item_ids=["ev-2", "ev-1"],
            answer="The police referral reached health late.",
        )
    ]
    assert line_of_enquiry.fold([RAISED, *events]) == LineOfEnquiry(raised=RAISED)  # still open


def test_enquiries_answering_a_line_never_raised_is_rejected() -> None:
    violation = refused(line_of_enquiry.decide, line_of_enquiry.initial, answer(["ev-1"]))
    assert violation.rule == ENQUIRIES
    assert "line of enquiry loe-1 is not raised" in violation.message


def test_enquiries_answering_a_closed_line_is_rejected() -> None:
    violation = refused(line_of_enquiry.decide, line_of_enquiry.fold([RAISED, LINE_CLOSED]), answer(["ev-1"]))
    assert violation.rule == ENQUIRIES
    assert "line of enquiry loe-1 is closed" in violation.message


def test_enquiries_closing_a_closed_line_is_rejected() -> None:
    violation = refused(line_of_enquiry.decide, line_of_enquiry.fold([RAISED, LINE_CLOSED]), close_line(CQC))
    assert violation.rule == ENQUIRIES


def test_enquiries_a_third_inspectorate_cannot_close_the_line() -> None:
    violation = refused(line_of_enquiry.decide, LineOfEnquiry(raised=RAISED), close_line(HMIC))
    assert violation.rule == ENQUIRIES
    assert "closed by cqc, who raised it, or the lead inspectorate, ofsted" in violation.message


@pytest.mark.parametrize("by", [OFSTED, CQC], ids=["lead", "raiser"])
def test_enquiries_the_lead_or_the_raiser_closes_the_line(by: Inspectorate) -> None:
    events = line_of_enquiry.decide(LineOfEnquiry(raised=RAISED), close_line(by))
    assert events == [
        LineOfEnquiryClosed(
            inspection_id="insp-1", line_id="loe-1", closed_by=by, conclusion="Delay confirmed."
        )
    ]
    assert line_of_enquiry.fold([RAISED, *events]) == LineOfEnquiry(raised=RAISED, closed=True)


def test_enquiries_closing_is_allowed_after_evidence_gathering_closed_but_answering_is_not() -> None:
    state = LineOfEnquiry(raised=RAISED)
    violation = refused(line_of_enquiry.decide, state, answer(["ev-1"], file=file_of([CLOSED])))
    assert violation.rule == WINDOW
    assert "evidence gathering is closed" in violation.message
    [event] = line_of_enquiry.decide(state, close_line(OFSTED))
    assert isinstance(event, LineOfEnquiryClosed)


# --- streams -------------------------------------------------------------------------------------------


def test_streams_each_item_line_and_file_has_its_own() -> None:
    assert item_stream("ev-1") == "evidence-item-ev-1"
    assert line_stream("loe-1") == "line-of-enquiry-loe-1"
    assert file_stream("insp-1") == "evidence-file-insp-1"


# --- erasure -----------------------------------------------------------------------------------------


def erase(by: Inspectorate = OFSTED, case: str = CASE) -> EraseCase:
    return EraseCase(inspection=known(), case_reference=case, by=by, basis=ErasureBasis.SUBJECT_REQUEST)


def test_erasure_the_lead_inspectorate_records_that_a_case_was_erased() -> None:
    events = evidence_file.decide(file_of([added("shared")]), erase())
    assert events == [
        CaseErased(
            inspection_id="insp-1", case_reference=CASE, erased_by=OFSTED, basis=ErasureBasis.SUBJECT_REQUEST
        )
    ]
    state = evidence_file.fold([added("shared"), *events])
    assert list(state.erased) == [CASE]
    assert CASE in state.sample("shared")  # the pseudonymous reference stays; only its text is gone


@pytest.mark.parametrize("by", [CQC, HMIC, HMI_PROBATION])
def test_erasure_by_another_inspectorate_is_forbidden(by: Inspectorate) -> None:
    with pytest.raises(Forbidden, match="only the lead inspectorate, ofsted, erases a case"):
        evidence_file.decide(EvidenceFile(), erase(by))


def test_erasure_of_a_case_already_erased_is_refused_and_another_case_is_not() -> None:
    once = evidence_file.fold(evidence_file.decide(EvidenceFile(), erase()))
    violation = refused(evidence_file.decide, once, erase())
    assert violation.rule == ERASURE
    assert f"case {CASE} is already erased" in violation.message
    assert evidence_file.decide(once, erase(case="WKF-0043"))


def test_erasure_is_recorded_after_the_close_and_after_cancellation() -> None:
    closed = file_of([CLOSED])
    command = replace(erase(), inspection=known(cancelled=True))
    assert evidence_file.decide(closed, command)


def test_immutable_an_amendment_sealing_the_same_text_again_changes_nothing() -> None:
    key = AESSIV.generate_key(512)
    summary = seal_with(key, f"insp-1/{CASE}", "The referral was not followed up.")
    history = recorded(summary=summary)
    again = details(summary=seal_with(key, f"insp-1/{CASE}", "The referral was not followed up."))
    violation = refused(evidence_item.decide, evidence_item.fold(history), correct(again))
    assert "the amendment changes nothing" in violation.message
    changed = details(summary=seal_with(key, f"insp-1/{CASE}", "The referral was followed up late."))
    assert evidence_item.decide(evidence_item.fold(history), correct(changed))


def test_004_s71_police_not_judged_on_children_looked_after() -> None:
    """004 §71, §74: HMIC judges the help and protection of all children, those looked after included, and
    makes no judgement on children looked after (§41: that one is made on the local authority and health).
    Evidence about the police filed under children looked after would bear on no judgement: it is refused,
    citing §71, and bears on help and protection instead. CQC does not review achieving permanence (§59)."""
    about_police: dict[str, Any] = {"agency": Agency.POLICE, "criteria": []}
    violation = refused(
        evidence_item.decide,
        evidence_item.initial,
        record(by=HMIC, judgement_area="looked_after", **about_police),
    )
    assert "004 §71" in paragraphs_of(violation.rule)
    assert "makes no judgement on police" in violation.message
    assert "help_and_protection" in violation.message
    health = refused(
        evidence_item.decide,
        evidence_item.initial,
        record(judgement_area="achieving_permanence", criteria=[]),
    )
    assert "004 §59" in paragraphs_of(health.rule)
    with_custody = known(  # HMI Prisons joined: custody is reported in narrative (004 §29)
        inspectorates=(*known().inspectorates, HMI_PRISONS), agencies=(*known().agencies, Agency.CUSTODY)
    )
    for accepted in (
        record(by=HMIC, judgement_area="help_and_protection", **about_police),
        record(
            with_custody, by=HMI_PRISONS, agency=Agency.CUSTODY, judgement_area="looked_after", criteria=[]
        ),
        record(by=HMIC, judgement_area="lscb", agency=Agency.POLICE, criteria=["115d"]),  # a partner's part
        record(known(MACP), judgement_area="help_and_protection", **about_police, by=HMIC),  # judged jointly
    ):
        [event] = evidence_item.decide(evidence_item.initial, accepted)
        assert isinstance(event, EvidenceItemRecorded)


def paragraphs_of(rule: str) -> set[str]:
    """ "004 §41, §44, §71" -> {"004 §41", "004 §44", "004 §71"}"""
    seed, _, rest = rule.partition(" ")
    return {f"{seed} {p.strip()}" for p in rest.split(",")}


@pytest.mark.parametrize("programme_id", ["jtai-2015", "targeted-2015"])
def test_001_proposal_three_the_inspectorates_of_a_jtai_track_and_sample_cases_together(
    programme_id: str,
) -> None:
    """001 Proposal three: teams "jointly track and sample cases ... rather than the inspectors gathering
    evidence independently": a JTAI (and Ofsted's targeted inspection, one team of three) has the shared
    sample only. Integrated 2014 and MACP 2012 keep each inspectorate's own sample (004 §35; 002 §44)."""
    programme = catalogue()[programme_id]
    inspection = known(programme)
    by = inspection.inspectorates[-1]
    violation = refused(evidence_file.decide, EvidenceFile(), change(by, by=by, inspection=inspection))
    assert violation.rule == programme.rules.shared_sample
    assert "add the case to the shared sample" in violation.message
    [shared] = evidence_file.decide(EvidenceFile(), change("shared", by=by, inspection=inspection))
    assert isinstance(shared, SampleCaseAdded)
    [own] = evidence_file.decide(EvidenceFile(), change(CQC, by=CQC))  # integrated-2014
    assert isinstance(own, SampleCaseAdded)
