"""Structured logs: JSON lines with the trace and span they were written in, and no personal data from an
event or a request, even when an exception carries it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable

from opentelemetry.sdk.trace import TracerProvider
from pydantic import ValidationError

from shared.language.contracts.evidence import EvidenceItemRecorded
from shared.mechanics.logs import JsonFormatter, describe

TEXT = "Hit by her stepfather"  # short enough that pydantic would print it whole


def evidence_error() -> ValidationError:
    try:
        EvidenceItemRecorded.model_validate(
            {"inspection_id": "i", "evidence_item_id": "e", "summary": TEXT, "case_reference": TEXT}
        )
    except ValidationError as exc:
        return exc
    raise AssertionError("the payload should not validate")


def logged(write: Callable[[logging.Logger], None]) -> list[dict[str, object]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("evidence"))
    log = logging.getLogger("test.logs")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        write(log)
    finally:
        log.removeHandler(handler)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_validation_error_is_described_by_its_fields_and_rules_not_its_values() -> None:
    described = describe(evidence_error())
    assert described.startswith("ValidationError: ")
    assert TEXT not in described
    assert TEXT in str(evidence_error())  # what pydantic itself would have printed


def test_each_line_is_json_with_the_trace_and_span_it_was_written_in() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        [line] = logged(
            lambda log: log.info("applied %s", "evidence.EvidenceItemRecorded", extra={"offset": 7})
        )
    context = span.get_span_context()
    assert line["trace_id"] == f"{context.trace_id:032x}"
    assert line["span_id"] == f"{context.span_id:016x}"
    assert (line["level"], line["service"], line["message"], line["offset"]) == (
        "info",
        "evidence",
        "applied evidence.EvidenceItemRecorded",
        7,
    )


def test_an_exception_logged_with_its_traceback_leaves_the_evidence_text_out() -> None:
    def fail(log: logging.Logger) -> None:
        try:
            raise evidence_error()
        except ValidationError:
            log.exception("projection failed on %s", "jip.evidence.events[0]@3")

    [line] = logged(fail)
    assert TEXT not in json.dumps(line)
    assert str(line["error"]).startswith("ValidationError")
    assert line["stack"]
