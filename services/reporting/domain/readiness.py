"""Whether a report is ready for the next step of its lifecycle: its fieldwork is over, the joint feedback
meeting on its last day held where the programme has one (001 Proposal three), and every judgement it
reports is final (MACP 2012's four shared judgements and each agency's short section, 002 §49, §58-59;
CLA 2012's five judgements with the adoption sub-judgement, 003; each agency's report and the shared LSCB
judgement of an integrated inspection, 004 §108-110, §113; the LSCB evaluation of a JTAI, 001 Proposal
one). A report is drafted, made final and published only when complete.

Pure functions of the events reporting holds for one inspection: what the report would say, not what
another service's database says."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from shared.language.contracts.judgement import (
    JudgementFinalised,
    JudgementFlaggedForReview,
    JudgementProposed,
    JudgementReturned,
    JudgementRevised,
)
from shared.language.contracts.lscb import LscbEvaluationRecorded, LscbJudgementFinalised
from shared.language.contracts.scheduling import (
    InspectionRescheduled,
    InspectionScheduled,
    MeetingScheduled,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme
from shared.mechanics.catalogue import Event
from shared.views import inspections

from .names import AGENCIES


@dataclass(frozen=True)
class Readiness:
    """What the lifecycle decides a step on, besides the report's content: the day, the fieldwork, and
    what the report still lacks, as it stands now and as it was made final."""

    today: date
    fieldwork_ends: date  # the last day of fieldwork, after any rescheduling
    feedback_on: date | None  # the joint feedback meeting, where the programme has one
    missing: tuple[str, ...] = ()  # judgements the report as it stands reports that are not final
    missing_at_final: tuple[str, ...] = ()  # the same, of the report as it was made final

    @property
    def drafted_from(self) -> date:
        """The first day the report may be drafted: the last day of fieldwork, after its feedback meeting."""
        return max(self.fieldwork_ends, self.feedback_on or self.fieldwork_ends)


def fieldwork(events: Iterable[Event]) -> tuple[date, date | None]:
    """The last day of fieldwork (the latest dates scheduling gave), and the joint feedback meeting's day
    where one was scheduled. Folded here: the platform's fold of the inspection (shared/views/inspections.py)
    keeps who takes part and what is inspected, not the dates: of the services that fold it, only
    reporting needs them."""
    ends: date | None = None
    feedback: date | None = None
    for event in events:
        if isinstance(event, InspectionScheduled | InspectionRescheduled):
            ends = event.fieldwork_ends
        elif isinstance(event, MeetingScheduled) and event.kind == "joint_feedback":
            feedback = event.on
    if ends is None:
        raise ValueError("no InspectionScheduled event: the report has no fieldwork")
    return ends, feedback


def _inspected(events: Sequence[Event]) -> set[Agency]:
    """The agencies inspected, as the platform's one fold of the inspection says
    (shared/views/inspections.py)."""
    scheduled = next((e for e in events if isinstance(e, InspectionScheduled)), None)
    known = inspections.fold(scheduled.inspection_id, events) if scheduled is not None else None
    return set(known.agencies) if known is not None else set()


def _judgements(events: Iterable[Event]) -> dict[tuple[Agency, str], bool]:
    """Each judgement made, by subject and area: whether it stands final (finalised since it was last
    proposed, revised, returned or flagged for review)."""
    final: dict[tuple[Agency, str], bool] = {}
    for event in events:
        if isinstance(
            event, JudgementProposed | JudgementRevised | JudgementReturned | JudgementFlaggedForReview
        ):
            final[(event.agency, event.judgement_area)] = False
        elif isinstance(event, JudgementFinalised):
            final[(event.agency, event.judgement_area)] = True
    return final


def missing(programme: Programme, events: Sequence[Event]) -> list[str]:
    """What the report lacks before it can be drafted, made final or published, in words: each graded
    judgement it reports that is not final, each agency reported in narrative with no final commentary or
    with commentary still in moderation, and the shared evaluation of the LSCB."""
    inspected = _inspected(events)
    made = _judgements(events)
    lacking: list[str] = []
    for area in programme.judgement_areas:
        for agency in area.graded_for:
            if agency is Agency.LSCB or (agency is not Agency.PARTNERSHIP and agency not in inspected):
                continue  # the board is judged in the lscb service, below
            if not made.get((agency, area.id), False):
                whose = "the shared judgement" if agency is Agency.PARTNERSHIP else AGENCIES[agency]
                lacking.append(f"{area.title} ({whose})")
    for agency in programme.judgements.narrative_for:
        if agency not in inspected:
            continue
        mine = [final for (subject, _), final in made.items() if subject is agency]
        if not any(mine):
            lacking.append(f"the commentary on {AGENCIES[agency]}")
        elif not all(mine):
            lacking.append(f"{mine.count(False)} further judgement(s) on {AGENCIES[agency]}")
    if programme.lscb is not None and not any(
        isinstance(e, LscbJudgementFinalised | LscbEvaluationRecorded) for e in events
    ):
        what = "judgement" if programme.lscb.evaluation == "graded" else "evaluation"
        lacking.append(f"the inspectorates' shared {what} of the LSCB")
    return lacking
