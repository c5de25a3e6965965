"""Kill and restart things: nothing is lost, nothing applied twice, bad messages do not stop a service."""

from __future__ import annotations

import httpx
from aiokafka import AIOKafkaProducer

from embedded.demo import first_fieldwork_week
from shared.language.workdays import today_in_england
from shared.mechanics.catalogue import parse_envelope
from tests.e2e.conftest import Platform
from tests.helpers import actor, auditor, eventually, read_topic

LEAD = actor("ofsted", "lead_inspector")


def schedule_body() -> dict[str, str]:
    return {
        "area": "Wakefield",
        "deep_dive_theme": "neglect",
        "fieldwork_starts": str(first_fieldwork_week(today_in_england())),
    }


async def test_an_event_appended_but_not_published_when_its_service_is_killed_is_published_after_restart(
    platform: Platform,
) -> None:
    scheduling = platform.urls["scheduling"]
    topic = f"{platform.env['JIP_NAMESPACE']}.scheduling.events"
    await platform.start("scheduling", JIP_OUTBOX_RELAY="false")  # appends, but nothing publishes
    async with httpx.AsyncClient(headers=auditor()) as http:
        created = await http.post(f"{scheduling}/inspections", headers=LEAD, json=schedule_body())
        assert created.status_code == 201
        inspection_id = created.json()["inspection_id"]
        # The schedule, its two joint meetings and the booking on the area's calendar
        assert (await http.get(f"{scheduling}/health")).json()["outbox_pending"] == 4

        platform.supervisor.kill("scheduling")  # SIGKILL: no shutdown of any kind
        assert await read_topic(platform.env["JIP_KAFKA_BOOTSTRAP_SERVERS"], topic, idle_seconds=0.3) == []

        await platform.start("scheduling", "evidence")  # relay on again, and a consumer downstream

        async def evidence_knows() -> bool:
            response = await http.get(f"{platform.urls['evidence']}/inspections/{inspection_id}")
            return response.status_code == 200

        await eventually(evidence_knows)
        assert (await http.get(f"{scheduling}/health")).json()["outbox_pending"] == 0
    published = await read_topic(platform.env["JIP_KAFKA_BOOTSTRAP_SERVERS"], topic, at_least=4)
    assert [parse_envelope(r.value).inspection_id for r in published] == [inspection_id] * 4


async def test_a_malformed_message_is_dead_lettered_and_the_service_carries_on(platform: Platform) -> None:
    namespace, bootstrap = platform.env["JIP_NAMESPACE"], platform.env["JIP_KAFKA_BOOTSTRAP_SERVERS"]
    await platform.start("scheduling", "evidence")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        topic = f"{namespace}.scheduling.events"
        partitions = sorted(await producer.partitions_for(topic))
        for partition in partitions:  # wherever the next inspection's events land, garbage is ahead
            await producer.send_and_wait(topic, b"\x00garbage", partition=partition)
    finally:
        await producer.stop()
    async with httpx.AsyncClient(headers=auditor()) as http:
        created = await http.post(
            f"{platform.urls['scheduling']}/inspections", headers=LEAD, json=schedule_body()
        )
        inspection_id = created.json()["inspection_id"]

        async def evidence_knows() -> bool:
            response = await http.get(f"{platform.urls['evidence']}/inspections/{inspection_id}")
            return response.status_code == 200

        await eventually(evidence_knows)
        assert (await http.get(f"{platform.urls['evidence']}/health")).status_code == 200
    dead = await read_topic(bootstrap, f"{namespace}.evidence.deadletter", at_least=len(partitions))
    assert [r.value for r in dead] == [b"\x00garbage"] * len(partitions)
    assert all(dict(r.headers)["jip-dead-letter-reason"].startswith(b"not an event envelope") for r in dead)
