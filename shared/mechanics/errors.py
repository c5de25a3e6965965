"""Errors that entrypoints turn into clear answers (HTTP 4xx, dead letters), never into tracebacks."""

from __future__ import annotations


class RuleViolation(Exception):
    """A command broke a rule of the inspection; `rule` cites the source paragraph (e.g. 001 Proposal two)."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule


class Forbidden(RuleViolation):
    """The caller's role may call the endpoint, but not here: an inspection its inspectorate does not take
    part in, another inspectorate's work, the lead's work, another area. 403, logged and counted like
    every refusal of access, citing the rule (or "access" where the rule is the platform's own)."""

    def __init__(self, message: str, rule: str = "access") -> None:
        super().__init__(message, rule)


class NotFound(Exception):
    """The command or query names something this service does not know."""


class InspectionNotKnown(NotFound):
    """A service learns of inspections only from scheduling's events: this one has not reached it."""

    def __init__(self, service: str, inspection_id: str) -> None:
        super().__init__(
            f"inspection {inspection_id} is not known to the {service} service: it has not been "
            "scheduled, or its scheduling has not reached this service yet (retry in a moment)"
        )


class ConcurrencyConflict(Exception):
    """The stream moved on since the caller read it: nothing was written."""

    def __init__(self, stream_id: str, expected: int, actual: int | None) -> None:
        found = "a concurrent write" if actual is None else f"version {actual}"
        super().__init__(
            f"stream {stream_id} was expected at version {expected} but has {found}; "
            "nothing was written: read it again and retry"
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class MalformedEvent(Exception):
    """A message that cannot be read as a known event: it goes to the dead-letter topic."""
