"""Where an inspection's report stands in its lifecycle, folded from its own events (`report-{id}`): the
draft and its agreements, to whom it was sent for factual accuracy and what, the response and each
decision, what every inspectorate stands behind since sending, the final report and its publications,
earlier editions kept as published when a correction opened the next, and the action plan. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from shared.language.contracts.lscb import Office
from shared.language.contracts.reporting import (
    ActionPlanProgressRecorded,
    ActionPlanReceived,
    ActionPlanRequested,
    Decision,
    FactualAccuracyPointDecided,
    FactualAccuracyResponseReceived,
    ReportAgreed,
    ReportCorrectionOpened,
    ReportDrafted,
    ReportFinalised,
    ReportPublished,
    ReportQualityAssured,
    ReportSentForFactualAccuracy,
    ReportSentToLscb,
)
from shared.language.contracts.scheduling import Recipient
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate

from .names import AGENCIES

OFFICES = {Recipient.LSCB_CHAIR: Office.CHAIR, Recipient.LSCB_BUSINESS_MANAGER: Office.BUSINESS_MANAGER}


class Status(StrEnum):
    """Where the report stands, in order."""

    LIVE = "live"  # not drafted: rendered from the log as it stands
    DRAFTED = "drafted"
    QUALITY_ASSURED = "quality_assured"
    AGREED = "agreed"  # by every inspectorate taking part
    SENT_TO_LSCB = "sent_to_lscb"  # to the chair of the LSCB, or its business manager
    SENT_TO_SENIOR_LEADER = "sent_to_senior_leader"  # to an agency's senior leader (003)
    RESPONSE_RECEIVED = "response_received"
    FINAL = "final"
    PUBLISHED = "published"  # by every inspectorate taking part


@dataclass(frozen=True)
class Sent:
    """To whom the agreed draft went for the one factual-accuracy response, and what was sent."""

    draft: int
    recipient: Recipient
    agency: Agency | None
    addressee: str
    copied_to: tuple[Agency, ...]
    checksum: str

    @property
    def lscb(self) -> bool:
        return self.recipient is not Recipient.AGENCY_SENIOR_LEADER

    @property
    def office(self) -> str:
        """chair, business_manager or senior_leader."""
        return OFFICES[self.recipient].value if self.lscb else "senior_leader"

    def to(self) -> str:
        """ "Dr Jo Reed, chair of the LSCB"; "Jane Smith, senior leader of the local authority"."""
        if self.lscb:
            return f"{self.addressee}, {self.office.replace('_', ' ')} of the LSCB"
        return f"{self.addressee}, senior leader of {AGENCIES[self.agency or Agency.LOCAL_AUTHORITY]}"


def sent_of(event: ReportSentForFactualAccuracy | ReportSentToLscb) -> Sent:
    if isinstance(event, ReportSentToLscb):  # written before recipients were programme data
        office = Recipient.LSCB_CHAIR if event.office == "chair" else Recipient.LSCB_BUSINESS_MANAGER
        return Sent(event.draft, office, None, event.addressee, (), event.checksum)
    return Sent(
        event.draft, event.recipient, event.agency, event.addressee, tuple(event.copied_to), event.checksum
    )


@dataclass(frozen=True)
class Approval:
    """Content the inspectorates stand behind once the draft is sent: as sent or as an accepted point
    corrected it (`by` None: all of them), or as one inspectorate agreed it again (`by`)."""

    checksum: str
    by: Inspectorate | None


@dataclass(frozen=True)
class Edition:
    """A published edition of the report, kept as it was published when a correction opened the next."""

    number: int
    final: ReportFinalised
    published: tuple[ReportPublished, ...]
    opened_by: ReportCorrectionOpened | None  # None for the first edition


@dataclass(frozen=True)
class Report:
    draft: ReportDrafted | None = None
    quality_assured: bool = False
    agreed: tuple[Inspectorate, ...] = ()
    sent: Sent | None = None
    response: FactualAccuracyResponseReceived | None = None
    decisions: Mapping[int, FactualAccuracyPointDecided] = field(default_factory=dict)
    approvals: tuple[Approval, ...] = ()
    final: ReportFinalised | None = None
    published: tuple[ReportPublished, ...] = ()
    correction: ReportCorrectionOpened | None = None  # what opened the current edition, from the second
    editions: tuple[Edition, ...] = ()  # the earlier editions, each as published
    action_plan: ActionPlanRequested | None = None
    plan_received: ActionPlanReceived | None = None
    progress: tuple[ActionPlanProgressRecorded, ...] = ()

    @property
    def edition(self) -> int:
        return len(self.editions) + 1

    @property
    def correcting(self) -> bool:
        """A correction of the published report is on its way to its own final."""
        return self.correction is not None and self.final is None

    def last_final(self) -> ReportFinalised | None:
        """The current edition's final, or while it is corrected the published edition's."""
        return self.final or (self.editions[-1].final if self.editions else None)

    def status(self, inspectorates: Sequence[Inspectorate]) -> Status:
        if self.final is not None:
            everyone = {p.inspectorate for p in self.published} >= set(inspectorates)
            return Status.PUBLISHED if everyone and self.published else Status.FINAL
        if self.sent is not None and not self.correcting:
            if self.response is not None:
                return Status.RESPONSE_RECEIVED
            return Status.SENT_TO_LSCB if self.sent.lscb else Status.SENT_TO_SENIOR_LEADER
        if self.draft is None:
            return Status.LIVE
        if not self.quality_assured:
            return Status.DRAFTED
        return Status.AGREED if set(self.agreed) >= set(inspectorates) else Status.QUALITY_ASSURED

    def corrections(self) -> list[ReportCorrectionOpened]:
        """What opened each edition after the first, in order: a document built from the log says what
        changed and when (they are given to it with the inspection's events)."""
        opened = [e.opened_by for e in self.editions if e.opened_by is not None]
        return [*opened, self.correction] if self.correction is not None else opened

    def undecided(self) -> list[int]:
        points = self.response.points if self.response else []
        return [p.point for p in points if p.point not in self.decisions]

    def approved(self, inspectorates: Sequence[Inspectorate]) -> str | None:
        """The checksum of the content every inspectorate stands behind since the draft was sent: as sent,
        as corrected by the latest accepted point, or as every inspectorate agreed it again, whichever came
        last; None before it was sent."""
        current: str | None = None
        agreed: dict[str, set[Inspectorate]] = {}
        for approval in self.approvals:
            if approval.by is None:
                current = approval.checksum
                continue
            agreed.setdefault(approval.checksum, set()).add(approval.by)
            if agreed[approval.checksum] >= set(inspectorates):
                current = approval.checksum
        return current

    def agreed_again(self, checksum: str) -> set[Inspectorate]:
        return {a.by for a in self.approvals if a.checksum == checksum and a.by is not None}


def evolve(state: Report, event: Event) -> Report:
    match event:
        case ReportDrafted():
            return replace(state, draft=event, quality_assured=False, agreed=())
        case ReportQualityAssured():
            return replace(state, quality_assured=True)
        case ReportAgreed():
            if state.sent is not None and not state.correcting:  # the content as it now stands, again
                return replace(
                    state, approvals=(*state.approvals, Approval(event.checksum, event.inspectorate))
                )
            return replace(state, agreed=(*state.agreed, event.inspectorate))
        case ReportSentForFactualAccuracy() | ReportSentToLscb():
            sent = sent_of(event)
            return replace(state, sent=sent, approvals=(*state.approvals, Approval(sent.checksum, None)))
        case FactualAccuracyResponseReceived():
            return replace(state, response=event)
        case FactualAccuracyPointDecided():
            decided = replace(state, decisions={**state.decisions, event.point: event})
            if event.decision is Decision.ACCEPTED and event.checksum is not None:
                return replace(decided, approvals=(*state.approvals, Approval(event.checksum, None)))
            return decided
        case ReportFinalised():
            return replace(state, final=event)
        case ReportPublished():
            return replace(state, published=(*state.published, event))
        case ReportCorrectionOpened():
            kept = state.editions
            if state.final is not None:
                kept = (*kept, Edition(state.edition, state.final, state.published, state.correction))
            return replace(state, correction=event, editions=kept, final=None, published=())
        case ActionPlanRequested():
            return replace(state, action_plan=event)
        case ActionPlanReceived():
            return replace(state, plan_received=event)
        case ActionPlanProgressRecorded():
            return replace(state, progress=(*state.progress, event))
    return state
