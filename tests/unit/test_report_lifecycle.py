"""A report's lifecycle (001 Proposal four): every step in order, by the right inspectorate, on the content
as drafted. Pure: the decider against the real programme catalogue. The rules of each programme's own
lifecycle are in test_report_lifecycle_by_programme.py."""

from __future__ import annotations

from datetime import date

from services.reporting.domain import lifecycle
from services.reporting.domain.lifecycle import Context, Report, Status
from services.reporting.domain.readiness import Readiness
from shared.language.contracts.reporting import (
    ActionPlanRequested,
    Decision,
    FactualAccuracyResponseReceived,
    Point,
    ReportDrafted,
    ReportFinalised,
    ReportPublished,
    ReportSentForFactualAccuracy,
    ReportSentToLscb,
)
from shared.language.contracts.scheduling import Recipient
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import catalogue
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden
from shared.views.boards import Absence, Board, Officer
from shared.views.inspections import Inspection
from tests.domain import Decisions

I = Inspectorate  # noqa: E741
TAKING_PART = (I.OFSTED, I.CQC, I.HMIC, I.HMI_PROBATION)
JTAI = Inspection(
    "insp-1",
    catalogue()["jtai-2015"],
    (Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE, Agency.PROBATION),
    TAKING_PART,
    local_area="Wakefield",
)
CONTENT, CHANGED = "a" * 64, "b" * 64
TODAY = date(2026, 12, 14)
READY = Readiness(today=TODAY, fieldwork_ends=date(2026, 12, 11), feedback_on=date(2026, 12, 11))
BOARD = Board(
    area_code="E08000036",
    local_area="Wakefield",
    chair=Officer(name="Dr Alex Morgan"),
    business_manager=Officer(name="Sam Patel"),
)


def ctx(
    by: Inspectorate | None = I.OFSTED, checksum: str = CONTENT, inspection: Inspection = JTAI
) -> Context:
    """Who acts: an inspectorate, or None for the chair of the LSCB (who submits the response); after the
    fieldwork week and its feedback meeting, with every judgement the letter reports final."""
    return Context(inspection, by, checksum, "findings_letter", READY)


CHAIR = None  # Context.by of the chair of the LSCB, acting for the partnership


REPORT = Decisions(lifecycle.report)
run, refusal_of = REPORT.run, REPORT.refused


def refused(state: Report, command: lifecycle.Command, *words: str) -> None:
    """Refused by a rule of the lifecycle (HTTP 422): whoever acts may take this step, just not now."""
    refusal = refusal_of(state, command, *words)
    assert not isinstance(refusal, Forbidden), refusal.message


def forbidden(state: Report, command: lifecycle.Command, *words: str) -> None:
    """Refused because of who acts (HTTP 403): not the lead, not taking part, not the chair."""
    refusal = refusal_of(state, command, *words)
    assert isinstance(refusal, Forbidden), refusal.message


def agreed() -> Report:
    state, _ = run(
        Report(),
        lifecycle.Draft(ctx()),
        lifecycle.QualityAssure(ctx()),
        *(lifecycle.Agree(ctx(i)) for i in TAKING_PART),
    )
    return state


def responded(*points: Point) -> Report:
    state, _ = run(agreed(), lifecycle.Send(ctx(), BOARD), lifecycle.ReceiveResponse(ctx(CHAIR), points))
    return state


POINT = Point(point=1, section="Key strengths", text="The audit was in October, not September.")


def test_the_whole_lifecycle_in_order() -> None:
    state = Report()
    assert state.status(TAKING_PART) is Status.LIVE
    state, _ = run(state, lifecycle.Draft(ctx()))
    assert state.status(TAKING_PART) is Status.DRAFTED
    state, _ = run(state, lifecycle.QualityAssure(ctx()))
    assert state.status(TAKING_PART) is Status.QUALITY_ASSURED
    state, _ = run(state, *(lifecycle.Agree(ctx(i)) for i in TAKING_PART))
    assert state.status(TAKING_PART) is Status.AGREED
    state, [sent] = run(state, lifecycle.Send(ctx(), BOARD))
    assert isinstance(sent, ReportSentForFactualAccuracy)
    assert (sent.addressee, sent.recipient, sent.checksum) == (
        "Dr Alex Morgan",
        Recipient.LSCB_CHAIR,
        CONTENT,
    )
    assert state.status(TAKING_PART) is Status.SENT_TO_LSCB
    state, [response] = run(state, lifecycle.ReceiveResponse(ctx(CHAIR), (POINT,)))
    assert isinstance(response, FactualAccuracyResponseReceived)
    assert response.responder == "Dr Alex Morgan"
    # The point is corrected in the log, then decided on the corrected content: it may be made final.
    state, _ = run(
        state, lifecycle.DecidePoint(ctx(checksum=CHANGED), 1, Decision.ACCEPTED, "Corrected to October.")
    )
    state, [final] = run(state, lifecycle.Finalise(ctx(checksum=CHANGED)))
    assert isinstance(final, ReportFinalised)
    assert final.checksum == CHANGED
    state, published = run(state, *(lifecycle.Publish(ctx(i)) for i in TAKING_PART))
    assert all(isinstance(p, ReportPublished) and p.checksum == CHANGED for p in published)
    assert state.status(TAKING_PART) is Status.PUBLISHED
    state, [plan] = run(state, lifecycle.RequestActionPlan(ctx(), Agency.LOCAL_AUTHORITY, date(2027, 3, 1)))
    assert isinstance(plan, ActionPlanRequested)
    state, _ = run(
        state,
        lifecycle.ReceiveActionPlan(ctx(), date(2027, 2, 20)),
        lifecycle.RecordProgress(ctx(), date(2027, 6, 1), "Return interviews offered to every child."),
    )
    assert len(state.progress) == 1


def test_steps_out_of_order_are_refused_naming_the_rule() -> None:
    refused(Report(), lifecycle.QualityAssure(ctx()), "not been drafted", "001 Proposal four")
    drafted, _ = run(Report(), lifecycle.Draft(ctx()))
    refused(drafted, lifecycle.Agree(ctx(I.CQC)), "once Ofsted has quality-assured")
    refused(drafted, lifecycle.Send(ctx(), BOARD), "quality assurance")
    refused(drafted, lifecycle.Publish(ctx()), "only the final report")
    refused(drafted, lifecycle.Finalise(ctx()), "factual-accuracy response")
    qa, _ = run(drafted, lifecycle.QualityAssure(ctx()), lifecycle.Agree(ctx(I.CQC)))
    refused(qa, lifecycle.Send(ctx(), BOARD), "agreement of ofsted, hmic, hmi_probation")
    refused(qa, lifecycle.Agree(ctx(I.CQC)), "already agreed")


def test_only_the_lead_drafts_assures_sends_decides_and_finalises() -> None:
    for command in (lifecycle.Draft(ctx(I.CQC)), lifecycle.QualityAssure(ctx(I.HMIC))):
        forbidden(Report(), command, "lead inspectorate, ofsted")
    forbidden(agreed(), lifecycle.Send(ctx(I.HMIC), BOARD), "lead inspectorate, ofsted")
    forbidden(responded(POINT), lifecycle.DecidePoint(ctx(I.CQC), 1, Decision.ACCEPTED, "Yes."), "ofsted")
    decided, _ = run(responded(POINT), lifecycle.DecidePoint(ctx(), 1, Decision.ACCEPTED, "Yes."))
    forbidden(decided, lifecycle.Finalise(ctx(I.HMI_PROBATION)), "lead inspectorate, ofsted")


def test_only_the_chair_of_the_lscb_responds_and_the_chair_takes_no_other_step() -> None:
    sent, _ = run(agreed(), lifecycle.Send(ctx(), BOARD))
    for inspectorate in (I.OFSTED, I.CQC):  # not even the lead inspectorate
        forbidden(sent, lifecycle.ReceiveResponse(ctx(inspectorate), (POINT,)), "chair of the LSCB")
    _, [response] = run(sent, lifecycle.ReceiveResponse(ctx(CHAIR), (POINT,)))
    assert isinstance(response, FactualAccuracyResponseReceived)
    forbidden(Report(), lifecycle.Draft(ctx(CHAIR)), "does not take part")
    forbidden(agreed(), lifecycle.Agree(ctx(CHAIR)), "does not take part")


def test_an_inspectorate_not_taking_part_cannot_agree_or_publish() -> None:
    state, _ = run(Report(), lifecycle.Draft(ctx()), lifecycle.QualityAssure(ctx()))
    forbidden(state, lifecycle.Agree(ctx(I.HMI_PRISONS)), "hmi_prisons does not take part")
    final, _ = run(responded(), lifecycle.Finalise(ctx()))
    forbidden(final, lifecycle.Publish(ctx(I.HMI_PRISONS)), "hmi_prisons does not take part")


def test_a_change_to_the_content_after_drafting_needs_a_new_draft_and_new_agreements() -> None:
    state, _ = run(
        Report(), lifecycle.Draft(ctx()), lifecycle.QualityAssure(ctx()), lifecycle.Agree(ctx(I.CQC))
    )
    refused(state, lifecycle.Agree(ctx(I.HMIC, CHANGED)), "changed since draft 1", "draft it again")
    state, [again] = run(state, lifecycle.Draft(ctx(checksum=CHANGED)))
    assert isinstance(again, ReportDrafted)
    assert again.draft == 2
    assert (state.quality_assured, state.agreed) == (False, ())


def test_one_coordinated_response_only_and_every_point_decided_before_final() -> None:
    state = responded(POINT, Point(point=2, text="The board meets monthly."))
    refused(state, lifecycle.ReceiveResponse(ctx(CHAIR), (POINT,)), "already recorded", "chair of the LSCB")
    refused(state, lifecycle.Finalise(ctx()), "decide point(s) 1, 2 first")
    refused(state, lifecycle.DecidePoint(ctx(), 3, Decision.REJECTED, "No such point."), "no point 3")
    state, _ = run(state, lifecycle.DecidePoint(ctx(), 1, Decision.REJECTED, "The audit log says September."))
    refused(state, lifecycle.DecidePoint(ctx(), 1, Decision.ACCEPTED, "Changed our mind."), "already decided")
    refused(state, lifecycle.Draft(ctx()), "is with Dr Alex Morgan, chair of the LSCB")


def test_the_draft_goes_to_the_business_manager_when_the_chair_is_away_and_needs_a_register() -> None:
    away = BOARD.model_copy(
        update={
            "chair": Officer(
                name="Dr Alex Morgan",
                absences=(Absence(absent_from=TODAY, absent_until=TODAY, reason="Leave"),),
            )
        }
    )
    _, [sent] = run(agreed(), lifecycle.Send(ctx(), away))
    assert isinstance(sent, ReportSentForFactualAccuracy)
    assert (sent.addressee, sent.recipient) == ("Sam Patel", Recipient.LSCB_BUSINESS_MANAGER)
    refused(agreed(), lifecycle.Send(ctx(), None), "names no chair")


def test_each_inspectorate_publishes_once_and_the_action_plan_follows_the_final_report() -> None:
    state, _ = run(
        responded(),
        lifecycle.Finalise(ctx()),
        lifecycle.Publish(ctx(I.CQC)),
    )
    assert state.status(TAKING_PART) is Status.FINAL  # not yet published by all
    refused(state, lifecycle.Publish(ctx(I.CQC)), "already published")
    refused(state, lifecycle.RequestActionPlan(ctx(), Agency.CUSTODY, date(2027, 3, 1)), "custody")
    refused(state, lifecycle.RequestActionPlan(ctx(), Agency.LOCAL_AUTHORITY, TODAY), "due after today")
    refused(state, lifecycle.ReceiveActionPlan(ctx(), TODAY), "no action plan has been requested")
    refused(
        responded(),
        lifecycle.RequestActionPlan(ctx(), Agency.POLICE, date(2027, 3, 1)),
        "final report",
    )


def test_a_cancelled_inspection_has_no_report() -> None:
    cancelled = Inspection(**{**JTAI.__dict__, "cancelled": True})
    refused(Report(), lifecycle.Draft(ctx(inspection=cancelled)), "cancelled")


def test_a_draft_sent_to_the_lscb_before_recipients_were_programme_data_still_reads() -> None:
    old = ReportSentToLscb(
        inspection_id="insp-1", draft=1, addressee="Sam Patel", office="business_manager", checksum=CONTENT
    )
    state = lifecycle.evolve(agreed(), old)
    assert state.sent is not None
    assert (state.sent.recipient, state.sent.office, state.sent.to()) == (
        Recipient.LSCB_BUSINESS_MANAGER,
        "business_manager",
        "Sam Patel, business manager of the LSCB",
    )
    assert state.status(TAKING_PART) is Status.SENT_TO_LSCB
    assert state.approved(TAKING_PART) == CONTENT


def test_folding_the_events_gives_the_same_state() -> None:
    state, events = run(
        Report(), lifecycle.Draft(ctx()), lifecycle.QualityAssure(ctx()), lifecycle.Agree(ctx(I.CQC))
    )
    assert lifecycle.report.fold(events) == state
