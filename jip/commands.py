"""Every top-level `jip` command: the module that adds it, and what it does in a line.

`jip --help` lists them from here without importing any of their modules, and `jip COMMAND …` imports
only the module of COMMAND (each module's `add_commands` adds its own), so a command pays for no other's
imports (pymongo, faststream, aiokafka, FastAPI). A module gives its command's help as `summary(name)`."""

from __future__ import annotations

import argparse
from datetime import date
from typing import NamedTuple


class StackError(Exception):
    """Something the user must act on, from any command: the message is one line and says what to do
    (`jip: error: …`, exit 1)."""


class Command(NamedTuple):
    module: str
    summary: str


COMMANDS: dict[str, Command] = {
    "stack": Command(
        "jip.stack_commands", "run the embedded stack: broker, database, the five services and the workspace"
    ),
    "demo": Command(
        "jip.stack_commands",
        "play a whole inspection of a programme, scheduling to publication, on a rehearsal platform",
    ),
    "programmes": Command(
        "jip.scheduling", "list the inspection programmes, show one, or check a folder of programme files"
    ),
    "areas": Command("jip.scheduling", "list the local authority areas of a day, or show one with its dates"),
    "rounds": Command("jip.scheduling", "plan a round of inspections: pick areas, each with a reason"),
    "inspections": Command(
        "jip.scheduling", "schedule inspections, notify, reschedule, cancel, assign teams"
    ),
    "inspectors": Command("jip.scheduling", "register inspectors and record when they are unavailable"),
    "evidence": Command(
        "jip.evidence", "record, list, correct and triangulate evidence; close evidence gathering"
    ),
    "samples": Command(
        "jip.evidence",
        "the cases tracked: the shared sample (002 §43) and each inspectorate's own (002 §44)",
    ),
    "enquiries": Command("jip.evidence", "lines of enquiry shared between the inspectorates (e.g. 004 §35)"),
    "judgements": Command(
        "jip.judgements", "propose, moderate, quality-assure and finalise the graded and narrative judgements"
    ),
    "findings": Command(
        "jip.judgements", "record and list key strengths and recommendations, each citing its evidence"
    ),
    "lscb": Command(
        "jip.lscb", "the LSCB board registers, and the inspectorates' shared evaluation of the board"
    ),
    "documents": Command(
        "jip.documents", "the reports and overviews rendered from the log, and each report's lifecycle"
    ),
    "audit": Command(
        "jip.audit",
        "verify the log, export an inspection's history, or see an inspection as it stood at a time",
    ),
    "clock": Command(
        "jip.clock", "the platform's clock: show it, or move a rehearsal platform's clock forward"
    ),
    "deadletters": Command(
        "jip.deadletters", "list, show and replay what the services' consumers could not apply"
    ),
    "traces": Command("jip.traces", "the embedded stack's traces: list the latest, or show one as a tree"),
    "token": Command(
        "jip.tokens", "issue a bearer token for the embedded stack, for a user, inspectorate and role"
    ),
    "contracts": Command(
        "jip.contracts", "generate and check the published contract (JSON Schemas, AsyncAPI) in contract/"
    ),
    "test": Command("jip.testing", "run the test suite against real servers"),
}


def summary(name: str) -> str:
    return COMMANDS[name].summary


def day(value: str) -> str:
    """A date given on the command line, checked as it is parsed: a typo is a usage error that says the
    format, not a service's refusal."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: give YYYY-MM-DD (2027-01-04)") from None
