"""One inspection's history from the log, read from its start (audit/log.py `records`): its export, its
timeline, and the inspection, its evidence, judgements, LSCB evaluation and report as they stood at a
moment, replayed with the platform's own folds (imported when asked for, so that reading the log needs none
of the services' code).

What an inspection's export holds, exactly (`EXPORT`, also in docs/consumer-guide.md):

1. every event whose envelope names the inspection (`inspection_id`), on whatever stream: its own streams
   (`inspection-ID`, its evidence items, judgements, LSCB evaluation and report) and the events about it
   on streams that are not its own (the area's calendar `area-CODE`, each inspector's diary
   `inspector-ID`: the booking and release for this inspection, not the rest of the calendar or diary);
2. every event of its area's LSCB board register (`lscb-board-CODE`, CODE the `area_code` of its
   `InspectionScheduled`), which names no inspection: who chairs the board and who the letter is addressed
   to, which the report's text and the as-of replay need; the whole register, whenever recorded.

Nothing else: not another inspection's events in the same area, not a round plan that lists the area.
Each event once (a duplicate delivery is the same event: its `event_id`), exactly as published, ordered by
`occurred_at`, then stream, then version."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError

from shared.language.contracts import CATALOGUE
from shared.language.workdays import ENGLAND
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Envelope
from shared.mechanics.settings import Settings

from . import NotYet
from .log import Progress, records

Published = tuple[dict[str, Any], Envelope]  # an envelope as published (its JSON), and parsed
BOARD = "lscb-board-"  # an area's LSCB board register: lscb-board-<area code>
EXPORT = __doc__.split("\n\n", 1)[1] if __doc__ else ""


async def envelopes_of(settings: Settings, inspection_id: str, progress: Progress) -> list[Published]:
    """The inspection's export (the module's docstring says which events): as published and parsed, in the
    order they happened. Records that are not envelopes are skipped (`verify` reports them)."""
    found: list[Published] = []
    board: list[Published] = []
    read = 0
    async for batch in records(settings):
        for record in batch:
            try:
                raw = json.loads(record.value or b"")
                envelope = Envelope.model_validate(raw)
            except (ValueError, ValidationError):
                continue
            if envelope.inspection_id == inspection_id:
                found.append((raw, envelope))
            elif envelope.inspection_id is None and envelope.stream_id.startswith(BOARD):
                board.append((raw, envelope))
        if (read + len(batch)) // 20_000 > read // 20_000:
            progress(f"  {read + len(batch):,} records read, {len(found)} of inspection {inspection_id}")
        read += len(batch)
    progress(f"  {read:,} records read, {len(found)} of inspection {inspection_id}")
    area = next(
        (e.payload.get("area_code") for _, e in found if e.event_type == "scheduling.InspectionScheduled"),
        None,
    )
    found += [(raw, e) for raw, e in board if e.stream_id == f"{BOARD}{area}"]
    unique = {e.event_id: (raw, e) for raw, e in found}  # a duplicate delivery is one event
    return sorted(unique.values(), key=lambda p: (p[1].occurred_at, p[1].stream_id, p[1].stream_version))


def jsonl(envelopes: Sequence[Published]) -> str:
    """The export: one envelope a line, exactly as published."""
    return "".join(json.dumps(raw, ensure_ascii=False) + "\n" for raw, _ in envelopes)


SHOWN = ("recipient", "agency", "judgement_area", "grade", "bearing", "kind", "inspectorate", "office",
         "name",
         "proposal", "draft", "decision", "point", "addressed_to", "led_by", "evidence_item_id")  # fmt: skip


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: when (England's time), the event, who, its stream and version, and what
    it says (the payload's fields that tell events of a kind apart)."""

    when: datetime
    event: str
    who: str
    stream: str
    version: int
    what: str


def entries(envelopes: Sequence[Envelope]) -> list[Entry]:
    return [
        Entry(
            when=e.occurred_at.astimezone(ENGLAND),
            event=e.event_type,
            who=f"{e.actor.inspectorate or e.actor.role}/{e.actor.user}",  # a chair, or the platform itself
            stream=e.stream_id,
            version=e.stream_version,
            what=", ".join(f"{k}={e.payload[k]}" for k in SHOWN if e.payload.get(k) is not None),
        )
        for e in envelopes
    ]


def timeline(envelopes: Sequence[Envelope]) -> str:
    return "\n".join(
        f"{e.when:%Y-%m-%d %H:%M:%S}  {e.event:<42} {e.who:<28} {e.stream} v{e.version}  {e.what}"
        for e in entries(envelopes)
    )


def as_of(
    envelopes: Sequence[Envelope], moment: datetime, document: Literal["md", "html"] = "md"
) -> dict[str, Any]:
    """The inspection as the log says it stood at `moment`: replayed with the platform's own folds. The
    report's text is Markdown, or the reporting service's HTML (`document`). `NotYet` before the inspection
    was scheduled."""
    from services.judgement.domain.judgements import judgements
    from services.lscb.domain.evaluation import evaluation
    from services.reporting.domain import lifecycle
    from services.reporting.rendering import documents
    from services.scheduling.domain.inspection import Inspection, evolve
    from shared.mechanics.decider import fold
    from shared.views import evidence_items

    then = [e for e in envelopes if e.occurred_at <= moment]
    if not any(e.event_type == "scheduling.InspectionScheduled" for e in then):
        raise NotYet(f"the inspection did not exist yet at {moment.isoformat()}")
    pairs = [(CATALOGUE.decode(e), e) for e in then]

    def stream(prefix: str) -> list[Event]:
        return [event for event, e in pairs if e.stream_id.startswith(prefix)]

    inspection = fold(evolve, Inspection(), stream("inspection-"))
    assert inspection.scheduled is not None
    assert inspection.window is not None
    items = evidence_items.fold(pairs)
    standing = [i for i in items.values() if not i.withdrawn]
    judged = judgements.fold(stream("judgements-"))
    board = evaluation.fold(stream("lscb-evaluation-"))
    report = lifecycle.report.fold(stream("report-"))
    final_at = next((e.occurred_at for event, e in pairs if event is report.final), None)
    content = [event for event, e in pairs if final_at is None or e.occurred_at <= final_at]
    return {
        "inspection_id": inspection.scheduled.inspection_id,
        "as_at": moment.isoformat(),
        "programme": inspection.scheduled.programme,
        "local_area": inspection.scheduled.local_area,
        "fieldwork": [str(inspection.window.starts), str(inspection.window.ends)],
        "cancelled": inspection.cancelled is not None,
        "inspectorates": [str(i) for i in inspection.inspectorates],
        "notified": [
            n.recipient.value + (f" ({n.agency})" if n.agency else "") for n in inspection.notifications
        ],
        "evidence": {
            "standing": len(standing),
            "withdrawn": len(items) - len(standing),
            "by_bearing": {
                b: sum(1 for i in standing if i.bearing == b) for b in sorted({i.bearing for i in standing})
            },
        },
        "judgements": [
            {"agency": a, "area": area, "status": j.status.value, "grade": j.grade, "flags": len(j.flags)}
            for (a, area), j in judged.by_key.items()
        ],
        "lscb": {
            "proposal": board.proposal.proposal if board.proposal else None,
            "signed_off": [str(i) for i in board.signed_off],
            "disputes": [str(i) for i in board.disputes],
            "final": board.final is not None,
        },
        "report": {
            "status": report.status(tuple(inspection.inspectorates)).value,
            "draft": report.draft.draft if report.draft else None,
            "text": documents.render_report(content, documents.Format(document)).decode(),
        },
    }
