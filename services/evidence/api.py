"""Evidence's HTTP API: thin. Parse, build a command (commands.py), hand it to the service's pipeline
(handlers.handle). The routes live in services/evidence/routes/, one module per resource; this module
gathers them behind who may call each command and who may read each inspection.

Commands answer with the stream's version in `ETag`; send it back in `If-Match` to correct an item
only if nobody has changed it since you read it (409 otherwise)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from shared.mechanics.auth import INSPECTORS, LEAD, authorise
from shared.views.taking_part import reads

from . import handlers
from .routes import cases, items, lines, samples

# Who may call each command (shared/mechanics/auth.py); reads are for READERS, of the inspections their
# inspectorate takes part in (shared/views/taking_part.py). Inspectors record for their own inspectorate, in
# inspections it takes part in: the service's rules check that.
ACCESS = {
    ("POST", "/inspections/{inspection_id}/evidence"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/evidence/{evidence_item_id}/amendments"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/evidence/{evidence_item_id}/withdrawal"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/samples/{sample}/cases"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/samples/{sample}/cases/{case_reference}/removal"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/closure"): LEAD,
    ("POST", "/inspections/{inspection_id}/cases/{case_reference}/erasure"): LEAD,
    ("POST", "/inspections/{inspection_id}/lines-of-enquiry"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/answers"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/closure"): INSPECTORS,
}
router = APIRouter(
    tags=["evidence"], dependencies=[Depends(authorise(ACCESS)), Depends(reads(handlers.taking_part))]
)
for resource in (items, samples, lines, cases):
    router.include_router(resource.router)
