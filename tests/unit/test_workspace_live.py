"""What the workspace's live lines of enquiry make of a record (live.py): the change a line-of-enquiry event
tells of, in words and without its text; nothing from any other record, however malformed; and when a page
must fetch itself again because it may have missed a change."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.workspace.live import Change, Tail
from shared.mechanics.settings import Settings


def record(event_type: str, payload: dict[str, Any], inspection_id: Any = "insp-1") -> bytes:
    envelope = {"event_type": event_type, "inspection_id": inspection_id, "payload": payload}
    return json.dumps(envelope).encode()


@pytest.mark.parametrize(
    ("event_type", "payload", "words"),
    [
        (
            "evidence.LineOfEnquiryRaised",
            {"line_id": "l1", "raised_by": "cqc"},
            "CQC raised a line of enquiry.",
        ),
        ("evidence.LineOfEnquiryAnswered", {"line_id": "l1", "answered_by": "hmic"}, "answered"),
        ("evidence.LineOfEnquiryClosed", {"line_id": "l1", "closed_by": "ofsted"}, "Ofsted closed"),
    ],
)
def test_a_line_of_enquiry_event_tells_which_line_changed_and_who_did_what(
    event_type: str, payload: dict[str, Any], words: str
) -> None:
    change = Change.of(record(event_type, {**payload, "question": {"sealed": "…"}}))
    assert change is not None
    assert (change.inspection_id, change.line_id) == ("insp-1", "l1")
    assert words in change.words
    message = change.message()
    assert message.startswith(f"id: {change.at}\nevent: line\ndata: ")
    assert message.endswith("\n\n")
    assert json.loads(message.split("data: ", 1)[1]) == {"line_id": "l1", "words": change.words}
    assert "sealed" not in message  # what was written is read from the service, never sent here


@pytest.mark.parametrize(
    "value",
    [
        None,
        b"",
        b"\xff\xfe not json",
        b"[1, 2]",
        b'{"event_type": "evidence.LineOfEnquiryRaised"}',
        record("evidence.EvidenceItemRecorded", {"line_id": "l1", "raised_by": "cqc"}),
        record("evidence.LineOfEnquiryRaised", {"line_id": 7, "raised_by": "cqc"}),
        record("evidence.LineOfEnquiryRaised", {"line_id": "l1", "raised_by": "cqc"}, inspection_id=None),
        record("evidence.LineOfEnquiryRaised", {"line_id": "l1"}),
    ],
)
def test_any_other_record_tells_of_no_change(value: bytes | None) -> None:
    assert Change.of(value) is None


def test_a_page_is_told_to_fetch_itself_again_when_it_may_have_missed_a_change() -> None:
    tail = Tail(Settings())
    tail.reading_since = 1_000
    assert tail.missed("insp-1", 900)  # made before the reader was positioned
    assert not tail.missed("insp-1", 1_100)
    tail.hand_out(Change("insp-1", "l1", "Ofsted raised a line of enquiry.", at=1_200))
    assert tail.missed("insp-1", 1_100)  # made before the inspection's last change
    assert not tail.missed("insp-1", 1_300)
    assert not tail.missed("insp-2", 1_100)  # another inspection's change is not its


async def test_a_change_reaches_only_the_pages_listening_for_its_inspection() -> None:
    tail = Tail(Settings(kafka_bootstrap_servers="127.0.0.1:1"))  # never reached: nothing is read here
    with tail.listen("insp-1") as mine, tail.listen("insp-2") as theirs:
        tail.hand_out(Change("insp-1", "l1", "Ofsted raised a line of enquiry."))
        assert mine.get_nowait().line_id == "l1"
        assert theirs.empty()
    assert not tail.listeners
    await tail.stop()
