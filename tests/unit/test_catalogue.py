"""The event envelope and the catalogue: old events must always still load (architecture: upcasters)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest

from shared.language.contracts import CATALOGUE
from shared.language.contracts import evidence as evidence_contracts
from shared.language.contracts import judgement as judgement_contracts
from shared.language.contracts import lscb as lscb_contracts
from shared.language.contracts import reporting as reporting_contracts
from shared.language.contracts import scheduling as scheduling_contracts
from shared.language.contracts.evidence import EvidenceItemRecorded
from shared.language.contracts.judgement import FindingRecorded
from shared.language.contracts.lscb import LscbEvaluationRecorded
from shared.language.contracts.scheduling import InspectionScheduled, NotificationRecorded
from shared.mechanics.catalogue import Event, EventCatalogue, InspectionEvent, Upcaster, parse_envelope
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.mechanics.errors import MalformedEvent


class NoteTakenV1(InspectionEvent):
    """Version 1 of a test-only event: one free-text note."""

    event_type = "test.NoteTaken"

    note: str


def _split_note(payload: dict[str, Any]) -> dict[str, Any]:
    upgraded = dict(payload)
    note = upgraded.pop("note")
    upgraded["title"], _, upgraded["body"] = note.partition(": ")
    return upgraded


class NoteTaken(InspectionEvent):
    """Version 2: the note split into a title and a body; v1 payloads are upcast."""

    event_type = "test.NoteTaken"
    schema_version = 2
    upcasters: ClassVar[Mapping[int, Upcaster]] = {1: _split_note}

    title: str
    body: str


class Orphan(InspectionEvent):
    """A version 2 event whose author forgot the upcaster from version 1."""

    event_type = "test.Orphan"
    schema_version = 2

    value: int


TEST_CATALOGUE = EventCatalogue([NoteTaken])


def envelope(
    payload: dict[str, Any],
    *,
    event_type: str = "test.NoteTaken",
    schema_version: int = 2,
    inspection_id: str = "insp-1",
) -> Envelope:
    return Envelope(
        event_id="ev-0001",
        event_type=event_type,
        schema_version=schema_version,
        stream_id="notes-insp-1",
        stream_version=1,
        inspection_id=inspection_id,
        occurred_at=datetime(2026, 3, 9, 9, 30, 15, 123000, tzinfo=UTC),
        actor=Actor(inspectorate=Inspectorate.CQC, role="inspector", user="user-42"),
        correlation_id="corr-1",
        causation_id="cause-1",
        payload=payload,
    )


def test_an_envelope_round_trips_through_json() -> None:
    original = envelope({"inspection_id": "insp-1", "title": "t", "body": "b", "nested": {"n": [1, 2]}})
    restored = parse_envelope(original.to_json())
    assert restored == original
    assert restored.occurred_at == original.occurred_at
    assert restored.actor.inspectorate is Inspectorate.CQC


def test_stored_envelopes_sort_by_time_as_text_even_on_a_whole_second() -> None:
    # Stores sort envelopes by their occurred_at text: a whole second must not sort after its fractions.
    instants = [datetime(2026, 3, 9, 9, 30, 15, us, tzinfo=UTC) for us in (0, 1000, 500000)]
    texts = [
        envelope({}).model_copy(update={"occurred_at": t}).model_dump(mode="json")["occurred_at"]
        for t in instants
    ]
    assert texts == sorted(texts)
    assert texts[0] == "2026-03-09T09:30:15.000000Z"


def test_an_envelope_without_an_inspectorate_round_trips() -> None:
    original = envelope({"inspection_id": "insp-1"}).model_copy(
        update={"actor": Actor(inspectorate=None, role="platform", user="jip")}
    )
    assert parse_envelope(original.to_json()) == original


def test_a_current_payload_decodes_into_its_model() -> None:
    event = TEST_CATALOGUE.decode(
        envelope({"inspection_id": "insp-1", "title": "Visit", "body": "went well"})
    )
    assert event == NoteTaken(inspection_id="insp-1", title="Visit", body="went well")


def test_a_v1_payload_is_upcast_into_the_v2_model() -> None:
    old = envelope({"inspection_id": "insp-1", "note": "Visit: went well"}, schema_version=1)
    event = TEST_CATALOGUE.decode(old)
    assert isinstance(event, NoteTaken)
    assert event == NoteTaken(inspection_id="insp-1", title="Visit", body="went well")
    # The envelope's payload is not changed by upcasting.
    assert old.payload == {"inspection_id": "insp-1", "note": "Visit: went well"}


def test_a_catalogue_refuses_a_v2_event_without_an_upcaster() -> None:
    with pytest.raises(ValueError, match=r"test\.Orphan v2 has no upcaster"):
        EventCatalogue([Orphan])


def test_a_catalogue_refuses_the_same_event_type_twice() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        EventCatalogue([NoteTakenV1, NoteTaken])


def test_a_payload_newer_than_the_catalogue_knows_says_to_upgrade() -> None:
    with pytest.raises(MalformedEvent) as caught:
        TEST_CATALOGUE.decode(envelope({"inspection_id": "insp-1", "x": 1}, schema_version=3))
    message = str(caught.value)
    assert "upgrade" in message
    assert "v3" in message
    assert "v2" in message


def test_an_invalid_payload_names_the_field() -> None:
    with pytest.raises(MalformedEvent) as caught:
        TEST_CATALOGUE.decode(envelope({"inspection_id": "insp-1", "title": "Visit"}))
    assert "body" in str(caught.value)
    assert "test.NoteTaken" in str(caught.value)


def test_an_unexpected_field_is_invalid() -> None:
    with pytest.raises(MalformedEvent, match="surprise"):
        TEST_CATALOGUE.decode(envelope({"inspection_id": "insp-1", "title": "t", "body": "b", "surprise": 1}))


def test_an_unknown_event_type_is_malformed() -> None:
    with pytest.raises(MalformedEvent, match=r"unknown event type test\.Nothing"):
        TEST_CATALOGUE.decode(envelope({"inspection_id": "insp-1"}, event_type="test.Nothing"))


def test_an_envelope_and_payload_inspection_mismatch_is_malformed() -> None:
    with pytest.raises(MalformedEvent) as caught:
        TEST_CATALOGUE.decode(
            envelope({"inspection_id": "insp-2", "title": "t", "body": "b"}, inspection_id="insp-1")
        )
    assert "insp-2" in str(caught.value)
    assert "insp-1" in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"{}", b"[]", b'{"event_id": "x"}'],
)
def test_parse_envelope_rejects_what_is_not_an_envelope(raw: bytes) -> None:
    with pytest.raises(MalformedEvent, match="not an event envelope"):
        parse_envelope(raw)


def test_parse_envelope_rejects_a_naive_timestamp() -> None:
    good = envelope({"inspection_id": "insp-1"}).to_json()
    naive = good.replace(b"2026-03-09T09:30:15.123000Z", b"2026-03-09T09:30:15.123000")
    assert naive != good
    with pytest.raises(MalformedEvent, match="occurred_at"):
        parse_envelope(naive)


def test_the_real_catalogue_contains_every_event_the_contracts_define() -> None:
    # An event type defined in a contract but left out of the catalogue could be written but never read.
    defined = {
        cls
        for module in (
            evidence_contracts,
            judgement_contracts,
            lscb_contracts,
            reporting_contracts,
            scheduling_contracts,
        )
        for cls in vars(module).values()
        if isinstance(cls, type)
        and issubclass(cls, Event)
        and cls.__module__ == module.__name__
        and "event_type" in vars(cls)  # not a base class that only shares fields
    }
    assert len(defined) == 59  # 15 of scheduling, 10 of evidence, 8 of judgement, 13 of lscb, 13 of reporting
    assert set(CATALOGUE.types()) == defined
    assert {InspectionScheduled, NotificationRecorded, EvidenceItemRecorded, FindingRecorded} <= defined
    assert LscbEvaluationRecorded in defined
    for cls in defined:
        assert cls.event_type == f"{cls.__module__.rsplit('.', 1)[1]}.{cls.__name__}"
        assert cls.event_type in CATALOGUE


def test_the_real_catalogue_decodes_a_stored_event() -> None:
    event = LscbEvaluationRecorded(inspection_id="insp-1", summary="Effective.", evidence_item_ids=["ev-1"])
    stored = envelope(
        event.model_dump(mode="json"), event_type=event.event_type, schema_version=event.schema_version
    )
    assert CATALOGUE.decode(parse_envelope(stored.to_json())) == event


@pytest.mark.parametrize(
    ("v1_addressee", "expected"),
    [
        pytest.param({}, None, id="before-the-register"),  # v1 as first published: no addressee
        pytest.param({"addressee": "Dr Ann Chair"}, "Dr Ann Chair", id="named-by-the-register"),
        pytest.param({"addressee": None}, None, id="register-named-nobody"),
    ],
)
def test_a_v1_notification_is_upcast_keeping_any_addressee_it_had(
    v1_addressee: dict[str, Any], expected: str | None
) -> None:
    payload = {
        "inspection_id": "insp-1",
        "recipient": "lscb_chair",
        "agency": None,
        "notified_by": "ofsted",
        "notified_at": "2026-03-09T09:00:00Z",
        **v1_addressee,
    }
    old = envelope(payload, event_type=NotificationRecorded.event_type, schema_version=1)
    event = CATALOGUE.decode(old)
    assert isinstance(event, NotificationRecorded)
    assert event.addressee == expected
    if not v1_addressee:  # version 2 always says it
        with pytest.raises(MalformedEvent, match="addressee"):
            CATALOGUE.decode(old.model_copy(update={"schema_version": 2}))
