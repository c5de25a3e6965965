"""Event types, their schema versions and upcasters: old events must always still load."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.mechanics.envelope import Envelope
from shared.mechanics.errors import MalformedEvent

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class Event(BaseModel):
    """An immutable fact. Subclasses name their type and schema version; a new version adds an
    upcaster from the previous one to `upcasters` (keyed by the version it upgrades from)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    upcasters: ClassVar[Mapping[int, Upcaster]] = {}
    # Its stream is about no one inspection (an area's calendar, an inspector's diary), though the event
    # may name one: the stream's own id is its Kafka key, as for an event that names no inspection.
    keyed_by_stream: ClassVar[bool] = False

    def key(self) -> str | None:
        """The inspection whose id is this event's Kafka key, or None where its stream's id is."""
        return None if self.keyed_by_stream else getattr(self, "inspection_id", None)


class InspectionEvent(Event):
    """An event about one inspection: its id is the Kafka key, so the inspection's events stay in order."""

    inspection_id: str


class EventCatalogue:
    def __init__(self, events: Iterable[type[Event]]) -> None:
        self._types: dict[str, type[Event]] = {}
        for cls in events:
            if cls.event_type in self._types:
                raise ValueError(f"event type {cls.event_type} is registered twice")
            missing = [v for v in range(1, cls.schema_version) if v not in cls.upcasters]
            if missing:
                raise ValueError(f"{cls.event_type} v{cls.schema_version} has no upcaster from v{missing}")
            self._types[cls.event_type] = cls

    def __contains__(self, event_type: str) -> bool:
        return event_type in self._types

    def types(self) -> list[type[Event]]:
        return list(self._types.values())

    def current_version(self, event_type: str) -> int | None:
        """The schema version this code writes and reads up to; None for a type it does not know."""
        cls = self._types.get(event_type)
        return cls.schema_version if cls else None

    def decode(self, envelope: Envelope) -> Event:
        """The envelope's payload as its event model at the current schema version."""
        cls = self._types.get(envelope.event_type)
        if cls is None:
            raise MalformedEvent(f"unknown event type {envelope.event_type}")
        if envelope.schema_version > cls.schema_version:
            raise MalformedEvent(
                f"{envelope.event_type} v{envelope.schema_version} is newer than this "
                f"service understands (v{cls.schema_version}): upgrade the service"
            )
        payload = dict(envelope.payload)
        for version in range(envelope.schema_version, cls.schema_version):
            payload = cls.upcasters[version](payload)
        try:
            event = cls.model_validate(payload)
        except ValidationError as exc:
            raise MalformedEvent(f"{envelope.event_type} payload is invalid: {_summary(exc)}") from exc
        named = getattr(event, "inspection_id", None)
        if named != envelope.inspection_id:
            raise MalformedEvent(
                f"{envelope.event_type} payload names inspection {named} but "
                f"its envelope names {envelope.inspection_id}"
            )
        return event


def parse_envelope(raw: bytes) -> Envelope:
    try:
        return Envelope.model_validate_json(raw)
    except ValidationError as exc:
        raise MalformedEvent(f"not an event envelope: {_summary(exc)}") from exc


def _summary(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:5])
