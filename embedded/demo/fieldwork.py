"""The inspection up to the end of fieldwork: scheduled with its team, the area told (on the notice date,
or on arrival when unannounced) in the order scheduling's notification plan gives, the shared sample,
each inspectorate's evidence in the weeks it is on site, the lines of enquiry, and evidence gathering
closed after the last day's feedback meeting. Every difference between programmes here comes from the
programme's file: its notice, its fieldwork phases, its meetings and its rules' citations."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from embedded.demo.inspection import (
    Play,
    agency_name,
    area_words,
    cite,
    lower_first,
    named,
    possessive,
    with_article,
)
from embedded.demo.platform import eventually
from embedded.demo.scenario import EvidenceItem, lscb_in_scope
from embedded.demo.timetable import first_fieldwork_week
from embedded.errors import StackError
from services.scheduling.domain.area_calendar import ONE_INSPECTION_PER_AREA
from services.scheduling.domain.dates import next_full_weeks
from shared.language.contracts.scheduling import Recipient
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.envelope import Inspectorate

WEEKS_OF_SEARCH = 52  # an earlier demo may have booked the area: the next free weeks within a year


async def schedule(play: Play, today: date) -> None:
    p, s, run = play.programme, play.scenario, play.run
    area = s.place
    await play.story.step(
        f"{named([play.lead])} schedules {with_article(p.title)} in {area.name}{cite(p.fieldwork.source)}"
    )
    starts = first_fieldwork_week(today, p)
    body = {"programme": p.id, "area": area.code, "deep_dive_theme": s.deep_dive_theme}
    for _ in range(WEEKS_OF_SEARCH):
        answer = await play.platform.http.post(
            play.platform.url("scheduling", "/inspections"),
            headers=play.lead_inspector,
            json={**body, "fieldwork_starts": str(starts)},
        )
        if answer.status_code != 422 or answer.json().get("rule") != ONE_INSPECTION_PER_AREA:
            break
        starts = next_full_weeks(p, starts)
    if answer.status_code >= 400:
        raise StackError(f"POST /inspections answered {answer.status_code}: {answer.text}")
    play.scheduled = answer.json()
    run.inspection_id, run.area = play.scheduled["inspection_id"], area.name
    run.fieldwork_starts = date.fromisoformat(play.scheduled["fieldwork_starts"])
    run.fieldwork_ends = date.fromisoformat(play.scheduled["fieldwork_ends"])
    run.notice_date = date.fromisoformat(play.scheduled["notice_date"])
    told = (
        f"notice on {run.notice_date}, {p.notice.working_days} working days before{cite(p.notice.source)}"
        if p.notice.announced
        else f"unannounced: nobody is told before inspectors arrive{cite(p.notice.source)}"
    )
    play.story.line(
        f"inspection {run.inspection_id}: fieldwork {run.fieldwork_starts} to {run.fieldwork_ends}; {told}"
    )
    play.story.line(f"taking part: {named(play.taking_part)}")
    for meeting in play.scheduled["meetings"]:
        play.story.line(f"{meeting['title']}: {meeting['on']}")
    if lscb_in_scope(p):
        await register_board(play)
    await assign_team(play)


async def register_board(play: Play) -> None:
    """The area's LSCB register names its chair and business manager (the lscb service; scheduling learns
    it from its events and says who is told first)."""
    board = play.scenario.board
    assert board is not None
    area = play.scenario.place
    for office, name in (("chair", board.chair), ("business_manager", board.business_manager)):
        await play.platform.put(
            "lscb", f"/boards/{area.code}/officers/{office}", play.lead_inspector, {"name": name}
        )
    play.story.line(
        f"the {area.name} LSCB register: {board.chair}, chair; {board.business_manager}, business manager"
    )


async def assign_team(play: Play) -> None:
    """Each inspectorate taking part registers its inspectors and assigns them for the weeks its phase is
    on site, within the programme's on-site limits."""
    for inspectorate in play.taking_part:
        names = play.scenario.team.get(inspectorate, [])
        weeks = play.timetable.weeks_on_site(inspectorate)
        who = play.people.lead_inspector(inspectorate)
        for name in names:
            inspector = await play.platform.post("scheduling", "/inspectors", who, {"name": name})
            await play.platform.post(
                "scheduling",
                play.path("/team"),
                who,
                {"inspector_id": inspector["inspector_id"], "weeks": weeks},
            )
        if names:
            on_site = ", ".join(map(str, weeks))
            play.story.line(
                f"{possessive(named([inspectorate]))} team, on site in week(s) {on_site}: {', '.join(names)}"
            )


async def give_notice(play: Play) -> None:
    """Everyone in the notification plan is told, in its order: the LSCB first where the programme says so
    (its chair, or the business manager in the chair's absence), then each agency's senior leader by the
    inspectorate that inspects it. Notice has started: evidence is accepted from now on."""
    p, tt = play.programme, play.timetable
    if p.notice.announced:
        text = f"notice is given on the notice date, neither earlier nor later{cite(p.notice.source)}"
    else:
        text = f"inspectors arrive unannounced, and tell the area as they arrive{cite(p.notice.source)}"
    await play.story.step(text, tt.notice)
    plan_url = play.path("/notification-plan")
    lscb = lscb_in_scope(p)

    async def plan_names_the_board() -> bool:
        response = await play.platform.http.get(play.platform.url("scheduling", plan_url))
        return response.status_code == 200 and (
            not lscb or response.json()["steps"][0]["addressee"] is not None
        )

    await eventually(plan_names_the_board, "the LSCB register to reach the scheduling service")
    plan = await play.platform.get("scheduling", plan_url)
    for step in plan["steps"]:
        recipient, agency = Recipient(step["recipient"]), step["agency"]
        if recipient is not Recipient.AGENCY_SENIOR_LEADER and not lscb:
            continue  # no LSCB in the programme's scope (CLA 2012, 003): its senior leaders are told
        by = Inspectorate(step["notified_by"] or (play.agencies[Agency(agency)] if agency else play.lead))
        body = {"recipient": recipient.value, **({"agency": agency} if agency else {})}
        await play.platform.post(
            "scheduling", play.path("/notifications"), play.people.lead_inspector(by), body
        )
        whom = f"{step['addressee']}, {recipient.value.replace('lscb_', 'LSCB ').replace('_', ' ')}"
        play.story.line(f"told by {named([by])}: {agency_name(Agency(agency)) if agency else whom}")

    async def evidence_knows() -> bool:
        response = await play.platform.http.get(play.platform.url("evidence", play.path()))
        return response.status_code == 200 and bool(response.json()["notice_started"])

    await eventually(evidence_knows, "the evidence service to learn that notice has started")


async def choose_sample(play: Play) -> None:
    rules = play.programme.rules
    await play.story.step(
        f"the inspectorates choose the shared sample of cases they track together{cite(rules.shared_sample)}",
        play.timetable.sample,
    )
    for case in play.scenario.shared_sample:
        await play.platform.post(
            "evidence", play.path("/samples/shared/cases"), play.lead_inspector, case.model_dump(mode="json")
        )
        play.story.line(f"{case.case_reference}: {case.reason}")


async def begin_fieldwork(play: Play) -> None:
    """Announced fieldwork opens with the meeting the programme holds on its first day, if any."""
    first = [m for m in play.scheduled["meetings"] if m["on"] == play.scheduled["fieldwork_starts"]]
    if play.programme.notice.announced and first:
        await play.story.step(f"fieldwork begins: {lower_first(first[0]['title'])}", play.timetable.arrival)


def by_week(play: Play) -> dict[int, list[tuple[str, EvidenceItem]]]:
    """The scenario's evidence by the week it is recorded: its own, or each inspectorate's items in turn
    over the weeks its phase is on site."""
    weeks: dict[int, list[tuple[str, EvidenceItem]]] = defaultdict(list)
    recorded: Counter[Inspectorate] = Counter()
    for key, item in play.scenario.evidence.items():
        on_site = play.timetable.weeks_on_site(item.inspectorate) or [1]
        week = item.week or on_site[recorded[item.inspectorate] % len(on_site)]
        recorded[item.inspectorate] += 1
        weeks[week].append((key, item))
    return dict(sorted(weeks.items()))


async def record_evidence(play: Play) -> None:
    rule = play.programme.rules.evidence_gathering
    of = play.programme.fieldwork.weeks
    for week, items in by_week(play).items():
        recording = list(dict.fromkeys(item.inspectorate for _, item in items))
        verb = "records" if len(recording) == 1 else "record"
        await play.story.step(
            f"week {week} of {of} of fieldwork: {named(recording)} {verb} evidence{cite(rule)}",
            play.timetable.evidence(week),
        )
        for key, item in items:
            recorded = await play.platform.post(
                "evidence", play.path("/evidence"), play.people.of(item.inspectorate), item.body()
            )
            play.run.evidence_ids[key] = recorded["evidence_item_id"]
            how = ", ".join(filter(None, [item.activity.value.replace("_", " "), item.case_reference]))
            bearing, about = item.bearing.value.replace("_", " "), agency_name(item.agency)
            where = area_words(item.judgement_area)
            play.story.line(f"{named([item.inspectorate])}: a {bearing} of {about} ({how}; {where})")


async def share_enquiries(play: Play) -> None:
    """Lines of enquiry raised by one inspectorate, answered with evidence by another and closed; then what
    triangulation shows corroborated by independent sources."""
    rules = play.programme.rules
    await play.story.step(
        "lines of enquiry are shared and the evidence triangulated"
        f"{cite(rules.lines_of_enquiry, rules.corroboration)}",
        play.timetable.enquiries,
    )
    for line in play.scenario.lines_of_enquiry:
        body = {"agency": line.agency.value, "question": line.question}
        body |= {"case_reference": line.case_reference} if line.case_reference else {}
        raised = await play.platform.post(
            "evidence", play.path("/lines-of-enquiry"), play.people.of(line.raised_by), body
        )
        at = play.path(f"/lines-of-enquiry/{raised['line_id']}")
        answer = {"evidence_item_ids": play.cited(line.evidence), "answer": line.answer}
        await play.platform.post("evidence", f"{at}/answers", play.people.of(line.answered_by), answer)
        closure = {"conclusion": line.conclusion}
        await play.platform.post("evidence", f"{at}/closure", play.people.of(line.raised_by), closure)
        play.story.line(
            f"raised by {named([line.raised_by])}, answered by {named([line.answered_by])}: {line.conclusion}"
        )
    view = await play.platform.get("evidence", play.path("/triangulation"))
    for agency in view["agencies"]:
        for area in agency["areas"]:
            for found in (f for f in area["findings"] if f["corroborated"]):
                sources = named([Inspectorate(i) for i in found["inspectorates"]])
                bearing, of = found["bearing"].replace("_", " "), agency_name(Agency(agency["agency"]))
                how = " and ".join(a.replace("_", " ") for a in found["activities"])
                where = area_words(area["judgement_area"])
                play.story.line(f"corroborated: a {bearing} of {of} ({where}), from {sources} by {how}")


async def close_evidence(play: Play) -> None:
    rule = play.programme.rules.evidence_gathering
    feedback = [m for m in play.scheduled["meetings"] if m["kind"] == "joint_feedback"]
    held = f"{lower_first(feedback[0]['title'])} is held; then " if feedback else ""
    await play.story.step(
        f"the last day of fieldwork: {held}the lead inspectorate closes evidence gathering{cite(rule)}",
        play.timetable.closure,
    )
    reason = (
        "Fieldwork is over: the joint feedback meeting has been held." if feedback else "Fieldwork is over."
    )
    await play.platform.post("evidence", play.path("/closure"), play.lead_inspector, {"reason": reason})
    play.story.line(f"{len(play.run.evidence_ids)} evidence items recorded; nothing more is recorded now")
