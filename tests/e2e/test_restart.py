"""The whole embedded stack stopped and started again: the event log and every database survive."""

from __future__ import annotations

from pathlib import Path

import httpx

from jip.demo import EVIDENCE, actor, play_jtai
from jip.stack import Ports, Supervisor, infrastructure, services
from shared.catalogue import parse_envelope
from tests.helpers import eventually, read_topic


async def test_a_restarted_stack_keeps_the_log_the_read_models_and_the_letter(tmp_path: Path) -> None:
    ports = Ports.free()
    supervisor = Supervisor(tmp_path)
    stages = [*infrastructure(tmp_path, ports), services(ports)]
    urls = {name: ports.service_url(name) for name in ports.services}
    try:
        await supervisor.up(ports, stages, progress=lambda _: None)
        run = await play_jtai(urls, progress=lambda _: None)
        supervisor.stop(progress=lambda _: None)
        assert supervisor.running() == {}

        await supervisor.up(ports, stages, progress=lambda _: None)
        letter_url = f"{urls['reporting']}/inspections/{run.inspection_id}/findings-letter"
        profile_url = f"{urls['judgement']}/inspections/{run.inspection_id}/evidence-profile"
        async with httpx.AsyncClient(timeout=10) as http:
            assert (await http.get(letter_url)).text == run.letter

            # Consumers resume where they were: a new item arrives once, nothing earlier is applied twice.
            new = await http.post(
                f"{urls['evidence']}/inspections/{run.inspection_id}/evidence",
                headers=actor("hmic"),
                json={
                    "agency": "police",
                    "activity": "audit",
                    "judgement_area": "deep_dive",
                    "bearing": "strength",
                    "summary": "Missing-person records are complete.",
                },
            )
            assert new.status_code == 201

            async def judgement_count() -> int:
                profile = (await http.get(profile_url)).json()
                return sum(len(v["strengths"]) + len(v["weaknesses"]) for v in profile.values())

            async def new_item_arrived() -> bool:
                return await judgement_count() == len(EVIDENCE) + 1

            await eventually(new_item_arrived)
            assert await judgement_count() == len(EVIDENCE) + 1

        log = await read_topic(ports.kafka_bootstrap, "jip.scheduling.events", at_least=9)
        # One inspection's events share a partition, so they arrive in the order they were appended.
        assert [parse_envelope(r.value).event_type for r in log] == [
            "scheduling.InspectionScheduled",
            "scheduling.MeetingScheduled",
            "scheduling.MeetingScheduled",
            "scheduling.AreaBooked",
            *["scheduling.NotificationRecorded"] * 5,
        ]
    finally:
        supervisor.stop(progress=lambda _: None)
