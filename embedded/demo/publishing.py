"""The report from draft to publication, each step on its own day and by whoever the programme's `report`
table says: drafted by the lead inspectorate after the last day of fieldwork once every judgement it
reports is final; quality-assured by the lead inspectorate; agreed by every inspectorate taking part; sent
to whoever coordinates the one factual-accuracy response (the LSCB's chair, or an agency's senior leader
where the programme has no LSCB in scope, 003); each point of the response decided (rejected with the
reason: an accepted point needs the correction recorded first); made final; published by each
inspectorate; and the post-inspection action plan, where the programme tracks one."""

from __future__ import annotations

from datetime import timedelta

from embedded.demo.inspection import Play, agency_name, cite, named
from embedded.demo.platform import eventually


def _expected(play: Play) -> list[str]:
    """What the rendered report says once every event it is made of has reached the reporting service:
    each finding, judgement and contribution, the board's evaluation, and every evidence item counted."""
    s = play.scenario
    texts = [f.text for f in s.findings] + [j.text for j in s.judgements]
    if s.lscb is not None:
        texts += [s.lscb.text, *(c.text for c in s.lscb.contributions)]
    return [*texts, f"Inspectors recorded {len(play.run.evidence_ids)} evidence item"]


async def draft(play: Play) -> None:
    report, kind = play.programme.report, play.programme.report.kind.replace("_", " ")
    await play.story.step(
        f"the lead inspectorate drafts the {kind}, after the last day of fieldwork and with every judgement "
        f"it reports final, and quality-assures it"
        f"{cite(report.drafted_after, report.complete, report.quality_assurance)}",
        play.timetable.drafted,
    )
    url = play.platform.url("reporting", play.path("/report"))
    wanted = _expected(play)

    async def complete() -> bool:
        response = await play.platform.http.get(url)
        return response.status_code == 200 and all(text in response.text for text in wanted)

    await eventually(complete, "every event the report is made of to reach the reporting service")
    drafted = await play.platform.post("reporting", play.path("/report/draft"), play.lead_inspector)
    await play.platform.post(
        "reporting", play.path("/report/quality-assurance"), play.people.quality_assurer(play.lead)
    )
    play.story.line(f"draft {drafted['draft']}, quality-assured by {named([play.lead])}")


async def send(play: Play) -> None:
    report = play.programme.report
    await play.story.step(
        "every inspectorate taking part agrees the draft, and the lead inspectorate sends it for one "
        f"factual-accuracy response{cite(report.agreement, report.draft_to.source)}",
        play.timetable.sent,
    )
    for inspectorate in play.taking_part:
        await play.platform.post(
            "reporting", play.path("/report/agreement"), play.people.lead_inspector(inspectorate)
        )
    play.story.line(f"agreed by {named(play.taking_part)}")
    leader = play.scenario.senior_leader
    body = None if report.draft_to.lscb else {"addressee": leader}
    sent = (await play.platform.post("reporting", play.path("/report/sending"), play.lead_inspector, body))[
        "sent"
    ]
    copied = (
        ", copied to " + ", ".join(agency_name(a) for a in sent["copied_to"]) if sent["copied_to"] else ""
    )
    play.story.line(f"draft {sent['draft']} sent to {sent['to']}{copied}")


async def respond(play: Play) -> None:
    """The one coordinated response: the LSCB's chair sends it; a senior leader's, the lead inspectorate
    records as received (003)."""
    report = play.programme.report
    to = report.draft_to
    if to.lscb:
        whom = "the chair of the LSCB sends the partnership's one factual-accuracy response"
    else:
        assert to.agency is not None
        leader = f"{play.scenario.senior_leader}, senior leader of {agency_name(to.agency)}"
        whom = f"the lead inspectorate records the one factual-accuracy response of {leader}"
    await play.story.step(f"{whom}{cite(report.factual_accuracy)}", play.timetable.response)
    who = play.people.chair(play.scenario.area) if to.lscb else play.lead_inspector
    points = [p.body() for p in play.scenario.factual_accuracy]
    await play.platform.post(
        "reporting", play.path("/report/factual-accuracy-response"), who, {"points": points}
    )
    for point in play.scenario.factual_accuracy:
        play.story.line(f"point {point.point} ({point.section or 'the draft'}): {point.text}")


async def finalise(play: Play) -> None:
    report = play.programme.report
    await play.story.step(
        f"the lead inspectorate decides each point, and makes the {report.kind.replace('_', ' ')} final"
        f"{cite(report.factual_accuracy, report.agreement)}",
        play.timetable.final,
    )
    for point in play.scenario.factual_accuracy:
        decision = {"point": point.point, "decision": point.decision.value, "reason": point.reason}
        await play.platform.post(
            "reporting", play.path("/report/factual-accuracy-decisions"), play.lead_inspector, decision
        )
        play.story.line(f"point {point.point} {point.decision.value}: {point.reason}")
    final = await play.platform.post("reporting", play.path("/report/final"), play.lead_inspector)
    play.story.line(f"final: checksum {final['final_checksum'][:16]}…")


async def publish(play: Play) -> None:
    report = play.programme.report
    await play.story.step(
        f"each inspectorate taking part publishes it{cite(report.publication)}", play.timetable.published
    )
    status = ""
    for inspectorate in play.taking_part:
        published = await play.platform.post(
            "reporting", play.path("/report/publication"), play.people.lead_inspector(inspectorate)
        )
        status = published["status"]
    play.story.line(f"{status} by {named(play.taking_part)}")
    plan = play.scenario.action_plan
    if report.action_plan and plan is not None:
        due = play.timetable.published.date() + timedelta(days=plan.due_in_days)
        body = {"led_by": plan.led_by.value, "due_on": str(due)}
        await play.platform.post("reporting", play.path("/report/action-plan"), play.lead_inspector, body)
        play.story.line(
            f"the post-inspection action plan, led by {agency_name(plan.led_by)}, is due on {due}"
            f"{cite(report.action_plan_source)}"
        )
    play.run.document = await play.platform.get("reporting", play.path("/report"))
