"""Compatibility of the contract's schemas: whether the current model still accepts everything a committed
schema accepted (`breaking_changes`), and what keeps a committed version from being read by the current
catalogue (`incompatibilities`): what it cannot accept needs a new schema version and an upcaster
(shared/mechanics/catalogue.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.mechanics.catalogue import EventCatalogue
from tooling.contract.schemas import Schema, event_schema

BUMP = (
    "bump its schema_version and add an upcaster from the committed version (shared/mechanics/catalogue.py)"
)

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
