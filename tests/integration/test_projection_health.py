"""A projection that cannot apply is seen: /health answers 503 naming it, and the metrics say it is stuck,
while the process still answers its liveness probe; once it applies again, all is well."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from services.judgement.app import build as judgement
from shared.mechanics.consumer import ProjectionRunner
from shared.mechanics.settings import Settings
from tests.helpers import Observed, eventually, running
from tests.integration.test_projections import envelope, produce


async def test_a_projection_whose_batches_keep_failing_makes_health_answer_503(
    settings: Settings, observed: Observed, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings.model_copy(update={"projection_stuck_seconds": 1.0})
    outage = {"on": True}
    apply = ProjectionRunner._apply

    async def failing(self: ProjectionRunner, *args: Any) -> None:
        if outage["on"]:  # as the read model's database would fail, the rest of the service unharmed
            raise AutoReconnect("the read model's database is not answering")
        await apply(self, *args)

    monkeypatch.setattr(ProjectionRunner, "_apply", failing)
    async with running(judgement(settings, observed.telemetry("judgement"))) as api:
        await produce(settings, [(envelope().to_json(), b"insp-1", [])])  # an event for it to apply

        async def stuck() -> Any:
            response = await api.get("/health")
            return response if response.status_code == 503 else None

        answer = (await eventually(stuck)).json()
        assert answer["status"] == "stuck"
        assert (answer["database"], answer["broker"]) == ("ok", "ok")
        evidence = answer["projections"]["evidence"]
        assert evidence["status"] == "stuck"
        assert evidence["lag"] > 0
        assert evidence["last_failure"] == "AutoReconnect: the read model's database is not answering"
        assert "evidence cannot keep up" in answer["detail"]
        assert (await api.get("/health/live")).status_code == 200
        group = {"messaging.consumer.group.name": f"{settings.namespace}.judgement.evidence"}
        assert observed.total("judgement", "jip.projection.failures", group) >= 1
        [gauge] = [p for p in observed.points("judgement", "jip.projection.stuck") if p.attributes == group]
        assert gauge.value == 1

        outage["on"] = False

        async def recovered() -> bool:
            response = await api.get("/health")
            return response.status_code == 200 and response.json()["projections"]["evidence"]["lag"] == 0

        await eventually(recovered, seconds=30)
        [gauge] = [p for p in observed.points("judgement", "jip.projection.stuck") if p.attributes == group]
        assert gauge.value == 0
