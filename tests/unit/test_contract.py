"""The published contract (contract/, docs/contract.md): up to date with the catalogue, every version ever
published still readable, and a change that would break what was published caught before it lands."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from jip.cli import main
from services.evidence.app import build
from shared import contract
from shared.contract import (
    ASYNCAPI,
    CONTRACT_DIR,
    ENVELOPE,
    Current,
    breaking_changes,
    committed,
    current_of,
    event_schema,
    incompatibilities,
    normalised,
    schema_path,
)
from shared.contracts import CATALOGUE
from shared.settings import Settings
from shared.topics import CONTEXTS, SERVICES, events_topic
from tests.helpers import auditor

BUMP = "bump its schema_version and add an upcaster"


# --- the committed folder ------------------------------------------------------------------------------


def test_the_committed_contract_is_what_the_catalogue_generates(tmp_path: Path) -> None:
    # Generated afresh into an empty folder: the files of the current versions, the envelope and AsyncAPI.
    for relative, text in contract.planned_files(CATALOGUE).items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    for name in (ASYNCAPI, ENVELOPE):
        assert (tmp_path / name).read_text() == (CONTRACT_DIR / name).read_text(), (
            f"contract/{name} is out of date: run `uv run jip contracts generate` and commit it"
        )
    for event in CATALOGUE.types():
        relative = schema_path(event.event_type, event.schema_version)
        published = CONTRACT_DIR / relative
        assert published.is_file(), f"contract/{relative} is missing: run `uv run jip contracts generate`"
        now, then = json.loads((tmp_path / relative).read_text()), json.loads(published.read_text())
        # A published version keeps its wording; what it accepts must be exactly what the model accepts.
        assert normalised(now) == normalised(then), (
            f"{event.event_type} v{event.schema_version} no longer matches contract/{relative}: "
            f"{breaking_changes(then, now) or 'a compatible change'}; a published version never changes: "
            f"{BUMP} (shared/catalogue.py), then run `uv run jip contracts generate`"
        )


def test_jip_contracts_check_finds_nothing_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", "check"]) == 0, capsys.readouterr().err
    assert "up to date" in capsys.readouterr().out


def test_every_committed_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    for versions in committed().values():
        for schema in versions.values():
            assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
            jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator.check_schema(json.loads((CONTRACT_DIR / ENVELOPE).read_text()))


def test_each_schema_names_its_event_and_version() -> None:
    for event_type, versions in committed().items():
        for version, schema in versions.items():
            assert schema["$id"] == f"urn:jip:contract:schemas:{event_type}:v{version}"
            assert (schema["x-event-type"], schema["x-schema-version"]) == (event_type, version)
            assert schema["title"] == f"{event_type} v{version}"
    recorded = event_schema(CATALOGUE.types()[3])  # scheduling.NotificationRecorded
    assert recorded["description"].startswith("Someone was told of the inspection")


# --- compatibility: the current models against what was published ---------------------------------------


@pytest.mark.parametrize("event", CATALOGUE.types(), ids=lambda e: e.event_type)
def test_the_current_model_reads_what_was_published_under_its_version(event: Any) -> None:
    published = committed()[event.event_type][event.schema_version]
    changes = breaking_changes(published, event_schema(event))
    assert not changes, (
        f"{event.event_type} v{event.schema_version} changed incompatibly: {'; '.join(changes)}. Events of "
        f"v{event.schema_version} on the log would no longer load: {BUMP} (shared/catalogue.py)"
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


# --- jip contracts generate ----------------------------------------------------------------------------


def copy_of_contract(tmp_path: Path) -> Path:
    folder = tmp_path / "contract"
    shutil.copytree(CONTRACT_DIR, folder)
    return folder


def test_generate_writes_what_is_missing_then_nothing(tmp_path: Path) -> None:
    # A folder without the history refuses: the older versions are generated by no model now.
    empty = contract.generate(CATALOGUE, tmp_path)
    older = [schema_path(t.event_type, v) for t in CATALOGUE.types() for v in range(1, t.schema_version)]
    # NotificationRecorded v1, the evidence events before their text was sealed, a flag for review before a
    # limiting rule could raise one, a final LSCB judgement before it carried its descriptor, ...
    assert {
        "schemas/scheduling.NotificationRecorded/v1.json",
        "schemas/judgement.JudgementFlaggedForReview/v1.json",
        "schemas/lscb.LscbJudgementFinalised/v1.json",
    } <= set(older)
    assert len(older) >= 10
    assert sorted(empty.problems) == sorted(
        f"{path} is missing: every version ever published stays in the folder (restore it from the "
        "repository's history)"
        for path in older
    )
    assert list(tmp_path.iterdir()) == []
    for path in older:
        (tmp_path / path).parent.mkdir(parents=True)
        shutil.copy(CONTRACT_DIR / path, tmp_path / path)
    first = contract.generate(CATALOGUE, tmp_path)
    assert first.ok
    assert len(first.written) == len(CATALOGUE.types()) + 2
    again = contract.generate(CATALOGUE, tmp_path)
    assert (again.written, again.problems) == ([], [])
    assert len(again.unchanged) == len(CATALOGUE.types()) + 2


def test_generate_refuses_to_change_a_published_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_of_contract(tmp_path)
    path = folder / schema_path("scheduling.NotificationRecorded", 2)
    published = json.loads(path.read_text())
    del published["properties"]["addressee"]
    published["required"].remove("addressee")
    path.write_text(contract.render(published))
    (folder / ASYNCAPI).unlink()
    assert main(["contracts", "generate", "--dir", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "scheduling.NotificationRecorded v2: field 'addressee' is new and required" in err
    assert BUMP in err
    assert "nothing was written" in err
    assert json.loads(path.read_text()) == published  # not overwritten
    assert not (folder / ASYNCAPI).exists()  # nor anything else
    assert main(["contracts", "check", "--dir", str(folder)]) == 1


def test_generate_refuses_even_a_compatible_change_to_a_published_version(tmp_path: Path) -> None:
    folder = copy_of_contract(tmp_path)
    path = folder / schema_path("evidence.EvidenceGatheringClosed", 1)
    published = json.loads(path.read_text())
    published["properties"]["reason"]["maxLength"] = 500  # the model allows more now: old events fit
    path.write_text(contract.render(published))
    outcome = contract.generate(CATALOGUE, folder)
    [problem] = outcome.problems
    assert problem.startswith(
        "schemas/evidence.EvidenceGatheringClosed/v1.json would change. The change is compatible"
    )
    assert "Bump its schema_version" in problem


def test_generate_keeps_a_published_version_whose_wording_alone_differs(tmp_path: Path) -> None:
    folder = copy_of_contract(tmp_path)
    path = folder / schema_path("evidence.EvidenceGatheringClosed", 1)
    published = json.loads(path.read_text())
    published["description"] = "As it was worded when published."
    path.write_text(contract.render(published))
    outcome = contract.generate(CATALOGUE, folder)
    assert outcome.ok
    assert outcome.kept == [schema_path("evidence.EvidenceGatheringClosed", 1)]
    assert json.loads(path.read_text())["description"] == "As it was worded when published."


# --- the AsyncAPI document ------------------------------------------------------------------------------


def asyncapi() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((CONTRACT_DIR / ASYNCAPI).read_text())
    return document


def resolve(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return node


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [r for k, v in node.items() for r in ([v] if k == "$ref" else refs(v))]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def test_the_asyncapi_document_has_a_channel_per_context_topic() -> None:
    document = asyncapi()
    assert document["asyncapi"] == "3.1.0"
    assert list(document["channels"]) == list(CONTEXTS)
    for context, channel in document["channels"].items():
        namespace = channel["parameters"]["namespace"]["default"]
        assert channel["address"].replace("{namespace}", namespace) == events_topic("jip", context)


def test_every_reference_in_the_asyncapi_document_resolves() -> None:
    document = asyncapi()
    found = refs(document)
    assert found
    for ref in found:
        if ref.startswith("#/"):
            resolve(document, ref)
        else:
            assert (CONTRACT_DIR / ref).is_file(), ref


def test_every_event_type_and_version_has_a_message_on_its_context_channel() -> None:
    document = asyncapi()
    for event in CATALOGUE.types():
        context = event.event_type.split(".", 1)[0]
        channel = document["channels"][context]["messages"]
        for version in range(1, event.schema_version + 1):
            key = event.event_type if version == event.schema_version else f"{event.event_type}.v{version}"
            message = resolve(document, channel[key]["$ref"])
            assert message["name"] == event.event_type
            assert message["payload"]["allOf"][1]["properties"]["payload"]["$ref"] == schema_path(
                event.event_type, version
            )
            assert message["bindings"]["kafka"]["key"]["type"] == "string"
            assert "messageId" not in message  # AsyncAPI 3.0: the key is the message's id
            assert message["summary"]


def test_each_service_sends_its_context_and_receives_what_its_projections_read() -> None:
    operations = asyncapi()["operations"]
    sent = {op["channel"]["$ref"] for op in operations.values() if op["action"] == "send"}
    assert sent == {f"#/channels/{context}" for context in CONTEXTS}
    for op in operations.values():
        if op["action"] == "send":  # only the current versions are written
            assert not any(".v" in m["$ref"].rsplit("/", 1)[1] for m in op["messages"])
    received = {
        (name.split(".")[0], op["channel"]["$ref"].rsplit("/", 1)[1])
        for name, op in operations.items()
        if op["action"] == "receive"
    }
    assert received == {  # README's architecture table, and lscb reading its own board registers
        ("scheduling", "lscb"),
        ("evidence", "scheduling"),
        ("judgement", "scheduling"),
        ("judgement", "evidence"),
        ("lscb", "scheduling"),
        ("lscb", "evidence"),
        ("lscb", "lscb"),
        ("reporting", "scheduling"),
        ("reporting", "evidence"),
        ("reporting", "judgement"),
        ("reporting", "lscb"),
    }
    assert {service for service, _ in received} == set(SERVICES)
    evidence = operations["evidence.receive.scheduling"]
    assert evidence["bindings"]["kafka"]["groupId"]["enum"] == ["jip.evidence.inspections"]
    assert {m["$ref"].rsplit("/", 1)[1] for m in evidence["messages"]} == {
        "scheduling.InspectionScheduled",
        "scheduling.InspectorateJoined",
        "scheduling.NotificationRecorded.v1",
        "scheduling.NotificationRecorded",
        "scheduling.InspectionCancelled",
    }


# --- served by every service ----------------------------------------------------------------------------


async def test_a_service_serves_the_committed_contract(public_key: Path) -> None:
    service = build(Settings(auth_public_key_file=public_key))
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://evidence") as anonymous:
        # Not without a token; with any valid one (an auditor's here), the committed files as they are.
        assert (await anonymous.get(f"/contract/{ASYNCAPI}")).status_code == 401
    async with httpx.AsyncClient(
        transport=transport, base_url="http://evidence", headers=auditor()
    ) as client:
        for path in (ASYNCAPI, ENVELOPE, schema_path("scheduling.NotificationRecorded", 1)):
            answer = await client.get(f"/contract/{path}")
            assert answer.status_code == 200, path
            assert answer.headers["content-type"] == "application/json"
            assert answer.content == (CONTRACT_DIR / path).read_bytes()
        for missing in (
            "schemas/scheduling.NotificationRecorded/v9.json",
            "schemas/scheduling.Nothing/v1.json",
            "schemas/scheduling.NotificationRecorded/v01.json",
            "schemas/scheduling.NotificationRecorded/vlatest.json",
            "nothing.json",
        ):
            answer = await client.get(f"/contract/{missing}")
            assert answer.status_code == 404, missing
