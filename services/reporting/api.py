"""Reporting's HTTP API."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from shared.runtime import ServiceDep

from . import handlers

router = APIRouter(tags=["reporting"])


@router.get(
    "/inspections/{inspection_id}/findings-letter",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/markdown": {}}}},
    summary="The findings letter as Markdown, rebuilt from the event log",
)
async def findings_letter(inspection_id: str, service: ServiceDep) -> PlainTextResponse:
    letter = await handlers.findings_letter(service.db, inspection_id)
    return PlainTextResponse(letter, media_type="text/markdown; charset=utf-8")
