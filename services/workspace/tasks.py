"""An inspection's task list: what is done, what can be done next, and what cannot start yet and why,
worked out only from what the services' reads say (scheduling's inspection and notification plan, the
evidence file, the judgement board and findings, the board's evaluation, the report's lifecycle) and the
platform's clock. The services decide; this only reads where things stand, citing the programme's own
paragraph for each wait.

Each task links to the page where it is done (`links`), for the roles that act on it, once it can start:
a task that cannot start yet is not a link (the GOV.UK task list pattern)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .models import (
    Evaluation,
    EvidenceFile,
    Inspection,
    JudgementBoard,
    Lifecycle,
    NotificationPlan,
    Programme,
)
from .words import inspectorate_name, named


class Status(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    NEXT = "next"
    CANNOT_START = "cannot_start"

    @property
    def label(self) -> str:
        return {
            Status.DONE: "Completed",
            Status.IN_PROGRESS: "In progress",
            Status.NEXT: "Next",
            Status.CANNOT_START: "Cannot start yet",
        }[self]


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    status: Status
    hint: str


@dataclass(frozen=True)
class Reads:
    """Everything the task list is derived from; None where a service does not know the inspection yet."""

    inspection: Inspection
    programme: Programme
    today: date
    plan: NotificationPlan | None = None
    evidence: EvidenceFile | None = None
    judgements: JudgementBoard | None = None
    findings: int | None = None
    evaluation: Evaluation | None = None
    report: Lifecycle | None = None


def _state(done: bool, started: bool, can_start: bool) -> Status:
    if done:
        return Status.DONE
    if started:
        return Status.IN_PROGRESS
    return Status.NEXT if can_start else Status.CANNOT_START


def _notice(r: Reads) -> Task:
    p, i = r.programme, r.inspection
    title = "Give notice" if p.notice.announced else "Tell the area as inspectors arrive"
    steps = r.plan.steps if r.plan is not None else []
    told = [s for s in steps if s.notified_at is not None]
    due = r.plan.due if r.plan is not None else i.notice_date
    done = bool(steps) and len(told) == len(steps)
    status = _state(done, bool(told), r.today >= due)
    if status is Status.DONE:
        hint = f"{len(told)} of {len(steps)} told"
    elif status is Status.CANNOT_START:
        when = (
            "on the notice date, neither earlier nor later" if p.notice.announced else "as inspectors arrive"
        )
        hint = f"From {due:%-d %B %Y}: {when} ({p.notice.source})"
    else:
        hint = f"{len(told)} of {len(steps)} told; due {due:%-d %B %Y} ({p.notice.source})"
    return Task("notice", title, status, hint)


def _fieldwork(r: Reads) -> Task:
    i, p = r.inspection, r.programme
    over = r.today > i.fieldwork_ends or (r.evidence is not None and r.evidence.evidence_closed)
    on_site = i.fieldwork_starts <= r.today <= i.fieldwork_ends
    status = _state(over, on_site, False)
    if status is Status.CANNOT_START:
        hint = f"Starts on Monday {i.fieldwork_starts:%-d %B %Y} ({p.fieldwork.source})"
    else:
        hint = f"{i.fieldwork_starts:%-d %B} to {i.fieldwork_ends:%-d %B %Y}, {p.fieldwork.weeks} week(s)"
    return Task("fieldwork", "Fieldwork", status, hint)


def _closure(r: Reads) -> Task:
    i, p = r.inspection, r.programme
    closed = r.evidence is not None and r.evidence.evidence_closed
    status = _state(closed, False, r.today >= i.fieldwork_ends and r.evidence is not None)
    lead = inspectorate_name(p.participation.lead_inspectorate)
    if status is Status.CANNOT_START:
        hint = (
            f"{lead} closes it on the last day, {i.fieldwork_ends:%-d %B %Y} ({p.rules.evidence_gathering})"
        )
    else:
        hint = f"By {lead}; nothing is recorded after it ({p.rules.evidence_gathering})"
    return Task("evidence_closed", "Close evidence gathering", status, hint)


def _judgements(r: Reads) -> Task:
    p = r.programme
    started = r.today >= r.inspection.fieldwork_starts
    if r.judgements is None or r.findings is None:
        return Task("judgements", "Judgements and findings", Status.CANNOT_START, "Once fieldwork starts")
    made = [j for j in r.judgements.judgements if j.status is not None]
    final = [j for j in made if j.status == "final"]
    closed = r.evidence is not None and r.evidence.evidence_closed
    if r.judgements.judgements:
        done = len(final) == len(r.judgements.judgements)
        hint = f"{len(final)} of {len(r.judgements.judgements)} judgements final; {r.findings} finding(s)"
    else:  # a programme without graded judgements: its findings (001 Proposal four)
        done = closed and r.findings > 0
        hint = f"{r.findings} finding(s) recorded ({p.rules.findings})"
    status = _state(done, bool(made) or r.findings > 0, started)
    return Task("judgements", "Judgements and findings", status, hint if started else "Once fieldwork starts")


def _board(r: Reads) -> Task | None:
    p = r.programme
    if p.lscb is None:
        return None
    e = r.evaluation
    started = r.today >= r.inspection.fieldwork_starts and e is not None
    done = e is not None and e.final is not None
    begun = e is not None and (e.proposal is not None or bool(e.contributions))
    status = _state(done, begun, started)
    hint = f"Agreed by every inspectorate taking part ({p.lscb.source})"
    return Task("lscb", "Evaluate the LSCB", status, hint)


# Where a report stands before the reporting service has heard of the inspection: nowhere yet.
UNKNOWN_REPORT = Lifecycle(
    kind="",
    status="live",
    edition=1,
    draft=None,
    quality_assured=False,
    agreed=[],
    awaiting_agreement=[],
    sent=None,
    response=None,
    decisions=[],
    undecided=[],
    final_checksum=None,
    published=[],
    version=0,
)


def _report(r: Reads, ready: bool) -> list[Task]:
    rules, rep = r.programme.report, r.report or UNKNOWN_REPORT
    ready = ready and r.report is not None
    lead = inspectorate_name(r.programme.participation.lead_inspectorate)
    drafted = rep.draft is not None
    qa = drafted and rep.quality_assured
    agreed = qa and not rep.awaiting_agreement
    sent, answered = rep.sent is not None, rep.response is not None
    decided = answered and not rep.undecided
    final = rep.final_checksum is not None
    awaiting = f"Awaiting {named(rep.awaiting_agreement)}" if qa and rep.awaiting_agreement else None
    undecided = f"{len(rep.undecided)} point(s) to decide" if answered and rep.undecided else None
    return [
        Task(
            "draft",
            "Draft the report",
            _state(drafted, False, ready),
            f"By {lead}, after the joint feedback meeting ({rules.drafted_after}) and once every judgement "
            f"it reports is final ({rules.complete})",
        ),
        Task(
            "quality_assurance",
            "Quality-assure the draft",
            _state(qa, False, drafted),
            f"By {lead}'s quality assurance ({rules.quality_assurance})",
        ),
        Task(
            "agreement",
            "Agree the draft",
            _state(agreed, qa and bool(rep.agreed), qa),
            f"{awaiting or 'By every inspectorate taking part'} ({rules.agreement})",
        ),
        Task(
            "sending",
            "Send the draft for factual accuracy",
            _state(sent, False, agreed),
            f"{f'Sent to {rep.sent.to}' if rep.sent else f'By {lead}'} ({rules.draft_to.source})",
        ),
        Task(
            "factual_accuracy",
            "Factual-accuracy response",
            _state(decided, answered, sent),
            f"{undecided or 'One coordinated response, decided point by point'} ({rules.factual_accuracy})",
        ),
        Task(
            "final",
            "Make the report final",
            _state(final, False, decided),
            f"By {lead} ({rules.factual_accuracy})",
        ),
        Task(
            "publication",
            "Publish the report",
            _state(rep.status == "published", final and bool(rep.published), final),
            f"By each inspectorate taking part ({rules.publication})",
        ),
    ]


def task_list(r: Reads) -> list[Task]:
    """The inspection's tasks in order, each done, in progress, next, or not able to start yet."""
    i = r.inspection
    scheduled = Task(
        "scheduled",
        "Schedule the inspection",
        Status.DONE,
        f"{r.programme.title} in {i.local_area}",
    )
    if i.cancelled is not None:
        return [scheduled, Task("cancelled", "Cancelled", Status.DONE, i.cancelled.reason)]
    closure = _closure(r)
    judgements = _judgements(r)
    board = _board(r)
    before_report = [closure, judgements, *([board] if board else [])]
    ready = all(t.status is Status.DONE for t in before_report)
    return [scheduled, _notice(r), _fieldwork(r), *before_report, *_report(r, ready)]


# Where each task is done, under the inspection's own path ("#..." on the inspection page itself), and the
# roles that act on it there.
INSPECTORS = frozenset({"inspector", "lead_inspector"})
LEAD = frozenset({"lead_inspector"})
QUALITY = frozenset({"quality_assurer"})
PLACES: dict[str, tuple[str, frozenset[str]]] = {
    "scheduled": ("#team", LEAD),  # the team, assigned per week once it is scheduled
    "notice": ("#notification-plan", LEAD),
    "fieldwork": ("/evidence", INSPECTORS),  # evidence, samples and the lines of enquiry on site
    "evidence_closed": ("/evidence#closure", LEAD),
    "judgements": ("/judgements", INSPECTORS | QUALITY),
    "lscb": ("/evaluation", INSPECTORS),
    "draft": ("/report", LEAD),
    "quality_assurance": ("/report", QUALITY),
    "agreement": ("/report", LEAD),
    "sending": ("/report", LEAD),
    "factual_accuracy": ("/report", LEAD),
    "final": ("/report", LEAD),
    "publication": ("/report", LEAD),
}


def links(tasks: list[Task], inspection_id: str, role: str | None) -> dict[str, str]:
    """Task key -> where it is done, for the tasks `role` acts on that are not waiting to start."""
    base = f"/inspections/{inspection_id}"
    found: dict[str, str] = {}
    for t in tasks:
        place = PLACES.get(t.key)
        if place is not None and role in place[1] and t.status is not Status.CANNOT_START:
            found[t.key] = base + place[0]
    return found
