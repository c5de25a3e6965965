"""The contract's AsyncAPI 3.1 document, `contract/asyncapi.json`: a channel per context's topic, a message
per event type and schema version, the owning service's `send` operation and each consuming projection's
`receive`, read from the services' projections; and the channel of the log's signed checkpoints, which the
checkpointer sends and auditors read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType
from urllib.parse import urljoin, urlsplit

from services.evidence import projections as evidence_projections
from services.judgement import projections as judgement_projections
from services.lscb import projections as lscb_projections
from services.reporting import projections as reporting_projections
from services.scheduling import projections as scheduling_projections
from shared.mechanics.catalogue import Event, EventCatalogue, InspectionEvent
from shared.mechanics.consumer import Projection
from shared.mechanics.contract import CHECKPOINT, ENVELOPE, SCHEMAS, schema_path
from shared.mechanics.topics import CONTEXTS, SERVICES
from tooling.contract.schemas import Schema, docstring_of

ASYNCAPI_VERSION = "3.1.0"
DEFAULT_NAMESPACE = "jip"
KAFKA_BINDING = "0.5.0"
# The contexts with a docs/<context>-events.md page.
_DOCS = {"scheduling", "evidence", "judgement", "lscb", "reporting"}
# Each consuming service's projections.
_PROJECTIONS: dict[str, ModuleType] = {
    "scheduling": scheduling_projections,
    "evidence": evidence_projections,
    "judgement": judgement_projections,
    "lscb": lscb_projections,
    "reporting": reporting_projections,
}


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


@dataclass(frozen=True)
class Consumer:
    """One projection of a consuming service: its consumer group, the contexts it reads and the event
    types it handles (the others it skips without decoding)."""

    service: str
    projection: str
    contexts: tuple[str, ...]
    handles: frozenset[str]


def service_consumers() -> list[Consumer]:
    """Every service's projections, read from `services.<service>.projections`, in SERVICES' order."""
    found = []
    for service in SERVICES:
        for value in vars(_PROJECTIONS[service]).values():
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


# The Kafka headers the outbox relay sets on every record (shared/mechanics/outbox.py).
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
    doc = docstring_of(event)
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
            f"read it and upcast it (shared/mechanics/catalogue.py)."
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


def _checkpoints(docs_base: str | None) -> tuple[Schema, Schema]:
    """The checkpoints' channel and its one message: a signed document, not an envelope."""
    channel: Schema = {
        "address": "{namespace}.audit.checkpoints",
        "title": "signed checkpoints of the log",
        "description": "One partition, oldest first: each record a checkpoint of every stream's head and "
        "every events partition's end, signed with the checkpointer's Ed25519 key, which auditors keep the "
        "public half of. `jip audit verify --against` proves the log still holds what one covers; "
        "docs/consumer-guide.md says how to check one with other tools.",
        "parameters": {
            "namespace": {
                "default": DEFAULT_NAMESPACE,
                "description": "The deployment's namespace (JIP_NAMESPACE), prefixing every topic.",
            }
        },
        "messages": {"checkpoint": {"$ref": "#/components/messages/checkpoint"}},
    }
    message: Schema = {
        "name": "audit.Checkpoint",
        "title": "Checkpoint v1",
        "summary": "A signed checkpoint of the log.",
        "contentType": "application/json",
        "payload": {"$ref": CHECKPOINT},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "the namespace"},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }
    if docs_base is not None:
        message["externalDocs"] = {
            "description": "Checking the chain and the checkpoints with your own tools",
            "url": docs_url(docs_base, "consumer-guide.md"),
        }
    return channel, message


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
    channels["checkpoints"], messages["checkpoint"] = _checkpoints(docs_base)
    operations["checkpointer.send"] = {
        "action": "send",
        "channel": {"$ref": "#/channels/checkpoints"},
        "title": "The checkpointer publishes a signed checkpoint of the log",
        "summary": "When it starts, whenever a report is made final or published, and hourly: only over a "
        "log that verifies (services/checkpointer, audit/watch.py).",
        "messages": [{"$ref": "#/channels/checkpoints/messages/checkpoint"}],
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
