"""Helpers for tests that use the real broker and database."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import uvicorn
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, NumberDataPoint
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from jip.commands.tokens import signer as jip_signer
from shared.language.contracts import CATALOGUE
from shared.language.contracts.scheduling import InspectionScheduled, NotificationRecorded, Recipient
from shared.language.workdays import today_in_england
from shared.mechanics.auth import Role, Signer
from shared.mechanics.clock import CLOCK
from shared.mechanics.consumer import Projection, ProjectionRunner
from shared.mechanics.envelope import Actor, Inspectorate, new_id
from shared.mechanics.eventstore import CommandContext, EventStore
from shared.mechanics.mongo import connect
from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from shared.mechanics.subscription import Subscription
from shared.mechanics.telemetry import Telemetry
from shared.mechanics.topics import partitions_of


class Observed:
    """In-memory telemetry for the services of one test: every span they finish, and each service's
    metrics, as the OpenTelemetry SDK would export them."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.readers: dict[str, InMemoryMetricReader] = {}

    def telemetry(self, service: str) -> Telemetry:
        resource = Resource.create({"service.name": f"jip-{service}"})
        tracer_provider = TracerProvider(resource=resource)
        tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        reader = self.readers[service] = InMemoryMetricReader()
        return Telemetry(service, tracer_provider, MeterProvider(resource=resource, metric_readers=[reader]))

    @property
    def spans(self) -> tuple[ReadableSpan, ...]:
        return self.exporter.get_finished_spans()

    def points(self, service: str, metric: str) -> list[Any]:
        """The data points of one service's metric, each with its attributes."""
        data = self.readers[service].get_metrics_data()
        return [
            point
            for resource in (data.resource_metrics if data else [])
            for scope in resource.scope_metrics
            for found in scope.metrics
            if found.name == metric
            for point in found.data.data_points
        ]

    def total(self, service: str, metric: str, wanted: Mapping[str, object] | None = None) -> float:
        """The sum of a counter's (or the count of a histogram's) points whose attributes include these."""
        wanted = wanted or {}
        total: float = 0
        for point in self.points(service, metric):
            if wanted.items() <= dict(point.attributes or {}).items():
                total += point.value if isinstance(point, NumberDataPoint) else point.count
        return total


# The tests' identity provider: every service in a test trusts its public key (tests/conftest.py).
SIGNER = Signer.generate(Settings().auth_issuer, Settings().auth_audience)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims_sent(headers: dict[str, str], data_dir: Path) -> dict[str, Any]:
    """The claims of the bearer token a request carried, checked against the stack's key in `data_dir`."""
    scheme, _, token = headers["Authorization"].partition(" ")
    assert scheme == "Bearer"
    settings = Settings()
    claims: dict[str, Any] = jwt.decode(
        token,
        jip_signer(data_dir).key.public_key(),
        algorithms=["EdDSA"],
        audience=settings.auth_audience,
        issuer=settings.auth_issuer,
    )
    return claims


def actor(inspectorate: str, role: str = "inspector") -> dict[str, str]:
    """The headers of a request made by a user of `inspectorate` in `role`."""
    return bearer(SIGNER.issue(f"test-{inspectorate}", role, inspectorate))


def chair(area_code: str) -> dict[str, str]:
    """The headers of a request made by the chair of the LSCB of `area_code`."""
    return bearer(SIGNER.issue(f"chair-{area_code}", Role.LSCB_CHAIR, area_code=area_code))


def auditor() -> dict[str, str]:
    return bearer(SIGNER.issue("test-auditor", Role.AUDITOR))


@asynccontextmanager
async def running(service: Service) -> AsyncIterator[httpx.AsyncClient]:
    """Run a service in this process, lifespan included, and talk to its API without a socket."""
    async with (
        service.app.router.lifespan_context(service.app),
        # Reads as an auditor unless a request says who it is (a command always does).
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.app), base_url="http://test", headers=auditor()
        ) as client,
    ):
        yield client


@asynccontextmanager
async def consuming(runner: ProjectionRunner, *projections: Projection) -> AsyncIterator[list[Subscription]]:
    """The projections' consumers running as a service runs them, on the real broker."""
    await runner.start()
    subscriptions = [Subscription(runner, p) for p in projections]
    try:
        for subscription in subscriptions:
            await subscription.start()
        yield subscriptions
    finally:
        for subscription in subscriptions:
            await subscription.stop()
        await runner.stop()


async def eventually(check: Callable[[], Awaitable[Any]], seconds: float = 20.0) -> Any:
    """Poll `check` until it returns something truthy (events take a moment to reach consumers)."""
    deadline = time.monotonic() + seconds
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {seconds} s")
        await asyncio.sleep(0.05)


async def read_topic(
    bootstrap: str, topic: str, *, at_least: int = 0, idle_seconds: float = 0.5, seconds: float = 20.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of `topic` from offset 0: at least `at_least` of them, then until none arrive for
    `idle_seconds` (architecture.md: tansu's end offsets are unreliable, so do not ask for them)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=50)
    await consumer.start()
    try:
        assigned = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + seconds
        last = time.monotonic()
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=100)
            for part in batch.values():
                records.extend(part)
            if batch:
                last = time.monotonic()
            elif len(records) >= at_least and time.monotonic() - last > idle_seconds:
                break
        return records
    finally:
        await consumer.stop()


async def ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def refused(response: httpx.Response, *words: str) -> None:
    assert response.status_code == 422, response.text
    for word in words:
        assert word in response.text, response.text


async def denied(response: httpx.Response, role: str) -> None:
    """Refused with 403 before any rule is looked at: the role may not call the endpoint."""
    assert response.status_code == 403, response.text
    assert f"the {role} role may not do this" in response.json()["detail"], response.text


async def forbidden(response: httpx.Response, *words: str) -> None:
    """Refused with 403 by the service's own rules: the caller acts outside its part (another
    inspectorate's work, the lead's work, an inspection it does not take part in, another area)."""
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "forbidden", response.text
    for word in words:
        assert word in response.text, response.text


async def seed_integrated(settings: Settings) -> str:
    """An integrated inspection of Wakefield in its second week of fieldwork, the area told on day one.

    It is unannounced, so its notice starts on its first day of fieldwork, which scheduling never allows in
    the past: its history is written to scheduling's own log, exactly as scheduling writes it, and reaches
    the other services over the broker like any other (the scheduling service must be running)."""
    inspection_id = new_id()
    monday = today_in_england() - timedelta(days=today_in_england().weekday() + 7)
    scheduled = InspectionScheduled(
        inspection_id=inspection_id,
        programme="integrated-2014",
        area_code="E08000036",
        local_area="Wakefield",
        deep_dive_theme=None,
        announced=False,
        fieldwork_starts=monday,
        fieldwork_ends=monday + timedelta(days=25),
        notice_date=monday,
        inspectorates=["ofsted", "cqc", "hmic", "hmi_probation"],
        agencies={
            "local_authority": "ofsted",
            "health": "cqc",
            "police": "hmic",
            "probation": "hmi_probation",
            "youth_offending_team": "hmi_probation",
        },
    )
    told = NotificationRecorded(
        inspection_id=inspection_id,
        recipient=Recipient.LSCB_CHAIR,
        agency=None,
        notified_by=Inspectorate.OFSTED,
        notified_at=datetime.combine(monday, datetime.min.time(), UTC) + timedelta(hours=8),
        addressee=None,
    )
    client = connect(settings.mongodb_uri, "test")
    try:
        store = EventStore(
            client, settings.database_name("scheduling"), CATALOGUE, settings.events_topic("scheduling")
        )
        context = CommandContext(
            Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="t"), "c"
        )
        await store.append(f"inspection-{inspection_id}", 0, [scheduled, told], context)
    finally:
        await client.close()
    return inspection_id


def rehearsal(settings: Settings) -> Settings:
    """A rehearsal platform's settings: its one clock (shared/mechanics/clock.py) moves forward when a test
    asks. Every test sets the process's clock back to real time after it (tests/conftest.py)."""
    return settings.model_copy(update={"environment": "rehearsal"})


async def on_the_notice_date(api: httpx.AsyncClient, notice_date: date | str) -> None:
    """Notice is given on the notice date, neither earlier nor later (001 Proposal two): a rehearsal
    platform's clock is moved on to 09:00 that day, unless it reads that day already. `api` is any service
    of the platform (a client whose base URL is the service), built with `rehearsal(settings)` or run on a
    rehearsal stack."""
    day = date.fromisoformat(str(notice_date))
    reads = await api.get("/clock", headers=auditor())
    assert reads.status_code == 200, reads.text
    if date.fromisoformat(reads.json()["today"]) < day:
        moved = await api.post(
            "/clock/advance",
            headers=actor("ofsted", "lead_inspector"),
            json={"to": f"{day}T09:00", "reason": "the notice date: notice is given that day, not earlier"},
        )
        assert moved.status_code == 200, moved.text


@contextmanager
def clock_reading(moment: datetime) -> Iterator[None]:
    """This process's clock (shared/mechanics/clock.py) reads `moment`, and runs on from it, for the services
    run in it on production settings (which never read a clock document); real time again afterwards. Set it
    once the services have started: a production service sets the real time as it starts."""
    CLOCK.follow(moment)
    try:
        yield
    finally:
        CLOCK.use_real_time()


@asynccontextmanager
async def served(app: Any, **options: Any) -> AsyncIterator[str]:
    """`app` served by uvicorn on a free loopback port (its lifespan not run) for the time of the block: its
    base URL. `options` are uvicorn.Config's."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = {"host": "127.0.0.1", "lifespan": "off", "log_level": "warning"} | options
    server = uvicorn.Server(uvicorn.Config(app, port=port, **config))
    serving = asyncio.create_task(server.serve())
    for _ in range(200):  # uvicorn says it has started by a flag, not an event
        if server.started:
            break
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


def agreed(document: str) -> str:
    """A Markdown document as the inspectorates agree it (its lifecycle's checksums are of this): without
    what says where it stands, a rehearsal's or a draft's marking and a final one's date of issue, and
    without its next steps (services/reporting/rendering/issue.py)."""
    text = re.sub(r"## Next steps\n\n[^\n]*\n\n", "", document)
    marks = ("> **REHEARSAL", "> **DRAFT", "**Date of issue:**")
    return "\n".join(line for line in text.splitlines() if not line.startswith(marks)).strip()
