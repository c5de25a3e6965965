"""What an auditor does with the event log, read from its start without asking any service: shared by the
`jip audit` command (jip/commands/audit.py) and the workspace's auditor pages (services/workspace/audit.py).

- batches.py: the events topics read batch by batch, as the broker stores them, past what it cannot serve;
  answers.py: each partition's answer read (pure): a batch whose CRC does not match its bytes, and offsets
  no batch holds, are named, and the reading carries on.
- log.py: verifying them (every record an envelope of a known event type and version, every stream's
  versions contiguous, every hash chain whole), each problem named with its topic, partition and offset.
- checkpoints.py: signed checkpoints of every stream's head and every partition's end, published and kept,
  and the log proven against a kept one: what a chain alone cannot see (a changed last event, a truncated
  or rolled-back partition). watch.py: the checkpointer that takes them at every final report and hourly.
- inspection.py: one inspection's history from the log (the envelopes as published, exactly which events
  it says), its timeline, and the inspection as it stood at a moment, replayed with the platform's folds.

The exceptions below are the auditor's: the CLI prints them as one line, the workspace as a page."""

from __future__ import annotations


class LogUnreachable(Exception):
    """The events topics could not be read: the broker did not answer, or refused the connection."""


class NotYet(Exception):
    """The moment asked for is before the inspection was scheduled: it did not exist yet."""
