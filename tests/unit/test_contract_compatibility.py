"""Compatibility of the published contract (tooling/contract/compatibility.py, docs/contract.md): the
current models still read every version that was published, and `breaking_changes` and
`incompatibilities` catch, on small schemas, each change that would break what was published."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from shared.language.contracts import CATALOGUE
from tooling.contract.compatibility import BUMP, Current, breaking_changes, current_of, incompatibilities
from tooling.contract.schemas import committed, event_schema

# --- compatibility: the current models against what was published ---------------------------------------


@pytest.mark.parametrize("event", CATALOGUE.types(), ids=lambda e: e.event_type)
def test_the_current_model_reads_what_was_published_under_its_version(event: Any) -> None:
    published = committed()[event.event_type][event.schema_version]
    changes = breaking_changes(published, event_schema(event))
    assert not changes, (
        f"{event.event_type} v{event.schema_version} changed incompatibly: {'; '.join(changes)}. Events of "
        f"v{event.schema_version} on the log would no longer load: {BUMP}"
    )


def test_no_published_event_type_disappeared_and_every_version_can_be_upcast() -> None:
    assert incompatibilities(committed(), current_of(CATALOGUE)) == []


def test_every_committed_version_is_still_decodable() -> None:
    models = {e.event_type: e for e in CATALOGUE.types()}
    for event_type, versions in committed().items():
        assert event_type in CATALOGUE, f"{event_type} was published: it must stay in the catalogue"
        model = models[event_type]
        for version in versions:
            assert version <= model.schema_version
            assert all(v in model.upcasters for v in range(version, model.schema_version))
        assert set(versions) == set(range(1, model.schema_version + 1)), "every version stays in the folder"


def test_notification_recorded_has_both_versions_committed() -> None:
    versions = committed()["scheduling.NotificationRecorded"]
    assert set(versions) == {1, 2}
    assert breaking_changes(versions[1], versions[2]) == ["field 'addressee' is now required"]
    assert breaking_changes(versions[2], versions[1]) == []


# --- breaking_changes, on small schemas ---------------------------------------------------------------


def obj(properties: Mapping[str, Any], required: list[str] | None = None, **more: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": dict(properties),
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
        **more,
    }


STRING, INTEGER = {"type": "string"}, {"type": "integer"}
NULLABLE = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
COLOURS = {"enum": ["red", "green", "blue"], "type": "string"}
BASE = obj({"id": STRING, "count": INTEGER, "colour": COLOURS})


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(BASE, BASE, [], id="unchanged"),
        pytest.param(BASE, obj({"id": STRING, "colour": COLOURS}), ["field 'count' removed"], id="removed"),
        pytest.param(
            BASE,
            obj({"id": STRING, "count": STRING, "colour": COLOURS}),
            ["count: type changed from integer to string"],
            id="retyped",
        ),
        pytest.param(
            BASE,
            obj({**BASE["properties"], "note": STRING}),
            ["field 'note' is new and required"],
            id="new-required",
        ),
        pytest.param(
            BASE,
            obj({**BASE["properties"], "note": NULLABLE}, ["id", "count", "colour"]),
            [],
            id="optional-added",
        ),
        pytest.param(
            obj({"id": STRING, "note": NULLABLE}, ["id"]),
            obj({"id": STRING, "note": NULLABLE}),
            ["field 'note' is now required"],
            id="made-required",
        ),
        pytest.param(
            BASE,
            obj({**BASE["properties"], "colour": {"enum": ["red", "green"], "type": "string"}}),
            ["colour: value 'blue' no longer allowed"],
            id="enum-narrowed",
        ),
        pytest.param(
            BASE,
            obj(
                {
                    **BASE["properties"],
                    "colour": {"enum": ["red", "green", "blue", "amber"], "type": "string"},
                }
            ),
            [],
            id="enum-widened",
        ),
        pytest.param(
            obj({"note": NULLABLE}),
            obj({"note": STRING}),
            ["note: no longer accepts null"],
            id="null-dropped",
        ),
        pytest.param(obj({"note": STRING}), obj({"note": NULLABLE}), [], id="made-nullable"),
        pytest.param(obj({"count": INTEGER}), obj({"count": {"type": "number"}}), [], id="integer-to-number"),
        pytest.param(
            obj({"note": {"type": "string", "maxLength": 4000}}),
            obj({"note": {"type": "string", "maxLength": 200}}),
            ["note: maxLength lowered from 4000 to 200"],
            id="limit-tightened",
        ),
        pytest.param(
            obj({"note": {"type": "string", "maxLength": 200}}),
            obj({"note": {"type": "string", "maxLength": 4000, "description": "longer now"}}),
            [],
            id="limit-loosened",
        ),
        pytest.param(
            obj({"on": {"type": "string", "format": "date"}}),
            obj({"on": {"type": "string", "format": "date-time"}}),
            ["on: format changed from date to date-time"],
            id="format-changed",
        ),
        pytest.param(
            obj({"note": STRING}),
            obj({"note": COLOURS}),
            ["note: now limited to the values 'red', 'green', 'blue'"],
            id="free-text-to-enum",
        ),
        pytest.param(
            obj({"tags": {"type": "array", "items": COLOURS}}),
            obj({"tags": {"type": "array", "items": {"enum": ["red"], "type": "string"}}}),
            ["tags[]: value 'green' no longer allowed", "tags[]: value 'blue' no longer allowed"],
            id="array-items",
        ),
        pytest.param(
            obj({"by": {"type": "object", "additionalProperties": STRING, "propertyNames": COLOURS}}),
            obj({"by": {"type": "object", "additionalProperties": INTEGER, "propertyNames": COLOURS}}),
            ["by.{}: type changed from string to integer"],
            id="dict-values",
        ),
        pytest.param(
            {
                **obj({"period": {"$ref": "#/$defs/Period"}}),
                "$defs": {"Period": obj({"starts": STRING, "ends": STRING})},
            },
            {**obj({"period": {"$ref": "#/$defs/Span"}}), "$defs": {"Span": obj({"starts": STRING})}},
            ["period: field 'ends' removed"],
            id="nested-via-ref",
        ),
        pytest.param(
            {**obj({"period": {"$ref": "#/$defs/Period"}}), "$defs": {"Period": obj({"starts": STRING})}},
            {
                **obj({"period": {"$ref": "#/$defs/Span", "description": "renamed"}}),
                "$defs": {"Span": obj({"starts": STRING}, title="Span")},
            },
            [],
            id="nested-model-renamed",
        ),
        pytest.param(
            obj({"sample": {"anyOf": [{"const": "shared", "type": "string"}, COLOURS]}}),
            obj({"sample": {"enum": ["shared", "red", "green", "blue"], "type": "string"}}),
            [],
            id="literal-and-enum-merged",
        ),
        pytest.param(
            obj({"title": STRING, "description": STRING, "default": STRING}),
            obj({"title": STRING, "description": STRING}),
            ["field 'default' removed"],
            id="fields-named-like-keywords",
        ),
    ],
)
def test_breaking_changes(old: dict[str, Any], new: dict[str, Any], expected: list[str]) -> None:
    assert breaking_changes(old, new) == expected


SCHEMA = obj({"id": STRING})


@pytest.mark.parametrize(
    ("published", "current", "expected"),
    [
        pytest.param({"x.Thing": {1: SCHEMA}}, {"x.Thing": Current(1, SCHEMA)}, [], id="same"),
        pytest.param(
            {"x.Old": {1: SCHEMA}},
            {"x.New": Current(1, SCHEMA)},
            ["event type x.Old disappeared, yet its v1 events are on the log"],
            id="renamed-event",
        ),
        pytest.param(
            {"x.Thing": {1: SCHEMA, 2: SCHEMA}},
            {"x.Thing": Current(1, SCHEMA)},
            ["x.Thing v2 is committed but the catalogue's model is v1"],
            id="version-taken-back",
        ),
        pytest.param(
            {"x.Thing": {1: SCHEMA}},
            {"x.Thing": Current(2, SCHEMA)},
            ["x.Thing v1 cannot be upcast to v2: no upcaster from v1"],
            id="upcaster-missing",
        ),
        pytest.param(
            {"x.Thing": {1: SCHEMA}}, {"x.Thing": Current(2, SCHEMA, frozenset({1}))}, [], id="upcast"
        ),
        pytest.param(
            {"x.Thing": {1: SCHEMA}},
            {"x.Thing": Current(1, obj({"id": INTEGER}))},
            ["x.Thing v1: id: type changed from string to integer: the model no longer reads what was"],
            id="breaking-same-version",
        ),
    ],
)
def test_incompatibilities(
    published: dict[str, dict[int, dict[str, Any]]], current: dict[str, Current], expected: list[str]
) -> None:
    found = incompatibilities(published, current)
    assert len(found) == len(expected)
    for message, start in zip(found, expected, strict=True):
        assert message.startswith(start)
    if "same-version" in str(expected):
        assert BUMP in found[0]
