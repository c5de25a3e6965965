"""Inspection programmes as validated data: every shipped programme loads with the facts its seed states,
every rule cites its paragraph, and a bad file names the file, field and reason."""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from services.scheduling.domain.dates import window
from shared.language.areas import FacilityKind
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import FOLDER, Programme, ProgrammeFileError, load_folder
from shared.language.programmes.rules import Condition
from shared.mechanics.envelope import Inspectorate

SHIPPED = FOLDER / "jtai-2015.toml"
PROGRAMMES = ["macp-2012", "cla-2012", "integrated-2014", "jtai-2015", "targeted-2015"]
# A seed by number, then its paragraph: "002 §35", "001 Proposal two"; or, where the programme's own source
# is silent on a step every programme takes, the domain brief: "domain.md The life of an inspection 5".
SOURCE = re.compile(r"^(\d{3}|domain\.md) \S")

OFSTED, CQC, HMIC = Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC
PROBATION, PRISONS, HMCPSI = Inspectorate.HMI_PROBATION, Inspectorate.HMI_PRISONS, Inspectorate.HMCPSI


@pytest.fixture(scope="module")
def shipped() -> dict[str, Programme]:
    return load_folder(FOLDER)


# --- every shipped programme -----------------------------------------------------------------


def test_every_shipped_programme_loads(shipped: dict[str, Programme]) -> None:
    assert sorted(shipped) == sorted(PROGRAMMES)
    for programme_id, programme in shipped.items():
        assert programme.id == programme_id
        assert programme.participation.lead_inspectorate is OFSTED  # Ofsted leads every programme
        assert programme.fieldwork.starts_on == "monday"


def test_002_macp_2012(shipped: dict[str, Programme]) -> None:
    macp = shipped["macp-2012"]
    # 002 §34: unannounced, so no notice period.
    assert macp.notice.announced is False
    assert macp.notice.working_days == 0
    assert macp.notice.source == "002 §34"
    # 002 §37-38: within two weeks; week 1 Ofsted and HMIC only; week 2 Ofsted, CQC and HMI Probation.
    assert macp.fieldwork.weeks == 2
    week_1, week_2 = macp.fieldwork.phase(1), macp.fieldwork.phase(2)
    assert week_1 is not None
    assert week_2 is not None
    assert week_1.inspectorates == [OFSTED, HMIC]
    assert week_1.source == "002 §37"
    assert {OFSTED, CQC, PROBATION} <= set(week_2.inspectorates)
    assert macp.fieldwork.weeks_of(CQC) == [2]
    assert macp.fieldwork.weeks_of(HMIC) == [1]
    # 002 §35: at most seven inspectors on site at any one time.
    assert macp.on_site is not None
    assert macp.on_site.max_at_once == 7
    assert macp.on_site.max_team is None
    assert macp.on_site.source == "002 §35"
    # 002 §32: HMI Prisons joins where the area holds a YOI, an IRC or a prison mother-and-baby unit.
    prisons = macp.participation.joining(PRISONS)
    assert prisons is not None
    assert prisons.when == [Condition.CUSTODY_IN_AREA]
    assert set(prisons.facilities) == {
        FacilityKind.YOUNG_OFFENDER_INSTITUTION,
        FacilityKind.IMMIGRATION_REMOVAL_CENTRE,
        FacilityKind.PRISON_MOTHER_AND_BABY_UNIT,
    }
    assert prisons.source == "002 §32"
    # 002 §33: HMCPSI only in triggered inspection activity.
    cps = macp.participation.joining(HMCPSI)
    assert cps is not None
    assert cps.when == [Condition.TRIGGERED]
    assert cps.source == "002 §33"
    assert PRISONS not in macp.participation.inspectorates
    assert HMCPSI not in macp.participation.inspectorates
    # 002 §24, §49: four shared judgements on the 2012 scale.
    assert macp.graded is True
    assert macp.judgements.scale == [Grade.OUTSTANDING, Grade.GOOD, Grade.ADEQUATE, Grade.INADEQUATE]
    assert macp.area_ids() == [
        "overall_effectiveness",
        "help_and_protection",
        "quality_of_practice",
        "leadership",
    ]
    assert all(a.graded_for == [Agency.PARTNERSHIP] for a in macp.judgement_areas)
    assert macp.report.kind == "single_report"  # 002 §58-59
    assert (macp.selection.kind, macp.selection.cycle_years) == ("universal_cycle", 3)  # 002 §9, §30


def test_003_cla_2012(shipped: dict[str, Programme]) -> None:
    cla = shipped["cla-2012"]
    assert cla.participation.inspectorates == [OFSTED, CQC]  # "Working with the CQC, Ofsted ..."
    assert cla.participation.conditional == []
    assert cla.notice.announced is False  # unannounced, within two weeks
    assert cla.fieldwork.weeks == 2
    assert cla.agency_inspectorates() == {Agency.LOCAL_AUTHORITY: OFSTED, Agency.HEALTH: CQC}
    # "a specific sub-judgment on the local authority's adoption performance"
    areas = {a.id: a for a in cla.judgement_areas}
    assert areas["adoption_performance"].part_of == "achieving_permanence"
    assert areas["achieving_permanence"].part_of is None
    assert set(areas) == {
        "overall_effectiveness",
        "outcomes",
        "quality_of_practice",
        "achieving_permanence",
        "adoption_performance",
        "leadership",
    }
    assert cla.graded is True


INTEGRATED_CRITERIA = {
    # paragraph: the last letter in the seed (004): health §63-70, police §75-81, probation §84-90,
    # youth offending teams §91-97, custody §103-107, the LSCB §115.
    63: "j", 64: "d", 68: "w", 69: "h", 70: "o",
    75: "f", 76: "c", 80: "v", 81: "i",
    84: "e", 85: "e", 86: "d", 87: "e", 88: "f", 89: "c", 90: "e",
    91: "b", 92: "f", 93: "d", 94: "e", 95: "g", 96: "c", 97: "e",
    103: "m", 104: "m", 105: "h", 106: "o", 107: "d",
    115: "l",
}  # fmt: skip


def test_004_integrated_2014(shipped: dict[str, Programme]) -> None:
    integrated = shipped["integrated-2014"]
    # 004 §36: a four-week window; 004 §100: HMI Prisons present for week three.
    assert integrated.fieldwork.weeks == 4
    assert integrated.fieldwork.weeks_of(PRISONS) == [3]
    week_3 = integrated.fieldwork.phase(3)
    assert week_3 is not None
    assert week_3.source == "004 §100"
    for week in (1, 2, 3, 4):  # 004 §36: the others "deployed across the same inspection window"
        phase = integrated.fieldwork.phase(week)
        assert phase is not None
        assert {OFSTED, CQC, HMIC, PROBATION} <= set(phase.inspectorates)
    prisons = integrated.participation.joining(PRISONS)
    assert prisons is not None
    assert set(prisons.when) == {Condition.CUSTODY_IN_AREA, Condition.REQUESTED}  # 004 §100-101
    # 004 §29: the 2014 scale; 004 §41: overall effectiveness is cumulative from three judgements.
    assert integrated.judgements.scale == [
        Grade.OUTSTANDING,
        Grade.GOOD,
        Grade.REQUIRES_IMPROVEMENT,
        Grade.INADEQUATE,
    ]
    areas = {a.id: a for a in integrated.judgement_areas}
    assert areas["overall_effectiveness"].derived_from == [
        "help_and_protection",
        "looked_after",
        "leadership",
    ]
    # 004 §71: the police are not judged on children looked after; they are on help and protection.
    assert Agency.POLICE not in areas["looked_after"].graded_for
    assert set(areas["looked_after"].graded_for) == {Agency.LOCAL_AUTHORITY, Agency.HEALTH}
    assert Agency.POLICE in areas["help_and_protection"].graded_for
    assert Agency.POLICE in areas["leadership"].graded_for
    # 004 §82-107: probation, youth offending teams and custody in narrative against criteria, no grade.
    assert set(integrated.judgements.narrative_for) == {
        Agency.PROBATION,
        Agency.YOUTH_OFFENDING_TEAM,
        Agency.CUSTODY,
    }
    for agency in integrated.judgements.narrative_for:
        assert not any(agency in a.graded_for for a in integrated.judgement_areas), agency
    assert integrated.lscb is not None
    assert integrated.lscb.evaluation == "graded"  # 004 §113
    assert integrated.report.kind == "combined_report"  # 004 §108-110
    selection = integrated.selection  # 004 §38
    assert (selection.min_areas, selection.max_areas, selection.sample_share_at_least) == (20, 25, 0.25)
    assert selection.returning_after_inadequate is True
    assert selection.concerns is True


def test_004_integrated_2014_criteria_catalogue_is_complete(shipped: dict[str, Programme]) -> None:
    integrated = shipped["integrated-2014"]
    expected = [
        f"{paragraph}{letter}"
        for paragraph, last in INTEGRATED_CRITERIA.items()
        for letter in string.ascii_lowercase[: string.ascii_lowercase.index(last) + 1]
    ]
    assert [c.id for c in integrated.criteria] == expected  # every letter, in order, none extra
    for criterion in integrated.criteria:
        match = re.fullmatch(r"(\d+)([a-z])", criterion.id)
        assert match is not None
        assert criterion.source == f"004 §{match.group(1)} {match.group(2)}", criterion.id
    q = integrated.criterion("68q")  # CQC's criterion of domain.md's example
    assert q is not None
    assert (q.source, q.agency, q.judgement_area) == ("004 §68 q", Agency.HEALTH, "help_and_protection")
    assert integrated.criterion("68x") is None
    agencies = {c.id: c.agency for c in integrated.criteria}
    assert agencies["63a"] is Agency.HEALTH
    assert agencies["75a"] is Agency.POLICE
    assert agencies["84a"] is Agency.PROBATION
    assert agencies["91a"] is Agency.YOUTH_OFFENDING_TEAM
    assert agencies["103a"] is Agency.CUSTODY
    assert agencies["115l"] is Agency.LSCB


def test_001_jtai_2015(shipped: dict[str, Programme]) -> None:
    jtai = shipped["jtai-2015"]
    assert jtai.graded is False  # 001 Proposal four: "will not make a graded judgement"
    assert jtai.judgements.scale == []
    assert all(a.graded_for == [] for a in jtai.judgement_areas)
    assert jtai.notice.announced is True
    assert jtai.notice.working_days == 8  # 001 Proposal two
    assert jtai.notice.source == "001 Proposal two"
    # The protocol is a named rule of the file, with its source: the LSCB chair first (the business
    # manager in the chair's absence), then each agency's senior leader by its own inspectorate.
    assert jtai.notice.order is not None
    assert (jtai.notice.order.rule, jtai.notice.order.source) == ("lscb_chair_first", "001 Proposal two")
    assert [r.value for r in jtai.notice.first_notified] == ["lscb_chair", "lscb_business_manager"]
    assert jtai.deep_dive_area() == "deep_dive"  # "a 'deep dive' investigation" (001 Proposal one)
    assert jtai.fieldwork.weeks == 1  # Monday to Friday of one week
    # 001 Proposal three: the joint set-up meeting on day 1, the joint feedback meeting on the last day.
    assert [(m.kind, m.day) for m in jtai.meetings] == [("joint_set_up", "first"), ("joint_feedback", "last")]
    assert jtai.participation.inspectorates == [OFSTED, CQC, HMIC, PROBATION]
    assert jtai.participation.conditional == []
    assert jtai.agency_inspectorates() == {
        Agency.LOCAL_AUTHORITY: OFSTED,
        Agency.HEALTH: CQC,
        Agency.POLICE: HMIC,
        Agency.PROBATION: PROBATION,
    }
    assert jtai.judgements.recommendations == ["priority_action", "development"]
    assert jtai.report.kind == "findings_letter"
    assert jtai.report.overview_per_round is True
    assert jtai.selection.shared_theme is True
    assert jtai.theme("cse_and_missing") is not None
    assert jtai.theme("knife_crime") is None


def test_001_part_2_targeted_2015(shipped: dict[str, Programme]) -> None:
    targeted = shipped["targeted-2015"]
    assert targeted.participation.inspectorates == [OFSTED]  # "a single agency exercise"
    assert targeted.participation.conditional == []
    assert targeted.agency_inspectorates() == {Agency.LOCAL_AUTHORITY: OFSTED}
    assert targeted.on_site is not None
    assert targeted.on_site.max_team == 3  # "team of three inspectors"
    assert targeted.on_site.source == "001 Part 2"
    assert targeted.notice.working_days == 8
    assert targeted.notice.order is not None  # the JTAI's methodology, order of notification included
    assert (targeted.notice.order.rule, targeted.notice.order.source) == (
        "lscb_chair_first",
        "001 Part 2, Proposal two",
    )
    assert targeted.deep_dive_area() == "deep_dive"
    assert targeted.graded is False


@pytest.mark.parametrize("programme_id", ["macp-2012", "cla-2012", "integrated-2014"])
def test_an_unannounced_programme_sets_no_order_of_notification_and_has_no_deep_dive(
    shipped: dict[str, Programme], programme_id: str
) -> None:
    programme = shipped[programme_id]
    assert programme.notice.order is None
    assert programme.notice.first_notified == ()
    assert programme.deep_dive_area() is None


def _sources(node: object, path: str) -> Iterator[tuple[str, object]]:
    """Every `source` anywhere in a parsed TOML document, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source":
                yield path, value
            else:
                yield from _sources(value, f"{path}.{key}")
    elif isinstance(node, list):
        for n, item in enumerate(node):
            yield from _sources(item, f"{path}[{n}]")


@pytest.mark.parametrize("programme_id", PROGRAMMES)
def test_every_source_in_every_file_cites_a_seed_paragraph(programme_id: str) -> None:
    raw = tomllib.loads((FOLDER / f"{programme_id}.toml").read_text(encoding="utf-8"))
    sources = list(_sources(raw, programme_id))
    # Each top-level rule has one, and each entry of every list of rules.
    assert len(sources) >= 10
    for where, source in sources:
        assert isinstance(source, str), where
        assert SOURCE.match(source), (where, source)
    for section in ("participation", "notice", "fieldwork", "judgements", "report", "selection"):
        assert isinstance(raw[section].get("source"), str), (programme_id, section)
    for table in ("agencies", "judgement_areas", "criteria", "descriptors", "deep_dive_themes", "meetings"):
        for n, entry in enumerate(raw.get(table, [])):
            assert "source" in entry, (programme_id, table, n)


def test_the_walk_finds_nested_sources() -> None:
    raw = {"a": {"source": "001 x", "b": [{"source": "002 y"}, {"c": {"source": "bad"}}]}}
    assert list(_sources(raw, "f")) == [("f.a", "001 x"), ("f.a.b[0]", "002 y"), ("f.a.b[1].c", "bad")]


# --- bad files -------------------------------------------------------------------------------


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _text(programme_id: str) -> str:
    return (FOLDER / f"{programme_id}.toml").read_text(encoding="utf-8")


def _shipped() -> str:
    return SHIPPED.read_text(encoding="utf-8")


def _replaced(text: str, old: str, new: str) -> str:
    assert old in text, old  # the shipped file still has what the case changes
    return text.replace(old, new, 1)


def _without_table(text: str, header: str, nth: int = 0) -> str:
    """The file without one [table]: its header and every line up to the next header."""
    lines = text.splitlines()
    start = [i for i, line in enumerate(lines) if line == header][nth]
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    return "\n".join(lines[:start] + lines[end:]) + "\n"


def _jtai_2022() -> str:
    """JTAI as it later ran: 10 working days' notice, and HMI Probation left in 2022 (domain.md)."""
    later = (
        _replaced(_shipped(), 'id = "jtai-2015"', 'id = "jtai-2022"')
        .replace("working_days = 8", "working_days = 10")
        # participation and the one phase of fieldwork
        .replace(
            'inspectorates = ["ofsted", "cqc", "hmic", "hmi_probation"]',
            'inspectorates = ["ofsted", "cqc", "hmic"]',
        )
    )
    return _replaced(
        later,
        '[[agencies]]\nagency = "probation"\ninspectorate = "hmi_probation"\nsource = "001 Part 1"\n',
        "",
    )


def test_a_copy_of_the_shipped_file_loads_from_another_folder(tmp_path: Path) -> None:
    _write(tmp_path, "jtai-2015.toml", _shipped())
    assert load_folder(tmp_path) == {"jtai-2015": load_folder(FOLDER)["jtai-2015"]}


def test_an_empty_folder_has_no_programmes(tmp_path: Path) -> None:
    assert load_folder(tmp_path) == {}


@pytest.mark.parametrize(
    ("name", "text", "field", "reason"),
    [
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), "working_days = 8", "working_days = -1"),
            "notice.working_days",
            "greater than or equal to 0",
            id="negative-notice",
        ),
        pytest.param(
            "jtai-2015",
            _without_table(_shipped(), "[participation]"),
            "participation",
            "Field required",
            id="no-participation",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(
                _shipped(),
                'agency = "probation"\ninspectorate = "hmi_probation"',
                'agency = "probation"\ninspectorate = "hmi_prisons"',
            ),
            "agencies: probation is inspected by hmi_prisons",
            "does not take part",
            id="agency-by-absent-inspectorate",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), 'lead_inspectorate = "ofsted"', 'lead_inspectorate = "hmi_prisons"'),
            "participation.lead_inspectorate",
            "must be one of participation.inspectorates",
            id="lead-not-taking-part",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), 'starts_on = "monday"', 'starts_on = "tuesday"'),
            "fieldwork.starts_on",
            "'monday'",
            id="fieldwork-not-monday",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), "weeks = 1", "weeks = 0"),
            "fieldwork.weeks",
            "greater than or equal to 1",
            id="no-fieldwork-weeks",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), 'rule = "lscb_chair_first"', 'rule = "mayor_first"'),
            "notice.order.rule",
            "'lscb_chair_first'",
            id="unknown-order-of-notification",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(
                _shipped(),
                'rule = "lscb_chair_first"\nsource = "001 Proposal two"',
                'rule = "lscb_chair_first"',
            ),
            "notice.order.source",
            "Field required",
            id="order-of-notification-uncited",
        ),
        pytest.param(
            "cla-2012",  # no LSCB in its scope (003): nobody to tell first
            _replaced(
                _text("cla-2012"),
                "working_days = 0\n",
                'working_days = 0\norder = { rule = "lscb_chair_first", source = "003 Notes to Editors" }\n',
            ),
            "notice.order",
            "lscb_chair_first needs an LSCB in the programme's scope",
            id="order-of-notification-without-an-lscb",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), "deep_dive = true", "deep_dive = false"),
            "judgement_areas",
            "mark one deep_dive area exactly when the programme has deep_dive_themes",
            id="deep-dive-area-unmarked",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), 'source = "001 Proposal two"', 'source = ""'),
            "notice.source",
            "String should match pattern",
            id="empty-source",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), 'source = "001 Proposal two"', 'source = "Proposal two"'),
            "notice.source",
            "String should match pattern",
            id="source-without-seed-number",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), "[[agencies]]", "[[agencys]]"),
            "agencys",
            "Extra inputs are not permitted",
            id="misspelt-section",
        ),
        # New in the phased schema.
        pytest.param(
            "macp-2012",
            _without_table(_text("macp-2012"), "[[fieldwork.phases]]", nth=1),
            "fieldwork",
            "phases: give each week 1..2 exactly once, not [1]",
            id="phases-missing-a-week",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), "weeks = 1", "weeks = 2"),
            "fieldwork",
            "phases: give each week 1..2 exactly once, not [1]",
            id="more-weeks-than-phases",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), "working_days = 8", "working_days = 0"),
            "notice",
            "working_days: an announced programme gives notice",
            id="announced-with-no-notice",
        ),
        pytest.param(
            "macp-2012",
            _replaced(_text("macp-2012"), "working_days = 0", "working_days = 5"),
            "notice",
            "an unannounced one gives 0",
            id="unannounced-with-notice",
        ),
        pytest.param(
            "integrated-2014",
            _replaced(
                _text("integrated-2014"),
                'id = "68q"\nagency = "health"\njudgement_area = "help_and_protection"',
                'id = "68q"\nagency = "health"\njudgement_area = "safeguarding"',
            ),
            "criteria.68q.judgement_area",
            "safeguarding not among those that are areas",
            id="criterion-in-unknown-judgement-area",
        ),
        pytest.param(
            "integrated-2014",
            _replaced(
                _text("integrated-2014"),
                'when_inadequate = ["help_and_protection", "leadership"]',
                'when_inadequate = ["help_and_protection", "safeguarding"]',
            ),
            "limiting_rules.police-overall.when_inadequate",
            "safeguarding not among those that are areas",
            id="limiting-rule-on-unknown-area",
        ),
        pytest.param(
            "integrated-2014",
            _replaced(
                _text("integrated-2014"),
                'id = "police-overall"\nagencies = ["police"]',
                'id = "police-overall"\nagencies = ["police", "probation"]',
            ),
            "limiting_rules.police-overall.agencies",
            "probation is not graded on overall_effectiveness",
            id="limiting-rule-for-an-ungraded-agency",
        ),
        pytest.param(
            "integrated-2014",
            _replaced(
                _text("integrated-2014"),
                'leads_to = "inadequate"\nsource = "004 §79"',
                'leads_to = "adequate"\nsource = "004 §79"',
            ),
            "limiting_rules.police-overall.leads_to",
            "adequate not among those that are on the scale",
            id="limiting-rule-off-the-scale",
        ),
        pytest.param(
            "integrated-2014",
            _replaced(
                _text("integrated-2014"),
                'id = "63a"\nagency = "health"\njudgement_area = "overall_effectiveness"\n'
                'descriptor = "outstanding"',
                'id = "63a"\nagency = "health"\njudgement_area = "overall_effectiveness"\n'
                'descriptor = "adequate"',
            ),
            "criteria.63a.descriptor",
            "adequate not among those that are on the scale",
            id="criterion-grade-not-on-scale",
        ),
        pytest.param(
            "integrated-2014",
            _replaced(
                _text("integrated-2014"),
                'grade = "requires_improvement"\ntext = "There are no widespread',
                'grade = "adequate"\ntext = "There are no widespread',
            ),
            "descriptors (004 §65).grade",
            "adequate not among those that are on the scale",
            id="descriptor-grade-not-on-scale",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(
                _shipped(),
                'id = "deep_dive"\n',
                'id = "deep_dive"\ngraded_for = ["local_authority"]\n',
            ),
            "judgement_areas.deep_dive.graded_for",
            "jtai-2015 has no graded scale",
            id="graded-for-in-ungraded-programme",
        ),
        pytest.param(
            "jtai-2022",  # HMI Probation left participation but was left in the phase
            _replaced(
                _jtai_2022(),
                'inspectorates = ["ofsted", "cqc", "hmic"]\nsource = "001 Proposal three"',
                'inspectorates = ["ofsted", "cqc", "hmic", "hmi_probation"]\nsource = "001 Proposal three"',
            ),
            "fieldwork.phases week 1: hmi_probation",
            "not among those that take part",
            id="phase-names-an-inspectorate-not-taking-part",
        ),
        pytest.param(
            "macp-2012",
            _replaced(
                _text("macp-2012"),
                'inspectorates = ["ofsted", "hmic"]',
                'inspectorates = ["ofsted"]',
            ),
            "fieldwork.phases: hmic takes part but is on site in no week",
            "hmic",
            id="inspectorate-never-on-site",
        ),
        pytest.param(
            "macp-2012",
            _replaced(
                _text("macp-2012"),
                'when = ["custody_in_area"]\nfacilities = [',
                'when = ["triggered"]\nfacilities = [',
            ),
            "participation.conditional.0",
            "name the kinds of custody exactly when joining on custody_in_area",
            id="facilities-without-custody-condition",
        ),
        pytest.param(
            "jtai-2015",
            _replaced(_shipped(), 'id = "early_help"', 'id = "cse_and_missing"'),
            "deep_dive_themes",
            "cse_and_missing listed more than once",
            id="theme-listed-twice",
        ),
        pytest.param(
            "cla-2012",
            _replaced(_text("cla-2012"), 'part_of = "achieving_permanence"', 'part_of = "permanence"'),
            "judgement_areas.adoption_performance.part_of",
            "permanence not among those that are areas",
            id="sub-judgement-of-unknown-area",
        ),
    ],
)
def test_a_bad_programme_file_names_the_file_and_field(
    tmp_path: Path, name: str, text: str, field: str, reason: str
) -> None:
    path = _write(tmp_path, f"{name}.toml", text)
    with pytest.raises(ProgrammeFileError) as caught:
        load_folder(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert field in message
    assert reason in message


def test_the_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "jtai-2016.toml", _shipped())
    with pytest.raises(ProgrammeFileError) as caught:
        load_folder(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}: id: ")
    assert "'jtai-2015'" in message
    assert "'jtai-2016'" in message


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.toml", 'id = "broken"\n[notice\nworking_days = 8\n')
    with pytest.raises(ProgrammeFileError) as caught:
        load_folder(tmp_path)
    assert str(caught.value).startswith(f"{path}: not valid TOML")


def test_one_bad_file_among_good_ones_is_named(tmp_path: Path) -> None:
    _write(tmp_path, "jtai-2015.toml", _shipped())
    bad = _write(
        tmp_path,
        "jtai-2022.toml",
        _replaced(_shipped(), 'id = "jtai-2015"', 'id = "jtai-2022"').replace("weeks = 1", "weeks = 0"),
    )
    with pytest.raises(ProgrammeFileError) as caught:
        load_folder(tmp_path)
    assert str(caught.value).startswith(f"{bad}: ")
    assert "fieldwork.weeks" in str(caught.value)


def test_a_new_programme_version_is_added_as_data(tmp_path: Path) -> None:
    _write(tmp_path, "jtai-2015.toml", _shipped())
    _write(tmp_path, "jtai-2022.toml", _jtai_2022())
    programmes = load_folder(tmp_path)
    assert sorted(programmes) == ["jtai-2015", "jtai-2022"]
    old, new = programmes["jtai-2015"], programmes["jtai-2022"]
    # The old version is untouched: an inspection keeps the version it was scheduled under.
    assert old == load_folder(FOLDER)["jtai-2015"]
    assert old.notice.working_days == 8
    assert PROBATION in old.participation.possible()
    assert new.notice.working_days == 10
    assert PROBATION not in new.participation.possible()
    assert new.fieldwork.weeks_of(PROBATION) == []
    assert new.fieldwork.weeks_of(OFSTED) == [1]
    assert Agency.PROBATION not in new.agency_inspectorates()
    assert new.agency_inspectorates() == {
        Agency.LOCAL_AUTHORITY: OFSTED,
        Agency.HEALTH: CQC,
        Agency.POLICE: HMIC,
    }
    # The dates follow the data: fieldwork Monday 9 March 2026 (no bank holidays near): 8 working days
    # before is Wednesday 25 February, 10 is Monday 23 February.
    assert window(old, date(2026, 3, 9)).notice_date == date(2026, 2, 25)
    assert window(new, date(2026, 3, 9)).notice_date == date(2026, 2, 23)


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ("agencies", "agencies"),
        ("judgement_areas", "judgement_areas"),
        ("deep_dive_themes", "deep_dive_themes"),
        ("meetings", "meetings"),
    ],
)
def test_an_entry_listed_twice_is_refused(tmp_path: Path, table: str, field: str) -> None:
    text = _shipped()
    first = re.search(rf"\[\[{table}\]\]\n(?:[^\[\n].*\n)+", text)
    assert first is not None
    path = _write(tmp_path, "jtai-2015.toml", text + "\n" + first.group(0))

    with pytest.raises(
        ProgrammeFileError, match=rf"{re.escape(str(path))}: .*{field}.*listed more than once"
    ):
        load_folder(tmp_path)
