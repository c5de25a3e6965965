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
    PROBATION = "probation"  # probation providers: NPS and CRCs (004 §84-90)
    YOUTH_OFFENDING_TEAM = "youth_offending_team"  # 004 §91-97
    CUSTODY = "custody"  # young offender institutions, immigration removal centres (002 §11)
    CPS = "cps"  # the Crown Prosecution Service, inspected by HMCPSI when triggered (002 §33)
    LSCB = "lscb"  # the Local Safeguarding Children Board
    PARTNERSHIP = "partnership"  # the local partnership as a whole (001 Proposal four)


class Grade(StrEnum):
    """The points of every graded scale in the seeds; each programme names the ones it uses."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    ADEQUATE = "adequate"  # 2012 scales (002 §24)
    REQUIRES_IMPROVEMENT = "requires_improvement"  # 2014 scale (004 §29)
    INADEQUATE = "inadequate"


Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
# Cases carry pseudonymous references issued by the area, never names (domain.md, Data protection).
CaseReference = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{2,31}$")]
ItemId = Annotated[str, Field(min_length=1, max_length=64)]
