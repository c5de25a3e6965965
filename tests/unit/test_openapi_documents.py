"""Each service's OpenAPI document as an integrator's tooling reads it (shared/mechanics/openapi.py): valid
for `openapi-spec-validator`, every operation documenting the refusals it gives in the platform's own error
body (never FastAPI's HTTPValidationError), those bodies being what the services really answer, and the
/docs and /redoc pages loading every asset from the service itself, with no internet."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Query
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from pydantic import BaseModel
from pymongo.errors import ServerSelectionTimeoutError

from services.evidence.app import build as evidence
from services.judgement.app import build as judgement
from services.lscb.app import build as lscb
from services.reporting.app import build as reporting
from services.scheduling.app import build as scheduling
from shared.mechanics.auth import authenticated
from shared.mechanics.errors import ConcurrencyConflict, Forbidden, NotFound, RuleViolation
from shared.mechanics.http import COMMAND_METHODS, install_error_handlers
from shared.mechanics.openapi import ANSWERS, ASSETS, ServiceAPI
from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from tests.helpers import actor, auditor, chair

BUILD: dict[str, Callable[[Settings], Service]] = {
    "scheduling": scheduling,
    "evidence": evidence,
    "judgement": judgement,
    "lscb": lscb,
    "reporting": reporting,
}
SOME_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def documents(public_key: Path) -> dict[str, dict[str, Any]]:
    return {
        name: build(Settings(auth_public_key_file=public_key)).app.openapi() for name, build in BUILD.items()
    }


def each_operation(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def body_schema(document: dict[str, Any], method: str, path: str, status: int) -> Draft202012Validator:
    """A validator for the body the operation documents for `status`, its references resolved."""
    responses = document["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} does not document {status}"
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": document["components"]})


def assert_documented(document: dict[str, Any], method: str, path: str, answer: httpx.Response) -> None:
    errors = [
        e.message for e in body_schema(document, method, path, answer.status_code).iter_errors(answer.json())
    ]
    assert not errors, (method, path, answer.status_code, answer.json(), errors)


# --- the documents ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUILD)
def test_each_service_openapi_document_is_valid_for_openapi_spec_validator(
    name: str, documents: dict[str, dict[str, Any]]
) -> None:
    document = documents[name]
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises OpenAPIValidationError, naming the path, if it is not valid OpenAPI 3.1


def test_no_operation_documents_fastapi_validation_error(documents: dict[str, dict[str, Any]]) -> None:
    for name, document in documents.items():
        text = json.dumps(document)
        assert "HTTPValidationError" not in text, name
        assert '"ValidationError"' not in text, name


def test_every_operation_documents_the_refusals_it_gives(documents: dict[str, dict[str, Any]]) -> None:
    checked = 0
    for name, document in documents.items():
        for method, path, operation in each_operation(document):
            documented = {int(status) for status in operation["responses"] if status[0] in "45"}
            where = f"{name} {method} {path}"
            if path.startswith("/health"):
                continue  # no token, no parameters: only /health's own 503, with the health body
            assert (401 in documented) == bool(operation.get("security")), (
                where
            )  # a token, where one is needed
            if "{" in path:
                assert 404 in documented, where
            if method in COMMAND_METHODS:
                assert {401, 403, 409, 413, 422, 503} <= documented, where
            if any(p["in"] == "query" for p in operation.get("parameters", ())):
                assert 422 in documented, where
            if any(p["name"].lower() == "if-match" for p in operation.get("parameters", ())):
                assert 400 in documented, where
            for status in documented & set(ANSWERS):
                schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
                refs = [schema] if "$ref" in schema else schema["oneOf"]
                for ref in refs:
                    assert ref["$ref"].rsplit("/", 1)[1] in document["components"]["schemas"], where
            checked += 1
    assert checked > 90


def test_reads_anyone_may_make_document_no_403(documents: dict[str, dict[str, Any]]) -> None:
    for name, document in documents.items():
        for path in ("/clock", "/contract/asyncapi.json", "/contract/envelope.json"):
            responses = document["paths"][path]["get"]["responses"]
            assert not {"400", "403", "404", "422", "503"} & set(responses), (name, path)
        assert "403" in document["paths"]["/clock/advance"]["post"]["responses"], name


# --- the bodies the services really answer -----------------------------------------------------------------


async def test_the_refusals_a_service_answers_are_the_bodies_it_documents(public_key: Path) -> None:
    service = evidence(Settings(auth_public_key_file=public_key, max_body_bytes=2048))
    document = service.app.openapi()
    record = "/inspections/{inspection_id}/evidence"
    amend = "/inspections/{inspection_id}/evidence/{evidence_item_id}/amendments"
    inspector = actor("ofsted")
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://evidence") as client:
        url = f"/inspections/{SOME_ID}/evidence"
        unauthenticated = await client.post(url, json={})
        assert unauthenticated.status_code == 401
        assert unauthenticated.headers["WWW-Authenticate"].startswith("Bearer")
        assert_documented(document, "POST", record, unauthenticated)

        forbidden = await client.post(url, json={}, headers=chair("E08000036"))
        assert forbidden.status_code == 403
        assert_documented(document, "POST", record, forbidden)

        invalid = await client.post(url, json={"summary": 3}, headers=inspector)
        assert (invalid.status_code, invalid.json()["error"]) == (422, "invalid_request")
        assert_documented(document, "POST", record, invalid)

        too_large = await client.post(url, content=b"{" + b" " * 4096 + b"}", headers=inspector)
        assert too_large.status_code == 413
        assert_documented(document, "POST", record, too_large)

        bad_if_match = await client.post(
            f"/inspections/{SOME_ID}/evidence/{SOME_ID}/amendments",
            json={},
            headers={**inspector, "If-Match": "yesterday"},
        )
        assert bad_if_match.status_code == 400
        assert_documented(document, "POST", amend, bad_if_match)

        template = "/contract/schemas/{event_type}/v{version}.json"
        unknown = await client.get("/contract/schemas/evidence.Nothing/v1.json", headers=auditor())
        assert unknown.status_code == 404
        assert_documented(document, "GET", template, unknown)

        production = await client.post(
            "/clock/advance", json={"days": 1}, headers=actor("ofsted", "lead_inspector")
        )
        assert (production.status_code, production.json()["error"]) == (409, "conflict")
        assert "rule" in production.json()
        assert_documented(document, "POST", "/clock/advance", production)


class Finding(BaseModel):
    score: int


def refusing_app(public_key: Path) -> FastAPI:
    """The platform's error handlers on routes that refuse as a service's rules, event store and database
    would, each route documented as a service's is (a token needed, as everywhere)."""
    app = ServiceAPI(title="refusals", dependencies=[Depends(authenticated)])
    app.state.verifier = Settings(auth_public_key_file=public_key).verifier()
    install_error_handlers(app)

    @app.post("/rule/{inspection_id}")
    async def rule(inspection_id: str, finding: Finding, limit: int = Query(1)) -> None:
        raise RuleViolation("evidence gathering is closed", "001 Proposal two")

    @app.post("/forbidden/{inspection_id}")
    async def forbidden(inspection_id: str) -> None:
        raise Forbidden("another inspectorate's evidence", "001 §54")

    @app.post("/conflict/{inspection_id}")
    async def conflict(inspection_id: str) -> None:
        raise ConcurrencyConflict(f"evidence-{inspection_id}", 3, 4)

    @app.post("/unknown/{inspection_id}")
    async def unknown(inspection_id: str) -> None:
        raise NotFound(f"inspection {inspection_id} is not known")

    @app.post("/deeper/{inspection_id}")
    async def deeper(inspection_id: str) -> None:
        Finding.model_validate({"score": "high"})  # a value only a deeper model refuses: a pydantic error

    @app.post("/outage/{inspection_id}")
    async def outage(inspection_id: str) -> None:
        raise ServerSelectionTimeoutError("no server")

    return app


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/rule/{inspection_id}", 422, "rule_violation"),
        ("/forbidden/{inspection_id}", 403, "forbidden"),
        ("/conflict/{inspection_id}", 409, "conflict"),
        ("/unknown/{inspection_id}", 404, "not_found"),
        ("/deeper/{inspection_id}", 422, "invalid_request"),
        ("/outage/{inspection_id}", 503, "unavailable"),
    ],
)
async def test_refusals_from_rules_streams_and_the_database_match_their_documented_bodies(
    path: str, status: int, error: str, public_key: Path
) -> None:
    app = refusing_app(public_key)
    document = app.openapi()
    body = {"score": 1} if path.startswith("/rule") else None
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://service", headers=auditor()
    ) as client:
        answer = await client.post(path.replace("{inspection_id}", SOME_ID), json=body)
    assert (answer.status_code, answer.json()["error"]) == (status, error)
    assert_documented(document, "POST", path, answer)
    if status == 503:
        assert answer.headers["Retry-After"].isdigit()


async def test_a_request_that_does_not_validate_gets_the_documented_invalid_request(public_key: Path) -> None:
    app = refusing_app(public_key)
    document = app.openapi()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://service", headers=auditor()
    ) as client:
        answer = await client.post(f"/rule/{SOME_ID}?limit=many", json={"score": "high"})
    assert (answer.status_code, answer.json()["error"]) == (422, "invalid_request")
    assert {tuple(e["loc"]) for e in answer.json()["errors"]} == {("query", "limit"), ("body", "score")}
    assert_documented(document, "POST", "/rule/{inspection_id}", answer)


# --- the pages, offline ------------------------------------------------------------------------------------


ASSET = re.compile(
    r"""(?:src|href|spec-url)="([^"]+)"|url: '([^']+)'|window\.location\.origin \+ '([^']+)'"""
)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_docs_pages_load_every_asset_from_the_service(page: str, public_key: Path) -> None:
    service = evidence(Settings(auth_public_key_file=public_key))
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://evidence") as client:
        html = await client.get(page)
        assert html.status_code == 200
        assert "text/html" in html.headers["content-type"]
        assert not re.search(r"https?://", html.text), "the page names another server"
        assets = [next(a for a in match if a) for match in ASSET.findall(html.text)]
        assert "/openapi.json" in assets
        assert any(a.startswith(f"{ASSETS}/") and a.endswith(".js") for a in assets)
        for asset in assets:
            assert asset.startswith("/"), asset
            answer = await client.get(asset)
            assert answer.status_code == 200, asset
            assert len(answer.content) > 100, asset
        if page == "/docs":
            script = await client.get(f"{ASSETS}/swagger-ui-bundle.js")
            assert "javascript" in script.headers["content-type"]
            assert "SwaggerUIBundle" in script.text
