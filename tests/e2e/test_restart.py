"""The whole embedded stack stopped and started again: the event log and every database survive."""

from __future__ import annotations

from pathlib import Path

import httpx

from embedded.components import REHEARSAL_ENV, infrastructure, services
from embedded.demo import EVIDENCE, JTAI, People, play_jtai
from embedded.demo.scenario import scenario
from embedded.ports import Ports
from embedded.supervisor import Supervisor
from shared.mechanics.catalogue import parse_envelope
from tests.helpers import SIGNER, actor, auditor, eventually, read_topic


async def test_a_restarted_stack_keeps_the_log_the_read_models_and_the_letter(
    tmp_path: Path, public_key: Path
) -> None:
    ports = Ports.free()
    supervisor = Supervisor(tmp_path)
    stages = [
        *infrastructure(tmp_path, ports),
        # A rehearsal platform: the demo moves its clock from notice to publication.
        services(ports, env={"JIP_AUTH_PUBLIC_KEY_FILE": str(public_key)} | REHEARSAL_ENV),
    ]
    urls = {name: ports.service_url(name) for name in ports.services}
    try:
        await supervisor.up(ports, stages, progress=lambda _: None)
        run = await play_jtai(urls, People(SIGNER), progress=lambda _: None)
        supervisor.stop(progress=lambda _: None)
        assert supervisor.running() == {}

        await supervisor.up(ports, stages, progress=lambda _: None)
        letter_url = f"{urls['reporting']}/inspections/{run.inspection_id}/report"
        profile_url = f"{urls['judgement']}/inspections/{run.inspection_id}/evidence-profile"
        async with httpx.AsyncClient(timeout=10, headers=auditor()) as http:
            assert (await http.get(letter_url)).text == run.letter

            # The evidence log survived: gathering, closed during the demo, is still closed.
            late = await http.post(
                f"{urls['evidence']}/inspections/{run.inspection_id}/evidence",
                headers=actor("hmic"),
                json={
                    "agency": "police",
                    "activity": "performance_data",
                    "judgement_area": "deep_dive",
                    "bearing": "strength",
                    "summary": "Missing-person records are complete.",
                },
            )
            assert late.status_code == 422
            assert "evidence gathering is closed" in late.json()["detail"]

            # Consumers resume where they were: a new finding reaches reporting, where the published letter
            # stays as it was made final while what the log would render now moves on.
            text = "Record every missing episode on the child's police record."
            new = await http.post(
                f"{urls['judgement']}/inspections/{run.inspection_id}/findings",
                headers=actor("ofsted", "lead_inspector"),
                json={
                    "kind": "area_for_development",
                    "addressed_to": "police",
                    "text": text,
                    "evidence_item_ids": [run.evidence_ids["missing-police"]],
                },
            )
            assert new.status_code == 201, new.text
            lifecycle_url = f"{letter_url}/lifecycle"

            async def finding_arrived() -> bool:
                view = (await http.get(lifecycle_url)).json()
                return bool(view["checksum"] != view["final_checksum"])

            await eventually(finding_arrived)
            view = (await http.get(lifecycle_url)).json()
            assert view["status"] == "published"
            assert (await http.get(letter_url)).text == run.letter
            assert (await http.get(profile_url)).json()["items"] == len(EVIDENCE)

        log = await read_topic(ports.kafka_bootstrap, "jip.scheduling.events", at_least=9)
        # One inspection's events share a partition, so they arrive in the order they were appended; the
        # area's calendar, about no one inspection, is keyed by its own stream.
        keyed = {r.key: [parse_envelope(x.value).event_type for x in log if x.key == r.key] for r in log}
        team = sum(len(names) for names in scenario(JTAI).team.values())
        assert keyed.pop(run.inspection_id.encode()) == [
            "scheduling.InspectionScheduled",
            "scheduling.MeetingScheduled",
            "scheduling.MeetingScheduled",
            *["scheduling.InspectorAssigned"] * team,  # each inspectorate's team, before notice
            *["scheduling.NotificationRecorded"] * 5,
        ]
        assert keyed.pop(b"area-E08000036") == ["scheduling.AreaBooked"]
        # The rest: each inspector's own diary, on its own key.
        assert len(keyed) == team
        assert all(key.startswith(b"inspector-") for key in keyed), sorted(keyed)
    finally:
        supervisor.stop(progress=lambda _: None)
