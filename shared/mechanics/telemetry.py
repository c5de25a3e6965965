"""OpenTelemetry: one trace from an HTTP command through the outbox and Kafka into every consumer, and the
metrics of shared.mechanics.metrics, each service with its own tracer and meter providers.

Exporters follow the standard variables. OTEL_TRACES_EXPORTER and OTEL_METRICS_EXPORTER name them
(`otlp`, `console`, `none`, or a comma-separated list); left unset, they are `otlp` when an OTLP
endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or the per-signal variables) and `none` otherwise.
JIP_TELEMETRY_DIR adds JSON-lines files there, one per service and signal, so a trace can be seen with
no collector (`jip traces`); the embedded stack sets it. OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME
and OTEL_METRIC_EXPORT_INTERVAL are honoured by the SDK itself.

Every span exporter leaves out the attributes that hold a request's concrete URL (URL_ATTRIBUTES): a path
names inspections and cases (`/inspections/…/cases/CASE-0101/erasure`), a query the filters
(`?case_reference=…`), and spans outlive an erasure. The route template stays, in `http.route` and the
span's name."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.instrumentation._semconv import (
    _OpenTelemetrySemanticConventionStability,
    _OpenTelemetryStabilitySignalType,
)
from opentelemetry.instrumentation.pymongo import CommandTracer
from opentelemetry.metrics import Meter, MeterProvider
from opentelemetry.sdk.metrics import MeterProvider as SdkMeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace import Tracer, TracerProvider
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AnyValue
from pymongo import monitoring

from shared.mechanics.metrics import Metrics

_PROPAGATOR = TraceContextTextMapPropagator()  # W3C trace context: traceparent, tracestate

# The stable HTTP and database conventions (http.server.request.duration in seconds, db.namespace...),
# unless the operator chose otherwise. Read once, when the instrumentation first initialises.
os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "http,database")


class Telemetry:
    """A service's tracer and meter providers and the platform's instruments on them."""

    def __init__(self, service: str, tracer_provider: TracerProvider, meter_provider: MeterProvider) -> None:
        self.service = service
        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self.metrics = Metrics(self.meter)

    @classmethod
    def of_process(cls, service: str) -> Telemetry:
        """The process's global providers: for a part (a relay, a projection runner) used on its own."""
        from opentelemetry import metrics

        return cls(service, trace.get_tracer_provider(), metrics.get_meter_provider())

    @classmethod
    def from_environment(cls, service: str, telemetry_dir: Path | None = None) -> Telemetry:
        resource = Resource.create(
            {
                "service.name": os.environ.get("OTEL_SERVICE_NAME") or f"jip-{service}",
                "service.namespace": "joint-inspections",
            }
        )
        tracer_provider = SdkTracerProvider(resource=resource)
        for span_exporter in _span_exporters(service, telemetry_dir):
            tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter))
        readers: list[MetricReader] = [
            PeriodicExportingMetricReader(metric_exporter)
            for metric_exporter in _metric_exporters(service, telemetry_dir)
        ]
        return cls(service, tracer_provider, SdkMeterProvider(resource=resource, metric_readers=readers))

    @property
    def meter(self) -> Meter:
        return self.meter_provider.get_meter("jip")

    def tracer(self, name: str) -> Tracer:
        return self.tracer_provider.get_tracer(name)

    def mongo_listeners(self) -> list[monitoring.CommandListener]:
        """pymongo's instrumentation, for this service's client only (not every client in the process)."""
        _OpenTelemetrySemanticConventionStability._initialize()  # type: ignore[no-untyped-call]
        conventions = _OpenTelemetrySemanticConventionStability._get_opentelemetry_stability_opt_in_mode(
            _OpenTelemetryStabilitySignalType.DATABASE
        )
        tracer = self.tracer("opentelemetry.instrumentation.pymongo")
        return [_MongoCommandTracer(tracer, semconv_opt_in_mode=conventions)]

    def install(self) -> None:
        """Make these the process's global providers, for libraries that look there (one service per
        process; not done in tests, which run several services in one process)."""
        from opentelemetry import metrics

        trace.set_tracer_provider(self.tracer_provider)
        metrics.set_meter_provider(self.meter_provider)

    def flush(self) -> None:
        for provider in (self.tracer_provider, self.meter_provider):
            force_flush = getattr(provider, "force_flush", None)
            if force_flush is not None:
                force_flush()

    def shutdown(self) -> None:
        for provider in (self.tracer_provider, self.meter_provider):
            stop = getattr(provider, "shutdown", None)
            if stop is not None:
                stop()


class _MongoCommandTracer(CommandTracer):
    """pymongo's spans, only within a trace: the outbox relay's polling and the consumers' offset
    bookkeeping would otherwise start a one-span trace several times a second."""

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if trace.get_current_span().get_span_context().is_valid:
            super().started(event)


def _chosen(variable: str, signal: str) -> list[str]:
    given = os.environ.get(variable)
    if given is None:
        endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(
            f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"
        )
        return ["otlp"] if endpoint else []
    names = [name.strip().lower() for name in given.split(",") if name.strip()]
    unknown = set(names) - {"otlp", "console", "none"}
    if unknown:
        raise ValueError(f"{variable}: {', '.join(sorted(unknown))} is not one of otlp, console, none")
    return [name for name in names if name != "none"]


def _span_exporters(service: str, telemetry_dir: Path | None) -> list[SpanExporter]:
    exporters: list[SpanExporter] = []
    for name in _chosen("OTEL_TRACES_EXPORTER", "TRACES"):
        if name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporters.append(OTLPSpanExporter())
        else:
            exporters.append(ConsoleSpanExporter())
    if telemetry_dir is not None:
        exporters.append(FileSpanExporter(telemetry_dir / f"traces-{service}.jsonl"))
    return [RouteOnly(exporter) for exporter in exporters]


# A request's concrete URL, as the HTTP conventions record it, old and stable: path, query, the whole URL.
URL_ATTRIBUTES = frozenset({"url.path", "url.query", "url.full", "http.target", "http.url"})


class RouteOnly(SpanExporter):
    """Exports spans without URL_ATTRIBUTES: an HTTP span keeps its route template, never the path or query
    (which hold inspection ids and case references)."""

    def __init__(self, exporter: SpanExporter) -> None:
        self.exporter = exporter

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.exporter.export([_without_url(span) for span in spans])

    def shutdown(self) -> None:
        self.exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self.exporter.force_flush(timeout_millis)


def _without_url(span: ReadableSpan) -> ReadableSpan:
    attributes: Mapping[str, AnyValue] = span.attributes or {}
    if URL_ATTRIBUTES.isdisjoint(attributes):
        return span
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes={k: v for k, v in attributes.items() if k not in URL_ATTRIBUTES},
        events=span.events,
        links=span.links,
        kind=span.kind,
        status=span.status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


def _metric_exporters(service: str, telemetry_dir: Path | None) -> list[MetricExporter]:
    exporters: list[MetricExporter] = []
    for name in _chosen("OTEL_METRICS_EXPORTER", "METRICS"):
        if name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

            exporters.append(OTLPMetricExporter())
        else:
            exporters.append(ConsoleMetricExporter())
    if telemetry_dir is not None:
        exporters.append(
            ConsoleMetricExporter(
                out=_append(telemetry_dir / f"metrics-{service}.jsonl"),
                formatter=lambda data: data.to_json(indent=None) + "\n",
            )
        )
    return exporters


def _append(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("a", encoding="utf-8")


class FileSpanExporter(SpanExporter):
    """Finished spans as JSON lines (the console exporter's format, one span per line). When the file
    passes `max_bytes` it is renamed with a `.1` suffix (replacing the previous one) and started again."""

    def __init__(self, path: Path, max_bytes: int = 50_000_000) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._out = _append(path)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = "".join(span.to_json(indent=None) + "\n" for span in spans)
        with self._lock:
            if self._out.tell() > self.max_bytes:
                self._out.close()
                self.path.replace(self.path.with_name(self.path.name + ".1"))
                self._out = _append(self.path)
            self._out.write(lines)
            self._out.flush()
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        with self._lock:
            self._out.close()


def read_spans(files: Iterable[Path]) -> list[dict[str, Any]]:
    """The spans of FileSpanExporter files, skipping a line cut short by a process killed mid-write."""
    spans = []
    for path in files:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                try:
                    spans.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
    return spans


def current_carrier() -> dict[str, str]:
    """The active span's context, to store beside an outbox record until it is published."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier


def context_from(carrier: Mapping[str, str]) -> Context:
    return _PROPAGATOR.extract(dict(carrier))


def context_from_headers(headers: Iterable[tuple[str, bytes]]) -> Context:
    return context_from({k: v.decode("latin-1") for k, v in headers if k in ("traceparent", "tracestate")})
