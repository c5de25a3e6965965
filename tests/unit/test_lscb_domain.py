"""The inspectorates' shared evaluation of the LSCB (004 §26, §112-118; 001 Proposal one): findings
contributed against the board's criteria (004 §115 a-l) and attributed where they lie (000 §14), the lead
inspectorate's proposal (002 §11), each inspectorate's sign-off or dispute, and the final judgement.
Pure: the decider against the real programme catalogue."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from services.lscb.domain.evaluation import (
    Command,
    Contribute,
    Dispute,
    Evaluation,
    Finalise,
    Propose,
    Resolve,
    SignOff,
    evaluation,
)
from shared.language.contracts.evidence import Bearing
from shared.language.contracts.judgement import FindingKind, FindingRecorded
from shared.language.contracts.lscb import (
    LscbDisputeResolved,
    LscbEvaluationRecorded,
    LscbFindingContributed,
    LscbJudgementDisputed,
    LscbJudgementFinalised,
    LscbJudgementProposed,
    LscbJudgementSignedOff,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import catalogue
from shared.mechanics.envelope import Inspectorate
from shared.views.cited_evidence import CitedItem
from shared.views.inspections import Inspection
from tests.domain import Decisions

A = Agency
B = Bearing
G = Grade
I = Inspectorate  # noqa: E741

INTEGRATED = Inspection(
    "insp-1",
    catalogue()["integrated-2014"],
    (A.LOCAL_AUTHORITY, A.HEALTH, A.POLICE, A.PROBATION, A.YOUTH_OFFENDING_TEAM, A.CUSTODY),
    (I.OFSTED, I.CQC, I.HMIC, I.HMI_PROBATION, I.HMI_PRISONS),
)
JTAI = Inspection(
    "insp-4",
    catalogue()["jtai-2015"],
    (A.LOCAL_AUTHORITY, A.HEALTH, A.POLICE, A.PROBATION),
    (I.OFSTED, I.CQC, I.HMIC, I.HMI_PROBATION),
)
MACP = Inspection(
    "insp-2",
    catalogue()["macp-2012"],
    (A.LOCAL_AUTHORITY, A.HEALTH, A.POLICE, A.PROBATION, A.YOUTH_OFFENDING_TEAM),
    (I.OFSTED, I.CQC, I.HMIC, I.HMI_PROBATION),
)
CLA = Inspection("insp-3", catalogue()["cla-2012"], (A.LOCAL_AUTHORITY, A.HEALTH), (I.OFSTED, I.CQC))
CANCELLED = Inspection(
    INTEGRATED.inspection_id,
    INTEGRATED.programme,
    INTEGRATED.agencies,
    INTEGRATED.inspectorates,
    cancelled=True,
)

INTEGRATED_RULE = "004 §26, §113"  # the integrated programme's lscb source, and where it agrees the judgement
JTAI_RULE = "001 Proposal one"
EVIDENCE_RULE = "004 §113-114"  # integrated-2014 rules.lscb_evidence
LEAD_RULE = "004 §19"  # integrated-2014 rules.lead_inspectorate: Ofsted's single inspection is the spine
BOARD_CRITERIA = [f"115{letter}" for letter in "abcdefghijkl"]


def item(
    n: int, agency: Agency = A.LSCB, bearing: Bearing = B.STRENGTH, criteria: Sequence[str] = ()
) -> CitedItem:
    return CitedItem(f"ev-{n}", agency, bearing, tuple(criteria))


def contribute(
    *,
    inspection: Inspection = INTEGRATED,
    by: Inspectorate = I.OFSTED,
    criterion: str | None = "115a",
    bearing: Bearing = B.STRENGTH,
    attributed_to: Agency = A.LSCB,
    cited: Sequence[CitedItem] | None = None,
    unknown: Sequence[str] = (),
    contribution_id: str = "c-1",
) -> Contribute:
    return Contribute(
        inspection=inspection,
        contribution_id=contribution_id,
        by=by,
        criterion=criterion,
        bearing=bearing,
        attributed_to=attributed_to,
        text="The board's priorities are in its delivery plan.",
        cited=tuple(cited) if cited is not None else (item(1, A.LSCB, bearing),),
        unknown=tuple(unknown),
    )


def propose(
    grade: Grade | None = G.GOOD,
    *,
    inspection: Inspection = INTEGRATED,
    by: Inspectorate = I.OFSTED,
    cited: Sequence[CitedItem] | None = None,
    unknown: Sequence[str] = (),
    text: str = "The board is effective.",
) -> Propose:
    if cited is None:
        cited = (item(1, A.LSCB, B.WEAKNESS if grade is G.INADEQUATE else B.STRENGTH),)
    return Propose(
        inspection=inspection, by=by, grade=grade, text=text, cited=tuple(cited), unknown=tuple(unknown)
    )


def sign(by: Inspectorate, inspection: Inspection = INTEGRATED) -> SignOff:
    return SignOff(inspection=inspection, by=by)


def dispute(
    by: Inspectorate, reasons: str = "Training is not evaluated.", inspection: Inspection = INTEGRATED
) -> Dispute:
    return Dispute(inspection=inspection, by=by, reasons=reasons)


def resolve(by: Inspectorate, inspection: Inspection = INTEGRATED) -> Resolve:
    return Resolve(inspection=inspection, by=by, resolution="The text now names the training gap.")


def finalise(by: Inspectorate = I.OFSTED, inspection: Inspection = INTEGRATED) -> Finalise:
    return Finalise(inspection=inspection, by=by)


EVALUATION = Decisions(evaluation)
run, refused = EVALUATION.run, EVALUATION.refused


def proposed(inspection: Inspection = INTEGRATED, grade: Grade | None = G.GOOD) -> Evaluation:
    state, _ = run(evaluation.initial, propose(grade, inspection=inspection))
    return state


def signed_by_all_but(*left: Inspectorate, inspection: Inspection = INTEGRATED) -> Evaluation:
    state = proposed(inspection)
    state, _ = run(state, *(sign(i, inspection) for i in inspection.inspectorates if i not in left))
    return state


# --- contributions ---------------------------------------------------------------------------


def test_004_115_a_contribution_against_a_board_criterion_is_recorded_as_given() -> None:
    command = contribute(
        criterion="115g",
        bearing=B.WEAKNESS,
        attributed_to=A.POLICE,
        by=I.HMIC,
        cited=(item(1, A.POLICE, B.WEAKNESS), item(2, A.LSCB, B.AREA_FOR_IMPROVEMENT)),
    )
    assert evaluation.decide(evaluation.initial, command) == [
        LscbFindingContributed(
            inspection_id="insp-1",
            contribution_id="c-1",
            inspectorate=I.HMIC,
            criterion="115g",
            bearing=B.WEAKNESS,
            attributed_to=A.POLICE,
            text="The board's priorities are in its delivery plan.",
            evidence_item_ids=["ev-1", "ev-2"],
        )
    ]


@pytest.mark.parametrize("criterion", BOARD_CRITERIA)
def test_004_115_each_of_the_board_criteria_a_to_l_is_accepted(criterion: str) -> None:
    (event,) = evaluation.decide(evaluation.initial, contribute(criterion=criterion))
    assert isinstance(event, LscbFindingContributed)
    assert event.criterion == criterion


@pytest.mark.parametrize("inspection", [INTEGRATED, JTAI], ids=["integrated", "jtai"])
def test_a_contribution_against_no_criterion_is_accepted(inspection: Inspection) -> None:
    (event,) = evaluation.decide(evaluation.initial, contribute(inspection=inspection, criterion=None))
    assert isinstance(event, LscbFindingContributed)
    assert event.criterion is None


@pytest.mark.parametrize(
    "criterion",
    ["115m", "116a", "68a"],  # past l; the next paragraph; a local authority criterion of the programme
)
def test_004_115_a_criterion_outside_115_a_to_l_is_refused(criterion: str) -> None:
    error = refused(evaluation.initial, contribute(criterion=criterion))
    assert error.rule == "004 §115 a-l"
    assert criterion in error.message
    assert "115a" in error.message
    assert "115l" in error.message


@pytest.mark.parametrize("inspection", [JTAI, MACP], ids=["jtai", "macp"])
def test_004_115_a_criterion_in_a_programme_without_board_criteria_is_refused(inspection: Inspection) -> None:
    error = refused(evaluation.initial, contribute(inspection=inspection, criterion="115a"))
    assert inspection.programme.lscb is not None
    assert error.rule == inspection.programme.lscb.source  # its own paragraph, never 004's
    assert "no board criteria" in error.message


@pytest.mark.parametrize(
    ("inspection", "agency"),
    [(INTEGRATED, A.CPS), (JTAI, A.YOUTH_OFFENDING_TEAM), (JTAI, A.CUSTODY), (JTAI, A.CPS)],
    ids=["integrated-cps", "jtai-yot", "jtai-custody", "jtai-cps"],
)
def test_004_113_a_finding_attributed_to_an_agency_not_inspected_is_refused(
    inspection: Inspection, agency: Agency
) -> None:
    command = contribute(inspection=inspection, criterion=None, attributed_to=agency, cited=(item(1),))
    error = refused(evaluation.initial, command)
    # "the contribution of partners" (004 §113); a JTAI's finding is "for a particular agency" (001)
    assert (
        error.rule
        == {"integrated-2014": "004 §113", "jtai-2015": "001 Proposal four"}[inspection.programme.id]
    )
    assert str(agency) in error.message


@pytest.mark.parametrize("agency", [A.LSCB, A.PARTNERSHIP, A.LOCAL_AUTHORITY, A.PROBATION])
def test_004_113_a_finding_is_attributed_to_the_board_the_partnership_or_a_partner_inspected(
    agency: Agency,
) -> None:
    command = contribute(inspection=JTAI, criterion=None, attributed_to=agency, cited=(item(1, agency),))
    (event,) = evaluation.decide(evaluation.initial, command)
    assert isinstance(event, LscbFindingContributed)
    assert event.attributed_to is agency


def test_004_113_evidence_unknown_or_withdrawn_is_refused_naming_the_ids_and_inspection() -> None:
    error = refused(evaluation.initial, contribute(unknown=("ev-9", "ev-withdrawn")))
    assert error.rule == EVIDENCE_RULE
    assert "ev-9" in error.message
    assert "ev-withdrawn" in error.message
    assert "insp-1" in error.message


def test_004_113_evidence_not_about_the_board_or_partner_nor_tagged_with_its_criteria_is_refused() -> None:
    command = contribute(
        attributed_to=A.POLICE,
        cited=(item(1, A.POLICE), item(2, A.HEALTH), item(3, A.LOCAL_AUTHORITY, criteria=("68a",))),
    )
    error = refused(evaluation.initial, command)
    assert error.rule == EVIDENCE_RULE
    assert "ev-2" in error.message
    assert "ev-3" in error.message  # tagged, but with a local authority criterion
    assert "ev-1" not in error.message


@pytest.mark.parametrize(
    "cited",
    [
        item(1, A.LSCB),
        item(1, A.PARTNERSHIP),
        item(1, A.POLICE),
        item(1, A.HEALTH, criteria=("115d",)),
    ],
    ids=["about-the-board", "about-the-partnership", "about-the-partner", "tagged-with-115d"],
)
def test_004_113_evidence_about_the_board_the_partner_or_tagged_with_a_board_criterion_is_accepted(
    cited: CitedItem,
) -> None:
    (event,) = evaluation.decide(evaluation.initial, contribute(attributed_to=A.POLICE, cited=(cited,)))
    assert isinstance(event, LscbFindingContributed)
    assert event.evidence_item_ids == ["ev-1"]


@pytest.mark.parametrize(
    ("finding", "evidence", "accepted"),
    [
        (B.STRENGTH, B.STRENGTH, True),
        (B.STRENGTH, B.WEAKNESS, False),
        (B.STRENGTH, B.AREA_FOR_IMPROVEMENT, False),
        (B.WEAKNESS, B.WEAKNESS, True),
        (B.WEAKNESS, B.AREA_FOR_IMPROVEMENT, True),
        (B.WEAKNESS, B.STRENGTH, False),
        (B.AREA_FOR_IMPROVEMENT, B.AREA_FOR_IMPROVEMENT, True),
        (B.AREA_FOR_IMPROVEMENT, B.WEAKNESS, True),
        (B.AREA_FOR_IMPROVEMENT, B.STRENGTH, False),
    ],
)
def test_004_113_a_finding_stands_on_evidence_of_its_own_bearing(
    finding: Bearing, evidence: Bearing, accepted: bool
) -> None:
    supporting = B.STRENGTH if finding is B.STRENGTH else B.WEAKNESS
    command = contribute(bearing=finding, cited=(item(1, A.LSCB, supporting), item(2, A.LSCB, evidence)))
    if accepted:
        assert evaluation.decide(evaluation.initial, command)
        return
    error = refused(evaluation.initial, command)
    assert error.rule == EVIDENCE_RULE
    assert "ev-2" in error.message
    assert "ev-1" not in error.message


def test_004_113_a_strength_citing_a_weakness_is_refused() -> None:
    command = contribute(bearing=B.STRENGTH, cited=(item(7, A.LSCB, B.WEAKNESS),))
    error = refused(evaluation.initial, command)
    assert error.rule == EVIDENCE_RULE
    assert "strength" in error.message
    assert "ev-7" in error.message


@pytest.mark.parametrize(
    ("inspection", "outsider", "rule"),
    [(INTEGRATED, I.HMCPSI, INTEGRATED_RULE), (JTAI, I.HMI_PRISONS, JTAI_RULE)],
    ids=["integrated-hmcpsi", "jtai-hmi-prisons"],
)
def test_an_inspectorate_not_taking_part_cannot_contribute(
    inspection: Inspection, outsider: Inspectorate, rule: str
) -> None:
    error = refused(evaluation.initial, contribute(inspection=inspection, criterion=None, by=outsider))
    assert error.rule == rule
    assert str(outsider) in error.message


def test_contributions_accumulate_in_order() -> None:
    state, events = run(
        evaluation.initial,
        contribute(contribution_id="c-1", by=I.OFSTED),
        contribute(contribution_id="c-2", by=I.CQC, attributed_to=A.HEALTH, cited=(item(2, A.HEALTH),)),
    )
    assert state.contributions == tuple(events)
    assert [c.contribution_id for c in state.contributions] == ["c-1", "c-2"]


# --- the proposal ----------------------------------------------------------------------------


@pytest.mark.parametrize("by", [I.CQC, I.HMIC, I.HMI_PROBATION, I.HMI_PRISONS])
def test_004_19_only_the_lead_inspectorate_proposes_the_shared_judgement(by: Inspectorate) -> None:
    error = refused(evaluation.initial, propose(by=by))
    assert error.rule == LEAD_RULE
    assert "ofsted" in error.message


@pytest.mark.parametrize(
    ("inspection", "rule"), [(JTAI, JTAI_RULE), (MACP, "002 §51, §56")], ids=["jtai", "macp"]
)
@pytest.mark.parametrize("grade", [G.GOOD, G.INADEQUATE])
def test_a_grade_in_a_narrative_programme_is_refused_with_the_programmes_lscb_source(
    inspection: Inspection, rule: str, grade: Grade
) -> None:
    error = refused(evaluation.initial, propose(grade, inspection=inspection))
    assert error.rule == rule
    assert "narrative" in error.message
    assert inspection.programme.id in error.message


def test_001_proposal_one_a_jtai_proposes_a_narrative_without_a_grade() -> None:
    assert evaluation.decide(evaluation.initial, propose(None, inspection=JTAI)) == [
        LscbJudgementProposed(
            inspection_id="insp-4",
            proposal=1,
            grade=None,
            text="The board is effective.",
            evidence_item_ids=["ev-1"],
        )
    ]


def test_004_26_a_grade_off_the_integrated_scale_is_refused_naming_the_scale() -> None:
    error = refused(evaluation.initial, propose(G.ADEQUATE))
    assert error.rule == INTEGRATED_RULE
    assert "adequate is not on" in error.message
    assert "requires_improvement" in error.message


def test_004_26_no_grade_in_the_integrated_programme_is_refused() -> None:
    error = refused(evaluation.initial, propose(None))
    assert error.rule == INTEGRATED_RULE
    assert "a grade is needed" in error.message


@pytest.mark.parametrize("grade", [G.OUTSTANDING, G.GOOD, G.REQUIRES_IMPROVEMENT, G.INADEQUATE])
def test_004_26_each_grade_of_the_integrated_scale_is_accepted(grade: Grade) -> None:
    (event,) = evaluation.decide(evaluation.initial, propose(grade))
    assert isinstance(event, LscbJudgementProposed)
    assert event.grade is grade


def test_004_113_inadequate_needs_at_least_one_weakness() -> None:
    command = propose(G.INADEQUATE, cited=(item(1, A.LSCB, B.AREA_FOR_IMPROVEMENT),))
    error = refused(evaluation.initial, command)
    assert error.rule == EVIDENCE_RULE
    assert "inadequate" in error.message
    cited = (item(1, A.LSCB, B.AREA_FOR_IMPROVEMENT), item(2, A.LSCB, B.WEAKNESS))
    assert evaluation.decide(evaluation.initial, propose(G.INADEQUATE, cited=cited))


def test_004_113_a_proposal_cites_evidence_about_the_board_or_tagged_with_its_criteria() -> None:
    error = refused(evaluation.initial, propose(cited=(item(1, A.LSCB), item(2, A.POLICE))))
    assert error.rule == EVIDENCE_RULE
    assert "ev-2" in error.message
    tagged = (item(1, A.LSCB), item(2, A.POLICE, criteria=("115d",)))
    assert evaluation.decide(evaluation.initial, propose(cited=tagged))


def test_004_113_a_proposal_citing_unknown_evidence_is_refused() -> None:
    error = refused(evaluation.initial, propose(unknown=("ev-9",)))
    assert error.rule == EVIDENCE_RULE
    assert "ev-9" in error.message


def test_proposals_are_numbered_and_a_new_one_clears_sign_offs_and_disputes() -> None:
    state, events = run(
        evaluation.initial,
        propose(G.GOOD),
        sign(I.OFSTED),
        sign(I.CQC),
        dispute(I.HMIC),
        propose(G.REQUIRES_IMPROVEMENT, text="The board requires improvement."),
    )
    numbers = [e.proposal for e in events if isinstance(e, LscbJudgementProposed)]
    assert numbers == [1, 2]
    assert state.proposal is not None
    assert (state.proposal.proposal, state.proposal.grade) == (2, G.REQUIRES_IMPROVEMENT)
    assert state.signed_off == ()
    assert state.disputes == {}
    assert state.awaiting(INTEGRATED) == list(INTEGRATED.inspectorates)
    state, events = run(state, propose(G.GOOD))
    assert isinstance(events[0], LscbJudgementProposed)
    assert events[0].proposal == 3


def test_sign_offs_name_the_current_proposal() -> None:
    state, _ = run(evaluation.initial, propose(), propose())
    (event,) = evaluation.decide(state, sign(I.CQC))
    assert event == LscbJudgementSignedOff(inspection_id="insp-1", inspectorate=I.CQC, proposal=2)


# --- sign-off and disputes -------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [sign(I.CQC), dispute(I.CQC), resolve(I.CQC), finalise()],
    ids=["sign-off", "dispute", "resolve", "finalise"],
)
def test_nothing_is_signed_off_disputed_or_finalised_before_a_proposal(command: Command) -> None:
    error = refused(evaluation.initial, command)
    assert error.rule == INTEGRATED_RULE
    assert "no judgement of the board has been proposed" in error.message


@pytest.mark.parametrize(
    ("inspection", "outsider", "rule"),
    [(INTEGRATED, I.HMCPSI, INTEGRATED_RULE), (JTAI, I.HMI_PRISONS, JTAI_RULE)],
    ids=["integrated-hmcpsi", "jtai-hmi-prisons"],
)
def test_an_inspectorate_not_taking_part_cannot_sign_off_or_dispute(
    inspection: Inspection, outsider: Inspectorate, rule: str
) -> None:
    state = proposed(inspection, None if inspection is JTAI else G.GOOD)
    for command in (sign(outsider, inspection), dispute(outsider, inspection=inspection)):
        error = refused(state, command)
        assert error.rule == rule
        assert str(outsider) in error.message
        assert "does not take part" in error.message


def test_an_inspectorate_signs_off_a_proposal_once() -> None:
    state, _ = run(proposed(), sign(I.CQC))
    error = refused(state, sign(I.CQC))
    assert error.rule == INTEGRATED_RULE
    assert "already signed off proposal 1" in error.message


def test_an_inspectorate_disputing_the_proposal_cannot_sign_it_off_until_resolved() -> None:
    state, _ = run(proposed(), dispute(I.HMIC))
    error = refused(state, sign(I.HMIC))
    assert error.rule == INTEGRATED_RULE
    assert "resolve the dispute first" in error.message
    state, events = run(state, resolve(I.HMIC), sign(I.HMIC))
    assert events == [
        LscbDisputeResolved(
            inspection_id="insp-1",
            inspectorate=I.HMIC,
            proposal=1,
            resolution="The text now names the training gap.",
        ),
        LscbJudgementSignedOff(inspection_id="insp-1", inspectorate=I.HMIC, proposal=1),
    ]
    assert state.signed_off == (I.HMIC,)
    assert state.disputes == {}


def test_a_dispute_is_recorded_with_its_reasons() -> None:
    state, events = run(proposed(), dispute(I.CQC, "Health's part is overstated."))
    assert events == [
        LscbJudgementDisputed(
            inspection_id="insp-1", inspectorate=I.CQC, proposal=1, reasons="Health's part is overstated."
        )
    ]
    assert set(state.disputes) == {I.CQC}


@pytest.mark.parametrize(
    ("before", "command", "message"),
    [
        ((sign(I.CQC),), dispute(I.CQC), "has signed off proposal 1"),
        ((dispute(I.CQC),), dispute(I.CQC), "already disputes proposal 1"),
        ((), resolve(I.CQC), "has no open dispute of proposal 1"),
        ((dispute(I.CQC), resolve(I.CQC)), resolve(I.CQC), "has no open dispute of proposal 1"),
        ((dispute(I.HMIC),), resolve(I.CQC), "has no open dispute of proposal 1"),
    ],
    ids=[
        "dispute-after-sign-off",
        "dispute-twice",
        "resolve-without-dispute",
        "resolve-twice",
        "resolve-anothers-dispute",
    ],
)
def test_disputes_and_resolutions_out_of_turn_are_refused(
    before: Sequence[Command], command: Command, message: str
) -> None:
    state, _ = run(proposed(), *before)
    error = refused(state, command)
    assert error.rule == INTEGRATED_RULE
    assert message in error.message


# --- finalising ------------------------------------------------------------------------------


def test_finalising_awaits_the_sign_off_of_every_inspectorate_taking_part_naming_them() -> None:
    state, _ = run(proposed(), sign(I.OFSTED), sign(I.CQC))
    error = refused(state, finalise())
    assert error.rule == INTEGRATED_RULE
    assert "proposal 1 awaits the sign-off of hmic, hmi_probation, hmi_prisons" in error.message
    assert state.awaiting(INTEGRATED) == [I.HMIC, I.HMI_PROBATION, I.HMI_PRISONS]


def test_an_open_dispute_blocks_finalising_with_its_reasons() -> None:
    state = signed_by_all_but(I.HMI_PRISONS)
    state, _ = run(state, dispute(I.HMI_PRISONS, "Custody scrutiny (115l) is not evidenced."))
    error = refused(state, finalise())
    assert error.rule == INTEGRATED_RULE
    assert "disputed" in error.message
    assert "hmi_prisons: Custody scrutiny (115l) is not evidenced." in error.message


def test_resolved_and_signed_off_the_judgement_is_finalised_with_the_sign_offs_in_order() -> None:
    cited = (item(1, A.LSCB, B.STRENGTH), item(2, A.POLICE, B.STRENGTH, ("115d",)))
    state, _ = run(
        evaluation.initial,
        propose(G.GOOD, cited=cited, text="The board is good."),
        sign(I.CQC),
        dispute(I.HMI_PRISONS),
        sign(I.OFSTED),
        sign(I.HMI_PROBATION),
        sign(I.HMIC),
    )
    state, events = run(state, resolve(I.HMI_PRISONS), sign(I.HMI_PRISONS), finalise())
    final = LscbJudgementFinalised(
        inspection_id="insp-1",
        proposal=1,
        grade=G.GOOD,
        text="The board is good.",
        evidence_item_ids=["ev-1", "ev-2"],
        signed_off_by=[I.CQC, I.OFSTED, I.HMI_PROBATION, I.HMIC, I.HMI_PRISONS],
        descriptor=INTEGRATED.programme.descriptor(A.LSCB, "lscb", G.GOOD)[0],  # type: ignore[index]
        descriptor_source="004 §115 a-l",
    )
    assert events[-1] == final
    assert state.final == final


def test_001_proposal_one_a_jtai_finalises_its_narrative_without_a_grade() -> None:
    state, _ = run(evaluation.initial, propose(None, inspection=JTAI))
    state, events = run(
        state, *(sign(i, JTAI) for i in reversed(JTAI.inspectorates)), finalise(inspection=JTAI)
    )
    final = events[-1]
    assert isinstance(final, LscbJudgementFinalised)
    assert final.grade is None
    assert final.signed_off_by == [I.HMI_PROBATION, I.HMIC, I.CQC, I.OFSTED]


@pytest.mark.parametrize("by", [I.CQC, I.HMIC, I.HMI_PROBATION, I.HMI_PRISONS])
def test_004_19_only_the_lead_inspectorate_finalises(by: Inspectorate) -> None:
    error = refused(signed_by_all_but(), finalise(by))
    assert error.rule == LEAD_RULE
    assert "ofsted" in error.message


def test_finalising_the_current_proposal_after_a_revision() -> None:
    state, _ = run(proposed(), *(sign(i) for i in INTEGRATED.inspectorates))
    state, _ = run(state, propose(G.REQUIRES_IMPROVEMENT, text="Revised."))
    assert "awaits the sign-off of ofsted, cqc" in refused(state, finalise()).message
    state, events = run(state, *(sign(i) for i in INTEGRATED.inspectorates), finalise())
    final = events[-1]
    assert isinstance(final, LscbJudgementFinalised)
    assert (final.proposal, final.grade, final.text) == (2, G.REQUIRES_IMPROVEMENT, "Revised.")


def _final() -> Evaluation:
    state, _ = run(signed_by_all_but(), finalise())
    assert state.final is not None
    return state


@pytest.mark.parametrize(
    "command",
    [contribute(), propose(), sign(I.CQC), dispute(I.CQC), resolve(I.CQC), finalise()],
    ids=["contribute", "propose", "sign-off", "dispute", "resolve", "finalise"],
)
def test_after_the_judgement_is_final_every_command_is_refused(command: Command) -> None:
    error = refused(_final(), command)
    assert error.rule == INTEGRATED_RULE
    assert "final" in error.message


def test_an_evaluation_recorded_before_the_agreement_flow_is_final_too() -> None:
    legacy = LscbEvaluationRecorded(inspection_id="insp-4", summary="Effective.", evidence_item_ids=["ev-1"])
    state = evaluation.fold([legacy])
    assert state.final == legacy
    assert "final" in refused(state, contribute(inspection=JTAI, criterion=None)).message


# --- inspections that are not evaluated ------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        contribute(inspection=CANCELLED),
        propose(inspection=CANCELLED),
        sign(I.CQC, CANCELLED),
        dispute(I.CQC, inspection=CANCELLED),
        resolve(I.CQC, CANCELLED),
        finalise(inspection=CANCELLED),
    ],
    ids=["contribute", "propose", "sign-off", "dispute", "resolve", "finalise"],
)
def test_a_cancelled_inspection_is_refused(command: Command) -> None:
    error = refused(proposed(), command)
    assert error.rule == "domain.md Scheduling: a cancelled inspection takes no further commands"
    assert "cancelled" in error.message


def test_a_programme_that_does_not_evaluate_the_board_refuses_with_its_judgements_source() -> None:
    error = refused(evaluation.initial, contribute(inspection=CLA, criterion=None))
    assert error.rule == CLA.programme.judgements.source
    assert "cla-2012 does not evaluate the LSCB" in error.message


# --- the fold --------------------------------------------------------------------------------


def test_fold_of_the_events_equals_the_state_decided_step_by_step() -> None:
    other = FindingRecorded(
        inspection_id="insp-1",
        finding_id="f-1",
        kind=FindingKind.KEY_STRENGTH,
        addressed_to=A.LSCB,
        text="t",
        evidence_item_ids=["ev-1"],
    )
    state, events = run(
        evaluation.initial,
        contribute(contribution_id="c-1"),
        contribute(contribution_id="c-2", by=I.HMIC, attributed_to=A.POLICE, cited=(item(2, A.POLICE),)),
        propose(G.GOOD),
        sign(I.OFSTED),
        dispute(I.CQC),
        propose(G.REQUIRES_IMPROVEMENT),
        sign(I.OFSTED),
        dispute(I.HMIC),
        sign(I.CQC),
        resolve(I.HMIC),
    )
    assert evaluation.fold(events) == state
    assert evaluation.fold([*events[:3], other, *events[3:]]) == state
    assert state.signed_off == (I.OFSTED, I.CQC)
    assert len(state.contributions) == 2
    state, more = run(state, *(sign(i) for i in (I.HMIC, I.HMI_PROBATION, I.HMI_PRISONS)), finalise())
    assert evaluation.fold([*events, *more]) == state
    assert evaluation.fold([other]) == Evaluation()


@pytest.mark.parametrize(
    ("grade", "source", "starts"),
    [
        (G.OUTSTANDING, "004 §116", "In addition to meeting the requirements for a good judgement"),
        (G.GOOD, "004 §115 a-l", "a. The governance arrangements enable LSCB partners"),
        (G.REQUIRES_IMPROVEMENT, "004 §117", "It is not yet demonstrating the characteristics of good."),
        (G.INADEQUATE, "004 §118", "it is not demonstrating that it has effective arrangements in place"),
    ],
)
def test_004_s115_118_the_final_shared_judgement_carries_the_descriptor_of_its_grade(
    grade: Grade, source: str, starts: str
) -> None:
    """004 §115-118: the shared LSCB judgement, once final, carries the programme's descriptor of its grade
    (good is §115's criteria a-l), as the programme stated it then, for the combined document to show."""
    cited = (item(1, A.LSCB, B.WEAKNESS), item(2, A.LSCB, B.STRENGTH))
    state, _ = run(evaluation.initial, propose(grade, cited=cited))
    state, events = run(state, *(sign(i) for i in INTEGRATED.inspectorates), finalise())
    final = events[-1]
    assert isinstance(final, LscbJudgementFinalised)
    assert final.descriptor_source == source
    assert final.descriptor is not None
    assert final.descriptor.startswith(starts)
    if grade is G.GOOD:
        assert final.descriptor.count(". ") >= 12  # each criterion, a to l, by its letter
        assert "l. The LSCB effectively scrutinises the performance of custodial" in final.descriptor


def test_001_proposal_one_a_narrative_evaluation_carries_no_descriptor() -> None:
    state, _ = run(evaluation.initial, propose(None, inspection=JTAI))
    state, events = run(state, *(sign(i, JTAI) for i in JTAI.inspectorates), finalise(inspection=JTAI))
    final = events[-1]
    assert isinstance(final, LscbJudgementFinalised)
    assert (final.descriptor, final.descriptor_source) == (None, None)
