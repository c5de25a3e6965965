"""Graded and narrative judgements per programme, the limiting rules against their paragraphs, and
moderation. Pure: the decider against the real programme catalogue."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from services.judgement.domain.judgements import (
    Advance,
    FlagWithdrawn,
    Judgements,
    Propose,
    Step,
    judgements,
)
from services.judgement.domain.limiting import derive
from shared.language.contracts.evidence import Bearing
from shared.language.contracts.judgement import (
    JudgementFinalised,
    JudgementFlaggedForReview,
    JudgementProposed,
    JudgementReturned,
    JudgementRevised,
    JudgementStatus,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import catalogue
from shared.mechanics.envelope import Inspectorate
from shared.views.cited_evidence import CitedItem
from shared.views.inspections import Inspection
from tests.domain import Decisions

A = Agency
G = Grade
I = Inspectorate  # noqa: E741

INTEGRATED = Inspection(
    "insp-1",
    catalogue()["integrated-2014"],
    (A.LOCAL_AUTHORITY, A.HEALTH, A.POLICE, A.PROBATION, A.YOUTH_OFFENDING_TEAM, A.CUSTODY),
    (I.OFSTED, I.CQC, I.HMIC, I.HMI_PROBATION, I.HMI_PRISONS),
)
MACP = Inspection(
    "insp-2",
    catalogue()["macp-2012"],
    (A.LOCAL_AUTHORITY, A.HEALTH, A.POLICE, A.PROBATION, A.YOUTH_OFFENDING_TEAM),
    (I.OFSTED, I.CQC, I.HMIC, I.HMI_PROBATION),
)
CLA = Inspection("insp-3", catalogue()["cla-2012"], (A.LOCAL_AUTHORITY, A.HEALTH), (I.OFSTED, I.CQC))
JTAI = Inspection(
    "insp-4",
    catalogue()["jtai-2015"],
    (A.LOCAL_AUTHORITY, A.HEALTH, A.POLICE, A.PROBATION),
    (I.OFSTED, I.CQC, I.HMIC, I.HMI_PROBATION),
)
JUDGES = {A.LOCAL_AUTHORITY: I.OFSTED, A.HEALTH: I.CQC, A.POLICE: I.HMIC, A.PARTNERSHIP: I.OFSTED}
# 004 is silent on moderation and quality assurance: Integrated 2014 cites the domain brief for them.
QUALITY = INTEGRATED.programme.rules.quality_assurance


def cited(agency: Agency, *bearings: Bearing) -> tuple[CitedItem, ...]:
    return tuple(CitedItem(f"ev-{agency}-{n}", agency, b) for n, b in enumerate(bearings, start=1))


def propose(
    agency: Agency,
    area: str,
    grade: Grade | None,
    *,
    inspection: Inspection = INTEGRATED,
    by: Inspectorate | None = None,
    evidence: Sequence[CitedItem] | None = None,
    unknown: Sequence[str] = (),
    rationale: str | None = None,
    understand: bool = False,
    reason: str | None = None,
) -> Propose:
    if evidence is None:
        evidence = cited(agency, Bearing.WEAKNESS if grade is G.INADEQUATE else Bearing.STRENGTH)
    return Propose(
        inspection=inspection,
        agency=agency,
        judgement_area=area,
        grade=grade,
        text=f"{agency} on {area}.",
        cited=tuple(evidence),
        unknown=tuple(unknown),
        by=by or JUDGES.get(agency, I.OFSTED),
        rationale=rationale,
        leaders_understand_failure=understand,
        reason=reason,
    )


JUDGEMENTS = Decisions(judgements)
run, refused = JUDGEMENTS.run, JUDGEMENTS.refused


def graded(state: Judgements, agency: Agency, grades: dict[str, Grade]) -> Judgements:
    for area, grade in grades.items():  # with a rationale, in case a limiting rule applies
        state, _ = run(state, propose(agency, area, grade, rationale="As the evidence shows."))
    return state


def paragraphs(rule: str) -> set[str]:
    """ "004 §9, §29, §41" -> {"004 §9", "004 §29", "004 §41"}"""
    if "§" not in rule:
        return {rule}
    seed, _, first = rule.partition(" ")
    return {f"{seed} {p.strip()}" if p.strip().startswith("§") else p.strip() for p in first.split(",")}


# The limiting rules, each against its paragraph: (agency, judged area, contributing grades, leaders
# understand the failure, the grade the rule derives or None).
OVERALL = "overall_effectiveness"
LIMITING = [
    # 004 §67: health's overall is likely inadequate if any contributing judgement is inadequate.
    ("004 §67", A.HEALTH, OVERALL,
     {"help_and_protection": G.INADEQUATE, "looked_after": G.GOOD, "leadership": G.GOOD},
     False, G.INADEQUATE),
    ("004 §67", A.HEALTH, OVERALL,
     {"help_and_protection": G.GOOD, "looked_after": G.INADEQUATE, "leadership": G.GOOD},
     False, G.INADEQUATE),
    ("004 §67", A.HEALTH, OVERALL,
     {"help_and_protection": G.GOOD, "looked_after": G.GOOD, "leadership": G.INADEQUATE},
     False, G.INADEQUATE),
    ("004 §67", A.HEALTH, OVERALL,
     {"help_and_protection": G.REQUIRES_IMPROVEMENT, "looked_after": G.GOOD, "leadership": G.OUTSTANDING},
     False, None),
    # 004 §79: the police's overall, from help and protection and leadership only (§74).
    ("004 §79", A.POLICE, "overall_effectiveness",
     {"help_and_protection": G.INADEQUATE, "leadership": G.GOOD},
     False, G.INADEQUATE),
    ("004 §79", A.POLICE, "overall_effectiveness",
     {"help_and_protection": G.GOOD, "leadership": G.INADEQUATE},
     False, G.INADEQUATE),
    ("004 §79", A.POLICE, "overall_effectiveness",
     {"help_and_protection": G.REQUIRES_IMPROVEMENT, "leadership": G.REQUIRES_IMPROVEMENT}, False, None),
    # 004 §70: health's leadership, if either main judgement is inadequate and leaders lack understanding.
    ("004 §70", A.HEALTH, "leadership", {"help_and_protection": G.INADEQUATE, "looked_after": G.GOOD},
     False, G.INADEQUATE),
    ("004 §70", A.HEALTH, "leadership", {"help_and_protection": G.GOOD, "looked_after": G.INADEQUATE},
     False, G.INADEQUATE),
    ("004 §70", A.HEALTH, "leadership", {"help_and_protection": G.INADEQUATE, "looked_after": G.GOOD},
     True, None),
    ("004 §70", A.HEALTH, "leadership", {"help_and_protection": G.GOOD, "looked_after": G.GOOD}, False, None),
    # 004 §81: the police's leadership, if help and protection is inadequate and leaders lack understanding.
    ("004 §81", A.POLICE, "leadership", {"help_and_protection": G.INADEQUATE}, False, G.INADEQUATE),
    ("004 §81", A.POLICE, "leadership", {"help_and_protection": G.INADEQUATE}, True, None),
    ("004 §81", A.POLICE, "leadership", {"help_and_protection": G.REQUIRES_IMPROVEMENT}, False, None),
]  # fmt: skip


@pytest.mark.parametrize(("source", "agency", "area", "grades", "understand", "expected"), LIMITING)
def test_each_limiting_rule_derives_as_its_paragraph_says(
    source: str, agency: Agency, area: str, grades: dict[str, Grade], understand: bool, expected: Grade | None
) -> None:
    rules = derive(INTEGRATED.programme, agency, area, grades, understand)
    if expected is None:
        assert rules == []
    else:
        assert [r.source for r in rules] == [source]
        assert rules[0].leads_to is expected
        assert rules[0].because == [a for a, g in grades.items() if g is G.INADEQUATE]


@pytest.mark.parametrize(("source", "agency", "area", "grades", "understand", "expected"), LIMITING)
def test_a_grade_departing_from_the_derived_one_needs_a_rationale(
    source: str, agency: Agency, area: str, grades: dict[str, Grade], understand: bool, expected: Grade | None
) -> None:
    state = graded(Judgements(), agency, {a: g for a, g in grades.items() if a != area})
    other = G.REQUIRES_IMPROVEMENT
    if expected is None:  # nothing derived: any grade stands without a rationale
        [event] = judgements.decide(state, propose(agency, area, other, understand=understand))
        assert isinstance(event, JudgementProposed)
        assert event.derived_grade is None
        return
    violation = refused(state, propose(agency, area, other, understand=understand))
    assert violation.rule == source
    assert "rationale" in violation.message
    [event] = judgements.decide(
        state, propose(agency, area, other, understand=understand, rationale="Leaders acted at once.")
    )
    assert isinstance(event, JudgementProposed)
    assert (event.derived_grade, event.grade, event.rationale) == (expected, other, "Leaders acted at once.")
    assert [r.source for r in event.limiting_rules] == [source]
    [agreeing] = judgements.decide(state, propose(agency, area, expected, understand=understand))
    assert isinstance(agreeing, JudgementProposed)
    assert agreeing.rationale is None


def test_the_local_authority_has_no_limiting_rule_in_the_seeds() -> None:
    grades = {"help_and_protection": G.INADEQUATE, "looked_after": G.INADEQUATE, "leadership": G.INADEQUATE}
    assert derive(INTEGRATED.programme, A.LOCAL_AUTHORITY, "overall_effectiveness", grades, False) == []


def test_004_s41_overall_effectiveness_is_cumulative_so_its_parts_come_first() -> None:
    state = graded(Judgements(), A.POLICE, {"help_and_protection": G.GOOD})
    violation = refused(state, propose(A.POLICE, "overall_effectiveness", G.GOOD))
    assert violation.rule == "004 §41"
    assert "leadership" in violation.message
    assert "looked_after" not in violation.message  # the police are not judged on it (§71)
    state = graded(state, A.POLICE, {"leadership": G.GOOD})
    [event] = judgements.decide(state, propose(A.POLICE, "overall_effectiveness", G.GOOD))
    assert isinstance(event, JudgementProposed)


# Bad input: each refused with the rule and paragraph, and nothing decided.
BAD = [
    ("requires improvement in MACP 2012", propose(A.PARTNERSHIP, "help_and_protection",
     G.REQUIRES_IMPROVEMENT, inspection=MACP), "002 §24", "requires_improvement"),
    ("adequate in Integrated 2014", propose(A.HEALTH, "help_and_protection", G.ADEQUATE), "004 §29",
     "adequate"),
    ("a graded judgement with no grade", propose(A.HEALTH, "help_and_protection", None), "004 §29",
     "a grade is needed"),
    ("any grade in a JTAI", propose(A.PARTNERSHIP, "deep_dive", G.GOOD, inspection=JTAI), "001 Proposal four",
     "no graded judgement"),
    ("a narrative in a JTAI", propose(A.PARTNERSHIP, "deep_dive", None, inspection=JTAI),
     "001 Proposal four", "findings"),
    ("an area the programme does not have", propose(A.HEALTH, "quality_of_practice", G.GOOD), "004 §29",
     "quality_of_practice"),
    ("the police on children looked after", propose(A.POLICE, "looked_after", G.GOOD), "004 §71",
     "police"),
    ("the police on achieving permanence", propose(A.POLICE, "achieving_permanence", G.GOOD), "004 §71",
     "police"),
    ("a grade for probation", propose(A.PROBATION, "help_and_protection", G.GOOD, by=I.HMI_PROBATION),
     "004 §29", "narrative"),
    ("a separate agency judgement in MACP", propose(A.HEALTH, "help_and_protection", G.GOOD,
     inspection=MACP, by=I.CQC), "002 §24", "narrative"),
    ("health judged by HMIC", propose(A.HEALTH, "help_and_protection", G.GOOD, by=I.HMIC), "004 §40",
     "cqc"),
    ("an inspectorate not taking part", propose(A.PARTNERSHIP, "leadership", G.GOOD, inspection=MACP,
     by=I.HMI_PRISONS), "002 §11", "hmi_prisons"),
    ("the LSCB, judged jointly elsewhere", propose(A.LSCB, "lscb", G.GOOD), "004 §26", "lscb service"),
    ("uncited or withdrawn evidence", propose(A.HEALTH, "leadership", G.GOOD, unknown=("ev-gone",)),
     "004 §48", "ev-gone"),
    ("no evidence at all", propose(A.HEALTH, "leadership", G.GOOD, evidence=()), "004 §48", "cites"),
    ("inadequate without a weakness", propose(A.HEALTH, "leadership", G.INADEQUATE,
     evidence=cited(A.HEALTH, Bearing.STRENGTH, Bearing.AREA_FOR_IMPROVEMENT)), "004 §48", "weakness"),
    ("evidence about another agency", propose(A.HEALTH, "leadership", G.GOOD,
     evidence=cited(A.POLICE, Bearing.STRENGTH)), "004 §48", "ev-police-1"),
    ("a revision of a judgement that is not final", propose(A.HEALTH, "leadership", G.GOOD,
     reason="New evidence."), QUALITY, "propose it instead"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "rule", "named"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_refused_naming_the_rule(command: Propose, rule: str, named: str) -> None:
    violation = refused(Judgements(), command)
    assert rule in paragraphs(violation.rule)
    assert named in violation.message


def test_structures_per_programme() -> None:
    # MACP 2012: four shared judgements for the area on the 2012 scale.
    [macp] = judgements.decide(Judgements(), propose(A.PARTNERSHIP, "quality_of_practice", G.ADEQUATE,
                                                      inspection=MACP, by=I.CQC))  # fmt: skip
    assert isinstance(macp, JudgementProposed)
    assert macp.grade is G.ADEQUATE
    # CLA 2012: the sub-judgement on adoption performance is a judgement of its own.
    [cla] = judgements.decide(Judgements(), propose(A.LOCAL_AUTHORITY, "adoption_performance", G.GOOD,
                                                     inspection=CLA))  # fmt: skip
    assert isinstance(cla, JudgementProposed)
    # Integrated 2014: narrative, no grade, for HMI Probation and HMI Prisons (004 §29).
    [narrative] = judgements.decide(
        Judgements(), propose(A.CUSTODY, "help_and_protection", None, by=I.HMI_PRISONS)
    )
    assert isinstance(narrative, JudgementProposed)
    assert narrative.grade is None
    # MACP comments on each agency in narrative (002 §50, §59).
    [comment] = judgements.decide(
        Judgements(), propose(A.HEALTH, "help_and_protection", None, inspection=MACP, by=I.CQC)
    )
    assert isinstance(comment, JudgementProposed)


def step(
    agency: Agency, area: str, s: Step, by: Inspectorate = I.OFSTED, reason: str | None = None
) -> Advance:
    return Advance(INTEGRATED, agency, area, s, by, reason)


def through_moderation(state: Judgements, agency: Agency, area: str) -> Judgements:
    state, _ = run(
        state,
        step(agency, area, Step.MODERATE),
        step(agency, area, Step.QUALITY_ASSURE),
        step(agency, area, Step.FINALISE, JUDGES[agency]),
    )
    return state


def test_moderation_runs_in_order_and_each_step_by_its_inspectorate() -> None:
    state = graded(Judgements(), A.HEALTH, {"help_and_protection": G.GOOD})
    key = (A.HEALTH, "help_and_protection")
    out_of_order = [
        step(A.HEALTH, "help_and_protection", Step.QUALITY_ASSURE),
        step(A.HEALTH, "help_and_protection", Step.FINALISE, I.CQC),
    ]
    for command in out_of_order:
        assert refused(state, command).rule == QUALITY
    assert refused(state, step(A.HEALTH, "help_and_protection", Step.MODERATE, I.CQC)).rule == "004 §19"
    state, _ = run(state, step(A.HEALTH, "help_and_protection", Step.MODERATE))
    assert state.by_key[key].status is JudgementStatus.MODERATED
    assert refused(state, step(A.HEALTH, "help_and_protection", Step.MODERATE)).rule == QUALITY
    state, _ = run(state, step(A.HEALTH, "help_and_protection", Step.QUALITY_ASSURE))
    # Signed off by the inspectorate that judges health, not the lead.
    assert refused(state, step(A.HEALTH, "help_and_protection", Step.FINALISE)).rule == "004 §40"
    state, [final] = run(state, step(A.HEALTH, "help_and_protection", Step.FINALISE, I.CQC))
    assert isinstance(final, JudgementFinalised)
    assert state.by_key[key].status is JudgementStatus.FINAL
    # A final judgement changes only by a revision with a reason.
    violation = refused(state, propose(A.HEALTH, "help_and_protection", G.OUTSTANDING))
    assert "revision" in violation.message
    state, [revised] = run(
        state, propose(A.HEALTH, "help_and_protection", G.OUTSTANDING, reason="QA found more.")
    )
    assert isinstance(revised, JudgementRevised)
    assert (state.by_key[key].status, state.by_key[key].revisions) == (JudgementStatus.PROPOSED, 1)


def test_a_returned_judgement_is_proposed_again_before_moderation() -> None:
    state = graded(Judgements(), A.POLICE, {"help_and_protection": G.GOOD})
    assert refused(state, step(A.POLICE, "help_and_protection", Step.RETURN, I.HMIC, "No.")).rule == "004 §19"
    state, [returned] = run(
        state, step(A.POLICE, "help_and_protection", Step.RETURN, reason="Cite the audit.")
    )
    assert isinstance(returned, JudgementReturned)
    assert returned.returned_from is JudgementStatus.PROPOSED
    violation = refused(state, step(A.POLICE, "help_and_protection", Step.MODERATE))
    assert "propose it again" in violation.message
    state = graded(state, A.POLICE, {"help_and_protection": G.REQUIRES_IMPROVEMENT})
    state, _ = run(state, step(A.POLICE, "help_and_protection", Step.MODERATE))
    assert state.by_key[(A.POLICE, "help_and_protection")].status is JudgementStatus.MODERATED


def test_the_derivation_is_checked_again_at_every_step() -> None:
    # Overall proposed good; then leadership is proposed again as inadequate: §79 now applies.
    state = graded(Judgements(), A.POLICE, {"help_and_protection": G.GOOD, "leadership": G.GOOD})
    state, _ = run(state, propose(A.POLICE, "overall_effectiveness", G.GOOD))  # no rationale: none needed
    state, _ = run(state, propose(A.POLICE, "leadership", G.INADEQUATE))
    violation = refused(state, step(A.POLICE, "overall_effectiveness", Step.MODERATE))
    assert violation.rule == "004 §79"
    assert "since it was proposed" in violation.message


def test_a_cumulative_judgement_is_final_only_after_its_parts() -> None:
    state = graded(Judgements(), A.POLICE, {"help_and_protection": G.GOOD, "leadership": G.GOOD})
    state = graded(state, A.POLICE, {"overall_effectiveness": G.GOOD})
    state, _ = run(
        state,
        step(A.POLICE, "overall_effectiveness", Step.MODERATE),
        step(A.POLICE, "overall_effectiveness", Step.QUALITY_ASSURE),
    )
    violation = refused(state, step(A.POLICE, "overall_effectiveness", Step.FINALISE, I.HMIC))
    assert violation.rule == "004 §41"
    for area in ("help_and_protection", "leadership"):
        state = through_moderation(state, A.POLICE, area)
    state, [final] = run(state, step(A.POLICE, "overall_effectiveness", Step.FINALISE, I.HMIC))
    assert isinstance(final, JudgementFinalised)


def test_a_withdrawal_flags_each_citing_judgement_once_and_blocks_it_until_proposed_again() -> None:
    item = CitedItem("ev-shared", A.HEALTH, Bearing.STRENGTH)
    state, _ = run(Judgements(), propose(A.HEALTH, "help_and_protection", G.GOOD, evidence=(item,)))
    state = through_moderation(state, A.HEALTH, "help_and_protection")
    state, _ = run(state, propose(A.HEALTH, "leadership", G.GOOD))
    flag = FlagWithdrawn("insp-1", "ev-shared", "evidence item ev-shared was withdrawn by cqc: wrong case")
    state, flagged = run(state, flag)
    assert [(e.agency, e.judgement_area) for e in flagged if isinstance(e, JudgementFlaggedForReview)] == [
        (A.HEALTH, "help_and_protection")
    ]
    assert judgements.decide(state, flag) == []  # redelivered: nothing twice
    key = (A.HEALTH, "help_and_protection")
    assert state.by_key[key].status is JudgementStatus.FINAL  # still the judgement of record, flagged
    state, [revised] = run(state, propose(A.HEALTH, "help_and_protection", G.GOOD, reason="Re-cited."))
    assert isinstance(revised, JudgementRevised)
    assert state.by_key[key].flags == ()


def test_a_flagged_judgement_does_not_move_on() -> None:
    item = CitedItem("ev-1", A.POLICE, Bearing.STRENGTH)
    state, _ = run(Judgements(), propose(A.POLICE, "help_and_protection", G.GOOD, evidence=(item,)))
    state, _ = run(state, FlagWithdrawn("insp-1", "ev-1", "evidence item ev-1 was withdrawn"))
    violation = refused(state, step(A.POLICE, "help_and_protection", Step.MODERATE))
    assert "flagged for review" in violation.message


def test_a_cancelled_inspection_is_not_judged() -> None:
    cancelled = Inspection(**{**INTEGRATED.__dict__, "cancelled": True})
    violation = refused(Judgements(), propose(A.HEALTH, "leadership", G.GOOD, inspection=cancelled))
    assert "cancelled" in violation.message


def test_folding_the_events_gives_the_same_state() -> None:
    state, events = run(Judgements(), propose(A.HEALTH, "help_and_protection", G.GOOD))
    state, more = run(state, step(A.HEALTH, "help_and_protection", Step.MODERATE))
    assert judgements.fold([*events, *more]) == state


def test_004_s79_s81_revising_a_contributing_judgement_flags_the_final_limited_judgements() -> None:
    """004 §79, §81: help and protection revised to inadequate after the police's overall effectiveness
    (requires improvement) and leadership (good) are final. Neither may stand untouched: each is flagged
    for review, citing the limiting rule, and moves only by a revision with a new grade or a rationale."""
    state = graded(Judgements(), A.POLICE, {"help_and_protection": G.GOOD, "leadership": G.GOOD})
    for area in ("help_and_protection", "leadership"):
        state = through_moderation(state, A.POLICE, area)
    state, _ = run(state, propose(A.POLICE, OVERALL, G.REQUIRES_IMPROVEMENT))
    state = through_moderation(state, A.POLICE, OVERALL)

    weakness = cited(A.POLICE, Bearing.WEAKNESS)
    revision = propose(A.POLICE, "help_and_protection", G.INADEQUATE, evidence=weakness, reason="New audit.")
    state, [revised, *raised] = run(state, revision)
    assert isinstance(revised, JudgementRevised)
    flags = [f for f in raised if isinstance(f, JudgementFlaggedForReview)]
    assert flags == raised
    assert [(f.judgement_area, [r.source for r in f.limiting_rules], f.evidence_item_id) for f in flags] == [
        ("leadership", ["004 §81"], None),
        (OVERALL, ["004 §79"], None),
    ]
    assert "likely to be inadequate" in flags[1].reason
    for area in ("leadership", OVERALL):
        assert state.by_key[(A.POLICE, area)].status is JudgementStatus.FINAL  # of record, but flagged
        assert state.by_key[(A.POLICE, area)].flags

    # The same grade again needs a rationale; a new grade, or a rationale, clears the flag.
    violation = refused(state, propose(A.POLICE, OVERALL, G.REQUIRES_IMPROVEMENT, reason="Unchanged."))
    assert violation.rule == "004 §79"
    assert "rationale" in violation.message
    state, [overall] = run(state, propose(A.POLICE, OVERALL, G.INADEQUATE, evidence=weakness, reason="§79."))
    assert isinstance(overall, JudgementRevised)
    assert state.by_key[(A.POLICE, OVERALL)].flags == ()
    state, [leadership] = run(
        state,
        propose(A.POLICE, "leadership", G.GOOD, reason="Leaders acted.", rationale="Leaders acted at once.",
                understand=True),
    )  # fmt: skip
    assert isinstance(leadership, JudgementRevised)
    assert state.by_key[(A.POLICE, "leadership")].flags == ()


def test_004_s67_s70_a_contributing_judgement_proposed_again_flags_a_final_leadership_once() -> None:
    """A contributing judgement still in moderation, proposed again as inadequate, flags health's final
    leadership (004 §70), once; a judgement in moderation is checked at its next step instead (§67)."""
    state = graded(Judgements(), A.HEALTH, {"help_and_protection": G.GOOD, "looked_after": G.GOOD,
                                            "leadership": G.GOOD})  # fmt: skip
    state = through_moderation(state, A.HEALTH, "leadership")
    state, _ = run(state, propose(A.HEALTH, OVERALL, G.GOOD))  # proposed, not final
    weakness = cited(A.HEALTH, Bearing.WEAKNESS)
    state, [_, flag] = run(state, propose(A.HEALTH, "looked_after", G.INADEQUATE, evidence=weakness))
    assert isinstance(flag, JudgementFlaggedForReview)
    assert (flag.judgement_area, [r.source for r in flag.limiting_rules]) == ("leadership", ["004 §70"])
    # Proposed again, still inadequate: the leadership judgement is flagged for it already.
    state, [again] = run(state, propose(A.HEALTH, "looked_after", G.INADEQUATE, evidence=weakness))
    assert isinstance(again, JudgementProposed)
    violation = refused(state, step(A.HEALTH, OVERALL, Step.MODERATE))
    assert violation.rule == "004 §67"
