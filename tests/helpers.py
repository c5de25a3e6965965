"""Helpers for tests that use the real broker and database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.runtime import Service


def actor(inspectorate: str, role: str = "inspector") -> dict[str, str]:
    return {
        "X-Actor-Inspectorate": inspectorate,
        "X-Actor-Role": role,
        "X-Actor-User": f"test-{inspectorate}",
    }


@asynccontextmanager
async def running(service: Service) -> AsyncIterator[httpx.AsyncClient]:
    """Run a service in this process, lifespan included, and talk to its API without a socket."""
    async with (
        service.app.router.lifespan_context(service.app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app), base_url="http://test") as client,
    ):
        yield client


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


async def partitions_of(bootstrap: str, topic: str) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
        return sorted(p["partition"] for p in described["partitions"])
    finally:
        await admin.close()


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
