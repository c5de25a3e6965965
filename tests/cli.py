"""For the CLI's unit tests: swap the one client every command calls a service through (`jip.client.Service`)
for a stand-in that records each request and answers it from a table, so no service is needed."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from jip import client


class FakeService:
    """Stands in for `Service.call` (jip/client.py): records each request, with the service it was sent to,
    and answers as that service would, from `answers` by method and path."""

    def __init__(self, answers: dict[tuple[str, str], Any]) -> None:
        self.answers = answers
        self.requests: list[tuple[str, str, Any, dict[str, str] | None, str]] = []

    def __call__(
        self,
        args: argparse.Namespace,
        method: str,
        path: str,
        body: Any = None,
        *,
        service: str = "scheduling",
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> Any:
        self.requests.append((method, path, body, headers, service))
        return self.answers[method, path]


def answering(monkeypatch: pytest.MonkeyPatch, answers: dict[tuple[str, str], Any]) -> FakeService:
    """Every service the commands call answers from `answers`, for the rest of the test."""
    fake = FakeService(answers)
    monkeypatch.setattr(client.Service, "call", lambda svc, *a, **k: fake(*a, service=svc.name, **k))
    return fake
