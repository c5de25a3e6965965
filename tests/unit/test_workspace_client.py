"""The workspace's one client of the services (services/workspace/client.py): each refusal becomes a
Refusal with the service's words and rule; what cannot be reached is Unavailable; every call carries the
user's own token."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from services.workspace.client import Client, Refusal, Unavailable, refusal_of
from services.workspace.models import EvidenceFile

URLS = {name: f"http://{name}.test" for name in ("scheduling", "evidence", "judgement", "lscb", "reporting")}


def test_a_rule_violation_keeps_the_services_words_and_rule() -> None:
    body = {
        "error": "rule_violation",
        "detail": "fieldwork must start on a Monday",
        "rule": "001 Proposal two",
    }
    refused = refusal_of("scheduling", httpx.Response(422, json=body))
    assert (refused.service, refused.status, refused.error) == ("scheduling", 422, "rule_violation")
    assert (refused.detail, refused.rule) == ("fieldwork must start on a Monday", "001 Proposal two")
    assert not refused.conflict
    assert not refused.signed_out


def test_a_validation_error_list_reads_as_its_messages() -> None:
    body = {"detail": [{"loc": ["body", "area"], "msg": "Field required"}, {"msg": "Input should be a date"}]}
    refused = refusal_of("scheduling", httpx.Response(422, json=body))
    assert (refused.error, refused.detail, refused.rule) == (
        "invalid_request",
        "Field required; Input should be a date",
        None,
    )


def test_a_refusal_that_is_not_json_still_says_who_refused_and_how() -> None:
    refused = refusal_of("reporting", httpx.Response(403, text="<html>Forbidden</html>"))
    assert (refused.error, refused.detail, refused.rule) == (
        "forbidden",
        "the reporting service refused this (403)",
        None,
    )


def test_a_conflict_and_an_expired_token_are_told_apart() -> None:
    conflict = refusal_of("scheduling", httpx.Response(409, json={"error": "conflict", "detail": "moved on"}))
    expired = refusal_of("scheduling", httpx.Response(401, json={"error": "unauthenticated", "detail": "x"}))
    assert conflict.conflict
    assert not conflict.signed_out
    assert expired.signed_out
    assert not expired.conflict


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
async def answering() -> AsyncIterator[Callable[[Handler], Client]]:
    clients: list[httpx.AsyncClient] = []

    def make(handler: Handler) -> Client:
        clients.append(httpx.AsyncClient(transport=httpx.MockTransport(handler)))
        return Client(clients[-1], URLS, "the-users-token")

    yield make
    for http in clients:
        await http.aclose()


async def test_every_call_carries_the_users_token_and_the_version_it_read(
    answering: Callable[[Handler], Client],
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"notice_started": True, "evidence_closed": False, "cancelled": False}
        )

    client = answering(handler)
    found = await client.evidence_file("i-1")
    await client.request("scheduling", "POST", "/inspections/i-1/notifications", json={}, version=3)
    assert found == EvidenceFile(notice_started=True, evidence_closed=False, cancelled=False)
    assert [str(r.url) for r in seen] == [
        "http://evidence.test/inspections/i-1",
        "http://scheduling.test/inspections/i-1/notifications",
    ]
    assert {r.headers["authorization"] for r in seen} == {"Bearer the-users-token"}
    assert seen[1].headers["if-match"] == '"3"'


async def test_a_refusal_is_raised_with_its_rule_and_a_404_read_is_none(
    answering: Callable[[Handler], Client],
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "evidence.test":
            return httpx.Response(404, json={"error": "not_found", "detail": "unknown inspection"})
        body = {"error": "forbidden", "detail": "only the lead inspectorate", "rule": "001 Part 1"}
        return httpx.Response(403, json=body)

    client = answering(handler)
    assert await client.evidence_file("i-1") is None  # evidence has not heard of it yet
    with pytest.raises(Refusal) as refused:
        await client.notify("i-1", "lscb_chair", None, 1)
    assert (refused.value.status, refused.value.rule) == (403, "001 Part 1")


async def test_a_failing_or_unreachable_service_is_unavailable(
    answering: Callable[[Handler], Client],
) -> None:
    def failing(_: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"error": "unavailable"})

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(Unavailable, match="scheduling service is not available"):
        await answering(failing).inspections()
    with pytest.raises(Unavailable, match="ConnectError"):
        await answering(unreachable).clock()
