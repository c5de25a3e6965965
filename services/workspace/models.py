"""What the workspace reads from the services' APIs: the parts of their answers its pages show, each
model ignoring the fields it does not use, so a service can add to its answers without breaking it."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# --- scheduling --------------------------------------------------------------------------------------


class Clock(Read):
    """`GET /clock`: the platform's one clock, real or a rehearsal's."""

    environment: str
    rehearsal: bool
    now: datetime
    today: date


class Titled(Read):
    id: str
    title: str
    source: str = ""


class Notice(Read):
    announced: bool
    working_days: int
    source: str


class Phase(Read):
    week: int
    inspectorates: list[str]


class Fieldwork(Read):
    weeks: int
    phases: list[Phase]
    source: str


class Participation(Read):
    lead_inspectorate: str
    inspectorates: list[str]
    source: str


class DraftTo(Read):
    source: str


class ReportRules(Read):
    kind: str
    drafted_after: str
    complete: str
    quality_assurance: str
    agreement: str
    draft_to: DraftTo
    factual_accuracy: str
    publication: str


class Rules(Read):
    evidence_gathering: str
    findings: str


class Lscb(Read):
    evaluation: str
    source: str


class Programme(Read):
    """`GET /programmes/{id}`: what a form may offer, and the paragraphs the task list cites."""

    id: str
    title: str
    participation: Participation
    notice: Notice
    fieldwork: Fieldwork
    deep_dive_themes: list[Titled] = []
    lscb: Lscb | None = None
    report: ReportRules
    rules: Rules


class Area(Read):
    code: str
    name: str


class Meeting(Read):
    kind: str
    on: date
    title: str


class Notification(Read):
    recipient: str
    agency: str | None
    notified_by: str
    notified_at: datetime
    addressee: str | None = None


class Assignment(Read):
    inspector_id: str
    inspectorate: str
    weeks: list[int]


class Cancellation(Read):
    reason: str


class Inspection(Read):
    """`GET /inspections/{id}` on scheduling: the inspection as it stands."""

    inspection_id: str
    programme: str
    area_code: str
    local_area: str
    deep_dive_theme: str | None
    announced: bool
    fieldwork_starts: date
    fieldwork_ends: date
    notice_date: date
    inspectorates: list[str]
    agencies: dict[str, str]
    meetings: list[Meeting] = []
    notifications: list[Notification] = []
    team: list[Assignment] = []
    cancelled: Cancellation | None = None
    version: int


class PlannedStep(Read):
    recipient: str
    agency: str | None
    addressee: str | None
    notified_by: str | None
    notified_at: datetime | None


class NotificationPlan(Read):
    """`GET /inspections/{id}/notification-plan`: whom to tell, in order, and who tells them."""

    due: date
    ordered: bool
    board_registered: bool
    steps: list[PlannedStep]

    @property
    def next_step(self) -> PlannedStep | None:
        """The first step not yet done: in an ordered plan, the only one that may be recorded now."""
        return next((s for s in self.steps if s.notified_at is None), None)


class Inspector(Read):
    inspector_id: str
    inspectorate: str
    name: str


# --- evidence, judgement, lscb ------------------------------------------------------------------------


class EvidenceFile(Read):
    """`GET /inspections/{id}` on evidence: whether notice has started and evidence gathering is closed."""

    notice_started: bool
    evidence_closed: bool
    cancelled: bool


class Judgement(Read):
    agency: str
    judgement_area: str
    status: str | None  # None until proposed


class JudgementBoard(Read):
    judgements: list[Judgement]


class Evaluation(Read):
    """`GET /inspections/{id}/evaluation` on lscb: the board's shared evaluation."""

    contributions: list[dict[str, object]] = []
    proposal: dict[str, object] | None = None
    final: dict[str, object] | None = None


# --- reporting ----------------------------------------------------------------------------------------


class Sent(Read):
    to: str
    addressee: str


class Point(Read):
    point: int
    section: str | None = None
    text: str


class Response(Read):
    points: list[Point]


class PointDecided(Read):
    point: int
    decision: str
    reason: str


class Published(Read):
    inspectorate: str


class Lifecycle(Read):
    """`GET /inspections/{id}/report/lifecycle`: where the report stands."""

    kind: str
    status: str
    edition: int
    draft: int | None
    quality_assured: bool
    agreed: list[str]
    awaiting_agreement: list[str]
    sent: Sent | None
    response: Response | None
    decisions: list[PointDecided]
    undecided: list[int]
    final_checksum: str | None
    published: list[Published]
    version: int


class ReportEntry(Read):
    """One report of `GET /documents` (reporting's shelf): for a chair, those of their area sent to them."""

    document: str
    kind: str
    inspection_id: str | None
    local_area: str | None
    status: str | None
    programme: str | None = None
    fieldwork_starts: date | None = None
    fieldwork_ends: date | None = None
