"""Findings standing on recorded evidence (001 Proposal three and four), and each programme's kinds of
finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from services.judgement.domain.findings import Findings, RecordFinding, evolve, findings
from shared.language.contracts.evidence import Bearing
from shared.language.contracts.judgement import FindingKind, FindingRecorded
from shared.language.contracts.lscb import LscbEvaluationRecorded
from shared.language.contracts.vocabulary import Agency
from shared.language.findings import finding_kinds
from shared.language.programmes import catalogue
from shared.mechanics.errors import RuleViolation
from shared.views.cited_evidence import CitedItem

JTAI_AGENCIES = (Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE, Agency.PROBATION)
STRENGTHS = (
    CitedItem("ev-s1", Agency.PARTNERSHIP, Bearing.STRENGTH),
    CitedItem("ev-s2", Agency.PARTNERSHIP, Bearing.STRENGTH),
)
WEAKNESSES = (
    CitedItem("ev-w1", Agency.PARTNERSHIP, Bearing.WEAKNESS),
    CitedItem("ev-w2", Agency.PARTNERSHIP, Bearing.WEAKNESS),
)


def finding(
    kind: FindingKind = FindingKind.KEY_STRENGTH,
    *,
    cited: Sequence[CitedItem] = STRENGTHS,
    unknown: Sequence[str] = (),
    addressed_to: Agency = Agency.PARTNERSHIP,
    finding_id: str = "f-1",
    text: str = "Strategy meetings are timely and well attended.",
) -> RecordFinding:
    return RecordFinding(
        inspection_id="insp-1",
        finding_id=finding_id,
        kind=kind,
        addressed_to=addressed_to,
        text=text,
        cited=tuple(cited),
        unknown=tuple(unknown),
        agencies=JTAI_AGENCIES,
        programme=catalogue()["jtai-2015"],
    )


def test_001_proposal_three_unknown_cited_evidence_is_rejected_naming_the_ids() -> None:
    with pytest.raises(RuleViolation) as caught:
        findings.decide(findings.initial, finding(unknown=("ev-x1", "ev-x2")))
    assert caught.value.rule == "001 Proposal three"
    assert "ev-x1" in caught.value.message
    assert "ev-x2" in caught.value.message
    assert "insp-1" in caught.value.message


def test_001_proposal_three_a_key_strength_citing_weakness_evidence_is_rejected() -> None:
    cited = (STRENGTHS[0], WEAKNESSES[1])
    with pytest.raises(RuleViolation) as caught:
        findings.decide(findings.initial, finding(FindingKind.KEY_STRENGTH, cited=cited))
    assert caught.value.rule == "001 Proposal three"
    assert "ev-w2" in caught.value.message
    assert "ev-s1" not in caught.value.message


@pytest.mark.parametrize("kind", [FindingKind.AREA_FOR_PRIORITY_ACTION, FindingKind.AREA_FOR_DEVELOPMENT])
def test_001_proposal_three_a_recommendation_citing_strength_evidence_is_rejected(kind: FindingKind) -> None:
    cited = (WEAKNESSES[0], STRENGTHS[1])
    with pytest.raises(RuleViolation) as caught:
        findings.decide(findings.initial, finding(kind, cited=cited))
    assert caught.value.rule == "001 Proposal three"
    assert "ev-s2" in caught.value.message
    assert "ev-w1" not in caught.value.message


@pytest.mark.parametrize("kind", [FindingKind.AREA_FOR_PRIORITY_ACTION, FindingKind.AREA_FOR_DEVELOPMENT])
def test_001_proposal_four_a_recommendation_citing_weakness_evidence_is_recorded(kind: FindingKind) -> None:
    [event] = findings.decide(findings.initial, finding(kind, cited=WEAKNESSES, addressed_to=Agency.POLICE))
    assert isinstance(event, FindingRecorded)
    assert event.kind is kind
    assert event.addressed_to is Agency.POLICE


@pytest.mark.parametrize("addressee", [*JTAI_AGENCIES, Agency.PARTNERSHIP, Agency.LSCB])
def test_001_proposal_four_a_finding_is_for_the_partnership_the_lscb_or_an_inspected_agency(
    addressee: Agency,
) -> None:
    [event] = findings.decide(findings.initial, finding(addressed_to=addressee))
    assert isinstance(event, FindingRecorded)
    assert event.addressed_to is addressee


def test_001_proposal_four_a_finding_for_an_agency_not_inspected_is_rejected() -> None:
    with pytest.raises(RuleViolation) as caught:
        findings.decide(findings.initial, finding(addressed_to=Agency.CUSTODY))
    assert caught.value.rule == "001 Proposal four"
    assert "custody" in caught.value.message


def test_a_valid_finding_keeps_every_field_and_the_evidence_ids_in_order() -> None:
    cited = (
        CitedItem("ev-c", Agency.PARTNERSHIP, Bearing.STRENGTH),
        CitedItem("ev-a", Agency.PARTNERSHIP, Bearing.STRENGTH),
        CitedItem("ev-b", Agency.PARTNERSHIP, Bearing.STRENGTH),
    )
    events = findings.decide(findings.initial, finding(cited=cited, addressed_to=Agency.HEALTH))
    assert events == [
        FindingRecorded(
            inspection_id="insp-1",
            finding_id="f-1",
            kind=FindingKind.KEY_STRENGTH,
            addressed_to=Agency.HEALTH,
            text="Strategy meetings are timely and well attended.",
            evidence_item_ids=["ev-c", "ev-a", "ev-b"],
        )
    ]


def test_evolve_accumulates_findings_in_order() -> None:
    commands = [
        finding(FindingKind.AREA_FOR_DEVELOPMENT, cited=WEAKNESSES, finding_id="f-1"),
        finding(FindingKind.KEY_STRENGTH, cited=STRENGTHS, finding_id="f-2"),
        finding(FindingKind.AREA_FOR_PRIORITY_ACTION, cited=WEAKNESSES[:1], finding_id="f-3"),
    ]
    state = findings.initial
    for command in commands:
        for event in findings.decide(state, command):
            state = evolve(state, event)
    assert [f.finding_id for f in state.recorded] == ["f-1", "f-2", "f-3"]
    assert [f.kind for f in state.recorded] == [
        FindingKind.AREA_FOR_DEVELOPMENT,
        FindingKind.KEY_STRENGTH,
        FindingKind.AREA_FOR_PRIORITY_ACTION,
    ]
    assert findings.fold(list(state.recorded)) == state


def test_evolve_ignores_other_events() -> None:
    other = LscbEvaluationRecorded(inspection_id="insp-1", summary="s", evidence_item_ids=["ev-1"])
    assert evolve(Findings(), other) == Findings()


@pytest.mark.parametrize(
    ("programme", "kinds"),
    [
        ("jtai-2015", ["key_strength", "area_for_priority_action", "area_for_development"]),
        ("targeted-2015", ["key_strength", "area_for_priority_action", "area_for_development"]),
        ("macp-2012", ["key_strength", "area_for_improvement"]),  # 002 §50
        ("integrated-2014", ["key_strength", "area_for_improvement"]),
        ("cla-2012", ["key_strength", "area_for_improvement"]),  # 003: what must improve
    ],
)
def test_each_programme_records_its_own_kinds_of_finding(programme: str, kinds: list[str]) -> None:
    assert [k.value for k in finding_kinds(catalogue()[programme])] == kinds


def test_a_recommendation_the_programme_does_not_make_is_refused_naming_its_source() -> None:
    macp = catalogue()["macp-2012"]
    command = replace(finding(FindingKind.AREA_FOR_PRIORITY_ACTION, cited=WEAKNESSES), programme=macp)
    with pytest.raises(RuleViolation) as caught:
        findings.decide(findings.initial, command)
    assert caught.value.rule == "002 §50, §58"
    assert "area for priority action" in caught.value.message


def test_003_cla_findings_say_what_must_improve() -> None:
    """003: the CLA inspections "identify strengths and weaknesses in local arrangements and contribute to
    improvements": its report says what must improve, not only its key strengths."""
    cla = catalogue()["cla-2012"]
    command = replace(
        finding(FindingKind.AREA_FOR_IMPROVEMENT, cited=WEAKNESSES, addressed_to=Agency.HEALTH),
        agencies=(Agency.LOCAL_AUTHORITY, Agency.HEALTH),
        programme=cla,
    )
    [event] = findings.decide(findings.initial, command)
    assert isinstance(event, FindingRecorded)
    assert event.kind is FindingKind.AREA_FOR_IMPROVEMENT
    with pytest.raises(RuleViolation) as caught:
        findings.decide(findings.initial, replace(command, kind=FindingKind.AREA_FOR_PRIORITY_ACTION))
    assert caught.value.rule == "003 Notes to Editors"
