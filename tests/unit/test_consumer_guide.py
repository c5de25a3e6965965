"""The consumer guide and the events pages (docs/) against what flows on the topics, where a machine can
tell: every event type and payload field of the catalogue on its context's page, each example envelope a
current one that the published schemas accept, every link resolving, and the guide's claims about
causation, actors and the /contract routes true of the code."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from services.evidence.api import ACCESS as EVIDENCE_ACCESS
from services.evidence.app import build as evidence
from services.judgement import projections as judgement_projections
from services.judgement.api import ACCESS as JUDGEMENT_ACCESS
from services.lscb.api import ACCESS as LSCB_ACCESS
from services.reporting.api import ACCESS as REPORTING_ACCESS
from services.scheduling.api import ACCESS as SCHEDULING_ACCESS
from shared.language.contracts import CATALOGUE
from shared.language.contracts.evidence import EvidenceItemWithdrawn
from shared.mechanics.auth import Principal, Role
from shared.mechanics.catalogue import InspectionEvent
from shared.mechanics.contract import CHECKPOINT, CONTRACT_DIR, ENVELOPE, schema_path
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.mechanics.http import command_context
from shared.mechanics.settings import Settings
from shared.mechanics.topics import CONTEXTS
from tests.helpers import auditor, chair

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GUIDE = DOCS / "consumer-guide.md"
COUNTS = {"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fifteen": 15}
COMMANDS = [SCHEDULING_ACCESS, EVIDENCE_ACCESS, JUDGEMENT_ACCESS, LSCB_ACCESS, REPORTING_ACCESS]


def page(context: str) -> Path:
    return DOCS / f"{context}-events.md"


def blocks(text: str) -> list[str]:
    """A page's paragraphs, list items and table rows: where an event and what is said of it meet."""
    return [b for b in re.split(r"\n\s*\n|\n(?=\||- )", text) if b.strip()]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def json_blocks(path: Path) -> list[str]:
    return re.findall(r"```json\n(.*?)```", path.read_text(), re.S)


@pytest.mark.parametrize("context", CONTEXTS)
def test_each_contexts_page_names_every_event_type_its_fields_and_current_version(context: str) -> None:
    text = page(context).read_text()
    events = [e for e in CATALOGUE.types() if e.event_type.startswith(f"{context}.")]
    for event in events:
        name = event.event_type.split(".", 1)[1]
        assert f"`{name}`" in text, f"{page(context).name} does not document {event.event_type}"
        fields = set(event.model_fields) - set(InspectionEvent.model_fields)
        missing = sorted(f for f in fields if f"`{f}`" not in text)
        assert not missing, f"{page(context).name} does not say what {name}'s {missing} are"
        if event.schema_version > 1:
            version = rf"\b(v{event.schema_version}|version {event.schema_version})\b"
            assert any(f"`{name}`" in b and re.search(version, b) for b in blocks(text)), (
                f"{page(context).name} does not say that {name} is at version {event.schema_version}"
            )
    said = re.search(r"publishes (\w+) event types", text)
    if said is not None:
        assert COUNTS.get(said.group(1)) == len(events), f"{page(context).name}: {said.group(0)}"


def example_envelopes() -> list[tuple[str, str]]:
    return [
        (path.name, block)
        for path in [GUIDE, *sorted(DOCS.glob("*-events.md"))]
        for block in json_blocks(path)
        if '"event_type"' in block
    ]


def test_the_guide_shows_an_example_envelope() -> None:
    assert [name for name, _ in example_envelopes()].count(GUIDE.name) >= 1


@pytest.mark.parametrize(("name", "block"), example_envelopes())
def test_each_example_envelope_is_one_the_platform_writes_now(name: str, block: str) -> None:
    published: dict[str, Any] = json.loads(block)
    envelope = Envelope.model_validate(published)
    assert envelope.schema_version == CATALOGUE.current_version(envelope.event_type), (
        f"{name} shows {envelope.event_type} v{envelope.schema_version}, not the version written now"
    )
    CATALOGUE.decode(envelope)  # the payload is what the model reads
    schema = json.loads(
        (CONTRACT_DIR / schema_path(envelope.event_type, envelope.schema_version)).read_text()
    )
    Draft202012Validator(schema).validate(published["payload"])
    envelope_schema = json.loads((CONTRACT_DIR / ENVELOPE).read_text())
    Draft202012Validator(envelope_schema).validate({**published, "payload": {}})
    assert envelope.model_dump(mode="json") == published, f"{name}: the example is not as published"


def links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("path", [ROOT / "README.md", *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name)
def test_every_link_resolves_to_a_file_and_heading(path: Path) -> None:
    for link in links(path):
        target, _, anchor = link.partition("#")
        found = (path.parent / target).resolve() if target else path
        assert found.exists(), f"{path.name} links {link}, which does not exist"
        if anchor and found.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", found.read_text(), re.M)
            assert anchor in {slug(h) for h in headings}, f"{path.name} links {link}: no such heading"


def test_the_guide_and_readme_point_to_every_contexts_page() -> None:
    guide, readme = GUIDE.read_text(), (ROOT / "README.md").read_text()
    for context in CONTEXTS:
        assert f"]({context}-events.md)" in guide, f"the guide's topics do not link {context}-events.md"
        assert f"](docs/{context}-events.md)" in readme, f"the README does not link {context}-events.md"


async def test_a_persons_request_causes_events_with_its_id_as_correlation_and_no_causation() -> None:
    person = Principal("ofsted-1", Role.LEAD_INSPECTOR, Inspectorate.OFSTED, None)
    asked = await command_context(person, x_correlation_id=None, x_request_id="request-7")
    assert (asked.correlation_id, asked.causation_id) == ("request-7", None)
    correlated = await command_context(person, x_correlation_id="case-file-12", x_request_id="request-8")
    assert (correlated.correlation_id, correlated.causation_id) == ("case-file-12", None)
    anonymous = await command_context(person, x_correlation_id=None, x_request_id=None)
    assert anonymous.correlation_id
    assert anonymous.causation_id is None


async def test_a_reaction_to_an_event_names_it_as_cause_and_keeps_its_correlation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Any] = []

    async def execute(
        store: object, decider: object, stream: str, command: object, context: Any, **_: Any
    ) -> None:
        seen.append(context)

    monkeypatch.setattr(judgement_projections, "execute", execute)
    withdrawn = EvidenceItemWithdrawn(
        inspection_id="i-1",
        evidence_item_id="e-1",
        inspectorate=Inspectorate.CQC,
        inspector="cqc-7",
        reason="dup",
    )
    envelope = Envelope(
        event_id="withdrawal-1",
        event_type=withdrawn.event_type,
        schema_version=withdrawn.schema_version,
        stream_id="evidence-item-e-1",
        stream_version=2,
        inspection_id="i-1",
        occurred_at=datetime(2026, 12, 8, 10, 14, 3, tzinfo=UTC),
        actor=Actor(inspectorate=Inspectorate.CQC, role="inspector", user="cqc-7"),
        correlation_id="request-3",
        payload=withdrawn.model_dump(mode="json"),
    )

    class Tx:
        store = None

    await judgement_projections.flag_judgements(withdrawn, envelope, Tx())  # type: ignore[arg-type]
    [context] = seen
    assert (context.causation_id, context.correlation_id) == ("withdrawal-1", "request-3")
    assert (context.actor.inspectorate, context.actor.role) == (None, "platform")


def test_only_a_chair_or_the_platform_writes_events_with_no_inspectorate() -> None:
    """The guide's `actor` row: every command role but the chair's carries an inspectorate
    (shared.mechanics.auth), and an auditor may make no command at all."""
    roles = {
        role
        for access in COMMANDS
        for (method, _), roles in access.items()
        if method != "GET"
        for role in roles
    }
    assert Role.AUDITOR not in roles
    assert Role.LSCB_CHAIR in roles
    row = next(line for line in GUIDE.read_text().splitlines() if line.startswith("| `actor` |"))
    for role in [*(r.value for r in roles), "platform"]:
        assert f"`{role}`" in row, f"the guide's actor row does not name the {role} role"
    assert "`lscb_chair`, with `inspectorate: null`" in row


async def test_the_contract_routes_need_a_token_of_any_role(public_key: Path) -> None:
    service = evidence(Settings(auth_public_key_file=public_key))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app), base_url="http://s") as api:
        anonymous = await api.get("/contract/envelope.json")
        assert anonymous.status_code == 401
        for headers in (chair("E08000036"), auditor()):
            answered = await api.get("/contract/envelope.json", headers=headers)
            assert answered.status_code == 200
            assert answered.content == (CONTRACT_DIR / ENVELOPE).read_bytes()
        assert (await api.get("/contract/checkpoint.json")).status_code == 401
        checkpoint = await api.get("/contract/checkpoint.json", headers=auditor())
        assert checkpoint.content == (CONTRACT_DIR / CHECKPOINT).read_bytes()  # issue 21: auditors' schema
    assert "These\nroutes need a bearer token" in GUIDE.read_text()
