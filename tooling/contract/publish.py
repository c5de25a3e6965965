"""Publishing the contract: `generate` writes into the contract folder what the catalogue has that is new
or changed, refusing when a committed version could no longer be read; `check` says what it would do,
writing nothing (`jip contracts generate`, `jip contracts check`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from shared.mechanics.catalogue import EventCatalogue
from shared.mechanics.contract import ASYNCAPI, CHECKPOINT, CONTRACT_DIR, ENVELOPE, SCHEMAS, schema_path
from tooling.contract.asyncapi import Consumer, asyncapi, service_consumers
from tooling.contract.compatibility import breaking_changes, current_of, incompatibilities, normalised
from tooling.contract.schemas import checkpoint_schema, committed, envelope_schema, event_schema, render

DOCS_BASE_VARIABLE = "JIP_CONTRACT_DOCS_BASE"  # where docs/ is published, for `jip contracts generate`


@dataclass
class Outcome:
    """What `generate` did, or would do (`check`), to the contract folder; paths relative to it."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # a published version whose wording alone differs
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def planned_files(
    catalogue: EventCatalogue, consumers: Sequence[Consumer] | None = None, docs_base: str | None = None
) -> dict[str, str]:
    """Every file the catalogue generates now: its current versions' schemas, the envelope, the checkpoint
    and AsyncAPI (linking to the docs published at `docs_base`, if given)."""
    files = {schema_path(e.event_type, e.schema_version): render(event_schema(e)) for e in catalogue.types()}
    files[ENVELOPE] = render(envelope_schema())
    files[CHECKPOINT] = render(checkpoint_schema())
    found = service_consumers() if consumers is None else consumers
    files[ASYNCAPI] = render(asyncapi(catalogue, found, docs_base))
    return files


def generate(
    catalogue: EventCatalogue,
    directory: Path = CONTRACT_DIR,
    *,
    write: bool = True,
    consumers: Sequence[Consumer] | None = None,
    docs_base: str | None = None,
) -> Outcome:
    """Write what is new or changed into `directory`: a version's schema only if it is not there yet, the
    envelope and AsyncAPI whenever they changed. Nothing is written if a problem is found: a committed
    version the catalogue can no longer read, a committed version file the model would change, or an
    earlier version's file missing."""
    outcome = Outcome()
    published = committed(directory)
    outcome.problems += incompatibilities(published, current_of(catalogue))
    writes: dict[Path, str] = {}
    for relative, text in planned_files(catalogue, consumers, docs_base).items():
        path = directory / relative
        before = path.read_text() if path.is_file() else None
        if before == text:
            outcome.unchanged.append(relative)
        elif before is None or not relative.startswith(f"{SCHEMAS}/"):
            writes[path] = text
            outcome.written.append(relative)
        elif normalised(json.loads(before)) == normalised(json.loads(text)):
            outcome.kept.append(relative)  # only the wording differs: a published version keeps its own
        elif not breaking_changes(json.loads(before), json.loads(text)):
            # (A breaking change is among the incompatibilities already.)
            outcome.problems.append(
                f"{relative} would change. The change is compatible (old events still load), but a "
                "published version never changes: consumers that validate against it would refuse what is "
                "now written. Bump its schema_version, with an upcaster that returns the payload as it is"
            )
    for event in catalogue.types():
        versions = published.get(event.event_type, {})
        for version in range(1, event.schema_version):
            if version not in versions:
                outcome.problems.append(
                    f"{schema_path(event.event_type, version)} is missing: every version ever published "
                    "stays in the folder (restore it from the repository's history)"
                )
    if write and outcome.ok:
        for path, text in writes.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return outcome


def check(catalogue: EventCatalogue, directory: Path = CONTRACT_DIR, docs_base: str | None = None) -> Outcome:
    """What `generate` would do, writing nothing. The folder is up to date when nothing would be written
    and no problem is found."""
    outcome = generate(catalogue, directory, write=False, docs_base=docs_base)
    outcome.problems += [
        f"{relative} is not up to date: run `jip contracts generate`" for relative in outcome.written
    ]
    return outcome
