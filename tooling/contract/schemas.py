"""The contract's JSON Schemas: each event's payload at its current schema version, the envelope every
event travels in and the log's signed checkpoint, as `contract/schemas/<event_type>/v<N>.json`,
`contract/envelope.json` and `contract/checkpoint.json`; and the schemas already committed there, every
version ever published."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from audit.checkpoints import Checkpoint
from shared.mechanics.catalogue import Event
from shared.mechanics.contract import CONTRACT_DIR, SCHEMAS
from shared.mechanics.envelope import Envelope

Schema = dict[str, Any]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = "urn:jip:contract:"
_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.json$")


def render(document: Mapping[str, Any]) -> str:
    """A contract file's text: indented, keys in the order generated, non-ASCII as is (§)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def docstring_of(cls: type) -> str | None:
    """The class's own docstring, dedented, or None: a message's summary and description."""
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


def event_schema(event: type[Event]) -> Schema:
    """The JSON Schema of the event's payload at its current schema version."""
    generated = event.model_json_schema()
    generated.pop("title", None)
    generated.pop("description", None)
    header: Schema = {
        "$schema": DIALECT,
        "$id": f"{ID_PREFIX}{SCHEMAS}:{event.event_type}:v{event.schema_version}",
        "title": f"{event.event_type} v{event.schema_version}",
    }
    description = docstring_of(event)
    if description:
        header["description"] = description
    header["x-event-type"] = event.event_type
    header["x-schema-version"] = event.schema_version
    return {**header, **generated}


def envelope_schema() -> Schema:
    generated = Envelope.model_json_schema()
    generated.pop("title", None)
    generated.pop("description", None)
    return {
        "$schema": DIALECT,
        "$id": f"{ID_PREFIX}envelope",
        "title": "Envelope",
        "description": "Every event on the platform's topics travels in this envelope, as JSON: the event's "
        "type and schema version, its stream and position in it, when and by whom, the correlation and "
        "causation ids, the digest of the stream's previous event, and the payload, whose schema is "
        f"{SCHEMAS}/<event_type>/v<schema_version>.json.",
        **generated,
    }


def checkpoint_schema() -> Schema:
    generated = Checkpoint.model_json_schema()
    generated.pop("title", None)
    generated.pop("description", None)
    return {
        "$schema": DIALECT,
        "$id": f"{ID_PREFIX}checkpoint",
        "title": "Checkpoint",
        "description": "A signed checkpoint of the log (audit/checkpoints.py): every stream's head (its last "
        "version, that event's sha256 digest and where it is) and every events partition's end, when it "
        "was taken, signed with Ed25519 over its canonical JSON (keys sorted, no spaces, UTF-8) without "
        "`signature`. Not an envelope: it is about the log, not an inspection. docs/consumer-guide.md says "
        "how to check one.",
        **generated,
    }


def committed(directory: Path = CONTRACT_DIR) -> dict[str, dict[int, Schema]]:
    """Every committed schema: event type -> schema version -> schema."""
    found: dict[str, dict[int, Schema]] = {}
    root = directory / SCHEMAS
    if not root.is_dir():
        return found
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for file in sorted(folder.iterdir()):
            match = _VERSION_FILE.match(file.name)
            if match:
                found.setdefault(folder.name, {})[int(match.group(1))] = json.loads(file.read_text())
    return found
