"""The published contract: what the platform's topics carry, for consumers inside it and outside.

Generated from the catalogue (shared/contracts) into one folder, `contract/` (docs/contract.md):

- `schemas/<event_type>/v<N>.json`: the JSON Schema (draft 2020-12) of each event's payload at each schema
  version ever published. Append-only: a version's file, once committed, never changes and is never
  removed, since events of that version stay on the log for good;
- `envelope.json`: the schema of the envelope every event travels in;
- `asyncapi.json`: an AsyncAPI 3.1 document of the topics, their messages, who sends and who receives,
  valid for the official parser (`@asyncapi/parser`) and JSON Schema. Its links to the consumers' pages in
  docs/ are absolute URLs from a base the publisher gives (`docs_base`, `jip contracts generate
  --docs-base`); the committed document has none, since the platform's docs have no public address yet.

`breaking_changes` says whether the current model still accepts everything a committed schema accepted;
what it cannot accept needs a new schema version and an upcaster (shared/catalogue.py)."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from shared.catalogue import Event, EventCatalogue, InspectionEvent
from shared.consumer import Projection
from shared.envelope import Envelope
from shared.topics import CONTEXTS, SERVICES

Schema = dict[str, Any]

CONTRACT_DIR = Path(__file__).resolve().parents[1] / "contract"  # beside shared/, in a checkout or a wheel
DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = "urn:jip:contract:"
ASYNCAPI = "asyncapi.json"
ASYNCAPI_VERSION = "3.1.0"
DOCS_BASE_VARIABLE = "JIP_CONTRACT_DOCS_BASE"  # where docs/ is published, for `jip contracts generate`
ENVELOPE = "envelope.json"
SCHEMAS = "schemas"
DEFAULT_NAMESPACE = "jip"
KAFKA_BINDING = "0.5.0"
_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.json$")
# The contexts with a docs/<context>-events.md page.
_DOCS = {"scheduling", "evidence", "judgement", "lscb", "reporting"}
BUMP = "bump its schema_version and add an upcaster from the committed version (shared/catalogue.py)"


def schema_path(event_type: str, version: int) -> str:
    """Where a version's schema lives, relative to the contract folder (and to /contract/ over HTTP)."""
    return f"{SCHEMAS}/{event_type}/v{version}.json"


def render(document: Mapping[str, Any]) -> str:
    """A contract file's text: indented, keys in the order generated, non-ASCII as is (§)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def docs_url(docs_base: str, page: str) -> str:
    """The absolute address of `page` (a path under docs/, e.g. "evidence-events.md") where the platform's
    docs/ folder is published at `docs_base` (an http or https URL of that folder, or of the checkout that
    holds it: `https://example.org/jip/` gives `https://example.org/jip/docs/<page>`). AsyncAPI wants an
    absolute URI in every externalDocs.url, so a relative or schemeless base is refused."""
    parts = urlsplit(docs_base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"the contract's docs base must be an absolute http(s) URL, such as https://example.org/jip/; "
            f"got {docs_base!r}"
        )
    return urljoin(docs_base if docs_base.endswith("/") else f"{docs_base}/", f"docs/{page}")


def _docstring(cls: type) -> str | None:
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


# --- the files ------------------------------------------------------------------------------------------


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
    description = _docstring(event)
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


@dataclass(frozen=True)
class Consumer:
    """One projection of a consuming service: its consumer group, the contexts it reads and the event
    types it handles (the others it skips without decoding)."""

    service: str
    projection: str
    contexts: tuple[str, ...]
    handles: frozenset[str]


def service_consumers() -> list[Consumer]:
    """Every service's projections, read from `services.<service>.projections` (imported here, lazily:
    only the generator needs them)."""
    found = []
    for service in SERVICES:
        module = importlib.import_module(f"services.{service}.projections")
        for value in vars(module).values():
            if isinstance(value, Projection):
                found.append(Consumer(service, value.name, value.contexts, frozenset(value.handlers)))
    return found


def _context(event_type: str) -> str:
    return event_type.split(".", 1)[0]


def _message_id(event_type: str, version: int, current: int) -> str:
    return event_type if version == current else f"{event_type}.v{version}"


def _words(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return spaced[:1] + spaced[1:].lower()


# The Kafka headers the outbox relay sets on every record (shared/outbox.py).
HEADERS: Schema = {
    "type": "object",
    "properties": {
        "content-type": {"type": "string", "const": "application/json"},
        "jip-event-type": {"type": "string", "description": "the envelope's event_type"},
        "jip-schema-version": {"type": "string", "description": "the envelope's schema_version, in decimal"},
        "traceparent": {"type": "string", "description": "W3C trace context of the command that caused it"},
        "tracestate": {"type": "string"},
    },
    "required": ["content-type", "jip-event-type", "jip-schema-version"],
}


def _message(event: type[Event], version: int, docs_base: str | None) -> Schema:
    name = event.event_type.split(".", 1)[1]
    doc = _docstring(event)
    summary = doc.split("\n\n", 1)[0].replace("\n", " ") if doc else f"{_words(name)}."
    key = (
        "the inspection_id: one inspection's events stay in order on one partition"
        if issubclass(event, InspectionEvent) and not event.keyed_by_stream
        else "the stream_id (its stream, such as an area's calendar or an inspector's diary, is about no one "
        "inspection): the stream's events stay in order on one partition"
    )
    message: Schema = {
        "name": event.event_type,
        "title": f"{name} v{version}",
        "summary": summary,
    }
    if version < event.schema_version:
        message["description"] = (
            f"Schema version {version}, superseded by {event.schema_version}: still on the log, so consumers "
            f"read it and upcast it (shared/catalogue.py)."
        )
    elif doc:
        message["description"] = doc
    message |= {
        "contentType": "application/json",
        "headers": {
            "allOf": [
                {"$ref": "#/components/schemas/headers"},
                {
                    "type": "object",
                    "properties": {
                        "jip-event-type": {"const": event.event_type},
                        "jip-schema-version": {"const": str(version)},
                    },
                },
            ]
        },
        "payload": {
            "allOf": [
                {"$ref": ENVELOPE},
                {
                    "type": "object",
                    "properties": {
                        "event_type": {"const": event.event_type},
                        "schema_version": {"const": version},
                        "payload": {"$ref": schema_path(event.event_type, version)},
                    },
                },
            ]
        },
        "bindings": {
            "kafka": {"key": {"type": "string", "description": key}, "bindingVersion": KAFKA_BINDING}
        },
    }
    context = _context(event.event_type)
    if docs_base is not None and context in _DOCS:
        message["externalDocs"] = {
            "description": f"The {context} events for consumers",
            "url": docs_url(docs_base, f"{context}-events.md"),
        }
    return message


def _version() -> str:
    try:
        return metadata.version("joint-inspections-platform")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def asyncapi(
    catalogue: EventCatalogue, consumers: Sequence[Consumer], docs_base: str | None = None
) -> Schema:
    """The AsyncAPI 3.1 document: a channel per context's topic, a message per event type and schema
    version (every version from 1 may still be on the log), the owning service's `send` operation and each
    consuming projection's `receive`. With `docs_base`, the document and its messages link to the pages in
    docs/ where they are published (`docs_url`); without, they name those pages in words."""
    events = catalogue.types()
    messages: Schema = {}
    channels: Schema = {}
    for context in CONTEXTS:
        channel_messages: Schema = {}
        for event in events:
            if _context(event.event_type) != context:
                continue
            for version in range(1, event.schema_version + 1):
                message_id = _message_id(event.event_type, version, event.schema_version)
                messages[message_id] = _message(event, version, docs_base)
                channel_messages[message_id] = {"$ref": f"#/components/messages/{message_id}"}
        guide = f" For consumers: docs/{context}-events.md." if context in _DOCS else ""
        channels[context] = {
            "address": f"{{namespace}}.{context}.events",
            "title": f"{context} events",
            "description": f"The {context} service's events, published through its transactional outbox. "
            f"Delivery is at least once: a consumer ignores an event_id it has already applied.{guide}",
            "parameters": {
                "namespace": {
                    "default": DEFAULT_NAMESPACE,
                    "description": "The deployment's namespace (JIP_NAMESPACE), prefixing every topic and "
                    "consumer group.",
                }
            },
            "messages": channel_messages,
        }

    def refs(context: str, event_types: Iterable[str], *, every_version: bool) -> list[Schema]:
        chosen = []
        for event in events:
            if event.event_type not in event_types or _context(event.event_type) != context:
                continue
            versions = range(1, event.schema_version + 1) if every_version else [event.schema_version]
            for version in versions:
                message_id = _message_id(event.event_type, version, event.schema_version)
                chosen.append({"$ref": f"#/channels/{context}/messages/{message_id}"})
        return chosen

    operations: Schema = {}
    for context in CONTEXTS:
        operations[f"{context}.send"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{context}"},
            "title": f"The {context} service publishes its events",
            "summary": "Appended with their outbox records in one transaction, then published by the relay, "
            "keyed by inspection id (or stream id) so each stream stays in order.",
            "messages": refs(context, {e.event_type for e in events}, every_version=False),
        }
    for service in SERVICES:
        for context in CONTEXTS:
            reading = [c for c in consumers if c.service == service and context in c.contexts]
            handled = {t for c in reading for t in c.handles if _context(t) == context}
            if not handled:
                continue
            groups = [f"{DEFAULT_NAMESPACE}.{c.service}.{c.projection}" for c in reading]
            operations[f"{service}.receive.{context}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{context}"},
                "title": f"The {service} service reads the {context} events",
                "summary": f"Projection(s) {', '.join(c.projection for c in reading)}: each event applied "
                "exactly once; the event types listed are decoded (every schema version, upcast), the "
                "others skipped.",
                "messages": refs(context, handled, every_version=True),
                "bindings": {
                    "kafka": {
                        "groupId": {
                            "type": "string",
                            "enum": groups,
                            "description": "Under the default namespace; {namespace}.<service>.<projection> "
                            "in general.",
                        },
                        "bindingVersion": KAFKA_BINDING,
                    }
                },
            }
    info: Schema = {
        "title": "Joint Inspections Platform events",
        "version": _version(),
        "description": "The events the five services publish, one topic per bounded context. Every "
        f"message is an envelope ({ENVELOPE}) around the event's payload "
        f"({SCHEMAS}/<event_type>/v<schema_version>.json). docs/contract.md says how the contract "
        "evolves.",
        "license": {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
    }
    if docs_base is not None:
        info["externalDocs"] = {
            "description": "How the contract evolves",
            "url": docs_url(docs_base, "contract.md"),
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": info,
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": {"headers": HEADERS}, "messages": messages},
    }


# --- reading the committed folder -----------------------------------------------------------------------


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


def committed_file(directory: Path, event_type: str, version: str) -> Path | None:
    """The committed schema file of `event_type` at `version` (as it appears in a URL), or None."""
    if not re.fullmatch(r"[1-9][0-9]*", version):
        return None
    for folder in (directory / SCHEMAS).iterdir() if (directory / SCHEMAS).is_dir() else ():
        if folder.name == event_type:  # only names listed in the folder: nothing from the URL is a path
            path = folder / f"v{version}.json"
            return path if path.is_file() else None
    return None


# --- compatibility --------------------------------------------------------------------------------------

# Keywords that say nothing about which payloads are valid.
_ANNOTATIONS = frozenset(
    {"title", "description", "examples", "$comment", "default", "deprecated", "readOnly", "writeOnly"}
)
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "propertyNames", "not", "contains", "if", "then", "else")


def normalised(schema: Mapping[str, Any]) -> Any:
    """The schema's meaning alone: local `$ref`s inlined, annotations (titles, descriptions, defaults) and
    `x-` extensions dropped. Two schemas with equal normalised forms accept the same payloads."""
    defs: Mapping[str, Any] = schema.get("$defs", {})

    def resolve(node: Any, seen: frozenset[str]) -> Any:
        if not isinstance(node, Mapping):
            return node
        out: dict[str, Any] = {}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name in seen:
                raise ValueError(f"recursive schema at {name}: not supported")
            out.update(resolve(defs[name], seen | {name}))
        for key, value in node.items():
            if key in _ANNOTATIONS or key.startswith("x-") or key in ("$defs", "$schema", "$id"):
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                continue
            if key in _SCHEMA_MAPS and isinstance(value, Mapping):
                out[key] = {k: resolve(v, seen) for k, v in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [resolve(v, seen) for v in value]
            elif key in _SCHEMA_VALUES:
                out[key] = resolve(value, seen)
            else:
                out[key] = value
        all_of = out.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], Mapping):
            del out["allOf"]
            out = {**all_of[0], **out}
        return out

    return resolve(schema, frozenset())


_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}


def _type_of(value: Any) -> str:
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return _JSON_TYPES.get(type(value), "string")


def _branches(schema: Any) -> list[Schema]:
    """The schema as alternatives, each of one JSON type (or untyped: anything), consts as enums, and the
    enumerations of one type merged, so `Literal["shared"] | Inspectorate` is one enum of strings."""
    if schema is True or schema is None:
        return [{}]
    if schema is False:
        return []
    assert isinstance(schema, Mapping)
    node = dict(schema)
    for union in ("anyOf", "oneOf"):
        if union in node:
            alternatives = node.pop(union)
            return _merged([b for alt in alternatives for b in _branches({**node, **alt})])
    if "const" in node:
        node["enum"] = [node.pop("const")]
    kinds = node.get("type")
    if isinstance(kinds, list):
        return _merged([b for kind in kinds for b in _branches({**node, "type": kind})])
    if "enum" in node:
        by_type: dict[str, list[Any]] = {}
        for value in node["enum"]:
            by_type.setdefault(kinds or _type_of(value), []).append(value)
        return _merged([{**node, "type": kind, "enum": values} for kind, values in by_type.items()])
    return [node]


def _merged(branches: list[Schema]) -> list[Schema]:
    plain: dict[str, list[Any]] = {}
    rest = []
    for branch in branches:
        if "enum" in branch and set(branch) <= {"type", "enum"}:
            plain.setdefault(branch["type"], []).extend(v for v in branch["enum"])
        else:
            rest.append(branch)
    merged = [{"type": kind, "enum": _unique(values)} for kind, values in plain.items()]
    return merged + rest


def _unique(values: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


def _kind(branch: Schema) -> str:
    kind = branch.get("type")
    return kind if isinstance(kind, str) else "anything"


def _accepts_kind(old: Schema, new: Schema) -> bool:
    old_kind, new_kind = _kind(old), _kind(new)
    return new_kind == "anything" or old_kind == new_kind or (old_kind, new_kind) == ("integer", "number")


def _at(path: str) -> str:
    return f"{path}: " if path else ""


def breaking_changes(old_schema: Mapping[str, Any], new_schema: Mapping[str, Any]) -> list[str]:
    """What the new schema refuses that the old one accepted, each said in a line: a field removed, a
    field's type changed, a field newly required, an enum value removed, a limit tightened. Empty when
    every payload valid under the old schema is valid under the new one (as far as JSON Schema says:
    a model's own validators are not seen). Adding an optional field, widening a type or an enum, and
    loosening a limit are not breaking."""
    return _unique(_compare(normalised(old_schema), normalised(new_schema), ""))


def _compare(old: Any, new: Any, path: str) -> list[str]:
    old_branches, new_branches = _branches(old), _branches(new)
    problems: list[str] = []
    unmatched: list[str] = []
    for branch in old_branches:
        candidates = [b for b in new_branches if _accepts_kind(branch, b)]
        if not candidates:
            unmatched.append(_kind(branch))
            continue
        outcomes: list[list[str]] = [_compare_branch(branch, b, path) for b in candidates]
        best: list[str] = min(outcomes, key=len)  # the alternative that accepts it best
        problems += best
    if unmatched:
        if len(unmatched) == len(old_branches):
            before = " or ".join(_unique(_kind(b) for b in old_branches))
            after = " or ".join(_unique(_kind(b) for b in new_branches)) or "nothing"
            problems.insert(0, f"{_at(path)}type changed from {before} to {after}")
        else:
            problems.insert(0, f"{_at(path)}no longer accepts {' or '.join(_unique(unmatched))}")
    return problems


def _compare_branch(old: Schema, new: Schema, path: str) -> list[str]:
    if _kind(new) == "anything" and set(new) <= {"type"}:
        return []
    if _kind(old) == "anything" and _kind(new) != "anything":
        return [f"{_at(path)}type changed from anything to {_kind(new)}"]
    problems = _compare_values(old, new, path)
    kind = _kind(old)
    if kind in ("string", "integer", "number") and "enum" not in old and "enum" not in new:
        problems += _compare_limits(old, new, path)
    elif kind == "array":
        problems += _compare(old.get("items", True), new.get("items", True), f"{path}[]")
        problems += _compare_limits(old, new, path)
    elif kind == "object":
        problems += _compare_objects(old, new, path)
    return problems


def _compare_values(old: Schema, new: Schema, path: str) -> list[str]:
    if "enum" not in new:
        if "enum" in old:  # the old values must still meet the new limits
            invalid = [v for v in old["enum"] if not _within(v, new)]
            return [f"{_at(path)}value {v!r} no longer valid" for v in invalid]
        return []
    if "enum" not in old:
        return [f"{_at(path)}now limited to the values {', '.join(map(repr, new['enum']))}"]
    removed = [v for v in old["enum"] if v not in new["enum"]]
    return [f"{_at(path)}value {v!r} no longer allowed" for v in removed]


def _within(value: Any, limits: Schema) -> bool:
    if isinstance(value, str):
        pattern = limits.get("pattern")
        long_enough = limits.get("minLength", 0) <= len(value) <= limits.get("maxLength", len(value))
        return bool(long_enough) and (pattern is None or re.search(pattern, value) is not None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return bool(limits.get("minimum", value) <= value <= limits.get("maximum", value))
    return True


_LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems")
_UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems")


def _compare_limits(old: Schema, new: Schema, path: str) -> list[str]:
    problems = []
    for bound in _LOWER_BOUNDS:
        if bound in new and (bound not in old or new[bound] > old[bound]):
            problems.append(f"{_at(path)}{bound} raised from {old.get(bound, 'none')} to {new[bound]}")
    for bound in _UPPER_BOUNDS:
        if bound in new and (bound not in old or new[bound] < old[bound]):
            problems.append(f"{_at(path)}{bound} lowered from {old.get(bound, 'none')} to {new[bound]}")
    for exact in ("pattern", "format", "multipleOf"):
        if exact in new and new[exact] != old.get(exact):
            problems.append(f"{_at(path)}{exact} changed from {old.get(exact, 'none')} to {new[exact]}")
    if new.get("uniqueItems") and not old.get("uniqueItems"):
        problems.append(f"{_at(path)}items must now be unique")
    return problems


def _compare_objects(old: Schema, new: Schema, path: str) -> list[str]:
    problems = []
    old_fields: Mapping[str, Any] = old.get("properties", {})
    new_fields: Mapping[str, Any] = new.get("properties", {})
    old_other = old.get("additionalProperties", True)
    new_other = new.get("additionalProperties", True)
    prefix = f"{path}." if path else ""
    for name, schema in old_fields.items():
        if name in new_fields:
            problems += _compare(schema, new_fields[name], f"{prefix}{name}")
        elif new_other is False:
            problems.append(f"{_at(path)}field {name!r} removed")
        else:
            problems += _compare(schema, new_other, f"{prefix}{name}")
    old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
    order = list(new_fields)
    for name in sorted(
        new_required - old_required, key=lambda n: (order.index(n) if n in order else len(order), n)
    ):
        if name in old_fields:
            problems.append(f"{_at(path)}field {name!r} is now required")
        else:
            problems.append(f"{_at(path)}field {name!r} is new and required")
    if old_other is not False:
        if new_other is False:
            problems.append(f"{_at(path)}no longer accepts other fields")
        else:
            problems += _compare(old_other, new_other, f"{prefix}{{}}")
    problems += _compare(old.get("propertyNames", True), new.get("propertyNames", True), f"{prefix}{{key}}")
    return problems


# --- the catalogue against the committed folder ---------------------------------------------------------


@dataclass(frozen=True)
class Current:
    """An event type as the catalogue has it now."""

    version: int
    schema: Schema
    upcasters: frozenset[int] = frozenset()


def current_of(catalogue: EventCatalogue) -> dict[str, Current]:
    return {
        e.event_type: Current(e.schema_version, event_schema(e), frozenset(e.upcasters))
        for e in catalogue.types()
    }


def incompatibilities(
    published: Mapping[str, Mapping[int, Mapping[str, Any]]], current: Mapping[str, Current]
) -> list[str]:
    """What keeps a committed version from being read by the current catalogue: an event type that
    disappeared (renamed, or removed), a version newer than the model, a missing upcaster, and a breaking
    change to the model under the same version."""
    problems = []
    for event_type, versions in sorted(published.items()):
        now = current.get(event_type)
        if now is None:
            problems.append(
                f"event type {event_type} disappeared, yet its v{max(versions)} events are on the log: "
                "keep its model in the catalogue (no longer written, like lscb.LscbEvaluationRecorded); "
                "a new name is a new event type"
            )
            continue
        for version in sorted(versions):
            if version > now.version:
                problems.append(
                    f"{event_type} v{version} is committed but the catalogue's model is v{now.version}: "
                    "published versions are never taken back"
                )
            elif version < now.version:
                missing = [v for v in range(version, now.version) if v not in now.upcasters]
                if missing:
                    problems.append(
                        f"{event_type} v{version} cannot be upcast to v{now.version}: no upcaster from "
                        f"v{', v'.join(map(str, missing))}"
                    )
        if now.version in versions:
            changes = breaking_changes(versions[now.version], now.schema)
            problems += [
                f"{event_type} v{now.version}: {change}: the model no longer reads what was published as "
                f"v{now.version}; {BUMP}"
                for change in changes
            ]
    return problems


# --- generating and checking ----------------------------------------------------------------------------


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
    """Every file the catalogue generates now: its current versions' schemas, the envelope and AsyncAPI
    (linking to the docs published at `docs_base`, if given)."""
    files = {schema_path(e.event_type, e.schema_version): render(event_schema(e)) for e in catalogue.types()}
    files[ENVELOPE] = render(envelope_schema())
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
