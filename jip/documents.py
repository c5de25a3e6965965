"""`jip documents`: the documents the reporting service renders from the event log, and each report's
lifecycle (001 Proposal four).

The report of an inspection is drafted by the lead inspectorate once fieldwork is over and every judgement
it reports is final, quality-assured by Ofsted, agreed by every inspectorate taking part, sent to whoever
its programme names for one coordinated factual-accuracy response (the chair of the LSCB; the local
authority's senior leader in a CLA inspection), decided point by point, made final and published by each
inspectorate; then the post-inspection action plan is requested, received and tracked. A published report
is corrected in a new edition (`jip documents draft --correction`); the first stays as it was published.
A round sharing a deep-dive theme has an overview.

Each command is made as the actor given by --as (or $JIP_ACTOR), like the other service commands; the
service is at $JIP_REPORTING_URL, or on the embedded stack's port. The rules stay in the service: a refused
command prints its reason and the rule it cites, e.g. `jip: error: ... (rule: 001 Proposal four)`.
`jip documents rebuild` runs in this process, against the stack's broker and database."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import hashlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from jip.commands import StackError, day, summary
from jip.evidence import (
    INSPECTION,
    _dump,
    _if_match,
    _inspection,
    _segment,
    _table,
    _when,
    _wrapped,
)
from jip.lscb import _if_match_option
from jip.scheduling import DEFAULT_ACTOR, _request, _send, client_options
from jip.stack import settings_of_stack
from jip.tokens import ACT_AS
from shared.contracts.reporting import Decision
from shared.contracts.vocabulary import Agency
from shared.workdays import ENGLAND

if TYPE_CHECKING:
    from services.reporting.rebuild import Summary

SERVICE = "reporting"
NONE = "—"  # an empty cell: no round, no lifecycle
# The formats of services.reporting.documents.Format, by value (the CLI does not load the renderers).
FORMATS = ("md", "html", "html-large", "pdf")
BINARY = "pdf"
# The JTAI's rules (QA by Ofsted, agreed by all, one factual-accuracy response, published by each); each
# programme's own paragraphs are in its file, and a refusal cites them.
RULE = "001 Proposal four"
ACTION_PLAN_RULE = "001 Post inspection action plan"
ROUND = "the round's id (`jip rounds list` shows them)"
# The steps of the lifecycle that take no body, by command: the path, what each does, the rule.
STEPS = {
    "draft": (
        "draft",
        "the lead inspectorate drafts the report (again): quality assurance and agreement start afresh",
        "The lead inspectorate drafts the report from the event log as it stands, once fieldwork is over "
        "(after the joint feedback meeting on its last day, 001 Proposal three) and every judgement it "
        "reports is final. Each draft is numbered and needs Ofsted's quality assurance and every "
        "inspectorate's agreement afresh. Every step until the draft is sent applies to the content as "
        "drafted: if the events it is rendered from move on (a new finding, a withdrawn item), draft it "
        f"again ({RULE}). Refused once the draft is sent: corrections then follow its factual-accuracy "
        "response. Once the report is published, --correction WHAT drafts a corrected edition, saying what "
        "changed and when; it is agreed by every inspectorate, made final and published again, and the "
        "edition it corrects stays as it was published.",
    ),
    "quality-assure": (
        "quality-assurance",
        "Ofsted, as the lead inspectorate, quality-assures the draft",
        f"Ofsted, as the lead inspectorate, quality-assures the current draft ({RULE}: Ofsted will quality "
        "assure). Refused if the report has changed since it was drafted.",
    ),
    "agree": (
        "agreement",
        "your inspectorate agrees the quality-assured draft",
        "Your inspectorate (--as) agrees the quality-assured draft. The report is agreed by every "
        f"inspectorate taking part ({RULE}) before it goes to the LSCB.",
    ),
    "send": (
        "sending",
        "the lead inspectorate sends the agreed draft to whoever its programme names (the LSCB chair)",
        "The lead inspectorate sends the agreed draft to whoever the programme names, who coordinates ONE "
        f"factual-accuracy response ({RULE}): the chair of the LSCB, named from the area's board register "
        "(the business manager when the chair is away or the post is vacant), or, where no LSCB is in the "
        "programme's scope, an agency's senior leader, named with --addressee (CLA 2012: the local "
        "authority's). Refused until Ofsted has quality-assured it and every inspectorate taking part has "
        "agreed it.",
    ),
    "finalise": (
        "final",
        "the lead inspectorate makes the report final, once every point of the response is decided",
        "The lead inspectorate makes the report final after the factual-accuracy response, once "
        f"every point of it is decided ({RULE}), on the content every inspectorate agreed and sent, or as "
        "an accepted point corrected it: a change since then is agreed by every inspectorate again first. "
        "The final report is the log as at this moment: whatever happens later, it renders the same bytes.",
    ),
    "publish": (
        "publication",
        "your inspectorate publishes the final report",
        f"Your inspectorate (--as) publishes the final report: it is published by each inspectorate ({RULE})."
        " It is published once every inspectorate taking part has.",
    ),
}
CHANGES = (*STEPS, "respond", "decide", "action-plan", "plan-received", "plan-progress")


def _call(
    args: argparse.Namespace,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Any:
    return _request(args, method, path, body, service=SERVICE, headers=headers, **params)


def _fetch(args: argparse.Namespace, path: str, **params: Any) -> httpx.Response:
    """GET a document from the reporting service as bytes, with its headers: not JSON."""
    return _send(args, "GET", path, service=SERVICE, timeout=120, **params)


def _report(args: argparse.Namespace) -> str:
    return f"{_inspection(args)}/report"


def _moment(value: str) -> str:
    """A time given as an option, e.g. 2026-12-08T12:00 (in England) or 2026-12-08T12:00:00Z."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a time: give YYYY-MM-DDTHH:MM, in England unless it ends in Z or +HH:MM"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ENGLAND)
    return moment.isoformat()


# ---------------------------------------------------------------- rendering


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
    return "\n".join(_table(["document", "kind", "local area", "round", "status"], rows))


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


# The steps of a report's history, by event type, as the commands that make them say it.
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
                _when(str(envelope["occurred_at"])),
                _step_name(envelope),
                f"{actor.get('inspectorate') or 'platform'}/{actor['user']}",
                _details(envelope),
            ]
        )
    return [
        "history (`jip documents show INSPECTION --at-step N` renders the report as at a step):",
        *(f"  {line}" for line in _table(["step", "time", "what", "by", ""], rows)),
    ]


def _response_lines(view: Mapping[str, Any]) -> list[str]:
    response = view.get("response")
    if response is None:
        return []
    decisions = {d["point"]: d for d in view["decisions"]}
    lines = [f"  response     from {response['responder']}, {len(response['points'])} point(s):"]
    for point in response["points"]:
        where = f" [{point['section']}]" if point.get("section") else ""
        lines += _wrapped(f"{point['point']}.{where} ", point["text"], "    ")
        decided = decisions.get(point["point"])
        if decided is None:
            lines.append("       undecided")
        else:
            lines += _wrapped(f"{decided['decision']}: ", decided["reason"], "       ")
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
        lines += _wrapped(f"  edition {view['edition']}    corrects: ", str(view.get("correction")), "    ")
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
            lines += _wrapped(f"{progress['on']}: ", progress["note"], "    ")
    lines.append(f"  content now  checksum {view['checksum']}")
    lines += _history(view["history"])
    return "\n".join(lines)


def summary_text(summary: Summary) -> str:
    """What `jip documents rebuild` did: documents before and after, the events read, how long each part
    took, and whether every document renders the same bytes."""

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
    if summary.ok:
        lines.append(f"checksums match for {matching}")
    else:
        lines.append(f"checksums match for {matching}, but not for these:")
        lines += [f"  changed  {d}" for d in summary.changed]
        lines += [f"  missing  {d}" for d in summary.missing]
    if summary.new:
        lines.append(f"new since the rebuild began: {', '.join(summary.new)}")
    return "\n".join(lines)


# ---------------------------------------------------------------- commands


def points_body(args: argparse.Namespace) -> dict[str, Any]:
    """The body of `respond`: the points given by --point N TEXT (and --section N SECTION), or in --file."""
    if args.file is not None:
        try:
            raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
            loaded = json.loads(raw)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise StackError(f"--file {args.file}: cannot read it as JSON: {exc}") from None
        points = loaded.get("points") if isinstance(loaded, dict) else loaded
        if not isinstance(points, list):
            raise StackError(f"--file {args.file}: give a list of {{point, section, text}}, or {{points: …}}")
        return {"points": points}
    numbered: dict[int, dict[str, Any]] = {}
    found: list[dict[str, Any]] = []
    for number, text in args.point:
        if not number.isdigit():
            raise StackError(f"--point {number} {text!r}: N is the point's number, e.g. 1")
        point = {"point": int(number), "text": text}
        numbered.setdefault(int(number), point)
        found.append(point)
    for number, section in args.section:
        if not number.isdigit() or int(number) not in numbered:
            raise StackError(f"--section {number} {section!r}: no --point {number} was given")
        numbered[int(number)]["section"] = section
    return {"points": found}


def _change(args: argparse.Namespace) -> tuple[str, dict[str, Any] | None]:
    """The path and body of a change to the report's lifecycle."""
    report = _report(args)
    match args.action:
        case "respond":
            return f"{report}/factual-accuracy-response", points_body(args)
        case "decide":
            body = {"point": args.point, "decision": args.decision, "reason": args.reason}
            return f"{report}/factual-accuracy-decisions", body
        case "action-plan":
            return f"{report}/action-plan", {"led_by": args.led_by, "due_on": args.due_on}
        case "plan-received":
            return f"{report}/action-plan/receipt", {"received_on": args.on}
        case "plan-progress":
            return f"{report}/action-plan/progress", {"on": args.on, "note": args.note}
        case "draft" if args.correction:
            return f"{report}/draft", {"correction": args.correction}
        case "send" if args.addressee:
            return f"{report}/sending", {"addressee": args.addressee}
        case step:
            return f"{report}/{STEPS[step][0]}", None


def _write(args: argparse.Namespace, response: httpx.Response) -> int:
    content = response.content
    checksum = response.headers.get("X-Checksum", "")
    if checksum != hashlib.sha256(content).hexdigest():
        raise StackError(
            f"the document arrived damaged: its checksum is not {checksum or 'given'}; try again"
        )
    if args.output is not None:
        try:
            args.output.write_bytes(content)
        except OSError as exc:
            raise StackError(f"--output {args.output}: cannot write it: {exc}") from None
        where = f"{len(content):,} bytes written to {args.output}"
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        where = f"{len(content):,} bytes"
    parts = [f"checksum {checksum}", f"status {response.headers.get('X-Report-Status', NONE)}"]
    if response.headers.get("X-Report-Edition", "1") != "1":
        parts.append(f"edition {response.headers['X-Report-Edition']}")
    if response.headers.get("X-Content-As-At"):
        parts.append(f"content as at {_when(response.headers['X-Content-As-At'])}")
    print(f"{', '.join(parts)}; {where}", file=sys.stderr)
    return 0


def _refuse_binary_to_a_terminal(args: argparse.Namespace) -> None:
    if args.format == BINARY and args.output is None and sys.stdout.isatty():
        raise StackError("a PDF is not written to a terminal: give --output FILE (or redirect the output)")


def run_rebuild(args: argparse.Namespace) -> int:
    from aiokafka.errors import KafkaError
    from pymongo.errors import PyMongoError

    from services.reporting.rebuild import rebuild

    settings = settings_of_stack(args.data_dir)

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        summary = asyncio.run(rebuild(settings, progress))
    except (KafkaError, PyMongoError, OSError) as exc:
        raise StackError(f"the rebuild stopped: {exc}; is the stack up (`jip stack status`)?") from None
    if args.json:
        print(json.dumps({**dataclasses.asdict(summary), "ok": summary.ok}, indent=2))
    else:
        print(summary_text(summary))
    return 0 if summary.ok else 1


def documents(args: argparse.Namespace) -> int:
    match args.action:
        case "list":
            entries = _call(args, "GET", "/documents")
            print(json.dumps(entries, indent=2) if args.json else documents_table(entries))
            return 0
        case "show":
            _refuse_binary_to_a_terminal(args)
            answer = _fetch(
                args,
                _report(args),
                format=args.format,
                as_at=args.as_at,
                at_step=args.at_step,
                edition=args.edition,
            )
            return _write(args, answer)
        case "overview":
            _refuse_binary_to_a_terminal(args)
            path = f"/rounds/{_segment(args.round_id)}/overview"
            return _write(args, _fetch(args, path, format=args.format, as_at=args.as_at))
        case "lifecycle":
            view = _call(args, "GET", f"{_report(args)}/lifecycle")
            print(json.dumps(view, indent=2) if args.json else lifecycle_text(view))
            return 0
        case "rebuild":
            return run_rebuild(args)
    path, body = _change(args)
    view = _call(args, "POST", path, body, headers=_if_match(args.if_match))
    if args.json:
        return _dump(view)
    print(changed_text(view))
    return 0


# ---------------------------------------------------------------- argument parsing


def _inspection_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)


def _document_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="md",
        help="md (the default), html, html-large (large print) or pdf",
    )
    parser.add_argument(
        "--as-at",
        type=_moment,
        metavar="TIME",
        help=f"the {what} as it stood at this time, e.g. 2026-12-08T12:00 (in England) or "
        "2026-12-08T12:00:00Z",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write it to FILE (default: standard output; a PDF is not written to a terminal)",
    )


def _add_document_commands(
    acts: Any, client: argparse.ArgumentParser, actor: argparse.ArgumentParser
) -> None:
    acts.add_parser(
        "list",
        parents=[client],
        help="every document reporting can render, with where each report stands",
        description="One line per document: each inspection's report, with its kind and where its "
        f"lifecycle stands ({RULE}), and each round's overview where the programme publishes one. The "
        "first column is the document's path on the reporting service.",
    )

    show = acts.add_parser(
        "show",
        parents=[actor],
        help="the inspection's report, rebuilt from the event log, as it stands or as it stood",
        description="The inspection's report (the findings letter of a JTAI), rendered from the event log: "
        "as it stands; once final, as it was made final, whatever came after; or as it stood at a time "
        "(--as-at) or a step of its lifecycle (--at-step, numbered by `jip documents lifecycle`). The "
        "document goes to --output or standard output; its checksum (sha256 of the bytes, checked on "
        "arrival) and the report's status go to standard error. A PDF needs --output or a redirect.",
    )
    _inspection_argument(show)
    _document_options(show, "report")
    show.add_argument(
        "--at-step",
        type=int,
        metavar="N",
        help="the report as it stood at step N of its lifecycle (`jip documents lifecycle` lists them)",
    )
    show.add_argument(
        "--edition",
        type=int,
        metavar="N",
        help="the report as edition N was made final: 1, the first published, then each correction",
    )

    overview = acts.add_parser(
        "overview",
        parents=[actor],
        help="the overview of a round sharing a deep-dive theme, across its final reports",
        description="The overview of a round whose inspections share a deep-dive theme: the strengths and "
        f"lessons across the areas whose reports are final, each as published ({RULE}: a joint overview "
        "report after each round). Written like `jip documents show`.",
    )
    overview.add_argument("round_id", metavar="ROUND", help=ROUND)
    _document_options(overview, "overview")

    lifecycle = acts.add_parser(
        "lifecycle",
        parents=[client],
        help="where the report stands: each step, agreement, the LSCB's response and the action plan",
        description=f"Where the inspection's report stands in its lifecycle ({RULE}): the draft, Ofsted's "
        "quality assurance, which inspectorates have agreed it and which are awaited, to whom in the LSCB "
        "it was sent, the one factual-accuracy response point by point with each decision, the final "
        "checksum, who has published it, the post-inspection action plan and its progress "
        f"({ACTION_PLAN_RULE}), and every step of its history with when and by whom.",
    )
    _inspection_argument(lifecycle)


def _add_step_commands(acts: Any, client: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    changes = []
    for name, (_, helptext, description) in STEPS.items():
        step = acts.add_parser(name, parents=[client], help=helptext, description=description)
        _inspection_argument(step)
        changes.append(step)
        if name == "draft":
            step.add_argument(
                "--correction",
                metavar="WHAT",
                help="after publication: what changed and when; drafts the corrected edition",
            )
        elif name == "send":
            step.add_argument(
                "--addressee",
                metavar="NAME",
                help="the agency senior leader it goes to, where the programme sends it to one (CLA 2012)",
            )

    respond = acts.add_parser(
        "respond",
        parents=[client],
        help="record the LSCB's one coordinated factual-accuracy response, point by point",
        description="Record the partnership's factual-accuracy response to the draft sent to the chair of "
        f"the LSCB: there is ONE, coordinated by the chair ({RULE}), and it is recorded once. Each point "
        "has its own number. Give the points as --point N TEXT (with --section N SECTION for where in "
        'the draft), or in --file: JSON, a list of {"point": 1, "section": "...", "text": "..."}. '
        "Only the chair of the inspected area's LSCB may: act as them with --as lscb_chair:AREA_CODE "
        "(e.g. lscb_chair:E08000036). Where the programme sends the draft to an agency's senior leader "
        "instead (CLA 2012), the lead inspectorate records the response they coordinated.",
    )
    _inspection_argument(respond)
    points = respond.add_mutually_exclusive_group(required=True)
    points.add_argument(
        "--point",
        nargs=2,
        action="append",
        metavar=("N", "TEXT"),
        help="a point of the response: its number and what the partnership says is inaccurate",
    )
    points.add_argument("--file", metavar="PATH", help="read the points from a JSON file (- for stdin)")
    respond.add_argument(
        "--section",
        nargs=2,
        action="append",
        default=[],
        metavar=("N", "SECTION"),
        help="where in the draft point N is, e.g. 'Key strengths'",
    )

    decide = acts.add_parser(
        "decide",
        parents=[client],
        help="the lead inspectorate accepts or rejects one point of the response, with the reason",
        description="The lead inspectorate decides one point of the LSCB's factual-accuracy response: "
        f"accepted (say what was corrected) or rejected (say why), once. The report is made final when "
        f"every point is decided ({RULE}).",
    )
    _inspection_argument(decide)
    decide.add_argument("--point", required=True, type=int, metavar="N", help="the point's number")
    decision = decide.add_mutually_exclusive_group(required=True)
    decision.add_argument(
        "--accept",
        dest="decision",
        action="store_const",
        const=Decision.ACCEPTED.value,
        help="the point is accepted: the report is corrected",
    )
    decision.add_argument(
        "--reject",
        dest="decision",
        action="store_const",
        const=Decision.REJECTED.value,
        help="the point is not accepted",
    )
    decide.add_argument(
        "--reason", required=True, help="what was corrected, or why the point was not accepted"
    )

    plan = acts.add_parser(
        "action-plan",
        parents=[client],
        help="Ofsted says which agency leads the post-inspection action plan, and when it is due",
        description="After the report is final, Ofsted determines which inspected agency leads the "
        f"post-inspection action plan, working with the others, and when it is due ({ACTION_PLAN_RULE}). "
        "Once only, and only where the programme tracks an action plan.",
    )
    _inspection_argument(plan)
    plan.add_argument(
        "--led-by",
        required=True,
        choices=[a.value for a in Agency],
        metavar="AGENCY",
        help="the agency inspected here that leads it; one of %(choices)s",
    )
    plan.add_argument(
        "--due", dest="due_on", required=True, type=day, metavar="YYYY-MM-DD", help="due after today"
    )

    received = acts.add_parser(
        "plan-received",
        parents=[client],
        help="the lead inspectorate records that the action plan was received",
        description=f"Record the day the requested action plan was received ({ACTION_PLAN_RULE}).",
    )
    _inspection_argument(received)
    received.add_argument("--on", required=True, type=day, metavar="YYYY-MM-DD", help="the day received")

    progress = acts.add_parser(
        "plan-progress",
        parents=[client],
        help="track the action plan: the progress seen on a day",
        description="Track the received action plan: record the progress seen on a day "
        f"({ACTION_PLAN_RULE}).",
    )
    _inspection_argument(progress)
    progress.add_argument("--on", required=True, type=day, metavar="YYYY-MM-DD", help="the day seen")
    progress.add_argument("--note", required=True, help="what progress was seen")
    return [*changes, respond, decide, plan, received, progress]


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    """Add the reporting commands to `jip`'s sub-command parser."""
    client = client_options(data_dir)
    actor = argparse.ArgumentParser(add_help=False, parents=[data_dir])
    actor.add_argument(
        "--as",
        dest="actor",
        default=os.environ.get("JIP_ACTOR", DEFAULT_ACTOR),
        metavar="ACTOR",
        help=f"{ACT_AS}; a token is issued for them from the stack's key, or $JIP_TOKEN is sent instead "
        f"(default $JIP_ACTOR or {DEFAULT_ACTOR})",
    )
    parser = commands.add_parser(
        "documents",
        help=summary("documents"),
        description="The reporting service renders every document from the event log: each inspection's "
        "report and, where the programme publishes one, each round's overview. A report goes through its "
        f"lifecycle ({RULE}): drafted by the lead inspectorate, quality-assured by Ofsted, agreed by every "
        "inspectorate taking part, sent to the chair of the LSCB for ONE coordinated factual-accuracy "
        "response, decided point by point, made final and published by each inspectorate; then Ofsted "
        f"says who leads the post-inspection action plan ({ACTION_PLAN_RULE}). Every change takes "
        "--if-match VERSION, the version a command printed, so nothing made meanwhile is overwritten.",
    )
    acts = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    _add_document_commands(acts, client, actor)
    for change in _add_step_commands(acts, client):
        _if_match_option(change, "report's lifecycle")

    rebuild = acts.add_parser(
        "rebuild",
        parents=[data_dir],
        help="drop reporting's read model, read the log from the start and check every document is the same",
        description="Run in this process against the stack's broker and database ($JIP_KAFKA_BOOTSTRAP_"
        "SERVERS, $JIP_MONGODB_URI, $JIP_NAMESPACE and $JIP_KAFKA_PROFILE if set): render every document, "
        "drop the events reporting keeps, read every topic it consumes from the start of the log, render "
        "every document again and compare the checksums. The same log must give the same bytes: exits 1 "
        "if a document changed or is missing. The running service may go on meanwhile.",
    )
    rebuild.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(run=documents)
