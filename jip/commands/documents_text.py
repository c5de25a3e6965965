"""How `jip documents` shows the reporting service's answers: the documents of an inspection or round, a
report's lifecycle with what it awaits and its history step by step (001 Proposal four), and what
`jip documents rebuild` did."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jip.render import NONE, table, when, wrapped

if TYPE_CHECKING:
    from services.reporting.rebuild import Summary


def documents_table(entries: Sequence[Mapping[str, Any]]) -> str:
    """`jip documents list`: one line per document, the path to fetch it first."""
    if not entries:
        return "no documents yet: reporting renders one for each inspection scheduled"
    rows = [
        [
            e["document"],
            e["kind"],
            e.get("local_area") or NONE,
            e.get("round_id") or NONE,
            e.get("status") or NONE,
        ]
        for e in entries
    ]
    return "\n".join(table(["document", "kind", "local area", "round", "status"], rows))


def _participants(view: Mapping[str, Any]) -> list[str]:
    return list(dict.fromkeys([*view["agreed"], *view["awaiting_agreement"]]))


def _unpublished(view: Mapping[str, Any]) -> list[str]:
    published = {p["inspectorate"] for p in view["published"]}
    return [i for i in _participants(view) if i not in published]


def _addressee(sent: Mapping[str, Any]) -> str:
    if sent.get("to"):
        return str(sent["to"])
    return f"{sent['addressee']}, {str(sent['office']).replace('_', ' ')} of the LSCB"


def awaited(view: Mapping[str, Any]) -> str:
    """What the report waits for next, by its status."""
    match view["status"]:
        case "live":
            return "awaits the lead inspectorate's draft"
        case "drafted":
            return f"draft {view['draft']} awaits Ofsted's quality assurance"
        case "quality_assured":
            return f"draft {view['draft']} awaits the agreement of {', '.join(view['awaiting_agreement'])}"
        case "agreed" if view.get("edition", 1) > 1:
            return (
                f"draft {view['draft']} of edition {view['edition']} is agreed by all: it awaits finalisation"
            )
        case "agreed":
            return f"draft {view['draft']} is agreed by all: it awaits sending for factual accuracy"
        case "sent_to_lscb" | "sent_to_senior_leader":
            return f"awaits the factual-accuracy response of {_addressee(view['sent'])}"
        case "response_received":
            undecided = view["undecided"]
            if undecided:
                return f"awaits decisions on point(s) {', '.join(map(str, undecided))}"
            return "every point is decided: it awaits finalisation"
    plan, received = view.get("action_plan"), view.get("action_plan_received")
    parts = []
    unpublished = _unpublished(view)
    if unpublished:
        parts.append(f"awaits publication by {', '.join(unpublished)}")
    if received is not None:
        parts.append(f"action plan received on {received['received_on']}, {len(view['progress'])} update(s)")
    elif plan is not None:
        parts.append(f"awaits the action plan led by {plan['led_by']}, due {plan['due_on']}")
    return "; ".join(parts) or "published by every inspectorate"


def changed_text(view: Mapping[str, Any]) -> str:
    """What a step left: the status, what is awaited, and the version to give --if-match next."""
    return (
        f"report of inspection {view['inspection_id']}: {view['status']}; {awaited(view)}; "
        f"version {view['version']}"
    )


STEP_NAMES = {
    "ReportDrafted": "drafted",
    "ReportQualityAssured": "quality-assured",
    "ReportAgreed": "agreed",
    "ReportSentForFactualAccuracy": "sent for factual accuracy",
    "ReportSentToLscb": "sent to the LSCB",
    "FactualAccuracyResponseReceived": "response received",
    "FactualAccuracyPointDecided": "point decided",
    "ReportFinalised": "made final",
    "ReportPublished": "published",
    "ReportCorrectionOpened": "correction opened",
    "ActionPlanRequested": "action plan requested",
    "ActionPlanReceived": "action plan received",
    "ActionPlanProgressRecorded": "action plan progress",
}


def _step_name(envelope: Mapping[str, Any]) -> str:
    name = str(envelope["event_type"]).rsplit(".", 1)[-1]
    return STEP_NAMES.get(name, name)


def _details(envelope: Mapping[str, Any]) -> str:
    p: Mapping[str, Any] = envelope.get("payload") or {}
    match str(envelope["event_type"]).rsplit(".", 1)[-1]:
        case "ReportDrafted" | "ReportQualityAssured" | "ReportAgreed":
            return f"draft {p.get('draft')}"
        case "ReportSentToLscb":
            return (
                f"draft {p.get('draft')} to {p.get('addressee')} ({str(p.get('office')).replace('_', ' ')})"
            )
        case "ReportSentForFactualAccuracy":
            whose = f" of {p.get('agency')}" if p.get("agency") else ""
            recipient = str(p.get("recipient")).replace("_", " ")
            return f"draft {p.get('draft')} to {p.get('addressee')} ({recipient}{whose})"
        case "ReportCorrectionOpened":
            return f"edition {p.get('edition')}: {p.get('reason')}"
        case "FactualAccuracyResponseReceived":
            return f"{len(p.get('points') or [])} point(s) from {p.get('responder')}"
        case "FactualAccuracyPointDecided":
            return f"point {p.get('point')} {p.get('decision')}"
        case "ReportFinalised" | "ReportPublished":
            return f"checksum {str(p.get('checksum'))[:12]}…"
        case "ActionPlanRequested":
            return f"led by {p.get('led_by')}, due {p.get('due_on')}"
        case "ActionPlanReceived":
            return f"received on {p.get('received_on')}"
        case "ActionPlanProgressRecorded":
            return f"on {p.get('on')}"
    return ""


def _history(history: Sequence[Mapping[str, Any]]) -> list[str]:
    if not history:
        return ["history: none yet"]
    rows = []
    for envelope in history:
        actor = envelope["actor"]
        rows.append(
            [
                str(envelope["stream_version"]),
                when(str(envelope["occurred_at"])),
                _step_name(envelope),
                f"{actor.get('inspectorate') or 'platform'}/{actor['user']}",
                _details(envelope),
            ]
        )
    return [
        "history (`jip documents show INSPECTION --at-step N` renders the report as at a step):",
        *(f"  {line}" for line in table(["step", "time", "what", "by", ""], rows)),
    ]


def _response_lines(view: Mapping[str, Any]) -> list[str]:
    response = view.get("response")
    if response is None:
        return []
    decisions = {d["point"]: d for d in view["decisions"]}
    lines = [f"  response     from {response['responder']}, {len(response['points'])} point(s):"]
    for point in response["points"]:
        where = f" [{point['section']}]" if point.get("section") else ""
        lines += wrapped(f"{point['point']}.{where} ", point["text"], "    ")
        decided = decisions.get(point["point"])
        if decided is None:
            lines.append("       undecided")
        else:
            lines += wrapped(f"{decided['decision']}: ", decided["reason"], "       ")
    return lines


def _drafted_checksum(view: Mapping[str, Any]) -> str | None:
    drafts = [e for e in view["history"] if str(e["event_type"]).endswith(".ReportDrafted")]
    return str(drafts[-1]["payload"]["checksum"]) if drafts else None


def lifecycle_text(view: Mapping[str, Any]) -> str:
    """`jip documents lifecycle`: where the report stands at each step of 001 Proposal four, the response
    point by point with its decisions, who published it, the action plan, and every step of its history."""
    lines = [
        f"report of inspection {view['inspection_id']} ({view['kind']}): {view['status']}; "
        f"version {view['version']}",
        f"  next         {awaited(view)}",
    ]
    if view.get("draft") is None:
        lines.append("  draft        none yet (the lead inspectorate drafts: `jip documents draft`)")
    else:
        lines.append(f"  draft        {view['draft']}")
        assured = "yes" if view["quality_assured"] else "not yet"
        lines.append(f"  QA (Ofsted)  {assured}")
        agreed = ", ".join(view["agreed"]) or "nobody yet"
        waiting = f"; awaiting {', '.join(view['awaiting_agreement'])}" if view["awaiting_agreement"] else ""
        lines.append(f"  agreed by    {agreed}{waiting}")
        drafted = _drafted_checksum(view)
        if view.get("sent") is None and drafted is not None and drafted != view["checksum"]:
            lines.append(
                f"  CHANGED      the log has moved on since draft {view['draft']}: draft it again "
                "before the next step"
            )
    sent = view.get("sent")
    lines.append(
        f"  sent to      {_addressee(sent)} (draft {sent['draft']})" if sent else "  sent to      not yet"
    )
    approved = view.get("approved_checksum")
    if approved and approved != view["checksum"] and not view.get("final_checksum"):
        so_far = ", ".join(view.get("agreed_as_it_stands", [])) or "nobody yet"
        lines.append(
            "  CHANGED      since it was agreed and sent: every inspectorate agrees it as it now stands "
            f"before it is made final (so far {so_far})"
        )
    lines += _response_lines(view)
    for edition in view.get("editions", []):
        published = ", ".join(p["inspectorate"] for p in edition["published"]) or "nobody"
        kept = f"checksum {edition['final_checksum']}"
        lines.append(f"  edition {edition['edition']}    {kept}, published by {published}")
    if view.get("edition", 1) > 1:
        lines += wrapped(f"  edition {view['edition']}    corrects: ", str(view.get("correction")), "    ")
    final = view.get("final_checksum")
    lines.append(f"  final        checksum {final}" if final else "  final        not yet")
    if final:
        published = ", ".join(p["inspectorate"] for p in view["published"]) or "nobody yet"
        unpublished = _unpublished(view)
        waiting = f"; awaiting {', '.join(unpublished)}" if unpublished else ""
        lines.append(f"  published by {published}{waiting}")
    plan = view.get("action_plan")
    if plan is not None:
        received = view.get("action_plan_received")
        got = f"; received on {received['received_on']}" if received else "; not received yet"
        lines.append(f"  action plan  led by {plan['led_by']}, due {plan['due_on']}{got}")
        for progress in view["progress"]:
            lines += wrapped(f"{progress['on']}: ", progress["note"], "    ")
    lines.append(f"  content now  checksum {view['checksum']}")
    lines += _history(view["history"])
    return "\n".join(lines)


def summary_text(summary: Summary) -> str:
    """What `jip documents rebuild` did: documents before and after, the events read, how long each part
    took, whether every document renders the same bytes, and where the log could not be read."""

    def rate(count: int, seconds: float) -> str:
        return f"{count / seconds:,.0f}" if seconds > 0 else "—"

    lines = [
        f"documents  {summary.documents_before} before, {summary.documents} after",
        f"events     {summary.events_read:,} read, {summary.events_kept:,} kept, "
        f"{summary.malformed} malformed",
        f"read       {summary.read_seconds:.1f} s "
        f"({rate(summary.events_read, summary.read_seconds)} events/s)",
        f"render     {summary.render_seconds:.1f} s "
        f"({rate(summary.documents, summary.render_seconds)} documents/s)",
    ]
    matching = f"{len(summary.matching)} document{'' if len(summary.matching) == 1 else 's'}"
    if not (summary.changed or summary.missing):
        lines.append(f"checksums match for {matching}")
    else:
        lines.append(f"checksums match for {matching}, but not for these:")
        lines += [f"  changed  {d}" for d in summary.changed]
        lines += [f"  missing  {d}" for d in summary.missing]
    if summary.new:
        lines.append(f"new since the rebuild began: {', '.join(summary.new)}")
    if summary.damage:
        lines.append(
            f"the log could not be read as written in {len(summary.damage)} place(s), so the documents lack "
            "what those records held (`jip audit verify` names every problem):"
        )
        lines += [f"  {d}" for d in summary.damage]
    return "\n".join(lines)
