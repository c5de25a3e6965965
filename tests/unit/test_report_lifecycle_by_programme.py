"""Each programme's report lifecycle as its own source states it (issue 19, points 1, 3, 5, 8 and 13): every
refusal cites the programme's own paragraph, the draft goes to whoever the programme names, a report is
drafted after fieldwork and its feedback meeting and only once every judgement it reports is final, content
changed after agreement is not made final unagreed, and a published report is corrected in a second edition
that keeps the first. Pure: the decider and the readiness rules against the real programme catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from services.reporting.domain import lifecycle, readiness
from services.reporting.domain.lifecycle import Context, Report, Status
from services.reporting.domain.readiness import Readiness
from shared.language.contracts.judgement import JudgementFinalised, JudgementProposed, JudgementRevised
from shared.language.contracts.lscb import LscbJudgementFinalised
from shared.language.contracts.reporting import (
    Decision,
    FactualAccuracyResponseReceived,
    Point,
    ReportCorrectionOpened,
    ReportDrafted,
    ReportFinalised,
    ReportSentForFactualAccuracy,
)
from shared.language.contracts.scheduling import InspectionScheduled, MeetingScheduled, Recipient
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import Programme, catalogue
from shared.mechanics.auth import Principal, Role
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation
from shared.views.boards import Board, Officer
from shared.views.inspections import Inspection
from shared.views.taking_part import of_inspection, refusal
from tests.domain import Decisions

I = Inspectorate  # noqa: E741
OWN_SEED = {
    "jtai-2015": "001",
    "targeted-2015": "001",
    "macp-2012": "002",
    "cla-2012": "003",
    "integrated-2014": "004",
}
CONTENT, CHANGED, LATER = "a" * 64, "b" * 64, "c" * 64
MONDAY = date(2026, 12, 7)
FRIDAY = MONDAY + timedelta(days=4)
READY = Readiness(today=FRIDAY, fieldwork_ends=FRIDAY, feedback_on=FRIDAY)
NOT_READY = Readiness(
    today=MONDAY + timedelta(days=2),
    fieldwork_ends=FRIDAY,
    feedback_on=FRIDAY,
    missing=("Overall effectiveness (the shared judgement)",),
    missing_at_final=("the inspectorates' shared judgement of the LSCB",),
)
BOARD = Board(area_code="E08000036", local_area="Wakefield", chair=Officer(name="Dr Jo Reed"))
LEADER = "Jane Smith"  # the local authority's senior leader, as the lead inspectorate names her
POINT = Point(point=1, section="Key strengths", text="The audit was in October, not September.")
CORRECTION = "The police's judgement on help and protection was revised to inadequate on 1 March 2027."


def inspection_of(programme_id: str) -> Inspection:
    """An inspection under the programme, of every agency its inspectorates that always take part inspect."""
    programme = catalogue()[programme_id]
    taking_part = tuple(programme.participation.inspectorates)
    agencies = tuple(r.agency for r in programme.agencies if r.inspectorate in taking_part)
    return Inspection(f"insp-{programme_id}", programme, agencies, taking_part, local_area="Wakefield")


def ctx(
    inspection: Inspection,
    by: Inspectorate | None = I.OFSTED,
    checksum: str = CONTENT,
    ready: Readiness = READY,
) -> Context:
    return Context(inspection, by, checksum, inspection.programme.report.kind, ready)


REPORT = Decisions(lifecycle.report)
run, refusal_of = REPORT.run, REPORT.refused


def send(inspection: Inspection, checksum: str = CONTENT) -> lifecycle.Send:
    named = None if inspection.programme.report.draft_to.lscb else LEADER
    return lifecycle.Send(ctx(inspection, checksum=checksum), BOARD, named)


def responder(inspection: Inspection) -> Inspectorate | None:
    """The chair of the LSCB (None) submits the response; the lead records an agency leader's."""
    return None if inspection.programme.report.draft_to.lscb else I.OFSTED


def agreed(inspection: Inspection) -> Report:
    state, _ = run(
        Report(),
        lifecycle.Draft(ctx(inspection)),
        lifecycle.QualityAssure(ctx(inspection)),
        *(lifecycle.Agree(ctx(inspection, i)) for i in inspection.inspectorates),
    )
    return state


def responded(inspection: Inspection) -> Report:
    state, _ = run(
        agreed(inspection),
        send(inspection),
        lifecycle.ReceiveResponse(ctx(inspection, responder(inspection)), (POINT,)),
    )
    return state


def published(inspection: Inspection) -> Report:
    state, _ = run(
        responded(inspection),
        lifecycle.DecidePoint(ctx(inspection), 1, Decision.REJECTED, "The audit log says September."),
        lifecycle.Finalise(ctx(inspection)),
        *(lifecycle.Publish(ctx(inspection, i)) for i in inspection.inspectorates),
    )
    return state


# -- point 1: every refusal cites the programme's own source -------------------------------------------


def states(inspection: Inspection) -> Iterator[Report]:
    """The report at each step of its lifecycle, up to a correction of the published report."""
    yield Report()
    state, _ = run(Report(), lifecycle.Draft(ctx(inspection)))
    yield state
    state, _ = run(state, lifecycle.QualityAssure(ctx(inspection)))
    yield state
    yield agreed(inspection)
    state, _ = run(agreed(inspection), send(inspection))
    yield state
    yield responded(inspection)
    yield published(inspection)
    state, _ = run(published(inspection), lifecycle.Draft(ctx(inspection, checksum=CHANGED), CORRECTION))
    yield state


def commands(context: Context) -> list[lifecycle.Command]:
    later = date(2027, 3, 1)
    return [
        lifecycle.Draft(context),
        lifecycle.Draft(context, CORRECTION),
        lifecycle.QualityAssure(context),
        lifecycle.Agree(context),
        lifecycle.Send(context, BOARD),
        lifecycle.Send(context, BOARD, LEADER),
        lifecycle.Send(context, None),
        lifecycle.ReceiveResponse(context, (POINT,)),
        lifecycle.ReceiveResponse(context, (POINT, POINT)),
        lifecycle.DecidePoint(context, 1, Decision.ACCEPTED, "Corrected to October."),
        lifecycle.DecidePoint(context, 9, Decision.REJECTED, "No such point."),
        lifecycle.Finalise(context),
        lifecycle.Publish(context),
        lifecycle.RequestActionPlan(context, Agency.LOCAL_AUTHORITY, later),
        lifecycle.RequestActionPlan(context, Agency.CUSTODY, later),
        lifecycle.RequestActionPlan(context, Agency.LOCAL_AUTHORITY, FRIDAY),
        lifecycle.ReceiveActionPlan(context, later),
        lifecycle.RecordProgress(context, later, "Return interviews offered to every child."),
    ]


def seeds_cited(rule: str) -> set[str]:
    """The seeds a rule cites: "004 §108-110, §113; 001 Proposal four" gives {"004", "001"}."""
    return set(re.findall(r"(?<![§\d-])(\d{3})(?= )", rule))


@pytest.mark.parametrize("programme_id", sorted(OWN_SEED))
def test_001_002_003_004_every_lifecycle_refusal_cites_the_programmes_own_source(programme_id: str) -> None:
    inspection = inspection_of(programme_id)
    lead = inspection.programme.participation.lead_inspectorate
    others = [i for i in inspection.inspectorates if i is not lead][:1]
    outsider = next(i for i in Inspectorate if i not in inspection.inspectorates)
    refusals: dict[str, set[str]] = {}
    for state in states(inspection):
        for by in (lead, *others, outsider, None):
            for checksum in (CONTENT, CHANGED):
                for ready in (READY, NOT_READY):
                    for command in commands(ctx(inspection, by, checksum, ready)):
                        try:
                            lifecycle.report.decide(state, command)
                        except RuleViolation as refused:
                            refusals.setdefault(refused.rule, set()).add(refused.message)
    foreign = {
        rule: messages for rule, messages in refusals.items() if seeds_cited(rule) - {OWN_SEED[programme_id]}
    }
    assert not foreign, f"{programme_id} refused citing another programme's source: {foreign}"
    assert all(inspection.programme.cites_own(rule) for rule in refusals if rule[0].isdigit())
    assert sum(len(m) for m in refusals.values()) >= 40  # the whole lifecycle was played
    # The chair of another area, or of an area whose report does not go to the LSCB, is told the same.
    chair = Principal("chair", Role.LSCB_CHAIR, None, "E08000035")
    outside = refusal(chair, of_inspection(inspection))
    assert outside is not None
    assert seeds_cited(outside.rule) <= {OWN_SEED[programme_id]}


# -- point 3: who receives the draft and the factual-accuracy request is programme data ----------------


@pytest.mark.parametrize("programme_id", ["jtai-2015", "targeted-2015", "macp-2012", "integrated-2014"])
def test_001_proposal_four_the_lscb_chair_coordinates_the_one_factual_accuracy_response(
    programme_id: str,
) -> None:
    inspection = inspection_of(programme_id)
    state, [sent] = run(agreed(inspection), send(inspection))
    assert isinstance(sent, ReportSentForFactualAccuracy)
    assert (sent.recipient, sent.addressee, sent.agency) == (Recipient.LSCB_CHAIR, "Dr Jo Reed", None)
    assert state.status(inspection.inspectorates) is Status.SENT_TO_LSCB
    assert isinstance(
        refusal_of(agreed(inspection), lifecycle.Send(ctx(inspection), BOARD, LEADER)), RuleViolation
    )
    refused = refusal_of(state, lifecycle.ReceiveResponse(ctx(inspection), (POINT,)))
    assert isinstance(refused, Forbidden)
    assert "chair of the LSCB submits" in refused.message


def test_003_a_cla_draft_goes_to_the_local_authoritys_senior_leader_not_the_lscb() -> None:
    cla = inspection_of("cla-2012")
    refused = refusal_of(agreed(cla), lifecycle.Send(ctx(cla), BOARD))
    assert "name the senior leader of the local authority the draft goes to" in refused.message
    assert refused.rule == "003 Looked after children and care leavers"
    state, [sent] = run(agreed(cla), lifecycle.Send(ctx(cla), BOARD, LEADER))
    assert isinstance(sent, ReportSentForFactualAccuracy)
    assert (sent.recipient, sent.agency, sent.addressee, sent.copied_to) == (
        Recipient.AGENCY_SENIOR_LEADER,
        Agency.LOCAL_AUTHORITY,
        LEADER,
        [Agency.HEALTH],
    )
    assert state.status(cla.inspectorates) is Status.SENT_TO_SENIOR_LEADER
    assert state.sent is not None
    assert state.sent.to() == "Jane Smith, senior leader of the local authority"
    # No LSCB chair responds for it, or reads it; the lead records the response the leader coordinates.
    assert isinstance(refusal_of(state, lifecycle.ReceiveResponse(ctx(cla, None), (POINT,))), Forbidden)
    assert isinstance(refusal_of(state, lifecycle.ReceiveResponse(ctx(cla, I.CQC), (POINT,))), Forbidden)
    _, [response] = run(state, lifecycle.ReceiveResponse(ctx(cla), (POINT,)))
    assert isinstance(response, FactualAccuracyResponseReceived)
    assert response.responder == LEADER
    own_chair = Principal("chair", Role.LSCB_CHAIR, None, "E08000036")
    not_theirs = refusal(own_chair, of_inspection(Inspection(**{**cla.__dict__, "area_code": "E08000036"})))
    assert not_theirs is not None
    assert "goes to an agency's senior leader, not to the LSCB" in not_theirs.message
    assert not_theirs.rule == "003 Looked after children and care leavers"


# -- point 5: drafted after the feedback meeting, and only once every judgement it reports is final ------


def test_001_proposal_three_the_letter_is_drafted_after_the_joint_feedback_meeting_on_the_last_day() -> None:
    jtai = inspection_of("jtai-2015")
    wednesday = Readiness(today=MONDAY + timedelta(days=2), fieldwork_ends=FRIDAY, feedback_on=FRIDAY)
    refused = refusal_of(Report(), lifecycle.Draft(ctx(jtai, ready=wednesday)))
    assert (
        "after the joint feedback meeting on 2026-12-11, not before (today is 2026-12-09)" in refused.message
    )
    assert refused.rule == "001 Proposal three"
    _, [drafted] = run(Report(), lifecycle.Draft(ctx(jtai, ready=READY)))
    assert isinstance(drafted, ReportDrafted)
    # An unannounced programme with no feedback meeting: after the last day of its fieldwork (002 §37).
    macp = inspection_of("macp-2012")
    second_week = Readiness(today=FRIDAY, fieldwork_ends=FRIDAY + timedelta(days=7), feedback_on=None)
    refused = refusal_of(Report(), lifecycle.Draft(ctx(macp, ready=second_week)))
    assert "drafted after the last day of fieldwork, 2026-12-18" in refused.message
    assert refused.rule == "002 §37"


def scheduled(inspection: Inspection) -> InspectionScheduled:
    programme = inspection.programme
    return InspectionScheduled(
        inspection_id=inspection.inspection_id,
        programme=programme.id,
        area_code="E08000036",
        local_area="Wakefield",
        deep_dive_theme=None,
        announced=False,
        fieldwork_starts=MONDAY,
        fieldwork_ends=FRIDAY + timedelta(weeks=programme.fieldwork.weeks - 1),
        notice_date=MONDAY,
        inspectorates=list(inspection.inspectorates),
        agencies={a: programme.agency_inspectorates()[a] for a in inspection.agencies},
    )


def judged(inspection: Inspection, agency: Agency, area: str, grade: Grade | None) -> list[Event]:
    content = {
        "inspection_id": inspection.inspection_id,
        "agency": agency,
        "judgement_area": area,
        "grade": grade,
        "text": "Children are seen quickly.",
        "evidence_item_ids": ["ev-1"],
    }
    return [
        JudgementProposed(**content),
        JudgementFinalised(inspection_id=inspection.inspection_id, agency=agency, judgement_area=area),
    ]


def every_judgement(inspection: Inspection, *leaving_out: tuple[Agency, str]) -> list[Event]:
    """Every judgement the programme's report reports, final, but those left out, and the board's."""
    programme: Programme = inspection.programme
    events: list[Event] = [scheduled(inspection)]
    for area in programme.judgement_areas:
        for agency in area.graded_for:
            if agency is not Agency.LSCB and (agency, area.id) not in leaving_out:
                events += judged(inspection, agency, area.id, Grade.GOOD)
    for agency in programme.judgements.narrative_for:
        if agency in inspection.agencies and (agency, "") not in leaving_out:
            events += judged(inspection, agency, programme.judgement_areas[0].id, None)
    if programme.lscb is not None and (Agency.LSCB, "") not in leaving_out:
        graded = programme.lscb.evaluation == "graded"
        events.append(
            LscbJudgementFinalised(
                inspection_id=inspection.inspection_id,
                proposal=1,
                grade=Grade.GOOD if graded else None,
                text="The board challenges partners well.",
                evidence_item_ids=["ev-1"],
                signed_off_by=list(inspection.inspectorates),
            )
        )
    return events


def test_002_s49_s58_59_a_macp_report_is_drafted_only_once_its_four_shared_judgements_are_final() -> None:
    macp = inspection_of("macp-2012")
    assert readiness.missing(macp.programme, every_judgement(macp)) == []
    lacking = readiness.missing(
        macp.programme,
        every_judgement(macp, (Agency.PARTNERSHIP, "quality_of_practice"), (Agency.LOCAL_AUTHORITY, "")),
    )
    assert lacking == [
        "The quality of practice (the shared judgement)",
        "the commentary on the local authority",
    ]
    ready = Readiness(today=FRIDAY, fieldwork_ends=FRIDAY, feedback_on=None, missing=tuple(lacking))
    refused = refusal_of(Report(), lifecycle.Draft(ctx(macp, ready=ready)))
    assert refused.rule == "002 §49, §58-59"
    assert refused.message.endswith(
        "not yet final: The quality of practice (the shared judgement); the commentary on the local authority"
    )
    # A shared judgement revised is not final again until it is finalised again.
    revised = JudgementRevised(
        inspection_id=macp.inspection_id,
        agency=Agency.PARTNERSHIP,
        judgement_area="leadership",
        grade=Grade.ADEQUATE,
        text="Leaders have not yet acted on the audit.",
        evidence_item_ids=["ev-1"],
        reason="The audit was not acted on.",
    )
    assert readiness.missing(macp.programme, [*every_judgement(macp), revised]) == [
        "Leadership, governance and partnership (the shared judgement)"
    ]


def test_003_a_cla_report_needs_its_five_judgements_with_the_adoption_sub_judgement() -> None:
    cla = inspection_of("cla-2012")
    assert readiness.missing(cla.programme, every_judgement(cla)) == []
    assert readiness.missing(
        cla.programme, every_judgement(cla, (Agency.LOCAL_AUTHORITY, "adoption_performance"))
    ) == ["Adoption performance (the local authority)"]
    assert readiness.missing(cla.programme, every_judgement(cla, (Agency.LOCAL_AUTHORITY, "outcomes"))) == [
        "Outcomes for children and young people looked after and care leavers (the local authority)"
    ]


def test_004_s108_110_s113_an_integrated_report_is_published_only_when_complete() -> None:
    integrated = inspection_of("integrated-2014")
    complete = every_judgement(integrated)
    assert readiness.missing(integrated.programme, complete) == []
    lacking = readiness.missing(
        integrated.programme, every_judgement(integrated, (Agency.POLICE, "leadership"), (Agency.LSCB, ""))
    )
    assert lacking == [
        "Leadership, management and governance (the police)",
        "the inspectorates' shared judgement of the LSCB",
    ]
    incomplete = Readiness(
        today=FRIDAY,
        fieldwork_ends=FRIDAY,
        feedback_on=None,
        missing=tuple(lacking),
        missing_at_final=tuple(lacking),
    )
    decided, _ = run(
        responded(integrated),
        lifecycle.DecidePoint(ctx(integrated), 1, Decision.REJECTED, "The audit log says September."),
    )
    refused = refusal_of(decided, lifecycle.Finalise(ctx(integrated, ready=incomplete)))
    assert (refused.rule, refused.message[:40]) == (
        "004 §108-110, §113",
        "the report is made final only when every",
    )
    # A final report made before the rule, missing the board's judgement, is not published.
    state, _ = run(decided, lifecycle.Finalise(ctx(integrated)))
    refused = refusal_of(state, lifecycle.Publish(ctx(integrated, I.CQC, ready=incomplete)))
    assert refused.rule == "004 §108-110, §113"
    assert refused.message.startswith("the report is published only when every judgement it reports is final")
    assert refused.message.endswith("the inspectorates' shared judgement of the LSCB")


def test_the_feedback_meeting_and_the_fieldwork_come_from_the_latest_scheduling_events() -> None:
    jtai = inspection_of("jtai-2015")
    meeting = MeetingScheduled(
        inspection_id=jtai.inspection_id, kind="joint_feedback", on=FRIDAY, title="Joint feedback meeting"
    )
    assert readiness.fieldwork([scheduled(jtai), meeting]) == (FRIDAY, FRIDAY)


# -- point 8: content changed after agreement is not made final unagreed ---------------------------------


def test_001_proposal_four_content_changed_after_every_inspectorate_agreed_is_not_made_final_unagreed() -> (
    None
):
    jtai = inspection_of("jtai-2015")
    state, _ = run(
        responded(jtai),
        lifecycle.DecidePoint(ctx(jtai), 1, Decision.REJECTED, "The audit log says September."),
    )
    refused = refusal_of(state, lifecycle.Finalise(ctx(jtai, checksum=CHANGED)))
    assert "changed since every inspectorate agreed it and it went to Dr Jo Reed, chair of the LSCB" in (
        refused.message
    )
    assert refused.rule == "001 Proposal four"
    # Every inspectorate agrees the report as it now stands; then it is made final, with that checksum.
    again, _ = run(state, *(lifecycle.Agree(ctx(jtai, i, CHANGED)) for i in jtai.inspectorates[:-1]))
    assert "awaits" not in refusal_of(again, lifecycle.Finalise(ctx(jtai, checksum=CHANGED))).message
    refused = refusal_of(again, lifecycle.Agree(ctx(jtai, I.CQC, CHANGED)))
    assert "already agreed the report as it now stands" in refused.message
    again, _ = run(again, lifecycle.Agree(ctx(jtai, jtai.inspectorates[-1], CHANGED)))
    _, [final] = run(again, lifecycle.Finalise(ctx(jtai, checksum=CHANGED)))
    assert isinstance(final, ReportFinalised)
    assert final.checksum == CHANGED
    # The legitimate path: a point accepted once its correction is in the log is made final as corrected,
    # but nothing changed after that decision.
    corrected, _ = run(
        responded(jtai),
        lifecycle.DecidePoint(ctx(jtai, checksum=CHANGED), 1, Decision.ACCEPTED, "Corrected to October."),
    )
    assert refusal_of(corrected, lifecycle.Finalise(ctx(jtai, checksum=LATER))).rule == "001 Proposal four"
    _, [final] = run(corrected, lifecycle.Finalise(ctx(jtai, checksum=CHANGED)))
    assert isinstance(final, ReportFinalised)
    assert final.checksum == CHANGED
    # Nothing changed: nothing to agree again.
    refused = refusal_of(responded(jtai), lifecycle.Agree(ctx(jtai, I.CQC)))
    assert "there is no change to agree" in refused.message


# -- point 13: a judgement revised after publication is corrected in a second edition ---------------------


def test_004_s110_s113_a_published_report_is_corrected_in_a_second_edition_and_the_first_is_kept() -> None:
    integrated = inspection_of("integrated-2014")
    first = published(integrated)
    assert first.status(integrated.inspectorates) is Status.PUBLISHED
    refused = refusal_of(first, lifecycle.Draft(ctx(integrated)))
    assert (
        refused.message,
        refused.rule,
    ) == (
        "the report is final: a correction is drafted saying what changed and when",
        "004 §110, §113",
    )
    assert "nothing to correct" in refusal_of(first, lifecycle.Draft(ctx(integrated), CORRECTION)).message
    # The correction's own words change the document, not what it reports: unchanged is still unchanged.
    worded = lifecycle.Draft(ctx(integrated, checksum=CHANGED), CORRECTION, changed_from=CONTENT)
    assert "nothing to correct" in refusal_of(first, worded).message
    assert (
        "only a published report"
        in refusal_of(agreed(integrated), lifecycle.Draft(ctx(integrated), "x y")).message
    )
    state, [opened, drafted] = run(first, lifecycle.Draft(ctx(integrated, checksum=CHANGED), CORRECTION))
    assert isinstance(opened, ReportCorrectionOpened)
    assert (opened.edition, opened.corrects, opened.reason, opened.on) == (2, CONTENT, CORRECTION, FRIDAY)
    assert isinstance(drafted, ReportDrafted)
    assert (drafted.draft, drafted.checksum) == (2, CHANGED)
    assert (state.edition, state.status(integrated.inspectorates)) == (2, Status.DRAFTED)
    assert state.corrections() == [opened]
    # Agreed by every inspectorate, with no second factual-accuracy round, then final and published again.
    later = ctx(integrated, checksum=CHANGED)
    assert refusal_of(state, lifecycle.Publish(later)).message.endswith("edition 2 is not final yet")
    state, _ = run(state, lifecycle.QualityAssure(later))
    refused = refusal_of(state, lifecycle.Finalise(later))
    assert (
        "awaits the agreement of ofsted, cqc, hmic, hmi_probation before it is made final" in refused.message
    )
    assert refused.rule == "004 §108, §113"
    state, _ = run(state, *(lifecycle.Agree(ctx(integrated, i, CHANGED)) for i in integrated.inspectorates))
    assert (
        "factual-accuracy response on the first edition"
        in refusal_of(state, send(integrated, CHANGED)).message
    )
    state, [final] = run(state, lifecycle.Finalise(later))
    assert isinstance(final, ReportFinalised)
    assert final.checksum == CHANGED
    state, _ = run(state, *(lifecycle.Publish(ctx(integrated, i, CHANGED)) for i in integrated.inspectorates))
    assert state.status(integrated.inspectorates) is Status.PUBLISHED
    assert all(p.checksum == CHANGED for p in state.published)
    # The first edition stays as it was published: its final and each publication keep their checksum.
    [edition] = state.editions
    assert (edition.number, edition.final.checksum, edition.opened_by) == (1, CONTENT, None)
    assert [p.checksum for p in edition.published] == [CONTENT] * len(integrated.inspectorates)
    assert state.last_final() is state.final
