"""The `jip` commands, one module per service or area in this package; here, every top-level command: the
module that adds it, and what it does in a line.

`jip --help` lists them from here without importing any of their modules, and `jip COMMAND …` imports
only the module of COMMAND (each module's `add_commands` adds its own), so a command pays for no other's
imports (pymongo, faststream, aiokafka, FastAPI). A module gives its command's help as `summary(name)`."""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    module: str
    summary: str


COMMANDS: dict[str, Command] = {
    "stack": Command(
        "jip.commands.stack", "run the embedded stack: broker, database, the five services and the workspace"
    ),
    "demo": Command(
        "jip.commands.stack",
        "play a whole inspection of a programme, scheduling to publication, on a rehearsal platform",
    ),
    "programmes": Command(
        "jip.commands.programmes",
        "list the inspection programmes, show one, or check a folder of programme files",
    ),
    "areas": Command(
        "jip.commands.programmes", "list the local authority areas of a day, or show one with its dates"
    ),
    "rounds": Command(
        "jip.commands.scheduling", "plan a round of inspections: pick areas, each with a reason"
    ),
    "inspections": Command(
        "jip.commands.scheduling", "schedule inspections, notify, reschedule, cancel, assign teams"
    ),
    "inspectors": Command(
        "jip.commands.scheduling", "register inspectors and record when they are unavailable"
    ),
    "evidence": Command(
        "jip.commands.evidence", "record, list, correct and triangulate evidence; close evidence gathering"
    ),
    "samples": Command(
        "jip.commands.enquiries",
        "the cases tracked: the shared sample (002 §43) and each inspectorate's own (002 §44)",
    ),
    "enquiries": Command(
        "jip.commands.enquiries", "lines of enquiry shared between the inspectorates (e.g. 004 §35)"
    ),
    "judgements": Command(
        "jip.commands.judgements",
        "propose, moderate, quality-assure and finalise the graded and narrative judgements",
    ),
    "findings": Command(
        "jip.commands.findings",
        "record and list key strengths and recommendations, each citing its evidence",
    ),
    "lscb": Command(
        "jip.commands.lscb", "the LSCB board registers, and the inspectorates' shared evaluation of the board"
    ),
    "documents": Command(
        "jip.commands.documents",
        "the reports and overviews rendered from the log, and each report's lifecycle",
    ),
    "audit": Command(
        "jip.commands.audit",
        "verify the log, export an inspection's history, or see an inspection as it stood at a time",
    ),
    "clock": Command(
        "jip.commands.clock", "the platform's clock: show it, or move a rehearsal platform's clock forward"
    ),
    "deadletters": Command(
        "jip.commands.deadletters", "list, show and replay what the services' consumers could not apply"
    ),
    "traces": Command(
        "jip.commands.traces", "the embedded stack's traces: list the latest, or show one as a tree"
    ),
    "token": Command(
        "jip.commands.tokens",
        "issue a bearer token for the embedded stack, for a user, inspectorate and role",
    ),
    "contracts": Command(
        "jip.commands.contracts",
        "generate and check the published contract (JSON Schemas, AsyncAPI) in contract/",
    ),
    "test": Command("jip.commands.testing", "run the test suite against real servers"),
}


def summary(name: str) -> str:
    return COMMANDS[name].summary
