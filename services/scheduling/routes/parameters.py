"""What scheduling's routes take besides their bodies: the command's context, the version the caller
expects, and paging; and the base of every request body, which refuses fields it does not know."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict

from shared.mechanics.eventstore import CommandContext
from shared.mechanics.http import MAX_OFFSET, command_context, expected_version

Context = Annotated[CommandContext, Depends(command_context)]
ExpectedVersion = Annotated[int | None, Depends(expected_version)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
