"""What a document says about the Local Safeguarding Children Board: the inspectorates' shared evaluation
(004 §113; 001 Proposal one; 002 §51), with the descriptor of its grade where the board is graded
(004 §115-118), the board's statutory objectives it is evaluated against (004 §112), and the findings each
inspectorate contributed, by criterion (004 §115 a-l), attributed to the partner where they lie (000 §14).

Only what was contributed is published: a criterion no finding was contributed against is left out, never
listed as process ("no findings have been contributed against ...")."""

from __future__ import annotations

from dataclasses import dataclass

from shared.language.contracts.lscb import (
    LscbEvaluationRecorded,
    LscbFindingContributed,
    LscbJudgementFinalised,
    LscbJudgementProposed,
)
from shared.language.contracts.vocabulary import Agency, Grade

from ..domain.names import AGENCIES
from .context import Inspection
from .words import BEARINGS, INSPECTORATES, grade_words, judged, listing, lower_first, support

# The objective of an LSCB, section 14(1) of the Children Act 2004 as 004 §112 quotes it. The joint report
# on the board evaluates its effectiveness against them (004 §113). Kept here, verbatim and cited, until the
# programme data carries it.
STATUTORY_OBJECTIVES = (
    "to co-ordinate what is done by each person or body represented on the Board for the purposes of "
    "safeguarding and promoting the welfare of children in the area of the authority by which it is "
    "established",
    "to ensure the effectiveness of what is done by each such person or body for those purposes",
)
STATUTORY_OBJECTIVES_SOURCE = "004 §112"


@dataclass(frozen=True)
class Contribution:
    """One inspectorate's finding about the board, attributed to the partner where it lies (000 §14)."""

    bearing: str
    text: str
    attributed_to: str
    inspectorate: str
    support: str


@dataclass(frozen=True)
class CriterionFindings:
    criterion_id: str
    label: str  # "115 a"
    text: str  # the criterion, verbatim from the programme
    contributions: list[Contribution]


@dataclass(frozen=True)
class Lscb:
    """The shared evaluation of the board (004 §113; 001 Proposal one)."""

    state: str  # "final", "legacy" (recorded before the agreement flow), "proposed" or "none"
    graded: bool  # the programme grades the board
    grade: str  # "Requires improvement", as a label; "" if none
    judged: str  # "judged to require improvement"; "" if none
    descriptor: str  # what the grade means for a board (004 §115-118), to follow "if"; "" if none
    text: str
    support: str
    agreed_by: str
    objectives: list[str]  # the board's statutory objectives (004 §112)
    criteria: list[CriterionFindings]  # only the criteria findings were contributed against
    other: list[Contribution]  # contributions against no criterion of the programme


def criterion_label(criterion_id: str) -> str:
    """ "115a" as the seeds cite it: "115 a"."""
    return f"{criterion_id[:-1]} {criterion_id[-1]}"


def descriptor(inspection: Inspection, grade: Grade, final: object = None) -> str:
    """What the grade means for a board, to follow "if": from the programme's descriptors (004 §116-118),
    or from its criteria where they describe the grade (good: 004 §115 a-l). The programme's words are the
    ones the lscb service records on a final judgement (`descriptor`); that record is used only where the
    programme has none for the grade."""
    programme = inspection.programme
    area = programme.lscb.judgement_area if programme.lscb else None
    described = [
        d.text
        for d in programme.descriptors
        if d.agency is Agency.LSCB and d.grade is grade and (area is None or d.judgement_area == area)
    ]
    if described:
        return " ".join(lower_first(t.strip()) if n == 0 else t.strip() for n, t in enumerate(described))
    criteria = [c for c in programme.criteria if c.agency is Agency.LSCB and c.descriptor is grade]
    if criteria:
        labels = [criterion_label(c.id) for c in criteria]
        span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
        return f"it meets each of the criteria {span}."
    carried = getattr(final, "descriptor", None)
    return lower_first(carried.strip()) if isinstance(carried, str) and carried.strip() else ""


def _contribution(inspection: Inspection, event: LscbFindingContributed) -> Contribution:
    return Contribution(
        bearing=BEARINGS[event.bearing],
        text=inspection.clean(event.text),
        attributed_to=AGENCIES[event.attributed_to],
        inspectorate=INSPECTORATES[event.inspectorate],
        support=support(event.evidence_item_ids, inspection.items),
    )


def lscb(inspection: Inspection) -> Lscb:
    events = inspection.events
    programme = inspection.programme
    final = next((e for e in events if isinstance(e, LscbJudgementFinalised)), None)
    legacy = [e for e in events if isinstance(e, LscbEvaluationRecorded)]
    proposed = any(isinstance(e, LscbJudgementProposed) for e in events)
    graded = programme.lscb is not None and programme.lscb.evaluation == "graded"
    state, grade, text, agreed, meaning, verdict = "none", "", "", "", "", ""
    cited: list[str] = []
    if final is not None:
        state, text, cited = "final", final.text, list(final.evidence_item_ids)
        if final.grade is not None:
            grade, verdict = grade_words(final.grade), judged(final.grade)
            meaning = descriptor(inspection, final.grade, final)
        agreed = listing([INSPECTORATES[i] for i in final.signed_off_by])
    elif legacy:
        state, text, cited = "legacy", legacy[-1].summary, list(legacy[-1].evidence_item_ids)
    elif proposed:
        state = "proposed"
    contributed = [e for e in events if isinstance(e, LscbFindingContributed)]
    board_criteria = [c for c in programme.criteria if c.agency is Agency.LSCB]
    known = {c.id for c in board_criteria}
    criteria = [
        CriterionFindings(
            criterion_id=c.id,
            label=criterion_label(c.id),
            text=c.text,
            contributions=[_contribution(inspection, e) for e in contributed if e.criterion == c.id],
        )
        for c in board_criteria
    ]
    return Lscb(
        state=state,
        graded=graded,
        grade=grade,
        judged=verdict,
        descriptor=meaning,
        text=inspection.clean(text),
        support=support(cited, inspection.items) if state in ("final", "legacy") else "",
        agreed_by=agreed,
        objectives=list(STATUTORY_OBJECTIVES),
        criteria=[c for c in criteria if c.contributions],
        other=[_contribution(inspection, e) for e in contributed if e.criterion not in known],
    )
