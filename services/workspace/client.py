"""The one typed client of the five services' HTTP APIs, as the signed-in user: every call carries their
own bearer token, so each service decides what they may read and do, by its own rules.

A refusal (a 4xx answer, `{"error", "detail", "rule"}`) becomes a `Refusal` carrying the service's words
and the rule it cites, for the page to show in its error summary; a 409 is a `Refusal` whose `conflict`
is true (someone else changed it first). A service that cannot be reached, or answers 5xx, is
`Unavailable`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

import httpx

from .evidence_models import EvidenceItem, ItemHistory, KnownInspection, Line, Samples, Triangulation
from .judging_models import Board, BoardEvaluation, FindingsRules, RecordedFinding
from .models import (
    Area,
    Clock,
    Evaluation,
    EvidenceFile,
    Inspection,
    Inspector,
    JudgementBoard,
    Lifecycle,
    NotificationPlan,
    Programme,
    Read,
    ReportEntry,
)

M = TypeVar("M", bound=Read)

# What each status means when the answer does not say (a proxy's page, an empty body).
KINDS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
}


class Refusal(Exception):
    """A service refused: its status, the kind of error, its words and the rule it cites, if any."""

    def __init__(self, service: str, status: int, error: str, detail: str, rule: str | None = None) -> None:
        super().__init__(f"{service} answered {status}: {detail}")
        self.service, self.status, self.error, self.detail, self.rule = service, status, error, detail, rule

    @property
    def conflict(self) -> bool:
        """Someone else changed it since it was read (409)."""
        return self.status == 409

    @property
    def signed_out(self) -> bool:
        """The token is no longer accepted (expired, or the key changed): sign in again."""
        return self.status == 401


class Unavailable(Exception):
    """A service could not be reached, or failed (5xx)."""

    def __init__(self, service: str, why: str) -> None:
        super().__init__(f"the {service} service is not available ({why}): try again in a moment")
        self.service = service


def _words(detail: Any) -> str | None:
    """The refusal's words: a string, or the messages of a validation error's list."""
    if isinstance(detail, str) and detail.strip():
        return detail.strip()
    if isinstance(detail, list):
        messages = [str(d.get("msg")) for d in detail if isinstance(d, dict) and d.get("msg")]
        return "; ".join(messages) or None
    return None


def refusal_of(service: str, response: httpx.Response) -> Refusal:
    """A 4xx answer as a Refusal, whatever its body: the services' `{"error", "detail", "rule"}`, FastAPI's
    own `{"detail": [...]}`, or something that is not JSON at all."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    status = response.status_code
    error = body.get("error") if isinstance(body.get("error"), str) else KINDS.get(status, "error")
    detail = _words(body.get("detail")) or f"the {service} service refused this ({status})"
    rule = body.get("rule") if isinstance(body.get("rule"), str) and body.get("rule") else None
    return Refusal(service, status, str(error), detail, rule)


class Client:
    """The five services, called as one user. `urls` maps each service's name to its base URL."""

    def __init__(self, http: httpx.AsyncClient, urls: Mapping[str, str], token: str | None) -> None:
        self.http, self.urls, self.token = http, urls, token

    async def request(
        self,
        service: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        version: int | None = None,
    ) -> httpx.Response:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if version is not None:  # optimistic concurrency: refused with 409 if it changed since
            headers["If-Match"] = f'"{version}"'
        try:
            response = await self.http.request(
                method, f"{self.urls[service]}{path}", json=json, params=params, headers=headers
            )
        except httpx.HTTPError as exc:
            raise Unavailable(service, type(exc).__name__) from None
        if response.status_code >= 500:
            raise Unavailable(service, f"it answered {response.status_code}")
        if response.status_code >= 400:
            raise refusal_of(service, response)
        return response

    async def read(self, model: type[M], service: str, path: str, **params: str) -> M:
        return model.model_validate((await self.request(service, "GET", path, params=params)).json())

    async def read_list(self, model: type[M], service: str, path: str, **params: str) -> list[M]:
        answer = (await self.request(service, "GET", path, params=params)).json()
        return [model.model_validate(item) for item in answer] if isinstance(answer, list) else []

    async def maybe(self, model: type[M], service: str, path: str) -> M | None:
        """The read, or None where the service does not know the inspection yet (it learns of it from
        scheduling's events, a moment after it is scheduled)."""
        try:
            return await self.read(model, service, path)
        except Refusal as refused:
            if refused.status == 404:
                return None
            raise

    async def send(
        self,
        model: type[M],
        service: str,
        method: str,
        path: str,
        body: Any = None,
        version: int | None = None,
    ) -> M:
        return model.model_validate(
            (await self.request(service, method, path, json=body, version=version)).json()
        )

    # --- the platform -------------------------------------------------------------------------------
    async def clock(self) -> Clock:
        return await self.read(Clock, "scheduling", "/clock")

    async def rehearsal(self) -> bool:
        """Whether the platform is a rehearsal one, from /health, which needs no token (the sign-in page)."""
        try:
            health = (await self.http.get(f"{self.urls['scheduling']}/health", timeout=3)).json()
        except (httpx.HTTPError, ValueError):
            return False
        return isinstance(health, dict) and health.get("environment") == "rehearsal"

    async def programmes(self) -> list[Programme]:
        return await self.read_list(Programme, "scheduling", "/programmes")

    async def programme(self, programme_id: str) -> Programme:
        return await self.read(Programme, "scheduling", f"/programmes/{programme_id}")

    async def areas(self, on: date) -> list[Area]:
        """The areas existing on `on`, as the register has them."""
        return await self.read_list(Area, "scheduling", "/areas", limit="1000", on=on.isoformat())

    # --- scheduling ---------------------------------------------------------------------------------
    async def inspections(self) -> list[Inspection]:
        return await self.read_list(Inspection, "scheduling", "/inspections")

    async def inspection(self, inspection_id: str) -> Inspection:
        return await self.read(Inspection, "scheduling", f"/inspections/{inspection_id}")

    async def notification_plan(self, inspection_id: str) -> NotificationPlan:
        return await self.read(
            NotificationPlan, "scheduling", f"/inspections/{inspection_id}/notification-plan"
        )

    async def schedule(
        self, programme: str, area: str, fieldwork_starts: date, deep_dive_theme: str | None
    ) -> Inspection:
        body: dict[str, Any] = {
            "programme": programme,
            "area": area,
            "fieldwork_starts": str(fieldwork_starts),
        }
        if deep_dive_theme:
            body["deep_dive_theme"] = deep_dive_theme
        return await self.send(Inspection, "scheduling", "POST", "/inspections", body)

    async def notify(
        self, inspection_id: str, recipient: str, agency: str | None, version: int
    ) -> Inspection:
        body = {"recipient": recipient, **({"agency": agency} if agency else {})}
        path = f"/inspections/{inspection_id}/notifications"
        return await self.send(Inspection, "scheduling", "POST", path, body, version)

    async def inspectors(self, inspectorate: str | None = None) -> list[Inspector]:
        params = {"inspectorate": inspectorate} if inspectorate else {}
        return await self.read_list(Inspector, "scheduling", "/inspectors", **params)

    async def register_inspector(self, name: str) -> Inspector:
        return await self.send(Inspector, "scheduling", "POST", "/inspectors", {"name": name})

    async def assign(
        self, inspection_id: str, inspector_id: str, weeks: Sequence[int], version: int
    ) -> Inspection:
        body = {"inspector_id": inspector_id, "weeks": list(weeks)}
        return await self.send(
            Inspection, "scheduling", "POST", f"/inspections/{inspection_id}/team", body, version
        )

    # --- what the other services know of an inspection ----------------------------------------------
    async def evidence_file(self, inspection_id: str) -> EvidenceFile | None:
        return await self.maybe(EvidenceFile, "evidence", f"/inspections/{inspection_id}")

    async def judgement_board(self, inspection_id: str) -> JudgementBoard | None:
        return await self.maybe(JudgementBoard, "judgement", f"/inspections/{inspection_id}/judgements")

    async def findings(self, inspection_id: str) -> int | None:
        """How many findings are recorded; None where the judgement service does not know it yet."""
        try:
            answer = await self.request("judgement", "GET", f"/inspections/{inspection_id}/findings")
        except Refusal as refused:
            if refused.status == 404:
                return None
            raise
        found = answer.json()
        return len(found) if isinstance(found, list) else 0

    async def evaluation(self, inspection_id: str) -> Evaluation | None:
        return await self.maybe(Evaluation, "lscb", f"/inspections/{inspection_id}/evaluation")

    # --- reporting ----------------------------------------------------------------------------------
    async def lifecycle(self, inspection_id: str) -> Lifecycle | None:
        return await self.maybe(Lifecycle, "reporting", f"/inspections/{inspection_id}/report/lifecycle")

    async def reports(self) -> list[ReportEntry]:
        """The inspections' reports this user may read (not the rounds' overviews); for an LSCB chair,
        those of their own area sent to the partnership, with where each stands."""
        found = await self.read_list(ReportEntry, "reporting", "/documents", limit="1000")
        return [entry for entry in found if entry.inspection_id is not None]

    async def report(self, inspection_id: str, fmt: str) -> httpx.Response:
        """The rendered report (html or pdf), as this user may read it: a chair, as it was sent to them."""
        return await self.request(
            "reporting", "GET", f"/inspections/{inspection_id}/report", params={"format": fmt}
        )

    async def report_step(
        self, inspection_id: str, step: str, version: int | None, body: Any = None
    ) -> Lifecycle:
        path = f"/inspections/{inspection_id}/report/{step}"
        return await self.send(Lifecycle, "reporting", "POST", path, body, version)

    # --- evidence: items, samples, lines of enquiry, triangulation (journeys 2 and 3) -----------------
    async def known(self, inspection_id: str) -> KnownInspection:
        return await self.read(KnownInspection, "evidence", f"/inspections/{inspection_id}")

    async def evidence_items(self, inspection_id: str, **filters: str) -> list[EvidenceItem]:
        path = f"/inspections/{inspection_id}/evidence"
        return await self.read_list(EvidenceItem, "evidence", path, limit="1000", **filters)

    async def evidence_item(self, inspection_id: str, item_id: str) -> ItemHistory:
        return await self.read(ItemHistory, "evidence", f"/inspections/{inspection_id}/evidence/{item_id}")

    async def record_evidence(self, inspection_id: str, details: dict[str, Any]) -> EvidenceItem:
        path = f"/inspections/{inspection_id}/evidence"
        return await self.send(EvidenceItem, "evidence", "POST", path, details)

    async def correct_evidence(
        self, inspection_id: str, item_id: str, step: str, body: dict[str, Any], version: int
    ) -> EvidenceItem:
        """`step` is "amendments" (the reason and the item as it should stand) or "withdrawal"."""
        path = f"/inspections/{inspection_id}/evidence/{item_id}/{step}"
        return await self.send(EvidenceItem, "evidence", "POST", path, body, version)

    async def close_evidence(self, inspection_id: str, reason: str) -> Samples:
        """Evidence gathering closed (the lead inspectorate, on the last day of fieldwork); the evidence
        file (its samples) as it then stands."""
        path = f"/inspections/{inspection_id}/closure"
        return await self.send(Samples, "evidence", "POST", path, {"reason": reason})

    async def samples(self, inspection_id: str) -> Samples:
        return await self.read(Samples, "evidence", f"/inspections/{inspection_id}/samples")

    async def add_case(self, inspection_id: str, sample: str, case_reference: str, reason: str) -> Samples:
        path = f"/inspections/{inspection_id}/samples/{sample}/cases"
        body = {"case_reference": case_reference, "reason": reason}
        return await self.send(Samples, "evidence", "POST", path, body)

    async def lines(self, inspection_id: str) -> list[Line]:
        path = f"/inspections/{inspection_id}/lines-of-enquiry"
        return await self.read_list(Line, "evidence", path, limit="1000")

    async def line(self, inspection_id: str, line_id: str) -> Line:
        return await self.read(Line, "evidence", f"/inspections/{inspection_id}/lines-of-enquiry/{line_id}")

    async def line_step(self, inspection_id: str, step: str, body: dict[str, Any]) -> Line:
        """`step` is "" (raise), "{line}/answers" or "{line}/closure"."""
        path = f"/inspections/{inspection_id}/lines-of-enquiry" + (f"/{step}" if step else "")
        return await self.send(Line, "evidence", "POST", path, body)

    async def triangulation(self, inspection_id: str) -> Triangulation:
        return await self.read(Triangulation, "evidence", f"/inspections/{inspection_id}/triangulation")

    # --- journeys 4 and 5: findings, judgements, the board's evaluation ------------------------------
    async def findings_rules(self, programme_id: str) -> FindingsRules:
        """The programme's `judgements`: the kinds of finding it makes, and its scale."""
        answer = (await self.request("scheduling", "GET", f"/programmes/{programme_id}")).json()
        rules = answer.get("judgements") if isinstance(answer, dict) else None
        return FindingsRules.model_validate(rules or {})

    async def board(self, inspection_id: str) -> Board:
        return await self.read(Board, "judgement", f"/inspections/{inspection_id}/judgements")

    async def recorded_findings(self, inspection_id: str) -> list[RecordedFinding]:
        return await self.read_list(RecordedFinding, "judgement", f"/inspections/{inspection_id}/findings")

    async def evidence_profile(self, inspection_id: str) -> Triangulation:
        """The judgement service's evidence profile: the evidence a finding or judgement may cite."""
        path = f"/inspections/{inspection_id}/evidence-profile"
        return await self.read(Triangulation, "judgement", path)

    async def record_finding(self, inspection_id: str, body: dict[str, Any]) -> RecordedFinding:
        path = f"/inspections/{inspection_id}/findings"
        return await self.send(RecordedFinding, "judgement", "POST", path, body)

    async def judgement_step(
        self, inspection_id: str, at: str, method: str, body: Any, version: int | None
    ) -> None:
        """A judgement's command (`at`: "{agency}/{area}" and its step, if any), as this user."""
        path = f"/inspections/{inspection_id}/judgements/{at}"
        await self.request("judgement", method, path, json=body, version=version)

    async def board_evaluation(self, inspection_id: str) -> BoardEvaluation:
        return await self.read(BoardEvaluation, "lscb", f"/inspections/{inspection_id}/evaluation")

    async def evaluation_step(
        self, inspection_id: str, step: str, method: str, body: Any, version: int | None
    ) -> BoardEvaluation:
        path = f"/inspections/{inspection_id}/evaluation{step}"
        return await self.send(BoardEvaluation, "lscb", method, path, body, version)
