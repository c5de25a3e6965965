"""The judgements a programme makes, read from its catalogue file: which kind each is (graded on its
scale, or a narrative against criteria, 004 §29; 002 §50), on which agency and judgement area, which
inspectorate judges each agency, and the rules a judgement's refusals cite. Pure functions: no I/O."""

from __future__ import annotations

from enum import StrEnum

from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme
from shared.language.programmes.rules import JudgementArea
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import RuleViolation


class Kind(StrEnum):
    GRADED = "graded"
    NARRATIVE = "narrative"  # against criteria, with no grade (004 §29; 002 §50)


def kind_of(programme: Programme, agency: Agency, area_id: str) -> Kind:
    """Whether this agency is graded on this area or reported in narrative; a RuleViolation naming the
    rule if the programme makes no such judgement."""
    judgements = programme.judgements
    if not programme.graded and not judgements.narrative_for:
        raise RuleViolation(
            f"{programme.id} makes no graded judgement: record key strengths and recommendations as "
            "findings instead",
            judgements.source,
        )
    area = programme.area(area_id)
    if area is None:
        raise RuleViolation(
            f"{programme.id} has no judgement area {area_id!r}; its areas are "
            f"{', '.join(programme.area_ids())}",
            judgements.source,
        )
    if agency is Agency.LSCB and programme.lscb is not None:
        raise RuleViolation(
            "the effectiveness of the LSCB is evaluated jointly by every inspectorate in the lscb service",
            programme.lscb.source,
        )
    if agency in area.graded_for:
        return Kind.GRADED
    if agency in judgements.narrative_for:
        return Kind.NARRATIVE
    graded = ", ".join(area.graded_for) or "no one"
    raise RuleViolation(
        f"{programme.id} makes no judgement on {agency} for {area.title!r}: that judgement is made "
        f"for {graded}",
        area.source,
    )


def area_of(programme: Programme, area_id: str) -> JudgementArea:
    area = programme.area(area_id)
    assert area is not None, area_id
    return area


def owner(programme: Programme, agency: Agency) -> Inspectorate | None:
    """The inspectorate that judges this agency; None for the partnership, judged jointly (002 §50)."""
    return programme.agency_inspectorates().get(agency)


def own_agencies(programme: Programme) -> str:
    """Where the programme has each inspectorate judge the agencies it inspects."""
    return programme.rules.own_agencies or programme.participation.source


def judgement_evidence(programme: Programme) -> str:
    """Where the programme has a judgement stand on recorded evidence."""
    return programme.rules.judgement_evidence or programme.rules.finding_evidence
