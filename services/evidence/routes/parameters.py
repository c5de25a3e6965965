"""What evidence's routes take besides their bodies and the Handling (shared/mechanics/commands.py): the
version the caller expects (`If-Match`), and a case reference in the path."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from shared.mechanics.http import expected_version

IfMatch = Annotated[int | None, Depends(expected_version)]
CaseInPath = Annotated[
    str, Path(pattern=r"^[A-Z0-9][A-Z0-9-]{2,31}$", description="the area's case reference")
]
