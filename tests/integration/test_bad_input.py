"""Bad input gets a clear 4xx naming the rule, and a rejected command writes no event."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from embedded.demo import first_fieldwork_week
from services.evidence.app import build as evidence
from services.judgement.app import build as judgement
from services.scheduling.app import build as scheduling
from shared.language.workdays import today_in_england
from shared.mechanics.mongo import connect
from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from tests.helpers import actor, auditor, eventually, forbidden, on_the_notice_date, rehearsal, running

LEAD = actor("ofsted", "lead_inspector")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A rehearsal platform: notice is given on the notice date, not earlier (001 Proposal two), so a test
    that notifies moves the clock on to that day."""
    return rehearsal(settings)


async def written(settings: Settings, service: str) -> tuple[int, int]:
    """Events and outbox records in a service's database."""
    client = connect(settings.mongodb_uri, "test")
    try:
        db = client[settings.database_name(service)]
        return await db["events"].count_documents({}), await db["outbox"].count_documents({})
    finally:
        await client.close()


def schedule_body(**changes: Any) -> dict[str, Any]:
    return {
        "area": "Wakefield",
        "deep_dive_theme": "neglect",
        "fieldwork_starts": str(first_fieldwork_week(today_in_england())),
        **changes,
    }


@pytest.fixture
def scheduling_service(settings: Settings) -> Service:
    return scheduling(settings)


@pytest.fixture
async def scheduler(scheduling_service: Service) -> AsyncIterator[httpx.AsyncClient]:
    async with running(scheduling_service) as client:
        yield client


async def test_scheduling_rejects_bad_commands_and_writes_nothing(
    scheduler: httpx.AsyncClient, scheduling_service: Service, settings: Settings
) -> None:
    monday = first_fieldwork_week(today_in_england())
    next_monday = today_in_england() + timedelta(days=7 - today_in_england().weekday())
    cases = [
        (
            schedule_body(fieldwork_starts=str(monday + timedelta(days=1))),
            LEAD,
            422,
            "001 Proposal two",
            "Monday",
        ),
        (
            schedule_body(fieldwork_starts=str(next_monday)),
            LEAD,
            422,
            "001 Proposal two",
            "already in the past",
        ),
        (schedule_body(deep_dive_theme="knife crime"), LEAD, 422, "001 Proposal one", "not one of"),
        (schedule_body(), actor("cqc", "lead_inspector"), 403, "001 Part 1", "lead inspectorate"),
        (schedule_body(fieldwork_starts="next Monday"), LEAD, 422, None, "fieldwork_starts"),
        (schedule_body(area=""), LEAD, 422, None, "area"),
        (
            schedule_body(area="Wessex"),
            LEAD,
            422,
            "domain.md Scheduling: the register of local authority areas",
            "E08000035",
        ),
        (schedule_body(fieldwork_starts="2031-05-05"), LEAD, 422, "001 Proposal two", "bank holiday"),
        (schedule_body(programme="macp-2012"), LEAD, 422, "002 §49", "no deep dive"),
        (schedule_body(inspectors=3), LEAD, 422, None, "inspectors"),
        (schedule_body(programme="jtai-2099"), LEAD, 404, None, "unknown programme"),
        (schedule_body(), None, 401, None, "send a bearer token"),  # no token at all
        (schedule_body(), auditor(), 403, None, "the auditor role may not do this"),
        (schedule_body(), actor("ofsted"), 403, None, "the inspector role may not do this"),
        (schedule_body(), actor("nasa", "lead_inspector"), 401, None, "must name the inspectorate"),
    ]
    # A client of the same running service that sends no Authorization header at all.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=scheduling_service.app), base_url="http://test"
    ) as anonymous:
        for body, headers, status, rule, words in cases:
            if headers is None:
                response = await anonymous.post("/inspections", json=body)
            else:
                response = await scheduler.post("/inspections", headers=headers, json=body)
            assert response.status_code == status, (body, response.text)
            assert words in response.text, response.text
            if rule is not None:
                assert response.json()["rule"] == rule
    assert await written(settings, "scheduling") == (0, 0)


async def test_notifications_follow_the_order_and_stale_writes_conflict(
    scheduler: httpx.AsyncClient, settings: Settings
) -> None:
    assert (await scheduler.get("/inspections/no-such-inspection")).status_code == 404
    missing = await scheduler.post(
        "/inspections/no-such-inspection/notifications", headers=LEAD, json={"recipient": "lscb_chair"}
    )
    assert missing.status_code == 404
    assert "unknown inspection no-such-inspection" in missing.json()["detail"]

    created = await scheduler.post("/inspections", headers=LEAD, json=schedule_body())
    url = f"/inspections/{created.json()['inspection_id']}/notifications"
    await on_the_notice_date(scheduler, created.json()["notice_date"])
    police_first = await scheduler.post(
        url,
        headers=actor("hmic", "lead_inspector"),
        json={"recipient": "agency_senior_leader", "agency": "police"},
    )
    assert police_first.status_code == 422
    assert police_first.json()["rule"] == "001 Proposal two"
    assert "must be notified before any agency" in police_first.json()["detail"]

    # The schedule and its two joint meetings are versions 1-3 of the inspection's stream.
    chair = await scheduler.post(url, headers={**LEAD, "If-Match": '"3"'}, json={"recipient": "lscb_chair"})
    assert chair.status_code == 201
    assert chair.headers["ETag"] == '"4"'
    stale = await scheduler.post(
        url,
        headers={**actor("hmic", "lead_inspector"), "If-Match": '"3"'},
        json={"recipient": "agency_senior_leader", "agency": "police"},
    )
    assert stale.status_code == 409
    assert "nothing was written" in stale.json()["detail"]
    events, _ = await written(settings, "scheduling")  # the relay may have emptied the outbox already
    assert events == 5  # four on the inspection's stream, one on the area's calendar


async def test_evidence_and_findings_reject_bad_commands_and_write_nothing(
    scheduler: httpx.AsyncClient, settings: Settings
) -> None:
    item = {
        "agency": "police",
        "activity": "case_sampling",
        "judgement_area": "deep_dive",
        "bearing": "weakness",
        "case_reference": "CASE-0042",
        "summary": "Risk of exploitation not assessed.",
    }
    async with running(evidence(settings)) as evidence_api, running(judgement(settings)) as judgement_api:
        unknown = await evidence_api.post(
            "/inspections/no-such-inspection/evidence", headers=actor("hmic"), json=item
        )
        assert unknown.status_code == 404
        assert "not known to the evidence service" in unknown.json()["detail"]

        scheduled = (await scheduler.post("/inspections", headers=LEAD, json=schedule_body())).json()
        inspection_id = scheduled["inspection_id"]
        url = f"/inspections/{inspection_id}/evidence"
        notice = {"recipient": "lscb_chair"}
        await on_the_notice_date(scheduler, scheduled["notice_date"])
        await scheduler.post(f"/inspections/{inspection_id}/notifications", headers=LEAD, json=notice)

        async def evidence_knows() -> bool:
            response = await evidence_api.get(f"/inspections/{inspection_id}")
            return response.status_code == 200 and response.json()["notice_started"]

        await eventually(evidence_knows)
        await forbidden(
            await evidence_api.post(url, headers=actor("hmi_prisons"), json=item), "does not take part"
        )
        cases = [
            (actor("hmic"), item | {"agency": "custody"}, 422, "not inspected"),
            (actor("hmic"), item | {"judgement_area": "hospital_food"}, 422, "not an area of jtai-2015"),
            (actor("hmic"), item | {"case_reference": "Jane Smith"}, 422, "case_reference"),
            (actor("hmic"), item | {"bearing": "mixed"}, 422, "bearing"),
            (
                actor("hmic"),
                {k: v for k, v in item.items() if k != "summary"},
                422,
                "summary: Field required",
            ),
        ]
        for headers, body, status, words in cases:
            response = await evidence_api.post(url, headers=headers, json=body)
            assert response.status_code == status, (body, response.text)
            assert words in response.text
        assert await written(settings, "evidence") == (0, 0)

        async def judgement_knows() -> bool:
            return (
                await judgement_api.get(f"/inspections/{inspection_id}/evidence-profile")
            ).status_code == 200

        await eventually(judgement_knows)
        finding = await judgement_api.post(
            f"/inspections/{inspection_id}/findings",
            headers=LEAD,
            json={
                "kind": "key_strength",
                "text": "Strong front door.",
                "evidence_item_ids": ["no-such-item"],
            },
        )
        assert finding.status_code == 422
        assert finding.json()["rule"] == "001 Proposal three"
        assert "no-such-item" in finding.json()["detail"]
        assert await written(settings, "judgement") == (0, 0)
