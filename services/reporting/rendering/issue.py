"""Where a document stands when it is read, as its report's lifecycle says: issued (final, with its date of
issue) or a draft, which says so on every page of every format (`DRAFT — not for publication`, with the
step its lifecycle has reached); and, once it is final, the next steps: who leads the written statement of
action in response to it, and by when (001 Post inspection action plan; 001 Part 2).

None of this is in the content the inspectorates agree, quality-assure and make final by checksum: the
draft's marking changes at every step, and the action plan is asked for once the report is final. So the
caller gives it to `documents.render_report` beside the events; without it the document is that content
alone. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme
from shared.language.workdays import date_in_england
from shared.mechanics.envelope import Inspectorate

from ..domain.standing import Report, Status
from .words import INSPECTORATES, LEADERS_OF_AREA, SENIOR_LEADERS, capital, day

DRAFT = "DRAFT — not for publication"


@dataclass(frozen=True)
class ActionPlan:
    """The written statement of action asked for once the report is final: who leads it, and by when."""

    led_by: Agency
    due_on: date


@dataclass(frozen=True)
class Issue:
    final: bool
    step: str  # the lifecycle step reached, as words; "" once final
    issued_on: date | None = None  # the day the report (its current edition) was made final
    action_plan: ActionPlan | None = None

    def marking(self) -> str:
        """ "DRAFT — not for publication: draft 1, sent to …"; "" for a final document."""
        return "" if self.final else f"{DRAFT}: {self.step}"


LIVE = Issue(final=False, step="not drafted yet, this is the inspection's record as it stands")


def _step(state: Report, status: Status, taking_part: Sequence[Inspectorate], lead: Inspectorate) -> str:
    number = f"draft {state.draft.draft}" if state.draft else "not drafted yet"
    every = "every inspectorate taking part" if len(taking_part) > 1 else INSPECTORATES[taking_part[0]]
    words = {
        Status.LIVE: "not drafted yet, this is the inspection's record as it stands",
        Status.DRAFTED: f"{number}, to be quality-assured by {INSPECTORATES[lead]}",
        Status.QUALITY_ASSURED: f"{number}, quality-assured, to be agreed by {every}",
        Status.AGREED: f"{number}, agreed by {every}, not yet sent for factual accuracy",
        Status.RESPONSE_RECEIVED: f"{number}, its factual-accuracy response being decided point by point",
    }
    said = words.get(status)
    if said is None:  # sent to the LSCB or to a senior leader
        said = (
            f"{number}, sent to {state.sent.to() if state.sent else 'the partnership'}, for factual accuracy"
        )
    if state.correcting:
        said = f"edition {state.edition}, correcting the published report: {said}"
    return said


def issue_of(
    state: Report,
    taking_part: Sequence[Inspectorate],
    lead: Inspectorate,
    finalised_at: datetime | None,
) -> Issue:
    """The document's standing from its report's lifecycle `state`; `finalised_at`: when its current
    edition was made final, if it was."""
    status = state.status(taking_part)
    plan = state.action_plan
    if status in (Status.FINAL, Status.PUBLISHED):
        return Issue(
            final=True,
            step="",
            issued_on=date_in_england(finalised_at) if finalised_at else None,
            action_plan=ActionPlan(plan.led_by, plan.due_on) if plan else None,
        )
    return Issue(final=False, step=_step(state, status, taking_part, lead))


@dataclass(frozen=True)
class Frame:
    """What a document read at its lifecycle step says besides its content, as words."""

    issued: str  # "Friday 27 March 2026": the date of issue of a final document; ""
    next_steps: str  # who leads the written statement of action, and by when; "" if none is asked for


def frame(issue: Issue | None, programme: Programme, area: str, document: str) -> Frame:
    """The date of issue, and the next steps where the programme asks for an action plan (001 Post
    inspection action plan; 001 Part 2): once asked for, who leads it and by when; before that, that the
    lead inspectorate will say. `document`: "letter" or "report", as the document calls itself."""
    if issue is None:
        return Frame("", "")
    issued = day(issue.issued_on) if issue.final and issue.issued_on else ""
    if not programme.report.action_plan:
        return Frame(issued, "")
    plan = issue.action_plan
    lead = INSPECTORATES[programme.participation.lead_inspectorate]
    if plan is None:
        steps = (
            f"{capital(lead)} will say who leads the written statement of proposed action in response to "
            f"this {document}, and by when it is due."
        )
    else:
        steps = (
            f"The {SENIOR_LEADERS[plan.led_by]} {LEADERS_OF_AREA.get(plan.led_by, 'in')} {area} leads the "
            f"written statement of proposed action in response to this {document}, with the agencies it is "
            "addressed to. It should set out the actions for the partnership and, where appropriate, for "
            f"each agency, and reach {lead} by {day(plan.due_on)}."
        )
    return Frame(issued, steps)
