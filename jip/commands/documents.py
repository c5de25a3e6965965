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
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from embedded.errors import StackError
from embedded.supervisor import settings_of_stack
from jip.client import DEFAULT_ACTOR, Service, client_options, if_match, segment
from jip.commands import summary
from jip.commands.documents_text import (
    changed_text,
    documents_table,
    lifecycle_text,
    summary_text,
)
from jip.commands.report_steps import (
    ACTION_PLAN_RULE,
    RULE,
    _add_step_commands,
    _change,
    _report,
)
from jip.commands.tokens import ACT_AS
from jip.options import (
    if_match_option,
    inspection_argument,
)
from jip.render import NONE, dump, when
from shared.language.workdays import ENGLAND

SERVICE = Service("reporting")
# The formats of services.reporting.documents.Format, by value (the CLI does not load the renderers).
FORMATS = ("md", "html", "html-large", "pdf")
BINARY = "pdf"
# The JTAI's rules (QA by Ofsted, agreed by all, one factual-accuracy response, published by each); each
# programme's own paragraphs are in its file, and a refusal cites them.
ROUND = "the round's id (`jip rounds list` shows them)"
# The steps of the lifecycle that take no body, by command: the path, what each does, the rule.


def _fetch(args: argparse.Namespace, path: str, **params: Any) -> httpx.Response:
    """GET a document from the reporting service as bytes, with its headers: not JSON."""
    return SERVICE.send(args, "GET", path, timeout=120, **params)


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


# The steps of a report's history, by event type, as the commands that make them say it.


# ---------------------------------------------------------------- commands


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
        parts.append(f"content as at {when(response.headers['X-Content-As-At'])}")
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
            entries = SERVICE.call(args, "GET", "/documents")
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
            path = f"/rounds/{segment(args.round_id)}/overview"
            return _write(args, _fetch(args, path, format=args.format, as_at=args.as_at))
        case "lifecycle":
            view = SERVICE.call(args, "GET", f"{_report(args)}/lifecycle")
            print(json.dumps(view, indent=2) if args.json else lifecycle_text(view))
            return 0
        case "rebuild":
            return run_rebuild(args)
    path, body = _change(args)
    view = SERVICE.call(args, "POST", path, body, headers=if_match(args.if_match))
    if args.json:
        return dump(view)
    print(changed_text(view))
    return 0


# ---------------------------------------------------------------- argument parsing


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
    inspection_argument(show)
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
    inspection_argument(lifecycle)


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
        if_match_option(change, "report's lifecycle")

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
