"""What a document says about each agency: its judgements as they were made final, and the findings and
evidence about it (004 §24, §109: "the key strengths and weaknesses in the individual agencies").

Only final content is published. A judgement not yet final is left out of its list, and one sentence says
which are still to come; no placeholder stands in for it. Where a final grade departs from the grade a
limiting rule leads to, the document gives the inspectors' rationale (004 §67, §70, §79, §81). A narrative
judgement names the criteria it reports against, so probation's and the youth offending team's commentary
on governance and management reads as such (004 §82, §89-90, §96-97)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from shared.language.contracts.judgement import JudgementContent
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.envelope import Inspectorate

from ..domain.names import AGENCIES
from .context import FindingSection, Inspection
from .words import (
    INSPECTORATES,
    bearings,
    capital,
    grade_in_sentence,
    grade_words,
    judged,
    lower_first,
    series,
    support,
)


@dataclass(frozen=True)
class Departure:
    """A final grade that departs from the grade the programme's limiting rules lead to, and why."""

    because: str  # the contributing judgements judged inadequate, as words
    were: str  # "was" or "were"
    leads_to: str  # "inadequate", the grade the rules lead to, lower case
    judged: str  # "judged it to require improvement", the grade given
    rationale: str  # the inspectors' own words, ending in a full stop


@dataclass(frozen=True)
class Judgement:
    """A judgement as a report shows it: only its final content."""

    agency: Agency
    area_id: str
    title: str
    depth: int  # 0, or 1 for a sub-judgement shown under its parent (adoption performance, 003)
    final: bool
    grade: str  # "Requires improvement", as a label; "" for a narrative judgement or one not yet final
    grade_in_sentence: str  # "requires improvement", inside a sentence; ""
    judged: str  # "judged to require improvement"; ""
    text: str
    support: str
    cumulative_from: str  # the judgements a cumulative judgement draws on, as words (004 §41); "" if none
    departure: Departure | None
    criteria: str  # the criteria a narrative judgement reports against, as words; "" if none


@dataclass(frozen=True)
class AgencyReport:
    """One agency as the document reports it: judged with grades, reported in narrative, or neither (the
    health services of a CLA inspection, whose findings CQC records)."""

    agency: Agency
    name: str  # "the local authority"
    inspectorate: str  # who inspects it: "Ofsted"
    graded: bool
    narrative: bool
    judgements: list[Judgement]  # the final ones, in the programme's order
    pending: str  # one sentence on the judgements still to be made final; "" if none
    sections: list[FindingSection]  # the findings addressed to it, by kind; only kinds it has
    evidence: str  # "2 evidence items (1 showing strengths, 1 weakness)"; "" if none is about it
    overall: Judgement | None  # its final cumulative judgement (004 §41), if it has one


def _sentence(text: str) -> str:
    text = text.strip()
    return text if re.search(r"[.!?]['\"’”)]*$", text) else f"{text}."


def _departure(inspection: Inspection, final: JudgementContent) -> Departure | None:
    derived = final.derived_grade
    if derived is None or final.grade is None or final.grade is derived or not final.rationale:
        return None
    areas = [a for rule in final.limiting_rules for a in rule.because]
    titles = [
        lower_first(area.title) if (area := inspection.programme.area(a)) is not None else a
        for a in dict.fromkeys(areas)
    ]
    return Departure(
        because=series(titles),
        were="was" if len(titles) == 1 else "were",
        leads_to=grade_in_sentence(derived),
        judged=judged(final.grade).replace("judged ", "judged it ", 1),
        rationale=_sentence(inspection.clean(final.rationale)),
    )


def _criteria(inspection: Inspection, agency: Agency, area_id: str) -> str:
    """The headings of the criteria this agency's narrative on this area reports against (004 §84-97)."""
    headings = [
        c.heading
        for c in inspection.programme.criteria
        if c.agency is agency and c.judgement_area == area_id and c.heading
    ]
    return series([lower_first(h.strip().rstrip(".")) for h in dict.fromkeys(headings)])


def judgement(inspection: Inspection, agency: Agency, area_id: str, depth: int) -> Judgement:
    programme = inspection.programme
    area = programme.area(area_id)
    assert area is not None
    record = inspection.records.get((agency, area_id))
    final = record.final if record is not None else None
    derived = [
        a for a in (programme.area(d) for d in area.derived_from) if a is not None and agency in a.graded_for
    ]
    graded = final is not None and final.grade is not None
    return Judgement(
        agency=agency,
        area_id=area_id,
        title=area.title,
        depth=depth,
        final=final is not None,
        grade=grade_words(final.grade) if final is not None and final.grade is not None else "",
        grade_in_sentence=grade_in_sentence(final.grade) if final is not None and final.grade else "",
        judged=judged(final.grade) if final is not None and final.grade else "",
        text=inspection.clean(final.text) if final is not None else "",
        support=support(final.evidence_item_ids, inspection.items) if final is not None else "",
        cumulative_from=series([lower_first(a.title) for a in derived]),
        departure=_departure(inspection, final) if final is not None else None,
        criteria="" if graded else _criteria(inspection, agency, area_id),
    )


def _final_list(inspection: Inspection, agency: Agency, area_ids: list[str]) -> list[Judgement]:
    """The final judgements among `area_ids`, in that order; a sub-judgement indented under its parent
    only where the parent is shown."""
    made = [judgement(inspection, agency, a, 0) for a in area_ids]
    shown = {j.area_id for j in made if j.final}
    result = []
    for j in made:
        if not j.final:
            continue
        depth, parent = 0, inspection.programme.area(j.area_id)
        while parent is not None and parent.part_of is not None:
            if parent.part_of in shown:
                depth += 1
            parent = inspection.programme.area(parent.part_of)
        result.append(replace(j, depth=depth))
    return result


def _still_to_come(titles: list[str], what: str, whose: str) -> str:
    if not titles:
        return ""
    one = len(titles) == 1
    what, verb, when = (what, "is", "it is") if one else (f"{what}s", "are", "they are")
    return (
        f"{capital(whose)} {what} on {series([lower_first(t) for t in titles])} {verb} still to be made "
        f"final, and will appear here when {when}."
    )


def agency_report(inspection: Inspection, agency: Agency) -> AgencyReport:
    programme = inspection.programme
    inspectorate = inspection.inspected_by.get(agency)
    by = INSPECTORATES[inspectorate] if inspectorate is not None else "the inspectorates"
    graded_areas = [a for a in programme.judgement_areas if agency in a.graded_for]
    narrative = agency in programme.judgements.narrative_for
    if graded_areas:
        ids = [a.id for a in graded_areas]
    else:  # narrative, or judgements a programme without a rule for this agency still recorded
        ids = [a.id for a in programme.judgement_areas if (agency, a.id) in inspection.records]
    judgements = _final_list(inspection, agency, ids)
    shown = {j.area_id for j in judgements}
    waiting = [a.title for a in programme.judgement_areas if a.id in ids and a.id not in shown]
    what = "judgement" if graded_areas else "commentary"
    pending = _still_to_come(waiting, what, f"{by}'s")
    about = [i for i in inspection.items.values() if i.agency is agency]
    overall = next(
        (j for j in judgements if j.cumulative_from and j.grade and j.depth == 0),
        None,
    )
    return AgencyReport(
        agency=agency,
        name=AGENCIES[agency],
        inspectorate=by,
        graded=bool(graded_areas),
        narrative=narrative,
        judgements=judgements,
        pending=pending,
        sections=inspection.sections_for(agency),
        evidence=bearings(about) if about else "",
        overall=overall,
    )


def agency_reports(inspection: Inspection) -> list[AgencyReport]:
    """Every agency inspected, in the programme's order."""
    return [agency_report(inspection, a) for a in inspection.inspected()]


def shared_judgements(inspection: Inspection, agency: Agency = Agency.PARTNERSHIP) -> list[Judgement]:
    """The final judgements made of the local area as a whole (002 §49-50), in the programme's order."""
    areas = [a.id for a in inspection.programme.judgement_areas if agency in a.graded_for]
    return _final_list(inspection, agency, areas)


def shared_pending(inspection: Inspection) -> str:
    """The shared judgements still to be made final, as one sentence; "" if none."""
    areas = [a for a in inspection.programme.judgement_areas if Agency.PARTNERSHIP in a.graded_for]
    shown = {j.area_id for j in shared_judgements(inspection)}
    return _still_to_come([a.title for a in areas if a.id not in shown], "judgement", "the inspectorates'")


@dataclass(frozen=True)
class InspectorateSection:
    """The short section from one inspectorate about the agencies it inspects (002 §59)."""

    inspectorate: str
    agencies: list[AgencyReport]


def by_inspectorate(inspection: Inspection, reports: list[AgencyReport]) -> list[InspectorateSection]:
    order: list[Inspectorate] = [i for i in Inspectorate if i in inspection.inspectorates]
    sections = []
    for inspectorate in order:
        name = INSPECTORATES[inspectorate]
        mine = [r for r in reports if r.narrative and r.inspectorate == name]
        if mine:
            sections.append(InspectorateSection(inspectorate=name, agencies=mine))
    return sections
