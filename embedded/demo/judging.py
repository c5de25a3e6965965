"""After fieldwork: findings that cite the evidence, the programme's judgements moved from proposed to final
by the inspectorates its file names, and the shared evaluation of the LSCB where the programme has one.

Who does what is the programme's: a judgement on an agency is proposed by the inspectorate that inspects
it (any taking part, for the partnership), moderated by the lead inspector, quality-assured by the lead
inspectorate and signed off as final by the judging inspectorate; a cumulative judgement (overall
effectiveness, 004 §41) comes after those it is drawn from. The board's evaluation is proposed by the lead
inspectorate and made final once every inspectorate taking part has signed it off (004 §113)."""

from __future__ import annotations

from collections import defaultdict

from embedded.demo.inspection import Play, agency_name, area_words, cite, named
from embedded.demo.platform import eventually
from embedded.demo.scenario import Judgement
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.envelope import Inspectorate


async def record_findings(play: Play) -> None:
    p = play.programme
    kinds = ", ".join(dict.fromkeys(f.kind.value.replace("_", " ") for f in play.scenario.findings))
    await play.story.step(
        f"the inspectorates record their findings, each citing its evidence: {kinds}{cite(p.rules.findings)}",
        play.timetable.judged,
    )
    profile = play.platform.url("judgement", play.path("/evidence-profile"))

    async def every_item_arrived() -> bool:  # the judgement service's evidence profile, fed by events
        response = await play.platform.http.get(profile)
        return response.status_code == 200 and response.json()["items"] == len(play.run.evidence_ids)

    await eventually(every_item_arrived, "the evidence to reach the judgement service")
    for finding in play.scenario.findings:
        body = {
            "kind": finding.kind.value,
            "addressed_to": finding.addressed_to.value,
            "text": finding.text,
            "evidence_item_ids": play.cited(finding.evidence),
        }
        await play.platform.post("judgement", play.path("/findings"), play.lead_inspector, body)
    play.story.line(f"{len(play.scenario.findings)} findings recorded")


def _in_order(play: Play) -> list[Judgement]:
    """Cumulative judgements after the judgements they are drawn from (004 §41)."""
    cumulative = {a.id for a in play.programme.judgement_areas if a.derived_from}
    return sorted(play.scenario.judgements, key=lambda j: j.judgement_area in cumulative)


def judged_by(play: Play, agency: Agency) -> Inspectorate:
    """The inspectorate that inspects the agency; the lead inspectorate for the partnership."""
    return play.programme.agency_inspectorates().get(agency, play.lead)


async def make_judgements(play: Play) -> None:
    p = play.programme
    if not play.scenario.judgements:
        return  # no graded judgement, no narrative one: a JTAI's findings stand alone (001 Proposal four)
    scale = "/".join(g.value.replace("_", " ") for g in p.judgements.scale)
    await play.story.step(
        f"the judgements are proposed, moderated, quality-assured and made final, on the scale {scale}"
        f"{cite(p.rules.grades, p.rules.quality_assurance)}",
        play.timetable.judged,
    )
    made: dict[Agency, list[str]] = defaultdict(list)
    for j in _in_order(play):
        judge = judged_by(play, j.agency)
        at = play.path(f"/judgements/{j.agency.value}/{j.judgement_area}")
        proposal = {
            "grade": j.grade.value if j.grade else None,
            "text": j.text,
            "evidence_item_ids": play.cited(j.evidence),
            "leaders_understand_failure": j.leaders_understand_failure,
        } | ({"rationale": j.rationale} if j.rationale else {})
        await play.platform.put("judgement", at, play.people.of(judge), proposal)
        await play.platform.post("judgement", f"{at}/moderate", play.lead_inspector)
        await play.platform.post("judgement", f"{at}/quality-assure", play.people.quality_assurer(play.lead))
        await play.platform.post("judgement", f"{at}/finalise", play.people.lead_inspector(judge))
        graded = j.grade.value.replace("_", " ") if j.grade else "in narrative"
        made[j.agency].append(f"{area_words(j.judgement_area)}: {graded}")
    for agency, judgements in made.items():
        whose = "shared" if agency is Agency.PARTNERSHIP else agency_name(agency)
        play.story.line(f"{whose} (by {named([judged_by(play, agency)])}): {'; '.join(judgements)}")


async def evaluate_board(play: Play) -> None:
    lscb, evaluation = play.programme.lscb, play.scenario.lscb
    if lscb is None or evaluation is None:
        return
    rules = play.programme.rules
    await play.story.step(
        f"the inspectorates evaluate the Local Safeguarding Children Board together ({lscb.evaluation}), and "
        f"every inspectorate signs the evaluation off{cite(lscb.source, rules.lscb_agreement)}",
        play.timetable.judged,
    )
    at = play.path("/evaluation")
    cited = {
        *play.cited(evaluation.evidence),
        *(i for c in evaluation.contributions for i in play.cited(c.evidence)),
    }

    async def board_evidence_arrived() -> bool:
        response = await play.platform.http.get(play.platform.url("lscb", at))
        held = {i["evidence_item_id"] for i in response.json()["evidence"]} if response.is_success else set()
        return cited <= held

    await eventually(board_evidence_arrived, "evidence about the board to reach the lscb service")
    for c in evaluation.contributions:
        body = {
            "criterion": c.criterion,
            "bearing": c.bearing.value,
            "attributed_to": c.attributed_to.value,
            "text": c.text,
            "evidence_item_ids": play.cited(c.evidence),
        }
        await play.platform.post("lscb", f"{at}/contributions", play.people.of(c.inspectorate), body)
        play.story.line(
            f"{named([c.inspectorate])}: a {c.bearing.value} against criterion {c.criterion}, attributed to "
            f"{agency_name(c.attributed_to)}"
        )
    proposal = {
        "grade": evaluation.grade.value if evaluation.grade else None,
        "text": evaluation.text,
        "evidence_item_ids": play.cited(evaluation.evidence),
    }
    await play.platform.put("lscb", f"{at}/proposal", play.lead_inspector, proposal)
    for inspectorate in play.taking_part:
        await play.platform.post("lscb", f"{at}/sign-off", play.people.lead_inspector(inspectorate))
    final = (await play.platform.post("lscb", f"{at}/final", play.lead_inspector))["final"]
    grade = f"{final['grade'].replace('_', ' ')}, " if final.get("grade") else ""
    described = (
        f"; its descriptor from {final['descriptor_source']}" if final.get("descriptor_source") else ""
    )
    signed = named([Inspectorate(i) for i in final["signed_off_by"]])
    play.story.line(f"{grade}agreed by {signed}{described}")
