"""`jip demo`: a whole inspection of any of the five programmes, played through the running services over
HTTP on a rehearsal platform's clock, from scheduling to the published document.

- player.py: `play(urls, people, programme, progress)`, `play_jtai`, and `run_demo` for the command;
- fieldwork.py, judging.py, publishing.py: the steps, each taking what differs from the programme's file;
- scenario.py and scenarios.toml: what inspectors record in each programme's inspection (the content);
- timetable.py: the day of each step; story.py: the rehearsal clock moved to it, and the numbered story;
- platform.py: the services over HTTP, and the people who act, each with their own token.

Everything goes through the services' public APIs; the document at the end is what the reporting service
rebuilt from the events. The end-to-end tests play every programme and check the document and its dates."""

from __future__ import annotations

from embedded.demo.inspection import Run
from embedded.demo.platform import People, eventually
from embedded.demo.player import JTAI, play, play_jtai, run_demo
from embedded.demo.scenario import scenario
from embedded.demo.timetable import first_fieldwork_week

# The joint targeted area inspection of Wakefield, whose content the JTAI tests check in its letter.
_JTAI = scenario(JTAI)
EVIDENCE = _JTAI.evidence  # the evidence items, by their name in the scenario
FINDINGS = _JTAI.findings
LSCB_EVALUATION = _JTAI.lscb

__all__ = [
    "EVIDENCE",
    "FINDINGS",
    "JTAI",
    "LSCB_EVALUATION",
    "People",
    "Run",
    "eventually",
    "first_fieldwork_week",
    "play",
    "play_jtai",
    "run_demo",
]
