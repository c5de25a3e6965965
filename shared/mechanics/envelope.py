"""The one envelope every event travels in, on the wire and in each service's event store."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_serializer

from shared.mechanics.clock import CLOCK
from shared.mechanics.signing import Inspectorate as Inspectorate

# Correlation ids may come from other inspectorates' systems, so they are strings, not UUIDs.
IDENTIFIER_PATTERN = r"^[A-Za-z0-9._:-]+$"
Identifier = Annotated[str, Field(min_length=1, max_length=128, pattern=IDENTIFIER_PATTERN)]
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Actor(BaseModel):
    """Who caused an event: the inspectorate (none for the platform itself), the role and the user."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inspectorate: Inspectorate | None
    role: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
    user: Identifier


def stamp(moment: datetime) -> str:
    """A time as envelopes are written: always six fractional digits, so stored envelopes sort and compare
    by time as text (pydantic would write a whole second as "...:00Z", after "...:00.5Z" of that second)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    return str(uuid4())


def utc_now() -> datetime:
    """The platform's clock (shared/mechanics/clock.py): the real time, or on a rehearsal platform the time
    its clock was moved to. Millisecond precision, so an event reads back from any store exactly as
    written."""
    now = CLOCK.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class Envelope(BaseModel):
    """Metadata around one event's payload. The payload stays a plain dict here; the catalogue
    upcasts and validates it into the event's model (shared.mechanics.catalogue)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: Identifier
    event_type: Annotated[str, Field(min_length=1, max_length=128)]
    schema_version: Annotated[int, Field(ge=1)]
    stream_id: Identifier
    stream_version: Annotated[int, Field(ge=1)]
    inspection_id: Identifier | None  # the inspection the event is about, if it is about one
    occurred_at: AwareDatetime
    actor: Actor
    correlation_id: Identifier
    causation_id: Identifier | None = None
    # The digest of the stream's previous event (None for a stream's first): a chain that shows tampering.
    previous_hash: Digest | None = None
    payload: dict[str, Any]

    @field_serializer("occurred_at")
    def _fixed_width(self, occurred_at: datetime) -> str:
        return stamp(occurred_at)

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()

    def digest(self) -> str:
        """The sha256 of the envelope as published: what the stream's next event names as previous."""
        return digest_of(self.model_dump(mode="json"))


def digest_of(published: dict[str, Any]) -> str:
    """The sha256 of an envelope read back as JSON: its keys sorted, no spaces, unicode as is."""
    canonical = json.dumps(published, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
