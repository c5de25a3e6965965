"""The rules of each step of a report's lifecycle, each citing the paragraph of the inspection's own
programme that states it (its `report` and `participation`): never another programme's. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from shared.language.contracts.reporting import (
    ActionPlanProgressRecorded,
    ActionPlanReceived,
    ActionPlanRequested,
    Decision,
    FactualAccuracyPointDecided,
    FactualAccuracyResponseReceived,
    Point,
    ReportAgreed,
    ReportCorrectionOpened,
    ReportDrafted,
    ReportFinalised,
    ReportPublished,
    ReportQualityAssured,
    ReportSentForFactualAccuracy,
)
from shared.language.contracts.scheduling import Recipient
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation
from shared.views.boards import Board

from .decisions import Context, ReceiveActionPlan, RecordProgress, RequestActionPlan
from .names import AGENCIES, INSPECTORATES
from .standing import OFFICES, Report, Status


class Steps:
    """Each step's rules, citing the inspection's own programme (`report` and `participation`)."""

    def __init__(self, state: Report, c: Context) -> None:
        self.state, self.c = state, c
        self.iid = c.inspection.inspection_id
        self.programme = c.inspection.programme
        self.rules = self.programme.report
        self.lead = self.programme.participation.lead_inspectorate
        self.taking_part = c.inspection.inspectorates
        self.outsider = (
            Forbidden(
                f"{c.by or 'the partnership'} does not take part in this inspection",
                self.programme.participation.source,
            )
            if c.by is None or c.by not in self.taking_part
            else None
        )

    # Who acts, and on what.

    def by_taking_part(self) -> Inspectorate:
        if self.outsider is not None:
            raise self.outsider
        assert self.c.by is not None
        return self.c.by

    def by_lead(self, what: str) -> None:
        self.by_taking_part()
        if self.c.by is not self.lead:
            raise Forbidden(
                f"{what} is for the lead inspectorate, {self.lead}", self.programme.participation.source
            )

    def drafted(self) -> ReportDrafted:
        if self.state.draft is None:
            raise RuleViolation("the report has not been drafted", self.rules.quality_assurance)
        return self.state.draft

    def as_drafted(self, draft: ReportDrafted, rule: str) -> None:
        if self.c.checksum != draft.checksum:
            raise RuleViolation(
                f"the report has changed since draft {draft.draft} (its events moved on): draft it again",
                rule,
            )

    def awaiting_agreement(self, draft: ReportDrafted, before: str) -> None:
        waiting = [i for i in self.taking_part if i not in self.state.agreed]
        if not self.state.quality_assured:
            raise RuleViolation(
                f"draft {draft.draft} awaits {INSPECTORATES[self.lead]}'s quality assurance before {before}",
                self.rules.quality_assurance,
            )
        if waiting:
            raise RuleViolation(
                f"draft {draft.draft} awaits the agreement of {', '.join(waiting)} before {before}",
                self.rules.agreement,
            )

    def complete(self, missing: Sequence[str], what: str) -> None:
        if missing:
            raise RuleViolation(
                f"{what} only when every judgement it reports is final; not yet final: {'; '.join(missing)}",
                self.rules.complete,
            )

    def recipient(self) -> str:
        sent = self.state.sent
        return sent.to() if sent is not None else "its recipient"

    # The steps.

    def draft(self, correction: str | None, changed_from: str | None = None) -> list[Event]:
        self.by_lead("drafting the report")
        state, c = self.state, self.c
        number = state.draft.draft + 1 if state.draft else 1
        if state.final is not None:
            if correction is None:
                raise RuleViolation(
                    "the report is final: a correction is drafted saying what changed and when",
                    self.rules.publication,
                )
            if state.status(self.taking_part) is not Status.PUBLISHED:
                raise RuleViolation(
                    "the report is corrected once every inspectorate taking part has published it",
                    self.rules.publication,
                )
            if (changed_from or c.checksum) == state.final.checksum:
                raise RuleViolation(
                    "the report renders as it was published: there is nothing to correct",
                    self.rules.publication,
                )
            self.complete(c.ready.missing, "a corrected report is drafted")
            return [
                ReportCorrectionOpened(
                    inspection_id=self.iid,
                    edition=state.edition + 1,
                    corrects=state.final.checksum,
                    reason=correction,
                    on=c.ready.today,
                ),
                ReportDrafted(inspection_id=self.iid, draft=number, kind=c.kind, checksum=c.checksum),
            ]
        if correction is not None:
            raise RuleViolation(
                "only a published report is corrected"
                + (f": edition {state.edition} is already being drafted" if state.correcting else ""),
                self.rules.publication,
            )
        if state.sent is not None and not state.correcting:
            raise RuleViolation(
                f"the draft is with {self.recipient()}: corrections follow the factual-accuracy response",
                self.rules.factual_accuracy,
            )
        ready = c.ready
        if ready.today < ready.drafted_from:
            after = (
                f"the joint feedback meeting on {ready.feedback_on}"
                if ready.feedback_on is not None and ready.feedback_on >= ready.fieldwork_ends
                else f"the last day of fieldwork, {ready.fieldwork_ends}"
            )
            raise RuleViolation(
                f"the report is drafted after {after}, not before (today is {ready.today})",
                self.rules.drafted_after,
            )
        self.complete(ready.missing, "the report is drafted")
        return [ReportDrafted(inspection_id=self.iid, draft=number, kind=c.kind, checksum=c.checksum)]

    def quality_assure(self) -> list[Event]:
        self.by_lead("quality assurance")
        draft = self.drafted()
        if self.state.quality_assured:
            raise RuleViolation(
                f"draft {draft.draft} is already quality-assured", self.rules.quality_assurance
            )
        if self.state.sent is not None and not self.state.correcting:
            raise RuleViolation(
                f"the draft has been sent to {self.recipient()}", self.rules.quality_assurance
            )
        self.as_drafted(draft, self.rules.quality_assurance)
        return [ReportQualityAssured(inspection_id=self.iid, draft=draft.draft, checksum=self.c.checksum)]

    def agree(self) -> list[Event]:
        by = self.by_taking_part()
        state, c, rule = self.state, self.c, self.rules.agreement
        draft = self.drafted()
        if state.final is not None:
            raise RuleViolation("the report is final: it was agreed before it was made final", rule)
        if state.sent is not None and not state.correcting:  # agreeing the content as it now stands
            if c.checksum == state.approved(self.taking_part):
                raise RuleViolation(
                    f"the report is as every inspectorate agreed it and it went to {self.recipient()}: "
                    "there is no change to agree",
                    rule,
                )
            if by in state.agreed_again(c.checksum):
                raise RuleViolation(f"{by} has already agreed the report as it now stands", rule)
            return [
                ReportAgreed(inspection_id=self.iid, draft=draft.draft, inspectorate=by, checksum=c.checksum)
            ]
        if not state.quality_assured:
            raise RuleViolation(
                f"draft {draft.draft} is agreed once {INSPECTORATES[self.lead]} has quality-assured it",
                self.rules.quality_assurance,
            )
        if by in state.agreed:
            raise RuleViolation(f"{by} has already agreed draft {draft.draft}", rule)
        self.as_drafted(draft, rule)
        return [ReportAgreed(inspection_id=self.iid, draft=draft.draft, inspectorate=by, checksum=c.checksum)]

    def send(self, board: Board | None, addressee: str | None) -> list[Event]:
        self.by_lead("sending the draft for factual accuracy")
        state, rules = self.state, self.rules
        to = rules.draft_to
        if state.correcting:
            raise RuleViolation(
                "a correction is made final once every inspectorate agrees it: the partnership gave its one "
                "factual-accuracy response on the first edition",
                rules.factual_accuracy,
            )
        draft = self.drafted()
        if state.sent is not None:
            raise RuleViolation(
                f"the draft has already been sent to {self.recipient()}", rules.factual_accuracy
            )
        self.awaiting_agreement(draft, "it is sent for factual accuracy")
        self.as_drafted(draft, rules.agreement)
        if to.lscb:
            if addressee is not None:
                raise RuleViolation(
                    "the draft goes to the officer the LSCB's register names: give no addressee", to.source
                )
            recipient, name = self._from_register(board)
        else:
            assert to.agency is not None
            if not addressee:
                raise RuleViolation(
                    f"name the senior leader of {AGENCIES[to.agency]} the draft goes to (addressee)",
                    to.source,
                )
            recipient, name = Recipient.AGENCY_SENIOR_LEADER, addressee
        return [
            ReportSentForFactualAccuracy(
                inspection_id=self.iid,
                draft=draft.draft,
                recipient=recipient,
                agency=to.agency,
                addressee=name,
                copied_to=list(to.copied_to),
                checksum=self.c.checksum,
            )
        ]

    def _from_register(self, board: Board | None) -> tuple[Recipient, str]:
        """The first of the programme's LSCB offices available today, by the area's register."""
        for recipient in self.rules.draft_to.recipients:
            officer = board.available(OFFICES[recipient], self.c.ready.today) if board is not None else None
            if officer is not None:
                return recipient, officer.name
        offices = " or ".join(OFFICES[r].value.replace("_", " ") for r in self.rules.draft_to.recipients)
        raise RuleViolation(
            f"the register of the {self.c.inspection.local_area} LSCB names no {offices} available today: "
            "record who is (jip lscb appoint)",
            self.rules.draft_to.source,
        )

    def receive_response(self, points: Sequence[Point]) -> list[Event]:
        state, rules = self.state, self.rules
        to = rules.draft_to
        if to.lscb and self.c.by is not None:
            raise Forbidden(
                "the chair of the LSCB submits the partnership's factual-accuracy response",
                rules.factual_accuracy,
            )
        if not to.lscb and self.c.by is not self.lead:
            assert to.agency is not None
            raise Forbidden(
                f"the lead inspectorate, {self.lead}, records the factual-accuracy response the senior "
                f"leader of {AGENCIES[to.agency]} coordinates",
                rules.factual_accuracy,
            )
        if state.sent is None or state.correcting:
            raise RuleViolation(
                "no draft has been sent for its factual-accuracy response", rules.factual_accuracy
            )
        if state.response is not None:
            raise RuleViolation(
                "the factual-accuracy response is already recorded: there is one, coordinated by "
                f"{state.sent.to()}",
                rules.factual_accuracy,
            )
        numbers = [p.point for p in points]
        if len(set(numbers)) != len(numbers):
            raise RuleViolation("each point of the response has its own number", rules.factual_accuracy)
        return [
            FactualAccuracyResponseReceived(
                inspection_id=self.iid, responder=state.sent.addressee, points=list(points)
            )
        ]

    def decide_point(self, point: int, decision: Decision, reason: str) -> list[Event]:
        self.by_lead("deciding the factual-accuracy points")
        state, rule = self.state, self.rules.factual_accuracy
        if state.response is None:
            raise RuleViolation("no factual-accuracy response has been received", rule)
        if point not in {p.point for p in state.response.points}:
            raise RuleViolation(f"the response has no point {point}", rule)
        if point in state.decisions or state.last_final() is not None:
            raise RuleViolation(f"point {point} is already decided", rule)
        return [
            FactualAccuracyPointDecided(
                inspection_id=self.iid,
                point=point,
                decision=decision,
                reason=reason,
                checksum=self.c.checksum,
            )
        ]

    def finalise(self) -> list[Event]:
        self.by_lead("making the report final")
        state, c, rules = self.state, self.c, self.rules
        if state.final is not None:
            raise RuleViolation("the report is already final", rules.publication)
        if state.correcting:
            draft = self.drafted()
            self.awaiting_agreement(draft, "it is made final")
            self.as_drafted(draft, rules.agreement)
            self.complete(c.ready.missing, "a corrected report is made final")
            return [ReportFinalised(inspection_id=self.iid, checksum=c.checksum)]
        if state.response is None:
            raise RuleViolation(
                f"the report is made final after the factual-accuracy response of {state.sent.to()}"
                if state.sent is not None
                else "the report is made final after the factual-accuracy response to its draft",
                rules.factual_accuracy,
            )
        undecided = state.undecided()
        if undecided:
            raise RuleViolation(
                f"decide point(s) {', '.join(map(str, undecided))} first", rules.factual_accuracy
            )
        self.complete(c.ready.missing, "the report is made final")
        approved = state.approved(self.taking_part)
        if c.checksum != approved:
            raise RuleViolation(
                "the report has changed since every inspectorate agreed it and it went to "
                f"{self.recipient()} (agreed as {str(approved)[:12]}…, now {c.checksum[:12]}…), and no "
                "accepted factual-accuracy point was decided on the change: every inspectorate agrees the "
                "report as it now stands before it is made final",
                rules.agreement,
            )
        return [ReportFinalised(inspection_id=self.iid, checksum=c.checksum)]

    def publish(self) -> list[Event]:
        by = self.by_taking_part()
        state, rule = self.state, self.rules.publication
        if state.final is None:
            edition = f": edition {state.edition} is not final yet" if state.correcting else ""
            raise RuleViolation(f"only the final report is published{edition}", rule)
        if any(p.inspectorate is by for p in state.published):
            raise RuleViolation(f"{by} has already published the report", rule)
        self.complete(self.c.ready.missing_at_final, "the report is published")
        return [ReportPublished(inspection_id=self.iid, inspectorate=by, checksum=state.final.checksum)]

    def action_plan(self, command: RequestActionPlan | ReceiveActionPlan | RecordProgress) -> list[Event]:
        state, rules = self.state, self.rules
        rule = rules.action_plan_source or rules.source
        match command:
            case RequestActionPlan():
                self.by_lead("deciding who leads the action plan")
                if not rules.action_plan:
                    raise RuleViolation(f"{self.programme.id} tracks no action plan", rule)
                if state.last_final() is None:
                    raise RuleViolation("the action plan responds to the final report", rule)
                if state.action_plan is not None:
                    raise RuleViolation("the action plan has already been requested", rule)
                if command.led_by not in self.c.inspection.agencies:
                    raise RuleViolation(f"{command.led_by} is not an agency inspected here", rule)
                if command.due_on <= self.c.ready.today:
                    raise RuleViolation("the action plan is due after today", rule)
                return [
                    ActionPlanRequested(inspection_id=self.iid, led_by=command.led_by, due_on=command.due_on)
                ]
            case ReceiveActionPlan():
                self.by_lead("recording the action plan")
                if state.action_plan is None:
                    raise RuleViolation("no action plan has been requested", rule)
                if state.plan_received is not None:
                    raise RuleViolation("the action plan has already been received", rule)
                return [ActionPlanReceived(inspection_id=self.iid, received_on=command.received_on)]
            case RecordProgress():
                self.by_lead("tracking the action plan")
                if state.plan_received is None:
                    raise RuleViolation("progress is tracked once the action plan is received", rule)
                return [ActionPlanProgressRecorded(inspection_id=self.iid, on=command.on, note=command.note)]
        raise AssertionError(command)
