"""Fuzzing every service's OpenAPI with schemathesis: valid and invalid requests to every operation, by
callers of every role, must never get a 5xx.

Cases are drawn from schemathesis's strategies for each operation, in both its positive mode (requests
the schema allows) and its negative mode (requests it does not), and sent to the service running on the
real broker and database. JIP_FUZZ_EXAMPLES sets how many of each are drawn per operation (default 8);
the test prints how many cases ran (`-s` shows it)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis.errors import NonInteractiveExampleWarning, Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core import NotSet
from schemathesis.core.result import Ok

from services.evidence.app import build as evidence
from services.judgement.app import build as judgement
from services.lscb.app import build as lscb
from services.reporting.app import build as reporting
from services.scheduling.app import build as scheduling
from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from tests.helpers import actor, auditor, chair, running

EXAMPLES = int(os.environ.get("JIP_FUZZ_EXAMPLES", "8"))
CALLERS = (
    actor("ofsted", "lead_inspector"),
    actor("cqc", "inspector"),
    actor("ofsted", "quality_assurer"),
    chair("E08000036"),
    auditor(),
)


def cases(service: Service) -> list[Any]:
    """Every operation's drawn cases, valid and invalid."""
    schema = schemathesis.openapi.from_dict(service.app.openapi())
    drawn = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), f"{service.name}'s OpenAPI document does not load: {result}"
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode)
                try:
                    drawn += [strategy.example() for _ in range(EXAMPLES)]
                except Unsatisfiable:  # nothing to get wrong: an operation with no parameters or body
                    continue
    return drawn


@pytest.mark.parametrize(
    "build",
    [scheduling, evidence, judgement, lscb, reporting],
    ids=["scheduling", "evidence", "judgement", "lscb", "reporting"],
)
async def test_no_request_to_any_operation_gets_a_server_error(
    settings: Settings, build: Callable[[Settings], Service]
) -> None:
    service = build(settings)
    sent = unsendable = 0
    errors: list[str] = []
    async with running(service) as client:
        for n, case in enumerate(cases(service)):
            headers = {**{k: str(v) for k, v in (case.headers or {}).items()}, **CALLERS[n % len(CALLERS)]}
            body = None if isinstance(case.body, NotSet) else case.body
            try:
                request = client.build_request(
                    case.method, case.formatted_path, params=case.query or None, json=body, headers=headers
                )
            except (TypeError, ValueError, UnicodeEncodeError, httpx.InvalidURL):
                unsendable += 1  # not a request any client could send (e.g. a header that is not text)
                continue
            response = await client.send(request)
            sent += 1
            # /health answers 503 when the database or broker is slow to answer: its job, not a fault
            health = case.formatted_path == "/health" and response.status_code == 503
            if response.status_code >= 500 and not health:
                errors.append(
                    f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}"
                )
    print(
        f"\n{service.name}: {sent} fuzzed requests sent, {unsendable} unsendable, {len(errors)} server errors"
    )
    assert sent > 0
    assert not errors, "\n".join(errors[:20])
