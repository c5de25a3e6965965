"""The platform's one clock on a real database (issue 19 point 15): production reads the real time and
refuses to move; a rehearsal platform's clock moves forward only, through any service, and every service,
every event's occurred_at and every "today" follow it; every answer of a rehearsal platform says so."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.evidence.app import build as evidence
from services.scheduling.app import build as scheduling
from shared.language.contracts.scheduling import InspectorRegistered
from shared.language.workdays import today_in_england
from shared.mechanics.clock import CLOCK, ENGLAND, FORWARD_ONLY, REHEARSAL_ONLY, ClockStore
from shared.mechanics.clock_api import HEADER
from shared.mechanics.consumer import Projection
from shared.mechanics.envelope import Envelope, utc_now
from shared.mechanics.mongo import connect
from shared.mechanics.settings import Settings
from tests.helpers import actor, running

REPOSITORY = Path(__file__).resolve().parents[2]
LEAD = actor("ofsted", "lead_inspector")
# The second, separate process: reads the clock's document as a service does at start-up, prints it.
READ_IN_ANOTHER_PROCESS = """
import asyncio
from shared.mechanics.clock import CLOCK, ClockStore
from shared.mechanics.mongo import connect
from shared.mechanics.settings import Settings

async def main() -> None:
    settings = Settings()
    client = connect(settings.mongodb_uri, "another-process")
    await CLOCK.refresh(ClockStore(client, settings.platform_database()))
    print(CLOCK.now().isoformat())
    await client.close()

asyncio.run(main())
"""


def rehearsal(settings: Settings) -> Settings:
    return settings.model_copy(update={"environment": "rehearsal"})


def close_to(moment: datetime, expected: datetime, seconds: float = 30) -> bool:
    return abs(moment - expected) < timedelta(seconds=seconds)


async def test_a_production_platform_reads_the_real_time_and_refuses_to_move_its_clock(
    settings: Settings,
) -> None:
    service = scheduling(settings)
    async with running(service) as client:
        answer = await client.get("/clock")
        assert answer.status_code == 200, answer.text
        view = answer.json()
        assert (view["environment"], view["rehearsal"], view["set_to"]) == ("production", False, None)
        assert close_to(datetime.fromisoformat(view["now"]), datetime.now(UTC))
        assert HEADER.lower() not in answer.headers

        moved = await client.post("/clock/advance", headers=LEAD, json={"to": "2031-03-03T09:00"})
        assert moved.status_code == 409, moved.text
        assert moved.json()["rule"] == REHEARSAL_ONLY
        assert "JIP_ENVIRONMENT: the clock moves only on a rehearsal platform" in moved.json()["detail"]
        assert HEADER.lower() not in moved.headers
        assert close_to(utc_now(), datetime.now(UTC))
        assert today_in_england() == datetime.now(UTC).astimezone(ENGLAND).date()
    # Production never touches the platform's database: no clock document was written, or read.
    mongo = connect(settings.mongodb_uri, "test")
    try:
        assert settings.platform_database() not in await mongo.list_database_names()
    finally:
        await mongo.close()


async def test_a_rehearsal_clock_moves_forward_and_every_now_today_and_event_follows_it(
    settings: Settings,
) -> None:
    settings = rehearsal(settings)
    service = scheduling(settings)
    target = datetime.now(UTC) + timedelta(days=90)
    wanted = target.astimezone(ENGLAND).replace(hour=9, minute=0, second=0, microsecond=0)
    async with running(service) as client:
        before = await client.get("/clock")
        assert before.json()["rehearsal"] is True
        assert before.json()["set_to"] is None  # never moved: the real time
        assert close_to(datetime.fromisoformat(before.headers[HEADER]), datetime.now(UTC))

        inspector = await client.post("/clock/advance", headers=actor("ofsted"), json={"days": 3})
        assert inspector.status_code == 403, inspector.text  # a lead inspector moves it
        moved = await client.post(
            "/clock/advance",
            headers=LEAD,
            json={"to": wanted.strftime("%Y-%m-%dT%H:%M"), "reason": "rehearse the fieldwork week"},
        )
        assert moved.status_code == 200, moved.text
        view = moved.json()
        assert datetime.fromisoformat(view["set_to"]) == wanted
        assert view["set_by"] == {"inspectorate": "ofsted", "role": "lead_inspector", "user": "test-ofsted"}
        assert view["reason"] == "rehearse the fieldwork week"
        assert view["today"] == str(wanted.date())
        assert close_to(datetime.fromisoformat(moved.headers[HEADER]), wanted)

        assert close_to(utc_now(), wanted)
        assert today_in_england() == wanted.date()

        registered = await client.post("/inspectors", headers=LEAD, json={"name": "Alex Rehearsal"})
        assert registered.status_code == 201, registered.text
        assert close_to(datetime.fromisoformat(registered.headers[HEADER]), wanted)
        doc = await service.store.events.find_one({"event_type": InspectorRegistered.event_type})
        assert doc is not None
        assert close_to(Envelope.model_validate(doc["envelope"]).occurred_at, wanted)

        back = await client.post("/clock/advance", headers=LEAD, json={"to": str(wanted.date())})
        assert back.status_code == 422, back.text
        assert back.json()["rule"] == FORWARD_ONLY
        assert "only moves forward" in back.json()["detail"]
        unclear = await client.post("/clock/advance", headers=LEAD, json={"to": "2031-03-03", "days": 2})
        assert unclear.status_code == 422, unclear.text
        assert close_to(utc_now(), wanted)  # neither moved it


async def test_two_services_and_another_process_read_one_clock_moved_through_either(
    settings: Settings,
) -> None:
    settings = rehearsal(settings)
    first, second = scheduling(settings), evidence(settings)
    async with running(first) as one, running(second) as two:
        answer = await one.post("/clock/advance", headers=LEAD, json={"days": 40})
        assert answer.status_code == 200, answer.text
        set_to = answer.json()["set_to"]

        CLOCK.use(None)  # as another process that has not read the document since: the real time
        seen = (await two.get("/clock")).json()  # the request reads the document as it begins
        assert seen["set_to"] == set_to
        assert close_to(datetime.fromisoformat(seen["now"]), datetime.now(UTC) + timedelta(days=40))

        env = {
            **os.environ,
            "JIP_MONGODB_URI": settings.mongodb_uri,
            "JIP_NAMESPACE": settings.namespace,
            "PYTHONPATH": str(REPOSITORY),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", READ_IN_ANOTHER_PROCESS, env=env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await process.communicate()
        assert process.returncode == 0
        assert close_to(datetime.fromisoformat(out.decode().strip()), datetime.now(UTC) + timedelta(days=40))

        again = await two.post("/clock/advance", headers=LEAD, json={"days": 2, "reason": "the second week"})
        assert again.status_code == 200, again.text
        CLOCK.use(None)
        assert (await one.get("/clock")).json()["set_to"] == again.json()["set_to"]

        # A consumer batch reads it too, as it begins: what a projection does is stamped with it.
        CLOCK.use(None)
        await first.projections.process_batch(Projection("nothing", []), [])
        assert close_to(utc_now(), datetime.now(UTC) + timedelta(days=42))

        # /health says the service is a rehearsal's (`jip stack status`), and carries the header too.
        health = await one.get("/health")
        assert health.json()["environment"] == "rehearsal"
        assert HEADER in health.headers


async def test_a_clock_document_moved_by_two_at_once_never_goes_back(settings: Settings) -> None:
    mongo = connect(settings.mongodb_uri, "test")
    store = ClockStore(mongo, rehearsal(settings).platform_database())
    who = {"user": "t"}
    try:
        moves = await asyncio.gather(
            *(store.advance(days=days, set_by=who, reason=str(days)) for days in (5, 6, 7, 8)),
            return_exceptions=True,
        )
        settled = [m for m in moves if not isinstance(m, BaseException)]
        assert settled, moves
        final = await store.read()
        assert final is not None
        assert final.reads == max(m.reads for m in settled)
    finally:
        await mongo.close()
