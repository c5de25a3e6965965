"""Structured logs: one JSON object per line, each with the trace and span it was written in, and never
the personal data events carry (evidence text is about children).

A log line says what happened and where, not what an event said: an exception is described by its type
and, for a validation error, by the fields and rules that failed, never by the values given."""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import trace
from pydantic import ValidationError

# Attributes a call may add with `extra=`; anything else passed that way is left out.
EXTRA = (
    "event_type",
    "event_id",
    "topic",
    "partition",
    "offset",
    "consumer_group",
    "inspection_id",
    "outcome",
)

CLIENT_LOGGERS = ("pymongo", "aiokafka")


def describe(exc: BaseException) -> str:
    """An exception for a log line or a dead-letter header, without the values it was given."""
    if isinstance(exc, ValidationError):
        failed = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()[:5])
        return f"{type(exc).__name__}: {failed}"
    return f"{type(exc).__name__}: {str(exc)[:300]}"


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            line["trace_id"] = f"{span.trace_id:032x}"
            line["span_id"] = f"{span.span_id:016x}"
        line.update({k: getattr(record, k) for k in EXTRA if hasattr(record, k)})
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            line["error"] = describe(exc)
            # Where it happened: files, lines and functions only, not the message with its values.
            line["stack"] = [
                f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)
            ][-8:]
        return json.dumps(line, ensure_ascii=False)


def configure(service: str, level: str, stream: TextIO | None = None) -> None:
    """Every logger of the process (uvicorn's and aiokafka's too) writes JSON lines to standard error
    (or `stream`). The clients' own logs stay at INFO or above whatever the level: at DEBUG pymongo logs
    the documents it writes and aiokafka the requests and responses it exchanges, evidence text and all."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for client in CLIENT_LOGGERS:
        logging.getLogger(client).setLevel(max(logging.INFO, root.level))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
