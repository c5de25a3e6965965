"""A line of enquiry, on its own stream (`line-of-enquiry-{id}`): raised by an inspectorate taking part
about an agency (and a case, if about one), answered by any of them with the evidence items that answer it,
and closed with its conclusion by who raised it or the lead. Pure functions: no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from shared.language.contracts.evidence import LineOfEnquiryAnswered, LineOfEnquiryClosed, LineOfEnquiryRaised
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation

from .evidence_file import EvidenceFile, check_open
from .inspection import IMMUTABLE, KnownInspection, Text, about, check_criteria, taking_part


@dataclass(frozen=True)
class LineOfEnquiry:
    raised: LineOfEnquiryRaised | None = None
    closed: bool = False


def evolve_line(state: LineOfEnquiry, event: Event) -> LineOfEnquiry:
    if isinstance(event, LineOfEnquiryRaised):
        return LineOfEnquiry(event)
    if isinstance(event, LineOfEnquiryClosed):
        return replace(state, closed=True)
    return state


@dataclass(frozen=True)
class RaiseLineOfEnquiry:
    inspection: KnownInspection
    file: EvidenceFile
    line_id: str
    by: Inspectorate
    agency: Agency
    case_reference: str | None
    criteria: list[str]
    question: Text


@dataclass(frozen=True)
class AnswerLineOfEnquiry:
    inspection: KnownInspection
    file: EvidenceFile
    line_id: str
    by: Inspectorate
    evidence_item_ids: list[str]
    answer: Text
    not_citable: Mapping[str, str]  # cited ids that are not items of this inspection, or are withdrawn -> why


@dataclass(frozen=True)
class CloseLineOfEnquiry:
    inspection: KnownInspection
    line_id: str
    by: Inspectorate
    conclusion: Text


LineCommand = RaiseLineOfEnquiry | AnswerLineOfEnquiry | CloseLineOfEnquiry


def decide_line(state: LineOfEnquiry, c: LineCommand) -> list[Event]:
    inspection = c.inspection
    taking_part(inspection, c.by)
    common = {"inspection_id": inspection.inspection_id, "line_id": c.line_id}
    if isinstance(c, RaiseLineOfEnquiry):
        if state.raised is not None:
            raise RuleViolation(f"line of enquiry {c.line_id} is already raised", IMMUTABLE)
        check_open(inspection, c.file)
        about(inspection, c.agency)
        check_criteria(inspection.programme, c.criteria, c.agency)
        return [
            LineOfEnquiryRaised(
                **common,
                raised_by=c.by,
                agency=c.agency,
                case_reference=c.case_reference,
                criteria=c.criteria,
                question=c.question,
            )
        ]
    enquiries = inspection.programme.rules.lines_of_enquiry
    if state.raised is None:
        raise RuleViolation(f"line of enquiry {c.line_id} is not raised for this inspection", enquiries)
    if state.closed:
        raise RuleViolation(f"line of enquiry {c.line_id} is closed", enquiries)
    if isinstance(c, AnswerLineOfEnquiry):
        check_open(inspection, c.file)
        if c.not_citable:
            why = "; ".join(f"{item}: {reason}" for item, reason in c.not_citable.items())
            raise RuleViolation(
                f"an answer cites evidence items of this inspection that stand: {why}", enquiries
            )
        ids = list(dict.fromkeys(c.evidence_item_ids))
        return [LineOfEnquiryAnswered(**common, answered_by=c.by, evidence_item_ids=ids, answer=c.answer)]
    lead = inspection.programme.participation.lead_inspectorate
    if c.by not in (state.raised.raised_by, lead):
        raise Forbidden(
            f"line of enquiry {c.line_id} is closed by {state.raised.raised_by}, who raised it, or the lead "
            f"inspectorate, {lead}",
            enquiries,
        )
    return [LineOfEnquiryClosed(**common, closed_by=c.by, conclusion=c.conclusion)]


line_of_enquiry = Decider[LineOfEnquiry, LineCommand](LineOfEnquiry(), evolve_line, decide_line)


def line_stream(line_id: str) -> str:
    return f"line-of-enquiry-{line_id}"
