"""One service process: its HTTP API, its event store and outbox relay, and its projections.
The only place a service's parts are wired together (cosmicpython's bootstrap)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.areas import register
from shared.language.contracts import CATALOGUE
from shared.language.programmes import catalogue
from shared.language.subjects import SubjectKeys
from shared.mechanics import clock_api, contract, logs
from shared.mechanics.auth import authenticated
from shared.mechanics.clock import CLOCK, ClockStore
from shared.mechanics.clock_api import PlatformClockState, RehearsalClock
from shared.mechanics.consumer import Projection, ProjectionRunner
from shared.mechanics.envelope import stamp
from shared.mechanics.errors import NotFound
from shared.mechanics.eventstore import EventStore
from shared.mechanics.http import BodyLimit, DatabaseDeadline, count_commands, install_error_handlers
from shared.mechanics.mongo import Document, connect
from shared.mechanics.openapi import ServiceAPI
from shared.mechanics.outbox import OutboxRelay
from shared.mechanics.settings import Settings
from shared.mechanics.subscription import Subscription
from shared.mechanics.telemetry import Telemetry
from shared.mechanics.topics import ensure_topics

log = logging.getLogger(__name__)
IndexSetup = Callable[[AsyncDatabase[Document]], Awaitable[None]]


class Service:
    def __init__(
        self,
        name: str,
        *,
        title: str,
        description: str,
        routers: Sequence[APIRouter],
        projections: Sequence[Projection] = (),
        indexes: IndexSetup | None = None,
        settings: Settings | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.name = name
        self.settings = settings or Settings()
        self.telemetry = telemetry or Telemetry.from_environment(name, self.settings.telemetry_dir)
        self.client = connect(self.settings.mongodb_uri, f"jip-{name}", self.telemetry.mongo_listeners())
        self.db = self.client[self.settings.database_name(name)]
        keys_uri, keys_database = self.settings.subject_keys()
        self.keys_client = (
            self.client
            if keys_uri == self.settings.mongodb_uri
            else connect(keys_uri, f"jip-{name}-keys", self.telemetry.mongo_listeners())
        )
        self.keys = SubjectKeys(self.keys_client, keys_database, self.settings.subject_keyring_file)
        self.store = EventStore(
            self.client, self.settings.database_name(name), CATALOGUE, self.settings.events_topic(name)
        )
        self.projections = ProjectionRunner(
            name, self.settings, self.client, CATALOGUE, self.store, self.telemetry
        )
        self.subscriptions = [Subscription(self.projections, p) for p in projections]
        self.relay = OutboxRelay(
            self.client,
            self.settings.database_name(name),
            self.settings.producer_options(),
            self.settings.relay_owner(),
            quiet_poll_seconds=self.settings.outbox_quiet_poll_seconds,
            lease_seconds=self.settings.outbox_lease_seconds,
            telemetry=self.telemetry,
        )
        self._indexes = indexes
        # The platform's one clock: real time, or a rehearsal platform's shared document
        # (shared/mechanics/clock.py).
        self.clock = PlatformClockState(
            self.settings.environment, ClockStore(self.client, self.settings.platform_database())
        )
        # Its OpenAPI names every refusal, and its /docs work offline (shared/mechanics/openapi.py).
        self.app = ServiceAPI(
            title=title,
            description=description,
            version="0.1.0",
            lifespan=self._lifespan,
            database=(service_of,),
        )
        self.app.state.service = self
        self.app.state.verifier = self.settings.verifier()
        self.app.state.metrics = self.telemetry.metrics
        self.app.state.clock = self.clock
        install_error_handlers(self.app)
        self.app.add_middleware(BodyLimit, max_bytes=self.settings.max_body_bytes)
        count_commands(self.app, self.telemetry.metrics)
        if self.clock.rehearsal:  # within the deadline, so reading the clock waits no longer than a request
            self.app.add_middleware(RehearsalClock, store=self.clock.store)
        self.app.add_middleware(DatabaseDeadline, seconds=self.settings.database_timeout_seconds)
        self.app.add_api_route(
            "/health",
            self.health,
            methods=["GET"],
            tags=["operations"],
            summary="Broker and database reachability",
            responses={
                503: {
                    "description": "The broker or the database cannot be reached, or a projection "
                    "is stuck: the body says which (the same fields as a 200)"
                }
            },
        )
        self.app.add_api_route(
            "/health/live", self.alive, methods=["GET"], tags=["operations"], summary="The process answers"
        )
        self.app.add_api_route(
            "/contract/asyncapi.json",
            asyncapi_document,
            methods=["GET"],
            dependencies=[Depends(authenticated)],
            tags=["contract"],
            summary="The AsyncAPI 3.1 document of the platform's topics (docs/contract.md)",
        )
        self.app.add_api_route(
            "/contract/envelope.json",
            envelope_schema,
            methods=["GET"],
            dependencies=[Depends(authenticated)],
            tags=["contract"],
            summary="The JSON Schema of the envelope every event travels in",
        )
        self.app.add_api_route(
            "/contract/checkpoint.json",
            checkpoint_schema,
            methods=["GET"],
            dependencies=[Depends(authenticated)],
            tags=["contract"],
            summary="The JSON Schema of a signed checkpoint of the log (its own topic)",
        )
        self.app.add_api_route(
            "/contract/schemas/{event_type}/v{version}.json",
            event_schema,
            methods=["GET"],
            dependencies=[Depends(authenticated)],
            tags=["contract"],
            summary="The JSON Schema of an event's payload at one schema version",
        )
        self.app.include_router(clock_api.router)
        for router in routers:
            self.app.include_router(router)
        FastAPIInstrumentor.instrument_app(
            self.app,
            tracer_provider=self.telemetry.tracer_provider,
            meter_provider=self.telemetry.meter_provider,
            excluded_urls="health,health/live",
            exclude_spans=["receive", "send"],  # the ASGI message spans: noise in every trace
        )

    @asynccontextmanager
    async def _lifespan(self, _: FastAPI) -> AsyncIterator[None]:
        steps = StartUp()
        # A programme or area file that does not validate stops start-up, naming the file, field and reason.
        catalogue()
        register()
        steps.done("data files")
        await self.clock.start()
        steps.done("clock")
        await self.store.ensure_indexes()
        if self._indexes is not None:
            await self._indexes(self.db)
        steps.done("indexes")
        if self.settings.create_topics:
            await ensure_topics(
                self.settings.kafka_bootstrap_servers,
                self.settings.namespace,
                self.settings.topic_partitions,
                self.settings.topic_replication_factor,
                security=self.settings.kafka_security(),
            )
            steps.done("topics")
        await self.projections.start()
        for subscription in self.subscriptions:  # each joins its group in the background
            await subscription.start()
        steps.done("consumers")
        if self.settings.outbox_relay:
            await self.relay.start()
            self.store.on_append = self.relay.notify
            steps.done("outbox relay")
        log.info("%s service ready in %s", self.name, steps)
        try:
            yield
        finally:
            if self.settings.outbox_relay:
                await self.relay.stop()
            for subscription in self.subscriptions:
                await subscription.stop()
            await self.projections.stop()
            await self.client.close()
            if self.keys_client is not self.client:
                await self.keys_client.close()
            self.telemetry.flush()

    async def alive(self) -> dict[str, str]:
        """For liveness probes: an outage of Kafka or MongoDB is not a reason to restart the process."""
        return {"service": self.name, "status": "alive"}

    async def health(self) -> JSONResponse:
        async def check(probe: Awaitable[Any]) -> str:
            try:
                async with asyncio.timeout(2):
                    return "ok" if await probe is not False else "unreachable"
            except Exception as exc:
                return f"unreachable: {type(exc).__name__}"

        database = await check(self.db.command("ping"))
        broker = await check(self.projections.dead_letters.reach_broker())
        # A projection that cannot apply is not healthy, though the process answers
        # (shared/mechanics/subscription.py).
        projections = {s.projection.name: s.progress.view() for s in self.subscriptions}
        stuck = sorted(name for name, view in projections.items() if view["status"] == "stuck")
        reachable = database == broker == "ok"
        body: dict[str, Any] = {
            "service": self.name,
            "status": "ok" if reachable and not stuck else "stuck" if reachable else "unavailable",
            "database": database,
            "broker": broker,
            "projections": projections,
        }
        if self.clock.rehearsal:  # `jip stack status` says the stack is a rehearsal one
            body["environment"], body["clock"] = "rehearsal", stamp(CLOCK.now())
        if stuck:
            body["detail"] = (
                f"{', '.join(stuck)} cannot keep up: see last_failure, the logs and `jip deadletters list`"
            )
        if database == "ok":
            body["outbox_pending"] = await self.db["outbox"].count_documents({})
        return JSONResponse(body, status_code=200 if reachable and not stuck else 503)


class StartUp:
    """How long each step of a service's start-up took, for its log: what to look at when it is slow."""

    def __init__(self) -> None:
        self.started = self.last = time.monotonic()
        self.steps: list[tuple[str, float]] = []

    def done(self, step: str) -> None:
        now = time.monotonic()
        self.steps.append((step, now - self.last))
        self.last = now

    def __str__(self) -> str:
        each = ", ".join(f"{step} {seconds:.2f}" for step, seconds in self.steps)
        return f"{self.last - self.started:.2f} s ({each})"


def _contract_file(path: Path | None, what: str) -> Response:
    if path is None or not path.is_file():
        raise NotFound(f"{what} is not in the published contract")
    return Response(path.read_bytes(), media_type="application/json")


async def asyncapi_document() -> Response:
    return _contract_file(contract.CONTRACT_DIR / contract.ASYNCAPI, contract.ASYNCAPI)


async def envelope_schema() -> Response:
    return _contract_file(contract.CONTRACT_DIR / contract.ENVELOPE, contract.ENVELOPE)


async def checkpoint_schema() -> Response:
    return _contract_file(contract.CONTRACT_DIR / contract.CHECKPOINT, contract.CHECKPOINT)


async def event_schema(event_type: str, version: str) -> Response:
    """Served from the committed folder: every version ever published, not only the current one."""
    found = contract.committed_file(contract.CONTRACT_DIR, event_type, version)
    return _contract_file(found, f"schema version {version} of event type {event_type}")


async def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(service_of)]


def serve(service: Service) -> None:
    from shared.mechanics import server  # uvicorn, with the request head bounded before it is accepted

    logs.configure(service.name, service.settings.log_level)
    service.telemetry.install()
    server.run(service.app, service.settings)
    service.telemetry.shutdown()  # exports what the batch processors and metric readers still hold
