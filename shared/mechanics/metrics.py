"""The platform's metrics: what operators watch on the dashboard (deploy/grafana/dashboards/jip.json).

Names follow the OpenTelemetry semantic conventions where one exists (messaging.client.sent.messages,
messaging.client.consumed.messages; http.server.request.duration comes from the FastAPI
instrumentation) and are `jip.*` otherwise. Through the collector's Prometheus exporter a name becomes
snake case with its unit and `_total` for counters: `jip.projection.lag` is `jip_projection_lag_seconds`.
No attribute carries personal data: event types, topics, consumer groups, route templates and rule
citations only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from opentelemetry.metrics import CallbackOptions, Meter, Observation

Kind = Literal["counter", "histogram", "gauge"]


@dataclass(frozen=True)
class Instrument:
    name: str
    kind: Kind
    unit: str
    description: str

    @property
    def prometheus(self) -> str:
        """The name the collector's Prometheus exporter gives it."""
        base = self.name.replace(".", "_")
        unit = {"s": "_seconds"}.get(self.unit, "")
        return base + unit + ("_total" if self.kind == "counter" else "")


COMMANDS = Instrument(
    "jip.commands",
    "counter",
    "{command}",
    "Commands received over HTTP, by route, outcome (accepted or rejected) and reason for a rejection",
)
SENT = Instrument(
    "messaging.client.sent.messages",
    "counter",
    "{message}",
    "Events the outbox relay published, by topic and event type",
)
CONSUMED = Instrument(
    "messaging.client.consumed.messages",
    "counter",
    "{message}",
    "Records a projection received, by topic, consumer group, event type and outcome",
)
CONSUMER_LAG = Instrument(
    "jip.consumer.lag",
    "gauge",
    "{message}",
    "Records on a partition not yet processed by a consumer group, as of its last batch",
)
PROJECTION_LAG = Instrument(
    "jip.projection.lag",
    "histogram",
    "s",
    "Time from an event occurring to a projection applying it, by consumer group and event type",
)
OUTBOX_BACKLOG = Instrument(
    "jip.outbox.backlog", "gauge", "{record}", "Events appended but not yet published, per service"
)
DEAD_LETTERS = Instrument(
    "jip.dead_letters",
    "counter",
    "{message}",
    "Records sent to a dead-letter topic, by source topic, consumer group and cause",
)
PROJECTION_STUCK = Instrument(
    "jip.projection.stuck",
    "gauge",
    "{projection}",
    "1 while a projection is stuck (its batches keep failing, or its lag does not fall), else 0, "
    "by consumer group",
)
PROJECTION_FAILURES = Instrument(
    "jip.projection.failures",
    "counter",
    "{batch}",
    "Batches a projection failed to fetch or apply and will try again (an outage, a conflict), "
    "by consumer group",
)
DENIALS = Instrument(
    "jip.access.denied",
    "counter",
    "{request}",
    "Requests refused for want of a valid token (401) or outside the caller's role (403), by route and role",
)
# Recorded by the FastAPI instrumentation (stable HTTP conventions), listed for the dashboard's sake.
REQUEST_DURATION = Instrument(
    "http.server.request.duration", "histogram", "s", "HTTP request latency, by method, route and status"
)

INSTRUMENTS = (
    COMMANDS,
    SENT,
    CONSUMED,
    CONSUMER_LAG,
    PROJECTION_LAG,
    OUTBOX_BACKLOG,
    DEAD_LETTERS,
    PROJECTION_STUCK,
    PROJECTION_FAILURES,
    DENIALS,
    REQUEST_DURATION,
)

# Projection lag runs from milliseconds (live) to days (a consumer rebuilt from the start of the log).
LAG_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400)


class Metrics:
    """The instruments, created on one service's meter."""

    def __init__(self, meter: Meter) -> None:
        self.commands = meter.create_counter(COMMANDS.name, COMMANDS.unit, COMMANDS.description)
        self.sent = meter.create_counter(SENT.name, SENT.unit, SENT.description)
        self.consumed = meter.create_counter(CONSUMED.name, CONSUMED.unit, CONSUMED.description)
        self.consumer_lag = meter.create_gauge(CONSUMER_LAG.name, CONSUMER_LAG.unit, CONSUMER_LAG.description)
        self.projection_lag = meter.create_histogram(
            PROJECTION_LAG.name,
            PROJECTION_LAG.unit,
            PROJECTION_LAG.description,
            explicit_bucket_boundaries_advisory=LAG_BUCKETS,
        )
        self.outbox_backlog = meter.create_gauge(
            OUTBOX_BACKLOG.name, OUTBOX_BACKLOG.unit, OUTBOX_BACKLOG.description
        )
        self.dead_letters = meter.create_counter(
            DEAD_LETTERS.name, DEAD_LETTERS.unit, DEAD_LETTERS.description
        )
        # Observed when the metrics are read, so it turns 1 the moment a projection becomes stuck.
        self._stuck: dict[str, Callable[[], bool]] = {}
        self.projection_stuck = meter.create_observable_gauge(
            PROJECTION_STUCK.name,
            [self._observe_stuck],
            PROJECTION_STUCK.unit,
            PROJECTION_STUCK.description,
        )
        self.projection_failures = meter.create_counter(
            PROJECTION_FAILURES.name, PROJECTION_FAILURES.unit, PROJECTION_FAILURES.description
        )
        self.denials = meter.create_counter(DENIALS.name, DENIALS.unit, DENIALS.description)

    def watch_projection(self, group: str, stuck: Callable[[], bool]) -> None:
        """Report `stuck()` for the consumer group as `jip.projection.stuck`."""
        self._stuck[group] = stuck

    def _observe_stuck(self, _: CallbackOptions) -> Iterable[Observation]:
        for group, stuck in self._stuck.items():
            yield Observation(int(stuck()), {"messaging.consumer.group.name": group})
