"""Evidence items as they stand and their triangulation (shared/views/evidence_items.py): corroboration by two
independent sources, contested areas, per-criterion views and coverage (001 Proposal three; 004 §24, §35)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest

from shared.language.contracts.evidence import (
    Activity,
    Bearing,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    SampleCaseAdded,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme, catalogue
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.views.evidence_items import (
    CORROBORATED,
    AgencyEvidence,
    Coverage,
    Finding,
    ItemView,
    Triangulation,
    coverage_areas,
    findings,
    fold,
    triangulate,
)
from tests.domain import RECORDED_AT, item_view

OFSTED, CQC, HMIC = Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC
INTEGRATED = catalogue()["integrated-2014"]
JTAI = catalogue()["jtai-2015"]
AGENCIES = (Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE)
T0 = RECORDED_AT
# integrated-2014's areas that evidence about a single agency is gathered for: not the cumulative
# overall effectiveness, and not the board's own graded area.
AGENCY_AREAS = [
    "help_and_protection",
    "looked_after",
    "achieving_permanence",
    "adoption_performance",
    "care_leavers",
    "leadership",
]


def view(items: Sequence[ItemView], programme: Programme = INTEGRATED) -> Triangulation:
    return triangulate("insp-1", programme, AGENCIES, items)


def about(triangulation: Triangulation, agency: Agency) -> AgencyEvidence:
    [found] = [a for a in triangulation.agencies if a.agency is agency]
    return found


# --- findings: corroboration ----------------------------------------------------------------------------


def test_corroboration_two_inspectorates_corroborate_a_finding() -> None:
    [finding] = findings([item_view("ev-1", by=CQC), item_view("ev-2", by=OFSTED)])
    assert finding == Finding(
        bearing=Bearing.STRENGTH,
        evidence_item_ids=["ev-1", "ev-2"],
        inspectorates=[CQC, OFSTED],
        activities=["case_sampling"],
        case_references=["WKF-0001"],
        corroborated=True,
    )


def test_corroboration_one_inspectorate_with_two_activities_corroborates_a_finding() -> None:
    [finding] = findings(
        [
            item_view("ev-1", activity=Activity.CASE_TRACKING, case="WKF-0002"),
            item_view("ev-2", activity=Activity.DISCUSSION_WITH_PRACTITIONER, case=None),
        ]
    )
    assert finding.corroborated
    assert finding.inspectorates == [CQC]
    assert finding.activities == ["case_tracking", "discussion_with_practitioner"]
    assert finding.case_references == ["WKF-0002"]


def test_corroboration_one_inspectorate_with_one_activity_does_not_corroborate() -> None:
    [finding] = findings([item_view("ev-1", case="WKF-0002"), item_view("ev-2", case="WKF-0001")])
    assert not finding.corroborated
    assert finding.evidence_item_ids == ["ev-1", "ev-2"]
    assert finding.case_references == ["WKF-0001", "WKF-0002"]


def test_corroboration_a_single_item_does_not_corroborate() -> None:
    [finding] = findings([item_view("ev-1")])
    assert not finding.corroborated


def test_findings_one_per_bearing_in_the_order_strength_weakness_area_for_improvement() -> None:
    found = findings(
        [
            item_view("ev-1", bearing=Bearing.AREA_FOR_IMPROVEMENT),
            item_view("ev-2", bearing=Bearing.WEAKNESS),
            item_view("ev-3", bearing=Bearing.STRENGTH, by=OFSTED),
            item_view("ev-4", bearing=Bearing.WEAKNESS, by=HMIC),
        ]
    )
    assert [(f.bearing, f.evidence_item_ids, f.corroborated) for f in found] == [
        (Bearing.STRENGTH, ["ev-3"], False),
        (Bearing.WEAKNESS, ["ev-2", "ev-4"], True),
        (Bearing.AREA_FOR_IMPROVEMENT, ["ev-1"], False),
    ]


def test_findings_of_no_items_are_none() -> None:
    assert findings([]) == []


# --- triangulation per agency and area -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("bearings", "contested"),
    [
        ((Bearing.STRENGTH, Bearing.WEAKNESS), True),
        ((Bearing.STRENGTH, Bearing.AREA_FOR_IMPROVEMENT), True),
        ((Bearing.WEAKNESS, Bearing.AREA_FOR_IMPROVEMENT), False),
        ((Bearing.STRENGTH, Bearing.STRENGTH), False),
        ((Bearing.WEAKNESS,), False),
    ],
)
def test_contested_a_strength_and_a_shortcoming_in_one_area(
    bearings: tuple[Bearing, ...], contested: bool
) -> None:
    items = [item_view(f"ev-{n}", bearing=b) for n, b in enumerate(bearings)]
    [area] = about(view(items), Agency.HEALTH).areas
    assert area.judgement_area == "help_and_protection"
    assert area.contested is contested


def test_contested_only_within_one_area() -> None:
    items = [
        item_view("ev-1", bearing=Bearing.STRENGTH),
        item_view("ev-2", area="looked_after", bearing=Bearing.WEAKNESS),
    ]
    areas = about(view(items), Agency.HEALTH).areas
    assert [(a.judgement_area, a.contested) for a in areas] == [
        ("help_and_protection", False),
        ("looked_after", False),
    ]


def test_triangulation_groups_by_agency_then_area_in_the_order_recorded() -> None:
    items = [
        item_view("ev-1", area="leadership"),
        item_view("ev-2", by=HMIC, agency=Agency.POLICE, bearing=Bearing.WEAKNESS),
        item_view("ev-3", by=OFSTED, area="help_and_protection"),
        item_view("ev-4", by=OFSTED, area="leadership"),
    ]
    result = view(items)
    health = about(result, Agency.HEALTH)
    assert health.items == 3
    assert [a.judgement_area for a in health.areas] == ["leadership", "help_and_protection"]
    [leadership, help_and_protection] = health.areas
    assert [f.evidence_item_ids for f in leadership.findings] == [["ev-1", "ev-4"]]
    assert [f.evidence_item_ids for f in help_and_protection.findings] == [["ev-3"]]
    assert health.corroborated_findings == 1  # leadership: cqc and ofsted
    police = about(result, Agency.POLICE)
    assert (police.items, police.corroborated_findings) == (1, 0)
    assert (result.items, result.corroborated_findings) == (4, 1)
    # Integrated 2014's own paragraph for triangulation, never the JTAI's (001 Proposal three).
    assert result.rule == f"004 §35, §48: {CORROBORATED}"
    assert (result.inspection_id, result.programme) == ("insp-1", "integrated-2014")


def test_withdrawn_items_are_left_out_everywhere() -> None:
    items = [
        item_view("ev-1", by=CQC, criteria=["68q"]),
        item_view("ev-2", by=OFSTED, criteria=["68q"], withdrawn=True),
        item_view("ev-3", bearing=Bearing.WEAKNESS, withdrawn=True),
        item_view("ev-4", by=HMIC, agency=Agency.POLICE, withdrawn=True),
    ]
    result = view(items)
    health = about(result, Agency.HEALTH)
    assert result.items == 1
    assert health.items == 1
    [area] = health.areas
    assert [f.evidence_item_ids for f in area.findings] == [["ev-1"]]
    assert not area.contested
    assert health.corroborated_findings == 0
    [criterion] = health.criteria
    assert [f.evidence_item_ids for f in criterion.findings] == [["ev-1"]]
    police = about(result, Agency.POLICE)
    assert (police.items, police.areas) == (0, [])
    assert police.coverage.areas_without_evidence == AGENCY_AREAS


def test_only_withdrawn_items_is_the_same_as_none() -> None:
    assert view([item_view("ev-1", withdrawn=True)]) == view([])


# --- triangulation per criterion -----------------------------------------------------------------------


def test_criteria_each_cited_criterion_of_the_agency_with_its_source_and_findings() -> None:
    items = [
        item_view("ev-1", criteria=["68q", "68a"]),
        item_view(
            "ev-2", by=OFSTED, activity=Activity.CASE_AUDIT, criteria=["68q"], bearing=Bearing.WEAKNESS
        ),
    ]
    health = about(view(items), Agency.HEALTH)
    # In the programme's order of criteria, not the order cited.
    assert [(c.criterion, c.source, c.judgement_area) for c in health.criteria] == [
        ("68a", "004 §68 a", "help_and_protection"),
        ("68q", "004 §68 q", "help_and_protection"),
    ]
    _, q = health.criteria
    assert [(f.bearing, f.evidence_item_ids) for f in q.findings] == [
        (Bearing.STRENGTH, ["ev-1"]),
        (Bearing.WEAKNESS, ["ev-2"]),
    ]
    assert q.contested


def test_criteria_a_board_criterion_cited_by_a_police_item_appears_under_the_board() -> None:
    police_item = item_view("ev-1", by=HMIC, agency=Agency.POLICE, area="lscb", criteria=["115a"])
    result = view([police_item])
    board = about(result, Agency.LSCB)
    [criterion] = board.criteria
    assert (criterion.criterion, criterion.judgement_area, criterion.source) == ("115a", "lscb", "004 §115 a")
    [finding] = criterion.findings
    assert (finding.evidence_item_ids, finding.inspectorates) == (["ev-1"], [HMIC])
    assert board.items == 0  # the item is about the police...
    assert board.areas == []
    assert "115a" not in board.coverage.criteria_without_evidence  # ...but evidences the board's criterion
    police = about(result, Agency.POLICE)
    assert police.items == 1
    assert [a.judgement_area for a in police.areas] == ["lscb"]
    assert police.criteria == []  # 115a is the board's, not the police's


# --- coverage ------------------------------------------------------------------------------------------


def criteria_of(programme: Programme, agency: Agency) -> list[str]:
    return [c.id for c in programme.criteria if c.agency is agency]


def test_coverage_with_no_evidence_lists_every_criterion_and_area_of_each_agency() -> None:
    result = view([])
    assert [a.agency for a in result.agencies] == [*AGENCIES, Agency.LSCB]
    for agency in AGENCIES:
        assert about(result, agency).coverage == Coverage(
            criteria_without_evidence=criteria_of(INTEGRATED, agency), areas_without_evidence=AGENCY_AREAS
        )
    assert about(result, Agency.LSCB).coverage == Coverage(
        criteria_without_evidence=[f"115{letter}" for letter in "abcdefghijkl"],
        areas_without_evidence=["lscb"],
    )
    assert (result.items, result.corroborated_findings) == (0, 0)


def test_coverage_lists_what_has_no_evidence_yet() -> None:
    items = [item_view("ev-1", criteria=["68q"]), item_view("ev-2", area="leadership", criteria=["70a"])]
    coverage = about(view(items), Agency.HEALTH).coverage
    assert coverage.criteria_without_evidence == [
        c for c in criteria_of(INTEGRATED, Agency.HEALTH) if c not in ("68q", "70a")
    ]
    assert coverage.areas_without_evidence == [
        "looked_after",
        "achieving_permanence",
        "adoption_performance",
        "care_leavers",
    ]


def test_coverage_evidence_about_the_board_covers_its_area() -> None:
    board_item = item_view("ev-1", by=OFSTED, agency=Agency.LSCB, area="lscb", criteria=["115b"])
    board = about(view([board_item]), Agency.LSCB)
    assert board.items == 1
    assert board.coverage.areas_without_evidence == []
    assert "115b" not in board.coverage.criteria_without_evidence


def test_coverage_areas_derived_areas_are_never_listed() -> None:
    derived = [a.id for a in INTEGRATED.judgement_areas if a.derived_from]
    assert derived == ["overall_effectiveness"]
    for agency in Agency:
        assert "overall_effectiveness" not in coverage_areas(INTEGRATED, agency)


def test_coverage_areas_the_graded_board_area_only_for_the_board() -> None:
    assert coverage_areas(INTEGRATED, Agency.LSCB) == ["lscb"]
    for agency in (a for a in Agency if a is not Agency.LSCB):
        assert coverage_areas(INTEGRATED, agency) == AGENCY_AREAS


def test_coverage_areas_a_narrative_board_area_is_every_agency_s() -> None:
    assert JTAI.lscb is not None
    assert JTAI.lscb.evaluation == "narrative"
    assert coverage_areas(JTAI, Agency.LSCB) == ["leadership_and_lscb"]
    assert coverage_areas(JTAI, Agency.HEALTH) == JTAI.area_ids()


def test_coverage_a_programme_without_criteria_lists_none() -> None:
    result = triangulate("insp-1", JTAI, AGENCIES, [item_view("ev-1", area="deep_dive")])
    health = about(result, Agency.HEALTH)
    assert health.criteria == []
    assert health.coverage == Coverage(
        criteria_without_evidence=[],
        areas_without_evidence=[
            "identification_and_referral",
            "assessment_and_decision_making",
            "leadership_and_lscb",
        ],
    )


def test_subjects_an_agency_with_evidence_outside_the_inspections_agencies_still_appears() -> None:
    partnership_item = item_view(
        "ev-1",
        by=OFSTED,
        agency=Agency.PARTNERSHIP,
        area="leadership",
        activity=Activity.PERFORMANCE_DATA,
        case=None,
    )
    result = view([partnership_item])
    assert [a.agency for a in result.agencies] == [*AGENCIES, Agency.LSCB, Agency.PARTNERSHIP]
    partnership = about(result, Agency.PARTNERSHIP)
    assert partnership.items == 1
    assert [a.judgement_area for a in partnership.areas] == ["leadership"]
    assert partnership.criteria == []
    assert partnership.coverage.areas_without_evidence == [a for a in AGENCY_AREAS if a != "leadership"]


def test_subjects_the_agencies_given_are_listed_once_each_in_their_order() -> None:
    result = triangulate("insp-1", INTEGRATED, (Agency.POLICE, Agency.LSCB, Agency.HEALTH), [])
    assert [a.agency for a in result.agencies] == [Agency.POLICE, Agency.LSCB, Agency.HEALTH]


# --- determinism ---------------------------------------------------------------------------------------


def mixed_items() -> list[ItemView]:
    return [
        item_view("ev-1", criteria=["68q"]),
        item_view("ev-2", by=OFSTED, bearing=Bearing.WEAKNESS, criteria=["68q"]),
        item_view("ev-3", by=HMIC, agency=Agency.POLICE, area="lscb", criteria=["115c"]),
        item_view(
            "ev-4",
            by=OFSTED,
            agency=Agency.PARTNERSHIP,
            area="leadership",
            activity=Activity.PERFORMANCE_DATA,
            case=None,
        ),
        item_view("ev-5", area="looked_after", withdrawn=True),
    ]


def test_determinism_the_same_items_in_the_same_order_give_the_same_view() -> None:
    first, second = view(mixed_items()), view(mixed_items())
    assert first == second
    assert first.model_dump_json() == second.model_dump_json()


# --- fold: the views from the log ----------------------------------------------------------------------


def envelope(event: Event, stream_version: int, minutes: int) -> Envelope:
    return Envelope(
        event_id=f"event-{minutes}",
        event_type=event.event_type,
        schema_version=event.schema_version,
        stream_id=f"evidence-item-{getattr(event, 'evidence_item_id', 'file')}",
        stream_version=stream_version,
        inspection_id="insp-1",
        occurred_at=T0 + timedelta(minutes=minutes),
        actor=Actor(inspectorate=CQC, role="inspector", user="inspector-7"),
        correlation_id=f"corr-{minutes}",
        payload=event.model_dump(mode="json"),
    )


def recorded(item_id: str, **details: Any) -> EvidenceItemRecorded:
    fields: dict[str, Any] = {
        "agency": Agency.HEALTH,
        "activity": Activity.CASE_SAMPLING,
        "judgement_area": "help_and_protection",
        "criteria": ["68q"],
        "bearing": Bearing.WEAKNESS,
        "case_reference": "WKF-0001",
        "summary": f"Evidence {item_id}.",
    }
    return EvidenceItemRecorded(
        inspection_id="insp-1",
        evidence_item_id=item_id,
        inspectorate=CQC,
        inspector="inspector-7",
        **(fields | details),
    )


def test_fold_applies_amendments_and_withdrawals_in_log_order() -> None:
    ev1, ev2 = recorded("ev-1"), recorded("ev-2", bearing=Bearing.STRENGTH)
    amendment = EvidenceItemAmended(
        inspection_id="insp-1",
        evidence_item_id="ev-1",
        inspectorate=CQC,
        inspector="inspector-7",
        reason="the wrong activity was given",
        agency=Agency.HEALTH,
        activity=Activity.PERFORMANCE_DATA,
        judgement_area="leadership",
        criteria=["70a"],
        bearing=Bearing.AREA_FOR_IMPROVEMENT,
        summary="Waiting times for health assessments are not monitored.",
    )
    withdrawal = EvidenceItemWithdrawn(
        inspection_id="insp-1",
        evidence_item_id="ev-2",
        inspectorate=CQC,
        inspector="inspector-7",
        reason="recorded against the wrong inspection",
    )
    stray = EvidenceItemWithdrawn(  # of an item this log never recorded: ignored
        inspection_id="insp-1", evidence_item_id="ev-9", inspectorate=CQC, inspector="x", reason="stray"
    )
    other = SampleCaseAdded(
        inspection_id="insp-1", sample="shared", case_reference="WKF-0001", added_by=OFSTED, reason="cohort"
    )
    log = [
        (ev1, envelope(ev1, 1, 0)),
        (other, envelope(other, 1, 1)),
        (ev2, envelope(ev2, 1, 2)),
        (amendment, envelope(amendment, 2, 3)),
        (withdrawal, envelope(withdrawal, 2, 4)),
        (stray, envelope(stray, 2, 5)),
    ]
    assert fold(log) == {
        "ev-1": item_view(
            "ev-1",
            activity=Activity.PERFORMANCE_DATA,
            area="leadership",
            criteria=["70a"],
            bearing=Bearing.AREA_FOR_IMPROVEMENT,
            case=None,
        ).model_copy(
            update={
                "version": 2,
                "correction": "the wrong activity was given",
                "summary": "Waiting times for health assessments are not monitored.",
            }
        ),
        "ev-2": item_view("ev-2", bearing=Bearing.STRENGTH, criteria=["68q"]).model_copy(
            update={
                "recorded_at": T0 + timedelta(minutes=2),
                "version": 2,
                "withdrawn": True,
                "correction": "recorded against the wrong inspection",
            }
        ),
    }


def test_fold_a_recorded_item_keeps_when_and_at_which_version_it_was_recorded() -> None:
    ev1 = recorded("ev-1", criteria=[], case_reference=None, activity=Activity.PRACTICE_OBSERVATION)
    views = fold([(ev1, envelope(ev1, 1, 7))])
    assert views == {
        "ev-1": item_view(
            "ev-1", bearing=Bearing.WEAKNESS, activity=Activity.PRACTICE_OBSERVATION, case=None
        ).model_copy(update={"recorded_at": T0 + timedelta(minutes=7)})
    }
    [only] = views.values()
    assert (only.version, only.withdrawn, only.correction) == (1, False, None)


def test_fold_then_triangulate_leaves_the_withdrawn_out() -> None:
    ev1, ev2 = recorded("ev-1"), recorded("ev-2")
    withdrawal = EvidenceItemWithdrawn(
        inspection_id="insp-1",
        evidence_item_id="ev-1",
        inspectorate=CQC,
        inspector="inspector-7",
        reason="dup",
    )
    views = fold(
        [(ev1, envelope(ev1, 1, 0)), (ev2, envelope(ev2, 1, 1)), (withdrawal, envelope(withdrawal, 2, 2))]
    )
    [area] = about(view(list(views.values())), Agency.HEALTH).areas
    assert [f.evidence_item_ids for f in area.findings] == [["ev-2"]]
