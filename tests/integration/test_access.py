"""Who may do what: every endpoint of every service, called by every role of every inspectorate.

The expected matrix is written out here, apart from the services' own access tables, so a change to
either shows up as a difference. A cell outside the caller's role must be 403 and write nothing; a cell
inside it must get past access control (here with made-up ids and an empty body, so its answer is the
service's own 404 or 422). Inside a role, what an inspectorate may do to a given inspection (its own
evidence, the lead's work, a chair's own area) is the services' rules: the tests after the matrix take
real inspections through those cells and see them succeed or be refused with 403."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from embedded.demo import first_fieldwork_week
from shared.language.workdays import today_in_england
from shared.mechanics.auth import Role
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.mongo import connect
from shared.mechanics.settings import Settings
from tests.helpers import SIGNER, actor, bearer, chair, eventually, ok, on_the_notice_date, rehearsal
from tests.in_process import BUILD, Platform, started

INSPECTORS = {"inspector", "lead_inspector"}
LEAD = {"lead_inspector"}
QA = {"quality_assurer"}
CHAIR = {"lscb_chair"}
READERS = {"inspector", "lead_inspector", "quality_assurer", "auditor"}

JUDGEMENT = "/inspections/{inspection_id}/judgements/{agency}/{area}"
OFFICER = "/boards/{area}/officers/{office}"
EVALUATION = "/inspections/{inspection_id}/evaluation"
REPORT = "/inspections/{inspection_id}/report"

# Every command, and every read not open to all READERS: the roles that may call it.
EXPECTED: dict[str, dict[tuple[str, str], set[str]]] = {
    "scheduling": {
        ("POST", "/rounds"): LEAD,
        ("POST", "/inspections"): LEAD,
        ("POST", "/inspections/{inspection_id}/notifications"): LEAD,
        ("POST", "/inspections/{inspection_id}/participants"): LEAD,
        ("POST", "/inspections/{inspection_id}/reschedule"): LEAD,
        ("POST", "/inspections/{inspection_id}/cancel"): LEAD,
        ("POST", "/inspections/{inspection_id}/team"): LEAD,
        ("POST", "/inspections/{inspection_id}/team/{inspector_id}/release"): LEAD,
        ("POST", "/inspectors"): LEAD,
        ("POST", "/inspectors/{inspector_id}/unavailability"): INSPECTORS,
    },
    "evidence": {
        ("POST", "/inspections/{inspection_id}/evidence"): INSPECTORS,
        ("POST", "/inspections/{inspection_id}/evidence/{evidence_item_id}/amendments"): INSPECTORS,
        ("POST", "/inspections/{inspection_id}/evidence/{evidence_item_id}/withdrawal"): INSPECTORS,
        ("POST", "/inspections/{inspection_id}/samples/{sample}/cases"): INSPECTORS,
        ("POST", "/inspections/{inspection_id}/samples/{sample}/cases/{case_reference}/removal"): INSPECTORS,
        ("POST", "/inspections/{inspection_id}/closure"): LEAD,
        ("POST", "/inspections/{inspection_id}/cases/{case_reference}/erasure"): LEAD,
        ("POST", "/inspections/{inspection_id}/lines-of-enquiry"): INSPECTORS,
        ("POST", "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/answers"): INSPECTORS,
        ("POST", "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/closure"): INSPECTORS,
    },
    "judgement": {
        ("POST", "/inspections/{inspection_id}/findings"): INSPECTORS,
        ("PUT", JUDGEMENT): INSPECTORS,
        ("POST", f"{JUDGEMENT}/revise"): LEAD,
        ("POST", f"{JUDGEMENT}/moderate"): LEAD,
        ("POST", f"{JUDGEMENT}/quality-assure"): QA,
        ("POST", f"{JUDGEMENT}/finalise"): LEAD,
        ("POST", f"{JUDGEMENT}/return"): LEAD | QA,
    },
    "lscb": {
        ("PUT", OFFICER): LEAD,
        ("POST", f"{OFFICER}/vacancy"): LEAD,
        ("POST", f"{OFFICER}/absences"): LEAD,
        ("POST", f"{OFFICER}/return"): LEAD,
        ("POST", "/boards/{area}/partners"): LEAD,
        ("POST", "/boards/{area}/partners/leaving"): LEAD,
        ("POST", f"{EVALUATION}/contributions"): INSPECTORS,
        ("PUT", f"{EVALUATION}/proposal"): LEAD,
        ("POST", f"{EVALUATION}/sign-off"): LEAD,
        ("POST", f"{EVALUATION}/disputes"): LEAD,
        ("POST", f"{EVALUATION}/disputes/resolution"): LEAD,
        ("POST", f"{EVALUATION}/final"): LEAD,
    },
    "reporting": {
        ("GET", "/documents"): READERS | CHAIR,  # a chair: their own area's reports sent to them
        ("GET", REPORT): READERS | CHAIR,
        ("GET", f"{REPORT}/lifecycle"): READERS | CHAIR,
        ("POST", f"{REPORT}/draft"): LEAD,
        ("POST", f"{REPORT}/quality-assurance"): QA,
        ("POST", f"{REPORT}/agreement"): LEAD,
        ("POST", f"{REPORT}/sending"): LEAD,
        # The chair's, or a senior leader's recorded by the lead where the draft goes to one (CLA 2012).
        ("POST", f"{REPORT}/factual-accuracy-response"): CHAIR | LEAD,
        ("POST", f"{REPORT}/factual-accuracy-decisions"): LEAD,
        ("POST", f"{REPORT}/final"): LEAD,
        ("POST", f"{REPORT}/publication"): LEAD,
        ("POST", f"{REPORT}/action-plan"): LEAD,
        ("POST", f"{REPORT}/action-plan/receipt"): LEAD,
        ("POST", f"{REPORT}/action-plan/progress"): LEAD,
    },
}
# Every service serves the platform's one clock: any valid token reads it, a lead inspector moves it.
for _routes in EXPECTED.values():
    _routes |= {("GET", "/clock"): READERS | CHAIR, ("POST", "/clock/advance"): LEAD}
OPEN = {"/health", "/health/live", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
# Path parameters: well-formed values naming nothing that exists.
VALUES = {
    "agency": "health",
    "area": "help_and_protection",
    "office": "chair",
    "sample": "shared",
    "case_reference": "CASE-0001",
    "code": "E08000036",
    "programme_id": "jtai-2015",
    "event_type": "evidence.EvidenceItemRecorded",
    "version": "1",
}


def callers() -> list[tuple[str, dict[str, str]]]:
    """Every role of every inspectorate, the chair of an area's LSCB, and an auditor."""
    found = [
        (f"{role}@{inspectorate}", actor(inspectorate.value, role.value))
        for role in (Role.INSPECTOR, Role.LEAD_INSPECTOR, Role.QUALITY_ASSURER, Role.AUDITOR)
        for inspectorate in Inspectorate
    ]
    return [
        *found,
        ("lscb_chair@E08000036", chair("E08000036")),
        ("auditor", bearer(SIGNER.issue("a", "auditor"))),
    ]


def path_of(template: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: VALUES.get(m[1], "00000000-0000-4000-8000-000000000000"), template)


@pytest.fixture
async def rehearsing(settings: Settings) -> AsyncIterator[Platform]:
    """Scheduling and evidence on a rehearsal platform: notice is given on the notice date, not earlier
    (001 Proposal two), so a test that notifies moves the clock on to that day. Its own fixture, not
    `platform`: the matrix runs every service on the module's settings, whose clock no test moves."""
    async with started(rehearsal(settings), ("scheduling", "evidence")) as rehearsal_platform:
        yield rehearsal_platform


async def events_written(settings: Settings) -> int:
    client = connect(settings.mongodb_uri, "test")
    try:
        return sum(
            [await client[settings.database_name(name)]["events"].count_documents({}) for name in BUILD]
        )
    finally:
        await client.close()


async def test_every_endpoint_role_and_inspectorate_gets_exactly_its_cell_of_the_matrix(
    settings: Settings, platform: Platform
) -> None:
    wrong: list[str] = []
    cells = 0
    for name, client in platform.clients.items():
        paths = platform.services[name].app.openapi()["paths"]
        listed = {(method.upper(), path) for path, item in paths.items() for method in item}
        unknown = set(EXPECTED[name]) - listed
        assert not unknown, f"{name}: the matrix names endpoints that do not exist: {unknown}"
        for method, path in sorted(listed):
            if path not in OPEN:
                if method == "GET" and path.startswith("/contract/"):
                    allowed = READERS | CHAIR  # the published contract: any valid token
                else:
                    allowed = EXPECTED[name].get((method, path), READERS if method == "GET" else set())
                for who, headers in callers():
                    cells += 1
                    response = await client.request(
                        method, path_of(path), headers=headers, json={} if method != "GET" else None
                    )
                    role = who.split("@")[0]
                    refused = response.status_code in (401, 403)
                    if (role in allowed) == refused or (not refused and response.status_code >= 500):
                        wrong.append(f"{name} {method} {path} as {who}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert cells > 2000
    assert await events_written(settings) == 0


# -- inside a role: the inspection decides ----------------------------------------------------------


async def test_inspectors_record_evidence_only_for_their_own_inspectorate_where_it_takes_part(
    rehearsing: Platform,
) -> None:
    scheduler, evidence_api = rehearsing.scheduling, rehearsing.evidence
    lead = actor("ofsted", "lead_inspector")
    body = {"area": "Wakefield", "deep_dive_theme": "neglect"}
    body["fieldwork_starts"] = str(first_fieldwork_week(today_in_england()))
    scheduled = await ok(await scheduler.post("/inspections", headers=lead, json=body))
    inspection_id = scheduled["inspection_id"]
    await on_the_notice_date(scheduler, scheduled["notice_date"])  # not earlier (001 Proposal two)
    await ok(
        await scheduler.post(
            f"/inspections/{inspection_id}/notifications", headers=lead, json={"recipient": "lscb_chair"}
        )
    )

    async def notified() -> bool:
        got = await evidence_api.get(f"/inspections/{inspection_id}")
        return got.status_code == 200 and got.json()["notice_started"]

    await eventually(notified)
    item = {
        "agency": "police",
        "activity": "case_sampling",
        "judgement_area": "deep_dive",
        "criteria": [],
        "bearing": "strength",
        "case_reference": "WKF-0001",
        "summary": "Officers shared concerns the same day.",
    }
    url = f"/inspections/{inspection_id}/evidence"
    taking_part = (await evidence_api.get(f"/inspections/{inspection_id}")).json()["inspectorates"]
    for inspectorate in ("ofsted", "cqc", "hmic", "hmi_probation", "hmi_prisons"):
        response = await evidence_api.post(url, headers=actor(inspectorate), json=item)
        if inspectorate in taking_part:
            assert response.status_code == 201, response.text
            assert response.json()["inspectorate"] == inspectorate  # its own inspectorate, from the token
        else:
            assert response.status_code == 403, response.text
    closure = f"/inspections/{inspection_id}/closure"
    refused = await evidence_api.post(
        closure, headers=actor("cqc", "lead_inspector"), json={"reason": "Done."}
    )
    assert refused.status_code == 403  # a lead inspector, but not of the lead inspectorate
    assert (await evidence_api.post(closure, headers=lead, json={"reason": "Done."})).status_code == 200
