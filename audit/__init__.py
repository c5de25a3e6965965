"""What an auditor does with the event log, read from its start without asking any service: shared by the
`jip audit` command (jip/audit.py) and the workspace's auditor pages (services/workspace/audit.py).

- log.py: reading the events topics, and verifying them (every record an envelope of a known event type and
  version, every stream's versions contiguous, every hash chain whole), each problem named with its topic,
  partition and offset. Signed checkpoints and the checks a chain alone cannot make (issue 21) go there.
- inspection.py: one inspection's history from the log (the envelopes as published), its timeline, and the
  inspection as it stood at a moment, replayed with the platform's own folds.

The exceptions below are the auditor's: the CLI prints them as one line, the workspace as a page."""

from __future__ import annotations


class LogUnreachable(Exception):
    """The events topics could not be read: the broker did not answer, or refused the connection."""


class NotYet(Exception):
    """The moment asked for is before the inspection was scheduled: it did not exist yet."""
