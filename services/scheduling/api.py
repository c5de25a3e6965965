"""Scheduling's HTTP API: thin. Parse, build a command, hand it on. The routes live in
services/scheduling/routes/, one module per resource; this module gathers them behind who may call each
command and who may read each inspection."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from shared.mechanics.auth import INSPECTORS, LEAD, authorise
from shared.views.taking_part import reads

from . import views
from .routes import inspections, notice, programmes, rounds, teams

# Who may call each command (shared/mechanics/auth.py); reads are for READERS, of the inspections their
# inspectorate takes part in (shared/views/taking_part.py). The lead inspectorate's lead inspector schedules
# and notifies; each inspectorate's lead registers and deploys its own inspectors.
ACCESS = {
    ("POST", "/rounds"): LEAD,
    ("POST", "/inspections"): LEAD,
    ("POST", "/inspections/{inspection_id}/notifications"): LEAD,
    ("POST", "/inspections/{inspection_id}/participants"): LEAD,
    ("POST", "/inspections/{inspection_id}/reschedule"): LEAD,
    ("POST", "/inspections/{inspection_id}/cancel"): LEAD,
    ("POST", "/inspections/{inspection_id}/team"): LEAD,
    ("POST", "/inspections/{inspection_id}/team/{inspector_id}/release"): LEAD,
    ("POST", "/inspectors"): LEAD,
    ("POST", "/inspectors/{inspector_id}/unavailability"): INSPECTORS,
}
router = APIRouter(dependencies=[Depends(authorise(ACCESS)), Depends(reads(views.taking_part))])
for resource in (programmes, rounds, inspections, notice, teams):
    router.include_router(resource.router)
