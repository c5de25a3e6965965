"""A rule of one programme never governs another (issue 19, point 1): each of the five programmes is played
through the pure deciders of scheduling, evidence, judgement and the LSCB evaluation with commands that are
refused, and every refusal cites only that programme's own sources (its `sources`), or the domain brief.

An MACP 2012 inspection cites 002, a CLA 2012 one 003 (and 002 §24 for its grades only), an Integrated
2014 one 004, a JTAI or a targeted inspection 001: never "004 §48" in a CLA inspection, nor "002 §11" or
"001 Proposal four" in an Integrated one. And a programme file whose citations stray is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Literal

import pytest

from services.evidence.domain import evidence_file, evidence_item, lines_of_enquiry
from services.evidence.domain.inspection import KnownInspection
from services.judgement.domain import areas, findings, judgements
from services.lscb.domain import evaluation as lscb
from services.scheduling.domain import inspection, team
from services.scheduling.domain.area_calendar import Calendar
from services.scheduling.domain.inspection import (
    Cancel,
    JoinInspection,
    Reschedule,
    ScheduleInspection,
    cancel,
    evolve,
    reschedule,
    schedule,
)
from services.scheduling.domain.inspector_diary import Diary
from services.scheduling.domain.notice import RecordNotification, notify
from services.scheduling.domain.round import PlanRound, plan
from services.scheduling.domain.team import Assign
from shared.language.areas import Area, find, register
from shared.language.contracts.evidence import (
    Activity,
    Bearing,
    EvidenceGatheringClosed,
    HeldDetails,
    SampleCaseAdded,
)
from shared.language.contracts.judgement import FindingKind
from shared.language.contracts.scheduling import Concern, InspectorRegistered, Period, Recipient
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.findings import finding_kinds
from shared.language.programmes import FOLDER, Programme, ProgrammeFileError, catalogue, load_folder
from shared.language.programmes.citations import cites_only
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import fold
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import RuleViolation
from shared.views.cited_evidence import CitedItem
from shared.views.inspections import Inspection

A, G, I = Agency, Grade, Inspectorate  # noqa: E741
PROGRAMMES = ["macp-2012", "cla-2012", "integrated-2014", "jtai-2015", "targeted-2015"]
MONDAY = date(2026, 3, 2)  # four full weeks follow: no bank holiday until Good Friday, 3 April
TODAY = date(2026, 2, 9)
NOTICE_DAY = datetime(2026, 2, 18, 9, 0, tzinfo=UTC)  # 8 working days before MONDAY
ON_ARRIVAL = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ITEM = "ev-1"


def area_for(programme: Programme) -> Area:
    """Leeds, which holds custody, where HMI Prisons may join; Wakefield otherwise."""
    found = find("Leeds" if programme.participation.conditional else "Wakefield")
    assert found is not None
    return found


Refusals = Iterator[tuple[str, Callable[[], object]]]


# --- scheduling ----------------------------------------------------------------------------------------


def schedule_command(p: Programme, **changes: object) -> ScheduleInspection:
    command = ScheduleInspection(
        inspection_id="insp-1",
        programme=p,
        area=area_for(p),
        deep_dive_theme=p.deep_dive_themes[0].id if p.deep_dive_themes else None,
        fieldwork_starts=MONDAY,
        scheduled_by=p.participation.lead_inspectorate,
        today=TODAY,
    )
    return replace(command, **changes)  # type: ignore[arg-type]


def scheduled(p: Programme) -> inspection.Inspection:
    changes = schedule(Calendar(), schedule_command(p))
    return fold(evolve, inspection.Inspection(), changes.inspection)


def notification(p: Programme, recipient: Recipient, **changes: object) -> RecordNotification:
    at = NOTICE_DAY if p.notice.announced else ON_ARRIVAL
    command = RecordNotification(
        programme=p,
        recipient=recipient,
        agency=None,
        notified_by=p.participation.lead_inspectorate,
        notified_at=at,
        now=at,
    )
    return replace(command, **changes)  # type: ignore[arg-type]


def diary(inspectorate: Inspectorate) -> Diary:
    registered = InspectorRegistered(inspector_id="i-1", name="Sam Field", inspectorate=inspectorate)
    return Diary(registered=registered)


def scheduling_refusals(p: Programme) -> Refusals:
    lead = p.participation.lead_inspectorate
    other = next((i for i in p.participation.possible() if i is not lead), I.HMIC)
    state = scheduled(p)
    calendar = Calendar({"insp-0": Period(starts=MONDAY, ends=MONDAY)})
    yield (
        "schedule by another inspectorate",
        lambda: schedule(Calendar(), schedule_command(p, scheduled_by=other)),
    )
    yield (
        "schedule on a Tuesday",
        lambda: schedule(Calendar(), schedule_command(p, fieldwork_starts=date(2026, 3, 3))),
    )
    yield (
        "schedule a week with Good Friday",
        lambda: schedule(Calendar(), schedule_command(p, fieldwork_starts=date(2026, 3, 30))),
    )
    yield (
        "schedule in the past",
        lambda: schedule(Calendar(), schedule_command(p, today=date(2026, 3, 20))),
    )
    yield "schedule over another inspection", lambda: schedule(calendar, schedule_command(p))
    yield (
        "schedule with a theme it has not",
        lambda: schedule(Calendar(), schedule_command(p, deep_dive_theme="knife_crime")),
    )
    concern = Concern(area_code="E08000033", inspectorate=I.HMIC, concern="Missing children")  # Calderdale
    if p.selection.kind == "universal_cycle":
        round_ = plan(register(), PlanRound("r-1", p, "Round", None, None, "s", (), ()))
        other_programme = catalogue()["jtai-2015"]
        foreign = plan(
            register(),
            PlanRound("r-2", other_programme, "JTAI", None, "cse_and_missing", "s", (), (concern,)),
        )
        yield (
            "schedule in another programme's round",
            lambda: schedule(Calendar(), schedule_command(p, round=foreign)),
        )
        yield (
            "plan a cycle with concerns",
            lambda: plan(register(), PlanRound("r-3", p, "Round", None, None, "s", (), (concern,))),
        )
    else:
        theme = p.deep_dive_themes[0].id if p.selection.shared_theme else None
        round_ = plan(register(), PlanRound("r-1", p, "Round", 25 if p.selection.max_areas else 2, theme, "s",
                                            (), (concern,)))  # fmt: skip
        picked = {pick.area_code for pick in round_.picks}
        if area_for(p).code not in picked:
            yield (
                "schedule an area the round did not pick",
                lambda: schedule(Calendar(), schedule_command(p, round=round_)),
            )
        if p.selection.shared_theme:
            yield (
                "plan a round with no theme",
                lambda: plan(register(), PlanRound("r-3", p, "Round", 2, None, "s", (), (concern,))),
            )
    assert round_.picks
    yield (
        "notify the LSCB twice",
        lambda: notify(
            fold(evolve, state, notify(state, notification(p, Recipient.LSCB_CHAIR))),
            notification(p, Recipient.LSCB_CHAIR),
        ),
    )
    yield (
        "notify an agency not inspected",
        lambda: notify(state, notification(p, Recipient.AGENCY_SENIOR_LEADER, agency=A.CPS)),
    )
    yield (
        "notify by an inspectorate not taking part",
        lambda: notify(state, notification(p, Recipient.LSCB_CHAIR, notified_by=I.HMCPSI)),
    )
    early = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    yield (
        "notify early",
        lambda: notify(state, notification(p, Recipient.LSCB_CHAIR, notified_at=early, now=early)),
    )
    if p.notice.announced:
        late = datetime(2026, 2, 27, 9, 0, tzinfo=UTC)
        yield (
            "notify late",
            lambda: notify(state, notification(p, Recipient.LSCB_CHAIR, notified_at=late, now=late)),
        )
        yield (
            "notify an agency before the LSCB",
            lambda: notify(state, notification(p, Recipient.AGENCY_SENIOR_LEADER, agency=A.LOCAL_AUTHORITY)),
        )
    yield (
        "an inspectorate joins that does not join on a condition",
        lambda: inspection.join(state, JoinInspection(p, I.CQC, "requested", "asked", lead)),
    )

    def join(inspectorate: Inspectorate, condition: Literal["requested", "triggered"]) -> object:
        return inspection.join(state, JoinInspection(p, inspectorate, condition, "asked", lead))

    for conditional in p.participation.conditional:
        wrong: Literal["requested", "triggered"] = (
            "triggered" if "requested" in conditional.when else "requested"
        )
        yield f"{conditional.inspectorate} joins when {wrong}", partial(join, conditional.inspectorate, wrong)
    yield (
        "assign an inspector not registered",
        lambda: team.assign(state, Diary(), Assign(p, "i-1", (1,), lead)),
    )
    yield (
        "assign another inspectorate's inspector",
        lambda: team.assign(state, diary(lead), Assign(p, "i-1", (1,), other)),
    )
    yield (
        "assign an inspectorate not taking part",
        lambda: team.assign(state, diary(I.HMCPSI), Assign(p, "i-1", (1,), I.HMCPSI)),
    )
    yield (
        "assign beyond the weeks of fieldwork",
        lambda: team.assign(state, diary(lead), Assign(p, "i-1", (p.fieldwork.weeks + 1,), lead)),
    )

    def assign(inspectorate: Inspectorate, week: int) -> object:
        return team.assign(state, diary(inspectorate), Assign(p, "i-1", (week,), inspectorate))

    for inspectorate in p.participation.possible():
        absent = [w for w in range(1, p.fieldwork.weeks + 1) if w not in p.fieldwork.weeks_of(inspectorate)]
        if absent and inspectorate in state.inspectorates:
            yield f"assign {inspectorate} in week {absent[0]}", partial(assign, inspectorate, absent[0])
    yield (
        "reschedule by another inspectorate",
        lambda: reschedule(state, Calendar(), Reschedule(p, area_for(p), MONDAY, "asked", other, TODAY)),
    )
    yield (
        "move fieldwork that has started",
        lambda: reschedule(state, Calendar(), Reschedule(p, area_for(p), MONDAY, "asked", lead, MONDAY)),
    )
    yield (
        "cancel a finished inspection",
        lambda: cancel(state, Cancel(p, "late", lead, date(2026, 6, 1))),
    )


# --- evidence ------------------------------------------------------------------------------------------


def known(p: Programme, **changes: object) -> KnownInspection:
    inspection = KnownInspection(
        inspection_id="insp-1",
        programme=p,
        inspectorates=tuple(p.participation.inspectorates),
        agencies=tuple(r.agency for r in p.agencies if r.inspectorate in p.participation.inspectorates),
        notified=True,
    )
    return replace(inspection, **changes)  # type: ignore[arg-type]


def details(p: Programme, **changes: object) -> HeldDetails:
    item = HeldDetails(
        agency=A.LOCAL_AUTHORITY,
        activity=Activity.CASE_SAMPLING,
        judgement_area=p.judgement_areas[1].id,
        bearing=Bearing.STRENGTH,
        case_reference="CASE-0001",
        summary="Plans are reviewed on time.",
    )
    return item.model_copy(update=changes)


def evidence_refusals(p: Programme) -> Refusals:
    lead = p.participation.lead_inspectorate
    k = known(p)
    empty = evidence_file.EvidenceFile()
    added = SampleCaseAdded(
        inspection_id="insp-1", sample="shared", case_reference="CASE-0001", added_by=lead, reason="cohort"
    )
    sampled = evidence_file.evolve_file(empty, added)
    closed = evidence_file.evolve_file(
        empty, EvidenceGatheringClosed(inspection_id="insp-1", closed_by=lead, reason="done")
    )

    def record(inspection: KnownInspection, file: evidence_file.EvidenceFile, **changes: object) -> object:
        command = evidence_item.RecordEvidenceItem(
            inspection, file, ITEM, lead, "inspector", details(p, **changes)
        )
        return evidence_item.evidence_item.decide(evidence_item.EvidenceItem(), command)

    def sample(
        by: Inspectorate, name: str, file: evidence_file.EvidenceFile = empty, add: bool = True
    ) -> object:
        command = evidence_file.ChangeSample(k, name, "CASE-0001", by, "cohort", add)  # type: ignore[arg-type]
        return evidence_file.evidence_file.decide(file, command)

    yield "record before notice", lambda: record(known(p, notified=False), empty)
    yield "record once closed", lambda: record(k, closed)
    yield "record for a cancelled inspection", lambda: record(known(p, cancelled=True), empty)
    yield (
        "record by an inspectorate not taking part",
        lambda: evidence_item.evidence_item.decide(
            evidence_item.EvidenceItem(),
            evidence_item.RecordEvidenceItem(k, empty, ITEM, I.HMCPSI, "inspector", details(p)),
        ),
    )
    yield "record about an agency not inspected", lambda: record(k, empty, agency=A.CPS)
    yield "record on an area it has not", lambda: record(k, empty, judgement_area="knife_crime")
    yield "record against a criterion it has not", lambda: record(k, empty, criteria=["999z"])
    yield "track a case in no sample", lambda: record(k, empty, activity=Activity.CASE_TRACKING)
    yield (
        "audit jointly a case outside the shared sample",
        lambda: record(k, empty, activity=Activity.JOINT_AUDIT),
    )
    if not p.deep_dive_themes:
        yield "audit jointly with no deep dive", lambda: record(k, sampled, activity=Activity.JOINT_AUDIT)
    for agency in (A.POLICE, A.HEALTH):
        graded_on = [a.id for a in p.judgement_areas if agency in a.graded_for]
        elsewhere = [
            a.id for a in p.judgement_areas if graded_on and a.id not in graded_on and a.id != "lscb"
        ]
        if agency in k.agencies and elsewhere and agency not in p.judgements.narrative_for:
            yield (
                f"evidence about {agency} on {elsewhere[0]}",
                partial(record, k, empty, agency=agency, judgement_area=elsewhere[0]),
            )
    yield (
        "close by another inspectorate",
        lambda: evidence_file.evidence_file.decide(
            empty, evidence_file.CloseEvidenceGathering(k, I.HMCPSI, "done")
        ),
    )
    yield (
        "close twice",
        lambda: evidence_file.evidence_file.decide(
            closed, evidence_file.CloseEvidenceGathering(k, lead, "done")
        ),
    )
    yield "add a case to the shared sample twice", lambda: sample(lead, "shared", sampled)
    yield "remove a case not in the shared sample", lambda: sample(lead, "shared", empty, add=False)
    yield "change another inspectorate's sample", lambda: sample(lead, "cqc" if lead is not I.CQC else "hmic")
    if p.rules.own_samples is None:  # the inspectorates track and sample only together
        yield "change the lead's own sample", lambda: sample(lead, str(lead))
    line = lines_of_enquiry.LineOfEnquiry()
    yield (
        "answer a line never raised",
        lambda: lines_of_enquiry.line_of_enquiry.decide(
            line, lines_of_enquiry.AnswerLineOfEnquiry(k, empty, "l-1", lead, [], "answer", {})
        ),
    )
    raised = lines_of_enquiry.line_of_enquiry.decide(
        line,
        lines_of_enquiry.RaiseLineOfEnquiry(k, empty, "l-1", lead, A.LOCAL_AUTHORITY, None, [], "Why?"),
    )
    open_line = lines_of_enquiry.line_of_enquiry.fold(raised)
    yield (
        "answer citing withdrawn evidence",
        lambda: lines_of_enquiry.line_of_enquiry.decide(
            open_line,
            lines_of_enquiry.AnswerLineOfEnquiry(
                k, empty, "l-1", lead, [ITEM], "answer", {ITEM: "withdrawn"}
            ),
        ),
    )
    yield (
        "close another's line",
        lambda: lines_of_enquiry.line_of_enquiry.decide(
            open_line, lines_of_enquiry.CloseLineOfEnquiry(k, "l-1", I.HMCPSI, "done")
        ),
    )


# --- judgements and findings ---------------------------------------------------------------------------


def judged(p: Programme) -> Inspection:
    part = p.participation
    return Inspection(
        "insp-1",
        p,
        tuple(r.agency for r in p.agencies if r.inspectorate in part.inspectorates),
        tuple(part.inspectorates),
    )


def judgement_refusals(p: Programme) -> Refusals:
    inspection = judged(p)
    lead = p.participation.lead_inspectorate
    graded = [
        (agency, a.id)
        for a in p.judgement_areas
        for agency in a.graded_for
        if agency is not A.LSCB and not a.derived_from  # a cumulative one comes after its parts
    ]
    narrative = [(agency, p.judgement_areas[1].id) for agency in p.judgements.narrative_for]
    subjects = graded or narrative or [(A.PARTNERSHIP, p.judgement_areas[0].id)]
    agency, area = subjects[0]
    by = areas.owner(p, agency) or lead
    grade = p.judgements.scale[1] if (agency, area) in graded else None
    strength = (CitedItem(ITEM, agency, Bearing.STRENGTH),)

    def propose(state: judgements.Judgements | None = None, **changes: object) -> list[Event]:
        command = judgements.Propose(inspection, agency, area, grade, "Text.", strength, (), by)
        decided = judgements.judgements.decide(
            state or judgements.Judgements(),
            replace(command, **changes),  # type: ignore[arg-type]
        )
        return list(decided)

    def advance(step: judgements.Step, who: Inspectorate, state: judgements.Judgements) -> Sequence[Event]:
        command = judgements.Advance(inspection, agency, area, step, who, "reason")
        return judgements.judgements.decide(state, command)

    yield "a grade off the scale", lambda: propose(grade=G.ADEQUATE if G.ADEQUATE not in p.judgements.scale
                                                   else G.REQUIRES_IMPROVEMENT)  # fmt: skip
    yield "an area it has not", lambda: propose(judgement_area="knife_crime")
    yield "the LSCB judged here", lambda: propose(agency=A.LSCB, judgement_area=p.judgement_areas[-1].id)
    yield "an agency not inspected", lambda: propose(agency=A.CPS)
    yield "by an inspectorate not taking part", lambda: propose(by=I.HMCPSI)
    yield "on evidence not recorded", lambda: propose(cited=(), unknown=("ev-9",))
    yield "on no evidence", lambda: propose(cited=())
    yield "a revision of a judgement never proposed", lambda: propose(reason="Changed.")
    yield (
        "moderate a judgement never proposed",
        lambda: advance(judgements.Step.MODERATE, lead, judgements.Judgements()),
    )
    if not graded and not narrative:
        return  # a programme with no judgements refuses them all at once
    state = judgements.judgements.fold(propose())
    others = [i for i in inspection.inspectorates if i is not lead and i is not by]
    yield "moderate out of order", lambda: advance(judgements.Step.FINALISE, by, state)
    if others:
        yield "moderated by another inspectorate", lambda: advance(judgements.Step.MODERATE, others[0], state)
        yield "returned by another inspectorate", lambda: advance(judgements.Step.RETURN, others[0], state)
    if grade is not None:
        yield "inadequate on strengths only", lambda: propose(grade=G.INADEQUATE)
        yield "a narrative with a grade's place left empty", lambda: propose(grade=None)
    if p.judgements.attribution is not None:
        yield (
            "on evidence about another agency",
            lambda: propose(
                cited=(CitedItem(ITEM, A.HEALTH if agency is not A.HEALTH else A.POLICE, Bearing.STRENGTH),)
            ),
        )
    for rule in p.limiting_rules:
        limited = judgements.Propose(
            inspection, rule.agencies[0], rule.judgement_area, G.GOOD, "Text.",
            (CitedItem(ITEM, rule.agencies[0], Bearing.WEAKNESS),), (),
            areas.owner(p, rule.agencies[0]) or lead,
        )  # fmt: skip
        contributing = judgements.Judgements()
        limited_area = p.area(rule.judgement_area)
        assert limited_area is not None
        for part in limited_area.derived_from or rule.when_inadequate:
            if rule.agencies[0] in areas.area_of(p, part).graded_for:
                inadequate = replace(limited, judgement_area=part, grade=G.INADEQUATE, rationale="As found.")
                for event in judgements.judgements.decide(contributing, inadequate):
                    contributing = judgements.judgements.evolve(contributing, event)
        yield (
            f"depart from {rule.source} with no rationale",
            partial(judgements.decide, contributing, limited),
        )
    if narrative and not graded:
        yield "a grade for a narrative", lambda: propose(grade=G.GOOD)


def finding_refusals(p: Programme) -> Refusals:
    agencies = judged(p).agencies  # as scheduled: HMCPSI's CPS only once triggered
    outside = next(a for a in (A.CPS, A.CUSTODY, A.YOUTH_OFFENDING_TEAM, A.POLICE) if a not in agencies)
    weakness = (CitedItem(ITEM, A.PARTNERSHIP, Bearing.WEAKNESS),)
    kinds = finding_kinds(p)
    missing = next(k for k in FindingKind if k not in kinds)

    def record(kind: FindingKind = FindingKind.KEY_STRENGTH, **changes: object) -> Sequence[Event]:
        command = findings.RecordFinding(
            "insp-1", "f-1", kind, A.PARTNERSHIP, "Text.", weakness, (), agencies, p
        )
        return findings.findings.decide(findings.Findings(), replace(command, **changes))  # type: ignore[arg-type]

    yield f"a finding of a kind it has not ({missing})", lambda: record(missing)
    yield "a strength on a weakness", lambda: record()
    yield "a finding on evidence not recorded", lambda: record(cited=(), unknown=("ev-9",))
    yield "a finding for an agency not inspected", lambda: record(kinds[-1], addressed_to=outside)


# --- the LSCB ------------------------------------------------------------------------------------------


def lscb_refusals(p: Programme) -> Refusals:
    inspection = judged(p)
    lead = p.participation.lead_inspectorate
    item = CitedItem(ITEM, A.LSCB, Bearing.STRENGTH, ())
    contribute = lscb.Contribute(
        inspection, "c-1", lead, None, Bearing.STRENGTH, A.LSCB, "Text.", (item,), ()
    )
    initial = lscb.Evaluation()
    if p.lscb is None:
        yield "a board it does not evaluate", lambda: lscb.evaluation.decide(initial, contribute)
        return
    grade = p.judgements.scale[1] if p.lscb.evaluation == "graded" else None
    propose = lscb.Propose(inspection, lead, grade, "Text.", (item,), ())
    proposed = lscb.evaluation.fold(lscb.evaluation.decide(initial, propose))
    others = [i for i in inspection.inspectorates if i is not lead]

    def decide(state: lscb.Evaluation, command: lscb.Command) -> Sequence[Event]:
        return lscb.evaluation.decide(state, command)

    yield (
        "contribute by an inspectorate not taking part",
        lambda: decide(initial, replace(contribute, by=I.HMCPSI)),
    )
    yield (
        "contribute against a criterion it has not",
        lambda: decide(initial, replace(contribute, criterion="999z")),
    )
    yield (
        "attribute to an agency not inspected",
        lambda: decide(initial, replace(contribute, attributed_to=A.CPS)),
    )
    yield (
        "contribute on evidence not recorded",
        lambda: decide(initial, replace(contribute, unknown=("ev-9",))),
    )
    yield "a weakness on a strength", lambda: decide(initial, replace(contribute, bearing=Bearing.WEAKNESS))
    yield "sign off before a proposal", lambda: decide(initial, lscb.SignOff(inspection, lead))
    yield (
        "a grade for a narrative, or none for a graded board",
        lambda: decide(initial, replace(propose, grade=None if grade else G.GOOD)),
    )
    yield "inadequate on strengths only", lambda: decide(initial, replace(propose, grade=G.INADEQUATE))
    yield "finalise awaiting sign-offs", lambda: decide(proposed, lscb.Finalise(inspection, lead))
    yield "resolve no dispute", lambda: decide(proposed, lscb.Resolve(inspection, lead, "resolved"))
    signed = lscb.evaluation.fold([*lscb.evaluation.decide(initial, propose),
                                   *decide(proposed, lscb.SignOff(inspection, lead))])  # fmt: skip
    yield "sign off twice", lambda: decide(signed, lscb.SignOff(inspection, lead))
    yield "dispute after signing off", lambda: decide(signed, lscb.Dispute(inspection, lead, "no"))
    if others:
        yield "propose by another inspectorate", lambda: decide(initial, replace(propose, by=others[0]))
        yield (
            "finalise by another inspectorate",
            lambda: decide(proposed, lscb.Finalise(inspection, others[0])),
        )
    cancelled = Inspection(**{**inspection.__dict__, "cancelled": True})
    yield "a cancelled inspection", lambda: decide(initial, replace(contribute, inspection=cancelled))


PLAYS = {
    "scheduling": scheduling_refusals,
    "evidence": evidence_refusals,
    "judgement": judgement_refusals,
    "findings": finding_refusals,
    "lscb": lscb_refusals,
}


def refusals_of(p: Programme) -> list[tuple[str, str, str]]:
    """(decider, command, the rule its refusal cites) for every refused command played; each must be
    refused."""
    cited, accepted = [], []
    for decider, play in PLAYS.items():
        for label, run in play(p):
            try:
                run()
            except RuleViolation as refused:
                cited.append((decider, label, refused.rule))
            else:
                accepted.append((decider, label))
    assert accepted == [], f"{p.id} accepted commands the test expects refused"
    return cited


@pytest.mark.parametrize("programme_id", PROGRAMMES)
def test_issue_19_point_1_every_refusal_cites_the_programmes_own_sources(programme_id: str) -> None:
    p = catalogue()[programme_id]
    refused = refusals_of(p)
    assert len(refused) >= 45, refused  # every decider is played with many commands
    foreign = [(d, label, rule) for d, label, rule in refused if not p.cites_own(rule)]
    assert foreign == [], f"{programme_id} draws on {p.sources} only"


def test_issue_19_point_1_cla_2012_accepts_health_evidence_for_the_local_authority() -> None:
    """003: the CLA inspection is Ofsted's and CQC's joint look at services for looked-after children, health
    included: a judgement of the local authority as corporate parent stands on what CQC found about health
    services too. Integrated 2014 attributes each strength and weakness to its own agency (004 §48)."""
    cla, integrated = judged(catalogue()["cla-2012"]), judged(catalogue()["integrated-2014"])
    health = (CitedItem(ITEM, A.HEALTH, Bearing.STRENGTH),)
    command = judgements.Propose(cla, A.LOCAL_AUTHORITY, "outcomes", G.GOOD, "Text.", health, (), I.OFSTED)
    [proposed] = judgements.judgements.decide(judgements.Judgements(), command)
    assert proposed.evidence_item_ids == [ITEM]  # type: ignore[attr-defined]
    with pytest.raises(RuleViolation) as caught:
        judgements.judgements.decide(
            judgements.Judgements(),
            replace(command, inspection=integrated, judgement_area="help_and_protection"),
        )
    assert caught.value.rule == "004 §48"


# --- the programme files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("citation", "sources", "own"),
    [
        ("004 §48", ["004"], True),
        ("004 §24, §48", ["004"], True),
        ("domain.md People: quality assurance", ["003"], True),
        ("004 §48", ["003", "002 §24"], False),
        ("002 §24", ["003", "002 §24"], True),
        ("002 §11", ["003", "002 §24"], False),
        ("002 §241", ["003", "002 §24"], False),
        ("001 Proposal three; 004 §24", ["001"], False),
        ("001 Part 2, Proposal two", ["001"], True),
        ("scheduling: a cancelled inspection", ["001"], False),
    ],
)
def test_a_citation_is_own_when_every_seed_it_names_is_among_the_programmes_sources(
    citation: str, sources: list[str], own: bool
) -> None:
    assert cites_only(citation, sources) is own


@pytest.mark.parametrize("programme_id", PROGRAMMES)
def test_every_shipped_programme_names_its_sources_and_cites_only_them(programme_id: str) -> None:
    p = catalogue()[programme_id]
    assert p.sources[0] == {"m": "002", "c": "003", "i": "004", "j": "001", "t": "001"}[programme_id[0]]
    assert p.rules.lead_inspectorate
    assert p.rules.findings
    assert p.rules.grades is not None if p.graded else p.rules.grades is None


def _copy(tmp_path: Path, programme_id: str, old: str, new: str) -> Path:
    text = (FOLDER / f"{programme_id}.toml").read_text(encoding="utf-8")
    assert old in text, old
    (tmp_path / f"{programme_id}.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("programme_id", "old", "new", "named"),
    [
        # A CLA rule citing Integrated 2014's attribution paragraph.
        ("cla-2012", 'findings = "003 Notes to Editors"', 'findings = "004 §48"',
         "rules.findings = '004 §48'"),
        # An Integrated 2014 section citing the JTAI's.
        ("integrated-2014", 'source = "004 §36"', 'source = "001 Proposal two"', "fieldwork.source"),
        # CLA's one paragraph of 002 does not open the rest of 002.
        ("cla-2012", 'grades = "002 §24"', 'grades = "002 §11"', "rules.grades = '002 §11'"),
        # A rule cited for what the programme has not: a joint audit without a deep dive.
        ("macp-2012", 'lscb_agreement = "002 §49, §57"',
         'lscb_agreement = "002 §49, §57"\njoint_audit = "002 §43"', "rules.joint_audit"),
        # A rule missing for what the programme has: its grades.
        ("macp-2012", 'grades = "002 §24"                   # "four inspection grades"\n', "",
         "rules.grades"),
    ],
)  # fmt: skip
def test_a_programme_file_citing_another_programmes_source_is_refused(
    tmp_path: Path, programme_id: str, old: str, new: str, named: str
) -> None:
    with pytest.raises(ProgrammeFileError) as caught:
        load_folder(_copy(tmp_path, programme_id, old, new))
    assert f"{programme_id}.toml" in str(caught.value)
    assert named in str(caught.value)
