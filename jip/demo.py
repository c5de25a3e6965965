"""`jip demo`: a joint targeted area inspection played through the five running services over HTTP.

Everything goes through the services' public APIs; the letter at the end is what the reporting
service rebuilt from the events. The end-to-end test plays the same scenario and checks the letter."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

import httpx

from jip.stack import StackError
from services.scheduling.domain import ONE_INSPECTION_PER_AREA
from shared.auth import Role, Signer
from shared.programmes import catalogue
from shared.workdays import is_working_day, today_in_england, working_days_before

Progress = Callable[[str], None]
PROGRAMME = "jtai-2015"
AREA = "Wakefield"  # any of the 152 areas in the register (`jip areas`)
AREA_CODE = "E08000036"
THEME = "cse_and_missing"


@dataclass(frozen=True)
class People:
    """Who acts in the demo, each sending a token issued with the stack's key (`jip token`)."""

    signer: Signer

    def of(self, inspectorate: str, role: str = "inspector") -> dict[str, str]:
        token = self.signer.issue(f"demo-{inspectorate}-{role}", role, inspectorate, ttl=timedelta(hours=1))
        return {"Authorization": f"Bearer {token}"}

    @property
    def lead(self) -> dict[str, str]:
        """Ofsted's lead inspector: Ofsted leads a JTAI."""
        return self.of("ofsted", "lead_inspector")

    @property
    def quality(self) -> dict[str, str]:
        return self.of("ofsted", "quality_assurer")

    def chair(self, area_code: str) -> dict[str, str]:
        token = self.signer.issue("demo-chair", Role.LSCB_CHAIR, area_code=area_code, ttl=timedelta(hours=1))
        return {"Authorization": f"Bearer {token}"}

    @property
    def auditor(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.signer.issue('demo-auditor', Role.AUDITOR)}"}


# The deep-dive cases the inspectorates track together (002 §43; 001 Proposal two): pseudonymous, no names.
SHARED_SAMPLE = {
    "CASE-0101": "Referred at the front door by the health visitor",
    "CASE-0102": "Deep-dive cohort: missing from care three times, at risk of sexual exploitation",
}


class Item(NamedTuple):
    """An evidence item of the demo: who records it, and the body they send."""

    inspectorate: str
    body: dict[str, Any]


def _item(
    inspectorate: str,
    agency: str,
    activity: str,
    area: str,
    bearing: str,
    case: str | None,
    summary: str,
    meeting: str | None = None,
) -> Item:
    body = {
        "agency": agency,
        "activity": activity,
        "judgement_area": area,
        "bearing": bearing,
        "summary": summary,
    }
    body |= {"case_reference": case} if case else {}
    body |= {"meeting": meeting} if meeting else {}
    return Item(inspectorate, body)


EVIDENCE = {
    "front-door-la": _item(
        "ofsted",
        "local_authority",
        "case_tracking",
        "identification_and_referral",
        "strength",
        "CASE-0101",
        "Referrals to the front door are screened promptly, and decisions are timely "
        "and recorded with clear reasons.",
    ),
    "front-door-health": _item(
        "cqc",
        "health",
        "case_tracking",
        "identification_and_referral",
        "strength",
        "CASE-0101",
        "Health visitors share information quickly with the front door and take part in "
        "strategy discussions.",
    ),
    "front-door-police": _item(
        "hmic",
        "police",
        "meeting_observation",
        "identification_and_referral",
        "strength",
        None,
        "Police officers at the front door have timely access to intelligence and bring it "
        "to joint decisions.",
        meeting="strategy_meeting",
    ),
    "missing-la": _item(
        "ofsted",
        "local_authority",
        "case_sampling",
        "deep_dive",
        "weakness",
        "CASE-0102",
        "Children missing from care are not always offered a return home interview, and what they "
        "say is not used to reduce risk.",
    ),
    "missing-police": _item(
        "hmic",
        "police",
        "case_tracking",
        "deep_dive",
        "weakness",
        "CASE-0102",
        "Police risk assessments of children who go missing do not consistently consider the risk "
        "of sexual exploitation.",
    ),
    "missing-police-ofsted": _item(
        "ofsted",
        "police",
        "case_tracking",
        "deep_dive",
        "weakness",
        "CASE-0102",
        "On the case tracked jointly, the police did not consider exploitation after the child's third "
        "missing episode.",
    ),
    "gp-strategy": _item(
        "cqc",
        "health",
        "discussion_with_practitioner",
        "assessment_and_decision_making",
        "weakness",
        "CASE-0103",
        "GPs are not consistently invited to or told the outcome of strategy discussions.",
    ),
    "probation-checks": _item(
        "hmi_probation",
        "probation",
        "case_sampling",
        "assessment_and_decision_making",
        "weakness",
        "CASE-0104",
        "Probation officers do not routinely check with children's "
        "social care before assessing the risks that adults pose to children.",
    ),
    "board-audits": _item(
        "ofsted",
        "lscb",
        "discussion_with_manager",
        "leadership_and_lscb",
        "strength",
        None,
        "The board's multi-agency audits of exploitation cases lead to changes in practice.",
    ),
    "board-health-data": _item(
        "cqc",
        "lscb",
        "discussion_with_manager",
        "leadership_and_lscb",
        "weakness",
        None,
        "The board does not yet receive health data on children who go missing.",
    ),
}

# (kind, addressed to, text, evidence keys)
FINDINGS = [
    (
        "key_strength",
        "partnership",
        "Agencies at the front door share information quickly and make timely, "
        "well-reasoned decisions about referrals.",
        ["front-door-la", "front-door-health", "front-door-police"],
    ),
    (
        "area_for_priority_action",
        "partnership",
        "Make sure that every child who goes missing is offered a return "
        "home interview, and that what children say is used with police risk assessments to reduce the "
        "risk of sexual exploitation.",
        ["missing-la", "missing-police", "missing-police-ofsted"],
    ),
    (
        "area_for_development",
        "health",
        "Invite GPs to strategy discussions and tell them the outcome.",
        ["gp-strategy"],
    ),
    (
        "area_for_development",
        "probation",
        "Check with children's social care when assessing the risks that adults pose to children.",
        ["probation-checks"],
    ),
]

# (question, answered by, evidence keys, conclusion): raised by CQC about the police on a shared case.
LINE_OF_ENQUIRY = (
    "Did the police consider the risk of exploitation each time this child went missing?",
    "hmic",
    ["missing-police"],
    "No: exploitation was not considered after the third missing episode; an area for priority action.",
)

# The partnership's one factual-accuracy response (001 Proposal four), and the lead inspectorate's decision.
FACTUAL_ACCURACY = (
    {
        "point": 1,
        "section": "Areas for priority action",
        "text": "Return home interviews are now offered to every child.",
    },
    "rejected",
    "The change started after the fieldwork week; the letter reports what inspectors found.",
)

# The area's LSCB register (fictional people): the chair is told first, the business manager in the
# chair's absence (001 Proposal two); the letter is addressed to the chair.
BOARD = {"chair": "Dr Alex Morgan", "business_manager": "Sam Patel"}

LSCB_EVALUATION = (
    "The board uses multi-agency audits well to improve practice with children at risk of "
    "exploitation, but its oversight of children who go missing is limited by gaps in health data.",
    ["board-audits", "board-health-data"],
)


@dataclass
class JtaiRun:
    inspection_id: str = ""
    fieldwork_starts: date | None = None
    notice_date: date | None = None
    evidence_ids: dict[str, str] = field(default_factory=dict)
    letter: str = ""


def first_fieldwork_week(today: date) -> date:
    """The earliest working Monday whose notice date is not in the past."""
    notice_days = catalogue()[PROGRAMME].notice.working_days
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    while working_days_before(monday, notice_days) < today or not is_working_day(monday):
        monday += timedelta(days=7)
    return monday


async def _call(http: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> Any:
    response = await http.request(method, url, **kwargs)
    if response.status_code >= 400:
        raise StackError(f"{method} {url} answered {response.status_code}: {response.text}")
    return response.json() if "json" in response.headers.get("content-type", "") else response.text


async def eventually(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 30.0) -> None:
    """Wait for an event to reach another service (the platform is eventually consistent)."""
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise StackError(
                f"timed out after {seconds:.0f} s waiting for {what}; check `jip stack status` "
                "and `jip stack logs NAME`"
            )
        await asyncio.sleep(0.1)


async def play_jtai(urls: Mapping[str, str], people: People, progress: Progress = print) -> JtaiRun:
    run = JtaiRun()
    scheduling, evidence, judgement, lscb, reporting = (
        urls[n] for n in ("scheduling", "evidence", "judgement", "lscb", "reporting")
    )
    LEAD = people.lead
    # Reads as an auditor (read-only); each command says who makes it.
    async with httpx.AsyncClient(timeout=30, headers=people.auditor) as http:
        for name, url in urls.items():
            try:
                (await http.get(f"{url}/health")).raise_for_status()
            except httpx.HTTPError:
                raise StackError(
                    f"the {name} service at {url} is not answering: start the platform with `jip stack up`"
                ) from None

        progress("1. Ofsted schedules a joint targeted area inspection (001 Proposal two)")
        starts = first_fieldwork_week(today_in_england())
        for _ in range(52):  # an earlier demo may have booked the area that week: take the next free one
            answer = await http.post(
                f"{scheduling}/inspections",
                headers=LEAD,
                json={
                    "programme": PROGRAMME,
                    "area": AREA,
                    "deep_dive_theme": THEME,
                    "fieldwork_starts": str(starts),
                },
            )
            if answer.status_code != 422 or answer.json().get("rule") != ONE_INSPECTION_PER_AREA:
                break
            starts += timedelta(days=7)
        if answer.status_code >= 400:
            raise StackError(f"POST {scheduling}/inspections answered {answer.status_code}: {answer.text}")
        inspection = answer.json()
        run.inspection_id = inspection_id = inspection["inspection_id"]
        run.fieldwork_starts, run.notice_date = starts, date.fromisoformat(inspection["notice_date"])
        progress(
            f"   inspection {inspection_id} in {AREA}: fieldwork {inspection['fieldwork_starts']} to "
            f"{inspection['fieldwork_ends']}, notice on {inspection['notice_date']}"
        )

        progress("2. The LSCB is notified first: its chair, or the business manager in the chair's absence")
        for office, name in BOARD.items():
            await _call(
                http, "PUT", f"{lscb}/boards/{AREA}/officers/{office}", headers=LEAD, json={"name": name}
            )
        plan_url = f"{scheduling}/inspections/{inspection_id}/notification-plan"

        async def scheduling_knows_the_board() -> bool:
            response = await http.get(plan_url)
            return response.status_code == 200 and response.json()["steps"][0]["addressee"] is not None

        await eventually(scheduling_knows_the_board, "the board register to reach the scheduling service")
        first = (await _call(http, "GET", plan_url))["steps"][0]
        await _call(
            http,
            "POST",
            f"{scheduling}/inspections/{inspection_id}/notifications",
            headers=LEAD,
            json={"recipient": first["recipient"]},
        )
        progress(f"   {first['addressee']} ({first['recipient'].replace('_', ' ')}) notified by ofsted")
        for agency, inspectorate in inspection["agencies"].items():
            await _call(
                http,
                "POST",
                f"{scheduling}/inspections/{inspection_id}/notifications",
                headers=people.of(inspectorate, "lead_inspector"),
                json={"recipient": "agency_senior_leader", "agency": agency},
            )
            progress(f"   {agency} notified by {inspectorate}")

        progress("3. The inspectorates choose the shared sample of deep-dive cases to track together")

        async def evidence_knows() -> bool:
            response = await http.get(f"{evidence}/inspections/{inspection_id}")
            return response.status_code == 200 and response.json()["notice_started"]

        await eventually(evidence_knows, "the evidence service to learn of the notice")
        for case, reason in SHARED_SAMPLE.items():
            await _call(
                http,
                "POST",
                f"{evidence}/inspections/{inspection_id}/samples/shared/cases",
                headers=LEAD,
                json={"case_reference": case, "reason": reason},
            )
        progress(f"   shared sample: {', '.join(SHARED_SAMPLE)}")

        progress("4. Inspectors from four inspectorates record evidence and share a line of enquiry")
        for key, item in EVIDENCE.items():
            recorded = await _call(
                http,
                "POST",
                f"{evidence}/inspections/{inspection_id}/evidence",
                headers=people.of(item.inspectorate),
                json=item.body,
            )
            run.evidence_ids[key] = recorded["evidence_item_id"]
        progress(f"   {len(EVIDENCE)} evidence items recorded")
        question, answered_by, keys, conclusion = LINE_OF_ENQUIRY
        line = await _call(
            http,
            "POST",
            f"{evidence}/inspections/{inspection_id}/lines-of-enquiry",
            headers=people.of("cqc"),
            json={"agency": "police", "case_reference": "CASE-0102", "question": question},
        )
        lines_url = f"{evidence}/inspections/{inspection_id}/lines-of-enquiry/{line['line_id']}"
        await _call(
            http,
            "POST",
            f"{lines_url}/answers",
            headers=people.of(answered_by),
            json={"evidence_item_ids": [run.evidence_ids[k] for k in keys], "answer": "See the items cited."},
        )
        await _call(
            http, "POST", f"{lines_url}/closure", headers=people.of("cqc"), json={"conclusion": conclusion}
        )
        progress(f"   line of enquiry raised by cqc, answered by {answered_by}, closed: {conclusion}")
        view = await _call(http, "GET", f"{evidence}/inspections/{inspection_id}/triangulation")
        for agency in view["agencies"]:
            for area in agency["areas"]:
                for found in (f for f in area["findings"] if f["corroborated"]):
                    sources = " and ".join(found["inspectorates"])
                    progress(
                        f"   corroborated: {agency['agency']}, {area['judgement_area']}: {found['bearing']} "
                        f"from {sources} ({', '.join(found['activities'])})"
                    )
        await _call(
            http,
            "POST",
            f"{evidence}/inspections/{inspection_id}/closure",
            headers=LEAD,
            json={"reason": "Fieldwork is over: the joint feedback meeting has been held."},
        )
        progress("   evidence gathering closed by the lead inspectorate")

        progress("5. The judgement service builds each agency's evidence profile; findings are recorded")

        async def judgement_has_all() -> bool:
            response = await http.get(f"{judgement}/inspections/{inspection_id}/evidence-profile")
            if response.status_code != 200:
                return False
            return bool(response.json()["items"] == len(EVIDENCE))

        await eventually(judgement_has_all, "the evidence to reach the judgement service")
        for kind, addressed_to, text, keys in FINDINGS:
            await _call(
                http,
                "POST",
                f"{judgement}/inspections/{inspection_id}/findings",
                headers=LEAD,
                json={
                    "kind": kind,
                    "addressed_to": addressed_to,
                    "text": text,
                    "evidence_item_ids": [run.evidence_ids[k] for k in keys],
                },
            )
        progress(f"   {len(FINDINGS)} findings recorded")

        progress(
            "6. Ofsted proposes the shared evaluation of the LSCB; every inspectorate agrees it (004 §113)"
        )
        summary, keys = LSCB_EVALUATION
        cited = [run.evidence_ids[k] for k in keys]
        evaluation = f"{lscb}/inspections/{inspection_id}/evaluation"

        async def lscb_has_board_evidence() -> bool:
            response = await http.get(evaluation)
            held = (
                {i["evidence_item_id"] for i in response.json()["evidence"]} if response.is_success else set()
            )
            return set(cited) <= held

        await eventually(lscb_has_board_evidence, "evidence about the board to reach the LSCB service")
        body = {"text": summary, "evidence_item_ids": cited}
        await _call(http, "PUT", f"{evaluation}/proposal", headers=LEAD, json=body)
        for inspectorate in inspection["inspectorates"]:
            await _call(
                http, "POST", f"{evaluation}/sign-off", headers=people.of(inspectorate, "lead_inspector")
            )
        final = await _call(http, "POST", f"{evaluation}/final", headers=LEAD)
        progress(f"   agreed by {', '.join(final['final']['signed_off_by'])}")

        progress("7. The reporting service rebuilds the findings letter from the event log")
        letter_url = f"{reporting}/inspections/{inspection_id}/report"

        async def letter_complete() -> bool:
            response = await http.get(letter_url)
            run.letter = response.text if response.status_code == 200 else ""
            return (
                summary in run.letter
                and all(text in run.letter for _, _, text, _ in FINDINGS)
                and f"Inspectors recorded {len(EVIDENCE)} evidence items" in run.letter
            )

        await eventually(letter_complete, "every event to reach the reporting service")

        progress(
            "8. The letter's lifecycle: Ofsted quality-assures it, every inspectorate agrees it, the LSCB"
        )
        progress(
            "   sends one factual-accuracy response, then it is final and each inspectorate publishes it"
        )
        report = f"{reporting}/inspections/{inspection_id}/report"
        await _call(http, "POST", f"{report}/draft", headers=LEAD)
        await _call(http, "POST", f"{report}/quality-assurance", headers=people.quality)
        for inspectorate in inspection["inspectorates"]:
            await _call(
                http, "POST", f"{report}/agreement", headers=people.of(inspectorate, "lead_inspector")
            )
        sent = await _call(http, "POST", f"{report}/sending", headers=LEAD)
        to = sent["sent"]
        progress(f"   draft {sent['draft']} sent to {to['addressee']}, {to['office']} of the LSCB")
        point, decision, reason = FACTUAL_ACCURACY
        await _call(
            http,
            "POST",
            f"{report}/factual-accuracy-response",
            headers=people.chair(AREA_CODE),
            json={"points": [point]},
        )
        await _call(
            http,
            "POST",
            f"{report}/factual-accuracy-decisions",
            headers=LEAD,
            json={"point": point["point"], "decision": decision, "reason": reason},
        )
        await _call(http, "POST", f"{report}/final", headers=LEAD)
        for inspectorate in inspection["inspectorates"]:
            published = await _call(
                http, "POST", f"{report}/publication", headers=people.of(inspectorate, "lead_inspector")
            )
        due = today_in_england() + timedelta(days=70)
        plan = {"led_by": "local_authority", "due_on": str(due)}
        await _call(http, "POST", f"{report}/action-plan", headers=LEAD, json=plan)
        progress(f"   {published['status']}; action plan led by the local authority, due {due}")
        run.letter = (await http.get(report)).text
    return run


async def run_demo(urls: Mapping[str, str], people: People) -> int:
    run = await play_jtai(urls, people)
    url = f"{urls['reporting']}/inspections/{run.inspection_id}/report"
    print(f"\n--- findings letter: GET {url} ---\n")
    print(run.letter)
    return 0
