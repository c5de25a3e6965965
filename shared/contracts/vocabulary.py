"""Words the inspectorates share across contexts."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field


class Agency(StrEnum):
    """Who evidence, findings and notifications are about (domain.md; 001 Proposal two and four)."""

    LOCAL_AUTHORITY = "local_authority"
    HEALTH = "health"
    POLICE = "police"
    PROBATION = "probation"  # probation providers and youth offending teams (004 §82-99)
    CUSTODY = "custody"  # young offender institutions, immigration removal centres (002 §11)
    LSCB = "lscb"  # the Local Safeguarding Children Board
    PARTNERSHIP = "partnership"  # the local partnership as a whole (001 Proposal four)


Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
# Cases carry pseudonymous references issued by the area, never names (domain.md, Data protection).
CaseReference = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{2,31}$")]
ItemId = Annotated[str, Field(min_length=1, max_length=64)]
