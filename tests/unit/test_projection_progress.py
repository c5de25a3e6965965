"""When a projection counts as behind or stuck (shared/mechanics/subscription.py's Progress), on a clock of
our own."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any, cast

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import ConsumerStoppedError

from shared.mechanics.consumer import Projection
from shared.mechanics.settings import KafkaProfile, Settings
from shared.mechanics.subscription import (
    IDLE_AFTER,
    IDLE_FETCH_WAIT_MS,
    STARVED_WAIT_MS,
    Progress,
    Subscription,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(time, "monotonic", clock)
    return clock


def running(stuck_after: float = 60) -> Progress:
    progress = Progress("jip.judgement.evidence", stuck_after)
    progress.running = True
    return progress


def test_caught_up_is_ok_and_lag_that_falls_is_behind(clock: Clock) -> None:
    progress = running()
    assert progress.state == "ok"
    progress.lag = 500
    clock.now += 59
    assert progress.state == "behind"
    progress.applied()  # a batch went in: the lag is falling
    clock.now += 59
    assert progress.state == "behind"


def test_lag_that_does_not_fall_is_stuck(clock: Clock) -> None:
    progress = running()
    progress.lag = 3
    clock.now += 61
    assert progress.state == "stuck"
    assert progress.view() == {"status": "stuck", "lag": 3}


def test_batches_that_keep_failing_are_stuck_until_one_applies(clock: Clock) -> None:
    progress = running()
    progress.failed("AutoReconnect: no primary")
    clock.now += 30
    progress.failed("AutoReconnect: no primary")
    assert progress.state == "ok"
    clock.now += 31
    assert progress.state == "stuck"
    assert progress.view()["failures"] == 2
    progress.applied()
    assert progress.state == "ok"


def test_a_consumer_that_stopped_is_stuck(clock: Clock) -> None:
    progress = running()
    progress.running = False
    assert progress.state == "stuck"


def test_joining_its_group_is_starting_until_it_takes_too_long(clock: Clock) -> None:
    """A service is ready before its projections have joined their groups (tansu takes seconds): a join
    is `starting`, which /health counts as well, for JOIN_ALLOWANCE at least; then it is stuck."""
    progress = Progress("jip.judgement.evidence", stuck_after=1)
    assert progress.state == "stuck"  # never started
    progress.joining_since = time.monotonic()
    clock.now += 29
    assert progress.state == "starting"
    clock.now += 2
    assert progress.state == "stuck"
    progress.running, progress.joining_since = True, None
    assert progress.state == "ok"


class _Runner:
    """What a Subscription asks of its runner, on tansu's consumer options."""

    settings = Settings(kafka_profile=KafkaProfile.TANSU)

    class metrics:
        @staticmethod
        def watch_projection(group: str, stuck: object) -> None:
            pass

    @staticmethod
    def group_id(projection: Projection) -> str:
        return f"jip.test.{projection.name}"


class _Consumer:
    class _fetcher:
        _fetch_max_wait_ms = 0


def test_fetches_that_read_nothing_behind_the_high_watermark_lengthen_the_broker_s_wait() -> None:
    """tansu lists every batch object of a partition at each fetch and gives up when the wait runs out:
    on a long partition a 50 ms fetch reads nothing, ever. Two such fetches in a row double the wait."""
    subscription = Subscription(cast(Any, _Runner()), Projection("evidence", ["evidence"]))
    consumer = cast(Any, _Consumer())
    waits = []
    for read, lag in [(True, 0), (False, 0), (False, 9), (False, 9), (False, 9), (True, 9), (False, 0)]:
        subscription.progress.lag = lag
        subscription._pace(consumer, read)
        waits.append(consumer._fetcher._fetch_max_wait_ms)
    # caught up and quiet: as configured; behind and starved twice: 100 ms, then 200; kept once it reads
    assert waits == [50, 50, 50, 100, 200, 200, 200]
    subscription.progress.lag = 9
    for _ in range(20):
        subscription._pace(consumer, False)
    assert consumer._fetcher._fetch_max_wait_ms == STARVED_WAIT_MS


def test_an_idle_projection_fetches_less_often_and_its_first_record_restores_the_configured_wait() -> None:
    """After IDLE_AFTER seconds with no record each fetch waits IDLE_FETCH_WAIT_MS at the broker (and its
    getmany here as long): an idle stack's fetches are few (bench/idle.py). A record back, and the
    configured wait is back for the next fetch."""
    subscription = Subscription(cast(Any, _Runner()), Projection("evidence", ["evidence"]))
    consumer = cast(Any, _Consumer())
    subscription._pace(consumer, True)
    assert consumer._fetcher._fetch_max_wait_ms == 50
    subscription._last_record -= IDLE_AFTER + 1
    subscription._pace(consumer, False)
    assert consumer._fetcher._fetch_max_wait_ms == subscription._wait_ms == IDLE_FETCH_WAIT_MS
    subscription._pace(consumer, True)
    assert consumer._fetcher._fetch_max_wait_ms == 50


async def test_the_first_record_after_a_quiet_spell_restores_the_wait_before_its_batch_is_applied() -> None:
    """aiokafka sends its next fetch as soon as a fetch's records are taken, with the wait then set: the wait
    is restored before the batch is applied, or the record after the first would wait the idle wait out."""
    waits_when_applied: list[int] = []

    class Consumer(_Consumer):
        given = False

        async def getmany(self, timeout_ms: int, max_records: int) -> dict[TopicPartition, list[Any]]:
            if self.given:
                raise ConsumerStoppedError()
            self.given = True
            return {TopicPartition("jip.evidence.events", 0): [SimpleNamespace(offset=7)]}

        async def commit(self, offsets: object) -> None:
            pass

        def assignment(self) -> set[TopicPartition]:
            return set()

    class Runner(_Runner):
        async def process_batch(self, projection: Projection, records: list[Any]) -> None:
            waits_when_applied.append(consumer._fetcher._fetch_max_wait_ms)

    subscription = Subscription(cast(Any, Runner()), Projection("evidence", ["evidence"]))
    consumer = Consumer()
    consumer._fetcher._fetch_max_wait_ms = IDLE_FETCH_WAIT_MS
    subscription._consumer = cast(Any, consumer)
    subscription._last_record -= IDLE_AFTER + 1
    await subscription._run()
    assert waits_when_applied == [50]
