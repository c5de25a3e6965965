"""`jip documents`: parsing, help, the requests each command sends, the documents written, and the rendering
of the reporting service's answers and of a rebuild's summary. Nothing here starts a server: answers are
built from the service's own models (the lifecycle folded from real events), requests are caught before
they leave, and the rebuild is stood in for."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import typing
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pymongo.errors import ServerSelectionTimeoutError

import services.reporting.rebuild
from embedded.ports import Ports
from embedded.supervisor import Running, Supervisor
from jip.cli import main, parser
from jip.commands import documents, documents_text, report_steps
from jip.commands.tokens import signer
from services.reporting.api import router
from services.reporting.domain import lifecycle
from services.reporting.rebuild import Summary
from services.reporting.rendering.documents import Format
from services.reporting.shelf import DocumentEntry
from services.reporting.views import lifecycle_view
from shared.language.contracts.reporting import (
    ActionPlanProgressRecorded,
    ActionPlanReceived,
    ActionPlanRequested,
    Decision,
    FactualAccuracyPointDecided,
    FactualAccuracyResponseReceived,
    Point,
    ReportAgreed,
    ReportDrafted,
    ReportFinalised,
    ReportPublished,
    ReportQualityAssured,
    ReportSentToLscb,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import catalogue
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.mechanics.settings import KafkaProfile, Settings
from shared.views.inspections import Inspection
from tests.cli import FakeService, answering
from tests.helpers import claims_sent

INSPECTION = "insp-1"
REPORT = f"/inspections/{INSPECTION}/report"
TAKING_PART = (Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC, Inspectorate.HMI_PROBATION)
AGENCIES = (Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE, Agency.PROBATION)
DRAFTED, FINAL, NOW = "a" * 64, "b" * 64, "c" * 64  # checksums of the Markdown
TEXT = "The letter says the police attend every strategy meeting; they attended most of them."
ENVIRONMENT = (
    "JIP_KAFKA_BOOTSTRAP_SERVERS",
    "JIP_MONGODB_URI",
    "JIP_KAFKA_PROFILE",
    "JIP_NAMESPACE",
    "JIP_TOKEN",  # the commands issue their own token from the stack's key in --data-dir
)


@pytest.fixture(autouse=True)
def no_stack_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)


def parse(*argv: str) -> argparse.Namespace:
    return parser().parse_args(list(argv))


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines: compare words


def cells(line: str) -> list[str]:
    """A table row's cells: columns are two spaces or more apart."""
    return re.split(r" {2,}", line.strip())


# ---------------------------------------------------------------- a report through its lifecycle

WHO = {"inspection_id": INSPECTION}
OFSTED = Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="lead-1")
CQC = Actor(inspectorate=Inspectorate.CQC, role="inspector", user="cqc-1")
HMIC = Actor(inspectorate=Inspectorate.HMIC, role="inspector", user="hmic-1")
PROBATION = Actor(inspectorate=Inspectorate.HMI_PROBATION, role="inspector", user="probation-1")
# Drafted, quality-assured, agreed by all four, sent to the chair, the response's first point decided.
RESPONDED: list[tuple[Event, Actor]] = [
    (ReportDrafted(**WHO, draft=1, kind="findings_letter", checksum=DRAFTED), OFSTED),
    (ReportQualityAssured(**WHO, draft=1, checksum=DRAFTED), OFSTED),
    *(
        (ReportAgreed(**WHO, draft=1, inspectorate=actor.inspectorate, checksum=DRAFTED), actor)
        for actor in (OFSTED, CQC, HMIC, PROBATION)
        if actor.inspectorate is not None
    ),
    (ReportSentToLscb(**WHO, draft=1, addressee="Alex Chair", office="chair", checksum=DRAFTED), OFSTED),
    (
        FactualAccuracyResponseReceived(
            **WHO,
            responder="Alex Chair",
            points=[
                Point(point=1, section="Key strengths", text=TEXT),
                Point(point=2, text="The board met six times, not four."),
            ],
        ),
        OFSTED,
    ),
    (
        FactualAccuracyPointDecided(
            **WHO,
            point=1,
            decision=Decision.ACCEPTED,
            reason="corrected: most strategy meetings",
            checksum=FINAL,
        ),
        OFSTED,
    ),
]
# Then the second point rejected, made final, published by Ofsted and CQC, and the action plan tracked.
PUBLISHED: list[tuple[Event, Actor]] = [
    *RESPONDED,
    (
        FactualAccuracyPointDecided(
            **WHO,
            point=2,
            decision=Decision.REJECTED,
            reason="the minutes record four meetings",
            checksum=FINAL,
        ),
        OFSTED,
    ),
    (ReportFinalised(**WHO, checksum=FINAL), OFSTED),
    (ReportPublished(**WHO, inspectorate=Inspectorate.OFSTED, checksum=FINAL), OFSTED),
    (ReportPublished(**WHO, inspectorate=Inspectorate.CQC, checksum=FINAL), CQC),
    (ActionPlanRequested(**WHO, led_by=Agency.LOCAL_AUTHORITY, due_on=date(2031, 6, 2)), OFSTED),
    (ActionPlanReceived(**WHO, received_on=date(2031, 5, 28)), OFSTED),
    (
        ActionPlanProgressRecorded(**WHO, on=date(2031, 9, 1), note="Strategy meetings audited monthly."),
        OFSTED,
    ),
]


def envelopes(steps: Sequence[tuple[Event, Actor]]) -> list[Envelope]:
    start = datetime(2031, 4, 7, 9, 0, tzinfo=UTC)
    return [
        Envelope(
            event_id=f"event-{n}",
            event_type=event.event_type,
            schema_version=event.schema_version,
            stream_id=lifecycle.stream_id(INSPECTION),
            stream_version=n,
            inspection_id=INSPECTION,
            occurred_at=start + timedelta(days=n),
            actor=actor,
            correlation_id="corr-1",
            payload=event.model_dump(mode="json"),
        )
        for n, (event, actor) in enumerate(steps, start=1)
    ]


def view_of(steps: Sequence[tuple[Event, Actor]], now: str = DRAFTED) -> dict[str, Any]:
    """The answer of GET .../report/lifecycle after these steps, as the service builds it."""
    inspection = Inspection(INSPECTION, catalogue()["jtai-2015"], AGENCIES, TAKING_PART)
    events = [event for event, _ in steps]
    state = lifecycle.report.fold(events)
    return lifecycle_view(inspection, state, envelopes(steps), len(steps), now).model_dump(mode="json")


# ---------------------------------------------------------------- parsing and help


def test_the_formats_are_the_service_s() -> None:
    assert list(documents.FORMATS) == [f.value for f in Format]


def test_show_parses_the_format_the_time_the_step_and_the_file(tmp_path: Path) -> None:
    args = parse(
        "documents", "show", INSPECTION, "--format", "html-large", "--as-at", "2031-04-08T12:00",
        "--at-step", "3", "--output", str(tmp_path / "letter.html"), "--as", "cqc",
    )  # fmt: skip
    assert (args.action, args.inspection_id, args.format, args.at_step) == (
        "show",
        INSPECTION,
        "html-large",
        3,
    )
    assert args.as_at == "2031-04-08T12:00:00+01:00"  # a time without an offset is in England (BST here)
    assert args.output == tmp_path / "letter.html"
    assert args.actor == "cqc"
    winter = parse("documents", "overview", "round-1", "--as-at", "2031-01-08T12:00:00Z")
    assert (winter.round_id, winter.format, winter.as_at, winter.output) == (
        "round-1",
        "md",
        "2031-01-08T12:00:00+00:00",
        None,
    )


def test_respond_takes_numbered_points_and_their_sections() -> None:
    args = parse(
        "documents", "respond", INSPECTION, "--point", "1", TEXT, "--point", "2", "Six meetings, not four.",
        "--section", "1", "Key strengths", "--if-match", "8",
    )  # fmt: skip
    assert report_steps.points_body(args) == {
        "points": [
            {"point": 1, "text": TEXT, "section": "Key strengths"},
            {"point": 2, "text": "Six meetings, not four."},
        ]
    }
    assert args.if_match == 8


def test_respond_reads_the_points_from_a_json_file(tmp_path: Path) -> None:
    points = [{"point": 1, "section": "Key strengths", "text": TEXT}]
    listed, wrapped = tmp_path / "points.json", tmp_path / "response.json"
    listed.write_text(json.dumps(points), encoding="utf-8")
    wrapped.write_text(json.dumps({"points": points}), encoding="utf-8")
    for path in (listed, wrapped):
        assert report_steps.points_body(parse("documents", "respond", INSPECTION, "--file", str(path))) == {
            "points": points
        }


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--point", "one", TEXT], "--point one 'The letter"),
        (["--point", "1", TEXT, "--section", "2", "Key strengths"], "no --point 2 was given"),
        (["--file", "/nonexistent/points.json"], "cannot read it as JSON"),
    ],
)
def test_a_response_that_cannot_be_read_says_why(
    argv: list[str], error: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["documents", "respond", INSPECTION, *argv, "--data-dir", str(tmp_path)]) == 1
    assert error in capsys.readouterr().err


def test_decide_takes_the_point_the_decision_and_the_reason() -> None:
    accept = parse("documents", "decide", INSPECTION, "--point", "2", "--accept", "--reason", "corrected")
    assert (accept.point, accept.decision, accept.reason) == (2, "accepted", "corrected")
    assert parse(
        "documents", "decide", INSPECTION, "--point", "2", "--reject", "--reason", "no"
    ).decision == ("rejected")


@pytest.mark.parametrize(
    "argv",
    [
        ["show", INSPECTION, "--format", "docx"],
        ["show", INSPECTION, "--as-at", "yesterday"],
        ["show", INSPECTION, "--at-step", "last"],
        ["show", INSPECTION, "--json"],  # a document is bytes, not JSON
        ["overview"],
        ["respond", INSPECTION],  # no points
        ["respond", INSPECTION, "--point", "1"],  # no text
        ["respond", INSPECTION, "--point", "1", "t", "--file", "points.json"],
        ["decide", INSPECTION, "--point", "1", "--reason", "r"],  # no decision
        ["decide", INSPECTION, "--point", "1", "--accept", "--reject", "--reason", "r"],
        ["decide", INSPECTION, "--point", "1", "--accept"],  # no reason
        ["action-plan", INSPECTION, "--led-by", "council", "--due", "2031-06-02"],
        ["action-plan", INSPECTION, "--led-by", "health", "--due", "June"],
        ["plan-received", INSPECTION],
        ["plan-progress", INSPECTION, "--on", "2031-09-01"],
        ["draft", INSPECTION, "--if-match", "latest"],
        ["approve", INSPECTION],
    ],
)
def test_a_missing_or_unknown_option_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse("documents", *argv)
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_the_help_says_what_each_command_does_and_cites_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    top = help_of(capsys, "documents")
    for words in ("quality-assured by Ofsted", "agreed by every inspectorate", "ONE coordinated factual-",
                  "published by each inspectorate", "001 Proposal four", "--if-match VERSION"):  # fmt: skip
        assert words in top
    for action in (*report_steps.STEPS, "respond", "decide", "lifecycle", "list", "rebuild"):
        assert action in top
    assert "001 Proposal four: Ofsted will quality assure" in help_of(capsys, "documents", "quality-assure")
    assert "coordinates ONE factual-accuracy response" in help_of(capsys, "documents", "send")
    assert "published by each inspectorate (001 Proposal four)" in help_of(capsys, "documents", "publish")
    assert "once every point of it is decided (001 Proposal four)" in help_of(capsys, "documents", "finalise")
    assert "there is ONE, coordinated by the chair" in help_of(capsys, "documents", "respond")
    plan = help_of(capsys, "documents", "action-plan")
    assert "Ofsted determines which inspected agency leads" in plan
    assert "001 Post inspection action plan" in plan
    show = help_of(capsys, "documents", "show")
    assert "{md,html,html-large,pdf}" in show
    assert "A PDF needs --output or a redirect" in show
    assert "a joint overview report after each round" in help_of(capsys, "documents", "overview")
    assert "exits 1 if a document changed or is missing" in help_of(capsys, "documents", "rebuild")
    assert "documents" in help_of(capsys)


# ---------------------------------------------------------------- rendering the service's answers


def test_the_list_shows_each_document_its_kind_area_round_and_status() -> None:
    entries = [
        DocumentEntry(
            document=REPORT,
            kind="findings_letter",
            inspection_id=INSPECTION,
            round_id="round-1",
            local_area="Wakefield",
            status=lifecycle.Status.SENT_TO_LSCB,
        ),
        DocumentEntry(
            document="/rounds/round-1/overview",
            kind="overview",
            inspection_id=None,
            round_id="round-1",
            local_area=None,
            status=None,
        ),
    ]
    lines = documents_text.documents_table([e.model_dump(mode="json") for e in entries]).splitlines()
    assert lines[0].split() == ["document", "kind", "local", "area", "round", "status"]
    assert cells(lines[1]) == [REPORT, "findings_letter", "Wakefield", "round-1", "sent_to_lscb"]
    assert cells(lines[2]) == ["/rounds/round-1/overview", "overview", "—", "round-1", "—"]
    assert documents_text.documents_table([]).startswith("no documents yet")


def test_the_lifecycle_says_a_change_since_sending_is_agreed_again_before_it_is_final() -> None:
    text = documents_text.lifecycle_text(view_of(RESPONDED, now=NOW))
    assert (
        "  CHANGED      since it was agreed and sent: every inspectorate agrees it as it now stands before "
        "it is made final (so far nobody yet)"
    ) in text.splitlines()


def test_the_lifecycle_shows_the_response_point_by_point_with_its_decisions() -> None:
    text = documents_text.lifecycle_text(view_of(RESPONDED, now=FINAL))  # as point 1 corrected it
    lines = text.splitlines()
    assert lines[:14] == [
        f"report of inspection {INSPECTION} (findings_letter): response_received; version 9",
        "  next         awaits decisions on point(s) 2",
        "  draft        1",
        "  QA (Ofsted)  yes",
        "  agreed by    ofsted, cqc, hmic, hmi_probation",
        "  sent to      Alex Chair, chair of the LSCB (draft 1)",
        "  response     from Alex Chair, 2 point(s):",
        "    1. [Key strengths] The letter says the police attend every strategy meeting; they attended most",
        "                       of them.",  # wrapped under its text
        "       accepted: corrected: most strategy meetings",
        "    2. The board met six times, not four.",
        "       undecided",
        "  final        not yet",
        f"  content now  checksum {FINAL}",
    ]
    history = text.split("renders the report as at a step):\n")[1].splitlines()
    assert history[0].split() == ["step", "time", "what", "by"]
    assert cells(history[1]) == ["1", "2031-04-08 10:00", "drafted", "ofsted/lead-1", "draft 1"]
    assert cells(history[4]) == ["4", "2031-04-11 10:00", "agreed", "cqc/cqc-1", "draft 1"]
    assert cells(history[7]) == [
        "7", "2031-04-14 10:00", "sent to the LSCB", "ofsted/lead-1", "draft 1 to Alex Chair (chair)",
    ]  # fmt: skip
    assert cells(history[8])[2:] == [
        "response received",
        "ofsted/lead-1",
        "2 point(s) from Alex Chair",
    ]
    assert cells(history[9])[-1] == "point 1 accepted"
    assert len(history) == 10
    assert max(len(line) for line in lines) <= 110


def test_the_lifecycle_of_a_published_report_shows_who_published_it_and_the_action_plan() -> None:
    text = documents_text.lifecycle_text(view_of(PUBLISHED, now=NOW))
    assert text.splitlines()[:2] == [
        f"report of inspection {INSPECTION} (findings_letter): final; version 16",
        "  next         awaits publication by hmic, hmi_probation; action plan received on 2031-05-28, "
        "1 update(s)",
    ]
    assert "       rejected: the minutes record four meetings\n" in text
    assert f"  final        checksum {FINAL}\n" in text
    assert "  published by ofsted, cqc; awaiting hmic, hmi_probation\n" in text
    assert "  action plan  led by local_authority, due 2031-06-02; received on 2031-05-28\n" in text
    assert "    2031-09-01: Strategy meetings audited monthly.\n" in text
    assert "CHANGED" not in text  # the log moving on after the draft went out changes nothing
    [finalised] = [cells(line) for line in text.splitlines() if "made final" in line]
    assert finalised[2:] == ["made final", "ofsted/lead-1", "checksum bbbbbbbbbbbb…"]


def test_the_lifecycle_says_when_the_log_has_moved_on_since_the_draft() -> None:
    text = documents_text.lifecycle_text(view_of(RESPONDED[:3], now=NOW))
    assert "  agreed by    ofsted; awaiting cqc, hmic, hmi_probation\n" in text
    assert "  CHANGED      the log has moved on since draft 1: draft it again before the next step\n" in text
    assert "  sent to      not yet\n" in text


def test_the_lifecycle_of_a_report_not_drafted_says_who_drafts_it() -> None:
    text = documents_text.lifecycle_text(view_of([]))
    assert text.splitlines()[:3] == [
        f"report of inspection {INSPECTION} (findings_letter): live; version 0",
        "  next         awaits the lead inspectorate's draft",
        "  draft        none yet (the lead inspectorate drafts: `jip documents draft`)",
    ]
    assert text.endswith("history: none yet")


@pytest.mark.parametrize(
    ("steps", "left"),
    [
        (0, "live; awaits the lead inspectorate's draft; version 0"),
        (1, "drafted; draft 1 awaits Ofsted's quality assurance; version 1"),
        (3, "quality_assured; draft 1 awaits the agreement of cqc, hmic, hmi_probation; version 3"),
        (6, "agreed; draft 1 is agreed by all: it awaits sending for factual accuracy; version 6"),
        (7, "sent_to_lscb; awaits the factual-accuracy response of Alex Chair, chair of the LSCB; version 7"),
        (10, "response_received; every point is decided: it awaits finalisation; version 10"),
        (11, "final; awaits publication by ofsted, cqc, hmic, hmi_probation; version 11"),
    ],
)
def test_a_change_prints_the_status_what_is_awaited_and_the_version(steps: int, left: str) -> None:
    assert (
        documents_text.changed_text(view_of(PUBLISHED[:steps]))
        == f"report of inspection {INSPECTION}: {left}"
    )


def test_a_published_report_awaits_only_its_action_plan() -> None:
    by_all = [
        *PUBLISHED[:13],
        *(
            (ReportPublished(**WHO, inspectorate=a.inspectorate, checksum=FINAL), a)
            for a in (HMIC, PROBATION)
        ),
    ]
    view = view_of(by_all)
    assert documents_text.awaited(view) == "published by every inspectorate"
    assert view["status"] == "published"
    requested = [*by_all, PUBLISHED[13]]
    assert documents_text.awaited(view_of(requested)) == (
        "awaits the action plan led by local_authority, due 2031-06-02"
    )


# ---------------------------------------------------------------- the requests each command sends


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> FakeService:
    return answering(monkeypatch, {})


def route_for(method: str, path: str) -> APIRoute:
    for route in router.routes:
        if (
            isinstance(route, APIRoute)
            and method in (route.methods or set())
            and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", route.path), path)
        ):
            return route
    raise AssertionError(f"{method} {path} is not served by the reporting service")


def body_models(route: APIRoute) -> list[type[BaseModel]]:
    """The models of the route's request body: none, or one."""
    hints = typing.get_type_hints(route.endpoint)
    return [h for k, h in hints.items() if k != "return" and isinstance(h, type) and issubclass(h, BaseModel)]


@pytest.mark.parametrize(
    ("argv", "path", "body"),
    [
        (["draft", INSPECTION], f"{REPORT}/draft", None),
        (["quality-assure", INSPECTION], f"{REPORT}/quality-assurance", None),
        (["agree", INSPECTION], f"{REPORT}/agreement", None),
        (["send", INSPECTION], f"{REPORT}/sending", None),
        (["finalise", INSPECTION], f"{REPORT}/final", None),
        (["publish", INSPECTION], f"{REPORT}/publication", None),
        (
            ["respond", INSPECTION, "--point", "1", TEXT, "--section", "1", "Key strengths"],
            f"{REPORT}/factual-accuracy-response",
            {"points": [{"point": 1, "text": TEXT, "section": "Key strengths"}]},
        ),
        (
            ["decide", INSPECTION, "--point", "1", "--reject", "--reason", "the minutes say so"],
            f"{REPORT}/factual-accuracy-decisions",
            {"point": 1, "decision": "rejected", "reason": "the minutes say so"},
        ),
        (
            ["action-plan", INSPECTION, "--led-by", "local_authority", "--due", "2031-06-02"],
            f"{REPORT}/action-plan",
            {"led_by": "local_authority", "due_on": "2031-06-02"},
        ),
        (
            ["plan-received", INSPECTION, "--on", "2031-05-28"],
            f"{REPORT}/action-plan/receipt",
            {"received_on": "2031-05-28"},
        ),
        (
            ["plan-progress", INSPECTION, "--on", "2031-09-01", "--note", "Audited monthly."],
            f"{REPORT}/action-plan/progress",
            {"on": "2031-09-01", "note": "Audited monthly."},
        ),
    ],
)
@pytest.mark.parametrize("version", [None, 7])
def test_each_change_posts_to_the_service_s_route_and_prints_one_line(
    argv: list[str],
    path: str,
    body: Any,
    version: int | None,
    service: FakeService,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service.answers["POST", path] = view_of(RESPONDED)
    given = [] if version is None else ["--if-match", str(version)]
    assert main(["documents", *argv, *given, "--as", "ofsted:lead_inspector:lead-1"]) == 0
    headers = {} if version is None else {"If-Match": f'"{version}"'}
    assert service.requests == [("POST", path, body, headers, "reporting")]
    assert capsys.readouterr().out == (
        f"report of inspection {INSPECTION}: response_received; awaits decisions on point(s) 2; version 9\n"
    )
    models = body_models(route_for("POST", path))
    if body is None:
        assert models == []
    else:
        [model] = models
        model.model_validate(body)


def test_with_json_a_change_prints_the_answer(
    service: FakeService, capsys: pytest.CaptureFixture[str]
) -> None:
    service.answers["POST", f"{REPORT}/final"] = view_of(PUBLISHED[:11])
    assert main(["documents", "finalise", INSPECTION, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "final"


def test_list_and_lifecycle_read_the_service(
    service: FakeService, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = DocumentEntry(
        document=REPORT,
        kind="findings_letter",
        inspection_id=INSPECTION,
        round_id=None,
        local_area="Wakefield",
        status=lifecycle.Status.LIVE,
    )
    service.answers["GET", "/documents"] = [entry.model_dump(mode="json")]
    service.answers["GET", f"{REPORT}/lifecycle"] = view_of(RESPONDED)
    assert main(["documents", "list"]) == 0
    assert cells(capsys.readouterr().out.splitlines()[1]) == [
        REPORT,
        "findings_letter",
        "Wakefield",
        "—",
        "live",
    ]
    assert main(["documents", "lifecycle", INSPECTION]) == 0
    assert capsys.readouterr().out.startswith(f"report of inspection {INSPECTION} (findings_letter): ")
    assert main(["documents", "lifecycle", INSPECTION, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["undecided"] == [2]
    assert [(m, p, s) for m, p, _, _, s in service.requests] == [
        ("GET", "/documents", "reporting"),
        ("GET", f"{REPORT}/lifecycle", "reporting"),
        ("GET", f"{REPORT}/lifecycle", "reporting"),
    ]
    route_for("GET", "/documents")
    route_for("GET", f"{REPORT}/lifecycle")


def test_the_inspection_is_quoted_in_the_path(service: FakeService) -> None:
    path = "/inspections/a%2Fb%3Fc/report/draft"
    service.answers["POST", path] = view_of([])
    assert main(["documents", "draft", "a/b?c"]) == 0
    assert service.requests[0][1] == path


# ---------------------------------------------------------------- documents: bytes and their headers

LETTER = b"# Joint targeted area inspection in Wakefield\n\nDear Alex Chair,\n"
PDF = b"%PDF-1.4\n\x00\xff binary\n"


class Fetcher:
    """Stands in for `_fetch`: records each request and answers with a document and its headers."""

    def __init__(self, content: bytes, **headers: str) -> None:
        self.content = content
        self.headers = {
            "X-Checksum": hashlib.sha256(content).hexdigest(),
            "X-Report-Status": "final",
        } | headers
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, args: argparse.Namespace, path: str, **params: Any) -> httpx.Response:
        self.requests.append((path, params))
        return httpx.Response(200, content=self.content, headers=self.headers)


def test_show_writes_the_bytes_to_the_file_and_the_checksum_and_status_to_stderr(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetch = Fetcher(PDF, **{"X-Content-As-At": "2031-04-20T09:00:00+00:00"})
    monkeypatch.setattr(documents, "_fetch", fetch)
    output = tmp_path / "letter.pdf"
    argv = ["documents", "show", INSPECTION, "--format", "pdf", "--at-step", "12", "--output", str(output)]
    assert main(argv) == 0
    assert output.read_bytes() == PDF
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"checksum {hashlib.sha256(PDF).hexdigest()}, status final, content as at 2031-04-20 10:00; "
        f"{len(PDF)} bytes written to {output}\n"
    )
    assert fetch.requests == [(REPORT, {"format": "pdf", "as_at": None, "at_step": 12, "edition": None})]
    route_for("GET", REPORT)


def test_show_writes_markdown_to_standard_output(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    fetch = Fetcher(LETTER, **{"X-Report-Status": "drafted"})
    monkeypatch.setattr(documents, "_fetch", fetch)
    assert main(["documents", "show", INSPECTION, "--as-at", "2031-04-08T12:00:00Z"]) == 0
    out, err = capsysbinary.readouterr()
    assert out == LETTER
    assert (
        err.decode()
        == f"checksum {hashlib.sha256(LETTER).hexdigest()}, status drafted; {len(LETTER)} bytes\n"
    )
    assert fetch.requests == [
        (REPORT, {"format": "md", "as_at": "2031-04-08T12:00:00+00:00", "at_step": None, "edition": None})
    ]


def test_a_pdf_is_not_written_to_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fetch = Fetcher(PDF)
    monkeypatch.setattr(documents, "_fetch", fetch)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    for argv in (["show", INSPECTION], ["overview", "round-1"]):
        assert main(["documents", *argv, "--format", "pdf"]) == 1
        assert capsys.readouterr().err == (
            "jip: error: a PDF is not written to a terminal: give --output FILE (or redirect the output)\n"
        )
    assert fetch.requests == []  # refused before asking the service
    monkeypatch.setattr(documents, "_fetch", Fetcher(b"<html>letter</html>"))
    assert main(["documents", "show", INSPECTION, "--format", "html"]) == 0  # text is fine on a terminal
    assert capsys.readouterr().out == "<html>letter</html>"


def test_a_pdf_may_be_piped(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setattr(documents, "_fetch", Fetcher(PDF))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert main(["documents", "show", INSPECTION, "--format", "pdf"]) == 0
    assert capsysbinary.readouterr().out == PDF


def test_overview_fetches_the_round_s_overview(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetch = Fetcher(b"<html>overview</html>", **{"X-Report-Status": "live"})
    monkeypatch.setattr(documents, "_fetch", fetch)
    output = tmp_path / "overview.html"
    assert main(["documents", "overview", "round/1", "--format", "html", "-o", str(output)]) == 0
    assert output.read_bytes() == b"<html>overview</html>"
    assert fetch.requests == [("/rounds/round%2F1/overview", {"format": "html", "as_at": None})]
    assert ", status live; 21 bytes written to " in capsys.readouterr().err
    route_for("GET", "/rounds/round%2F1/overview")


def test_a_document_that_does_not_match_its_checksum_is_not_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(documents, "_fetch", Fetcher(LETTER, **{"X-Checksum": "0" * 64}))
    output = tmp_path / "letter.md"
    assert main(["documents", "show", INSPECTION, "-o", str(output)]) == 1
    assert not output.exists()
    assert "the document arrived damaged" in capsys.readouterr().err


def test_fetch_asks_the_service_as_the_actor_and_gives_the_bytes_and_headers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sent: list[dict[str, Any]] = []

    def answer(method: str, url: str, **request: Any) -> httpx.Response:
        sent.append({"method": method, "url": url, **request})
        return httpx.Response(200, content=PDF, headers={"X-Checksum": "x"})

    monkeypatch.setenv("JIP_REPORTING_URL", "http://reporting.test")
    monkeypatch.setattr(httpx, "request", answer)
    signer(tmp_path)  # the stack's signing key, as `jip stack up` makes it
    args = parse("documents", "show", INSPECTION, "--as", "cqc:inspector:c1", "--data-dir", str(tmp_path))
    got = documents._fetch(args, REPORT, format="pdf", as_at=None)
    assert (got.content, got.headers["X-Checksum"]) == (PDF, "x")
    [request] = sent
    assert (request["method"], request["url"], request["params"]) == (
        "GET",
        f"http://reporting.test{REPORT}",
        {"format": "pdf"},
    )
    assert list(request["headers"]) == ["Authorization"]  # who acts is in the token, and only there
    claims = claims_sent(request["headers"], tmp_path)
    assert (claims["sub"], claims["jip_role"], claims["jip_inspectorate"]) == ("c1", "inspector", "cqc")
    assert "jip_area" not in claims


def test_a_refused_document_prints_the_service_s_reason_and_rule(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refusal = {
        "error": "rule_violation",
        "detail": f"inspection {INSPECTION} did not exist yet at 2020-01-01T00:00:00+00:00",
        "rule": "reporting: a document exists from the moment its inspection was scheduled",
    }
    monkeypatch.setenv("JIP_REPORTING_URL", "http://reporting.test")
    monkeypatch.setattr(httpx, "request", lambda *_, **__: httpx.Response(422, json=refusal))
    signer(tmp_path)
    argv = ["documents", "show", INSPECTION, "--as-at", "2020-01-01T00:00Z", "--data-dir", str(tmp_path)]
    assert main(argv) == 1
    assert capsys.readouterr().err == f"jip: error: {refusal['detail']} (rule: {refusal['rule']})\n"


@pytest.mark.parametrize(
    "argv", [["show", INSPECTION], ["overview", "round-1"], ["list"], ["draft", INSPECTION]]
)
def test_a_command_with_no_reporting_service_says_how_to_start_one(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIP_REPORTING_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    signer(tmp_path)  # a stack was started from here once: there is a key to issue the token with
    assert main(["documents", *argv, "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "jip: error: the reporting service at http://127.0.0.1:9 is not answering: "
        "start the platform with `jip stack up`\n"
    )


# ---------------------------------------------------------------- rebuild


def summary(**changes: Any) -> Summary:
    made = Summary(
        documents_before=3,
        events_read=12_345,
        events_kept=9_876,
        malformed=2,
        read_seconds=2.5,
        documents=3,
        render_seconds=0.5,
        matching=[REPORT, "/inspections/insp-2/report", "/rounds/round-1/overview"],
    )
    for field, value in changes.items():
        setattr(made, field, value)
    return made


class Rebuild:
    """Stands in for services.reporting.rebuild.rebuild: reports progress and answers a summary."""

    def __init__(self, answer: Summary | Exception) -> None:
        self.answer = answer
        self.settings: list[Settings] = []

    async def __call__(self, settings: Settings, progress: Callable[[str], None]) -> Summary:
        self.settings.append(settings)
        progress("Rendering every document from the read model as it is…")
        progress("  3 documents")
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_rebuild_runs_against_the_broker_and_database_named_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = Rebuild(summary())
    monkeypatch.setattr(services.reporting.rebuild, "rebuild", fake)
    monkeypatch.setenv("JIP_KAFKA_BOOTSTRAP_SERVERS", "kafka.test:9092")
    monkeypatch.setenv("JIP_MONGODB_URI", "mongodb://mongo.test:27017")
    monkeypatch.setenv("JIP_NAMESPACE", "staging")
    assert main(["documents", "rebuild", "--data-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert err == "Rendering every document from the read model as it is…\n  3 documents\n"
    assert out.splitlines() == [
        "documents  3 before, 3 after",
        "events     12,345 read, 9,876 kept, 2 malformed",
        "read       2.5 s (4,938 events/s)",
        "render     0.5 s (6 documents/s)",
        "checksums match for 3 documents",
    ]
    [settings] = fake.settings
    assert (settings.kafka_bootstrap_servers, settings.mongodb_uri, settings.namespace) == (
        "kafka.test:9092",
        "mongodb://mongo.test:27017",
        "staging",
    )
    assert settings.kafka_profile is KafkaProfile.KAFKA


def test_rebuild_finds_the_embedded_stack_and_exits_1_when_a_document_changed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = summary(
        documents=3,
        matching=[REPORT],
        changed=["/inspections/insp-2/report"],
        missing=["/rounds/round-1/overview"],
        new=["/inspections/insp-3/report"],
    )
    fake = Rebuild(changed)
    monkeypatch.setattr(services.reporting.rebuild, "rebuild", fake)
    ports = Ports.from_base(28100)
    running = {
        name: Running(1, port, [], "") for name, port in (("kafka", ports.kafka), ("mongodb", ports.mongodb))
    }
    monkeypatch.setattr(Supervisor, "saved_ports", lambda _: ports)
    monkeypatch.setattr(Supervisor, "running", lambda _: running)
    assert main(["documents", "rebuild", "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines()[4:] == [
        "checksums match for 1 document, but not for these:",
        "  changed  /inspections/insp-2/report",
        "  missing  /rounds/round-1/overview",
        "new since the rebuild began: /inspections/insp-3/report",
    ]
    [settings] = fake.settings
    assert (settings.kafka_bootstrap_servers, settings.mongodb_uri, settings.kafka_profile) == (
        "127.0.0.1:28101",
        "mongodb://127.0.0.1:28102/?directConnection=true",
        KafkaProfile.TANSU,
    )
    assert main(["documents", "rebuild", "--json", "--data-dir", str(tmp_path)]) == 1
    answer = json.loads(capsys.readouterr().out)
    assert (answer["ok"], answer["changed"], answer["events_read"]) == (
        False,
        ["/inspections/insp-2/report"],
        12345,
    )


def test_rebuild_over_a_damaged_log_names_the_damage_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every checksum matches, yet the log could not be read as written: the documents lack what the damaged
    records held, so the rebuild says where, points to `jip audit verify`, and exits 1."""
    cut = "t_scheduling_events[0]@2: unreadable batch: the broker closed the connection; read on from 3"
    monkeypatch.setattr(services.reporting.rebuild, "rebuild", Rebuild(summary(damage=[cut])))
    monkeypatch.setenv("JIP_KAFKA_BOOTSTRAP_SERVERS", "kafka.test:9092")
    monkeypatch.setenv("JIP_MONGODB_URI", "mongodb://mongo.test:27017")
    assert main(["documents", "rebuild", "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines()[4:] == [
        "checksums match for 3 documents",
        "the log could not be read as written in 1 place(s), so the documents lack what those records held "
        "(`jip audit verify` names every problem):",
        f"  {cut}",
    ]
    assert main(["documents", "rebuild", "--json", "--data-dir", str(tmp_path)]) == 1
    answer = json.loads(capsys.readouterr().out)
    assert (answer["ok"], answer["damage"]) == (False, [cut])


def test_rebuild_with_no_stack_running_says_how_to_start_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = Rebuild(summary())
    monkeypatch.setattr(services.reporting.rebuild, "rebuild", fake)
    assert main(["documents", "rebuild", "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"jip: error: the stack's kafka is not running from {tmp_path}: start it with `jip stack up`, "
        "or set JIP_KAFKA_BOOTSTRAP_SERVERS\n"
    )
    assert fake.settings == []


def test_a_rebuild_that_cannot_reach_the_database_is_one_error_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        services.reporting.rebuild, "rebuild", Rebuild(ServerSelectionTimeoutError("no server"))
    )
    monkeypatch.setenv("JIP_KAFKA_BOOTSTRAP_SERVERS", "kafka.test:9092")
    monkeypatch.setenv("JIP_MONGODB_URI", "mongodb://mongo.test:27017")
    assert main(["documents", "rebuild", "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "jip: error: the rebuild stopped: no server; is the stack up (`jip stack status`)?"
    )


def test_the_summary_of_an_empty_log_divides_by_no_time() -> None:
    empty = Summary()
    assert documents_text.summary_text(empty).splitlines()[2:] == [
        "read       0.0 s (— events/s)",
        "render     0.0 s (— documents/s)",
        "checksums match for 0 documents",
    ]
