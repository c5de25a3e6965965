"""Every span exporter a service configures leaves out a request's concrete path and query, whatever the
instrumentation recorded, and keeps the route template (shared/mechanics/telemetry.py)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from shared.mechanics.telemetry import URL_ATTRIBUTES, RouteOnly, Telemetry, _span_exporters, read_spans

CASE = "CASE-0101"


def test_every_exporter_chosen_is_wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console,otlp")
    exporters = _span_exporters("evidence", tmp_path)
    assert len(exporters) == 3  # console, OTLP and the file
    assert all(isinstance(exporter, RouteOnly) for exporter in exporters)


async def test_a_request_span_keeps_its_route_and_loses_its_path_and_query(tmp_path: Path) -> None:
    telemetry = Telemetry.from_environment("evidence", tmp_path)
    app = FastAPI()

    @app.get("/inspections/{inspection_id}/cases/{case_reference}")
    async def case(inspection_id: str, case_reference: str) -> dict[str, str]:
        return {"case_reference": case_reference}

    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=telemetry.tracer_provider, exclude_spans=["receive", "send"]
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        answer = await http.get(f"/inspections/i-1/cases/{CASE}", params={"case_reference": CASE})
    assert answer.json() == {"case_reference": CASE}
    telemetry.shutdown()

    [span] = read_spans([tmp_path / "traces-evidence.jsonl"])
    assert span["name"] == "GET /inspections/{inspection_id}/cases/{case_reference}"
    assert span["attributes"]["http.route"] == "/inspections/{inspection_id}/cases/{case_reference}"
    assert span["attributes"]["http.response.status_code"] == 200
    assert URL_ATTRIBUTES.isdisjoint(span["attributes"]), span["attributes"]
    assert CASE not in (tmp_path / "traces-evidence.jsonl").read_text()
