"""Scheduling over HTTP against the real database: teams, rounds, and rules that span streams holding
under concurrent commands (an inspector on one inspection at a time, an area with one at a time)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.evidence.app import build as evidence
from services.scheduling.app import build as scheduling
from services.scheduling.domain.area_calendar import ONE_INSPECTION_PER_AREA
from services.scheduling.domain.inspector_diary import ONE_INSPECTION_PER_INSPECTOR
from shared.mechanics.envelope import Envelope
from shared.mechanics.settings import Settings
from tests.helpers import actor, eventually, read_topic, running

LEAD = actor("ofsted", "lead_inspector")
MONDAY = "2031-03-10"
NEXT_MONDAY = "2031-03-17"


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(scheduling(settings)) as client:
        yield client


async def ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def lead_of(inspectorate: str) -> dict[str, str]:
    """Each inspectorate's lead inspector registers and deploys its own inspectors."""
    return actor(inspectorate, "lead_inspector")


async def inspector(api: httpx.AsyncClient, inspectorate: str, name: str) -> str:
    body = await ok(await api.post("/inspectors", headers=lead_of(inspectorate), json={"name": name}))
    return str(body["inspector_id"])


async def schedule(api: httpx.AsyncClient, area: str, starts: str = MONDAY, **extra: Any) -> httpx.Response:
    body = {"programme": "macp-2012", "area": area, "fieldwork_starts": starts, **extra}
    return await api.post("/inspections", headers=LEAD, json=body)


async def test_a_macp_inspection_with_its_phased_team(api: httpx.AsyncClient) -> None:
    leeds = await ok(await api.get("/areas/E08000035"), 200)
    assert any(f["kind"] == "young_offender_institution" for f in leeds["facilities"])  # HMYOI Wetherby

    inspection = await ok(await schedule(api, "Leeds"))
    iid = inspection["inspection_id"]
    assert inspection["announced"] is False
    assert inspection["notice_date"] == MONDAY  # unannounced: the area learns on the first day (002 §34)
    assert inspection["fieldwork_ends"] == "2031-03-21"  # two weeks (002 §37)
    assert "hmi_prisons" in inspection["inspectorates"]  # a YOI in the area (002 §32)
    assert inspection["meetings"] == []  # the MACP proposals set no joint meetings

    ofsted, hmic, cqc = (
        await inspector(api, "ofsted", "Ofsted inspector"),
        await inspector(api, "hmic", "HMIC inspector"),
        await inspector(api, "cqc", "CQC inspector"),
    )
    team = f"/inspections/{iid}/team"
    await ok(await api.post(team, headers=LEAD, json={"inspector_id": ofsted, "weeks": [1, 2]}))
    await ok(await api.post(team, headers=lead_of("hmic"), json={"inspector_id": hmic, "weeks": [1]}))
    early = await api.post(team, headers=lead_of("cqc"), json={"inspector_id": cqc, "weeks": [1]})
    assert early.status_code == 422
    assert early.json()["rule"] == "002 §38-39"  # week 1 is Ofsted and HMIC only: CQC is in week 2 (§38)
    placed = await ok(await api.post(team, headers=lead_of("cqc"), json={"inspector_id": cqc, "weeks": [2]}))
    assert [(m["inspectorate"], m["weeks"]) for m in placed["team"]] == [
        ("ofsted", [1, 2]),
        ("hmic", [1]),
        ("cqc", [2]),
    ]
    diary = await ok(await api.get(f"/inspectors/{cqc}"), 200)
    assert diary["bookings"] == {iid: [{"starts": NEXT_MONDAY, "ends": "2031-03-21"}]}

    joined = await ok(
        await api.post(
            f"/inspections/{iid}/participants",
            headers=LEAD,
            json={"inspectorate": "hmcpsi", "condition": "triggered", "reason": "CPS decisions in two cases"},
        )
    )
    assert "hmcpsi" in joined["inspectorates"]  # 002 §33
    assert joined["agencies"]["cps"] == "hmcpsi"

    moved = await ok(
        await api.post(
            f"/inspections/{iid}/reschedule",
            headers=LEAD,
            json={"fieldwork_starts": "2031-03-24", "reason": "a serious incident in the area"},
        ),
        200,
    )
    assert (moved["fieldwork_starts"], moved["team"]) == ("2031-03-24", [])
    assert (await ok(await api.get(f"/inspectors/{cqc}"), 200))["bookings"] == {}

    cancelled = await ok(
        await api.post(f"/inspections/{iid}/cancel", headers=LEAD, json={"reason": "merged with another"}),
        200,
    )
    assert cancelled["cancelled"]["reason"] == "merged with another"
    await ok(await schedule(api, "Leeds", "2031-03-24"))  # the area is free again


async def test_an_inspector_raced_onto_two_inspections_ends_up_on_one(api: httpx.AsyncClient) -> None:
    inspections = [
        (await ok(await schedule(api, area)))["inspection_id"] for area in ("Barnsley", "Bradford")
    ]
    someone = await inspector(api, "ofsted", "Ofsted inspector")

    answers = await asyncio.gather(
        *(
            api.post(
                f"/inspections/{i}/team",
                headers=LEAD,
                json={"inspector_id": someone, "weeks": [1]},
            )
            for i in inspections
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 422]
    refused = next(a for a in answers if a.status_code == 422)
    assert refused.json()["rule"] == ONE_INSPECTION_PER_INSPECTOR
    assert len((await ok(await api.get(f"/inspectors/{someone}"), 200))["bookings"]) == 1


async def test_an_area_raced_into_two_inspections_gets_one(api: httpx.AsyncClient) -> None:
    answers = await asyncio.gather(schedule(api, "Calderdale"), schedule(api, "Calderdale", NEXT_MONDAY))
    assert sorted(a.status_code for a in answers) == [201, 422]
    assert next(a for a in answers if a.status_code == 422).json()["rule"] == ONE_INSPECTION_PER_AREA
    assert len(await ok(await api.get("/inspections", params={"area": "Calderdale"}), 200)) == 1


async def test_a_round_picks_its_areas_with_reasons_and_binds_its_inspections(api: httpx.AsyncClient) -> None:
    body = {
        "programme": "integrated-2014",
        "name": "Integrated 2015-16",
        "size": 20,
        "seed": "audit-2015",
        "returning_after_inadequate": ["E08000035", "Kirklees"],
        "concerns": [{"area_code": "E06000001", "inspectorate": "hmic", "concern": "missing children"}],
    }
    planned = await ok(await api.post("/rounds", headers=LEAD, json=body))
    assert len(planned["picks"]) == 20
    reasons = {p["area_code"]: p["reason"] for p in planned["picks"]}
    assert reasons["E08000035"] == reasons["E08000034"] == "returning_after_inadequate"
    assert reasons["E06000001"] == "concern"
    assert sum(r == "sample" for r in reasons.values()) >= 5  # at least 25 % (004 §38)
    assert await ok(await api.get(f"/rounds/{planned['round_id']}"), 200) == planned

    again = await ok(await api.post("/rounds", headers=LEAD, json=body))  # an auditor's re-run
    assert again["picks"] == planned["picks"]

    outside = next(a for a in ("E06000002", "E06000003", "E06000004") if a not in reasons)
    refused = await api.post(
        "/inspections",
        headers=LEAD,
        json={
            "programme": "integrated-2014",
            "area": outside,
            "fieldwork_starts": MONDAY,
            "round_id": planned["round_id"],
        },
    )
    assert refused.status_code == 422
    assert refused.json()["rule"] == "004 §38"
    bound = await ok(
        await api.post(
            "/inspections",
            headers=LEAD,
            json={
                "programme": "integrated-2014",
                "area": "Leeds",
                "fieldwork_starts": MONDAY,
                "round_id": planned["round_id"],
            },
        )
    )
    assert bound["round_id"] == planned["round_id"]
    assert bound["fieldwork_ends"] == "2031-04-04"  # four weeks (004 §36)


async def test_lists_filter_and_page(api: httpx.AsyncClient) -> None:
    for name in ("First", "Second", "Third"):
        await inspector(api, "hmic", f"{name} inspector")
    await inspector(api, "cqc", "CQC inspector")
    hmic = await ok(await api.get("/inspectors", params={"inspectorate": "hmic"}), 200)
    assert [i["name"] for i in hmic] == ["First inspector", "Second inspector", "Third inspector"]
    page = await ok(
        await api.get("/inspectors", params={"inspectorate": "hmic", "offset": 1, "limit": 1}), 200
    )
    assert [i["name"] for i in page] == ["Second inspector"]
    too_many = await api.get("/inspectors", params={"limit": 501})
    assert too_many.status_code == 422
    assert "limit" in too_many.text


async def test_an_inspectorate_that_joins_is_taking_part_in_the_evidence_service(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    iid = (await ok(await schedule(api, "Wakefield")))["inspection_id"]
    item = {
        "agency": "cps",
        "activity": "case_tracking",
        "judgement_area": "help_and_protection",
        "bearing": "weakness",
        "case_reference": "CASE-0031",
        "summary": "The decision not to charge was not explained to the child's family.",
    }
    async with running(evidence(settings)) as evidence_api:

        async def known() -> bool:
            return (await evidence_api.get(f"/inspections/{iid}")).status_code == 200

        await eventually(known)
        early = await evidence_api.post(f"/inspections/{iid}/evidence", headers=actor("hmcpsi"), json=item)
        assert early.status_code == 403, early.text  # not taking part until triggered (002 §33)
        assert early.json()["error"] == "forbidden"
        assert "hmcpsi does not take part" in early.json()["detail"]
        assert (await evidence_api.get(f"/inspections/{iid}/evidence")).json() == []  # nothing written
        await ok(
            await api.post(
                f"/inspections/{iid}/participants",
                headers=LEAD,
                json={
                    "inspectorate": "hmcpsi",
                    "condition": "triggered",
                    "reason": "CPS decisions in two cases",
                },
            )
        )

        async def joined() -> bool:
            view = (await evidence_api.get(f"/inspections/{iid}")).json()
            return "hmcpsi" in view["inspectorates"] and "cps" in view["agencies"]

        await eventually(joined)
        # HMCPSI now takes part; like everyone's, its evidence waits for the unannounced inspection to begin.
        now = await evidence_api.post(f"/inspections/{iid}/evidence", headers=actor("hmcpsi"), json=item)
        assert now.status_code == 422, now.text
        assert "notice has not started" in now.json()["detail"]


async def test_every_stream_keeps_one_kafka_key_so_it_stays_on_one_partition_in_order(
    settings: Settings, api: httpx.AsyncClient
) -> None:
    """An inspector's diary and an area's calendar hold events naming several inspections: they are keyed
    by their own stream, each inspection's streams by the inspection, never a stream split between
    partitions (where a consumer could see version 2 before version 1)."""
    someone = await inspector(api, "ofsted", "Ofsted inspector")
    first = (await ok(await schedule(api, "Leeds")))["inspection_id"]
    second = (await ok(await schedule(api, "Leeds", "2031-04-21")))["inspection_id"]  # after Easter
    for iid in (first, second):
        await ok(
            await api.post(
                f"/inspections/{iid}/team", headers=LEAD, json={"inspector_id": someone, "weeks": [1]}
            )
        )

    records = await read_topic(
        settings.kafka_bootstrap_servers, settings.events_topic("scheduling"), at_least=9
    )
    streams: dict[str, list[tuple[bytes | None, int, int]]] = {}
    for record in records:
        envelope = Envelope.model_validate_json(record.value)
        streams.setdefault(envelope.stream_id, []).append(
            (record.key, record.partition, envelope.stream_version)
        )
    diary, calendar = streams[f"inspector-{someone}"], streams["area-E08000035"]
    assert {key for key, _, _ in diary} == {f"inspector-{someone}".encode()}
    assert {key for key, _, _ in calendar} == {b"area-E08000035"}
    assert streams[f"inspection-{first}"][0][0] == first.encode()
    for stream, held in streams.items():
        assert len({(key, partition) for key, partition, _ in held}) == 1, stream
        assert [version for _, _, version in held] == list(range(1, len(held) + 1)), stream
