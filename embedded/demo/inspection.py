"""One demo inspection as it is played: its programme and scenario, the platform and the story it is told
on, what scheduling answered, and the run the caller gets back. The steps themselves are in fieldwork.py,
judging.py and publishing.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from embedded.demo.platform import Headers, People, Platform
from embedded.demo.scenario import Scenario
from embedded.demo.story import Story
from embedded.demo.timetable import Timetable
from services.reporting.domain.names import AGENCIES, INSPECTORATES
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme
from shared.mechanics.envelope import Inspectorate


@dataclass
class Run:
    """What the demo played: the inspection, its dates, the evidence items by their name in the scenario,
    and the published document."""

    programme: str
    inspection_id: str = ""
    area: str = ""
    fieldwork_starts: date | None = None
    fieldwork_ends: date | None = None
    notice_date: date | None = None
    evidence_ids: dict[str, str] = field(default_factory=dict)
    document: str = ""

    @property
    def letter(self) -> str:
        """The document: a findings letter in a JTAI (the name the JTAI demo gave it)."""
        return self.document


@dataclass
class Play:
    """The inspection being played, and everything its steps share."""

    programme: Programme
    scenario: Scenario
    platform: Platform
    story: Story
    run: Run
    scheduled: dict[str, Any] = field(default_factory=dict)  # scheduling's answer: the inspection view

    @property
    def people(self) -> People:
        return self.platform.people

    @property
    def lead(self) -> Inspectorate:
        return self.programme.participation.lead_inspectorate

    @property
    def lead_inspector(self) -> Headers:
        """The lead inspectorate's lead inspector, who schedules, moderates and drafts."""
        return self.people.lead_inspector(self.lead)

    @property
    def taking_part(self) -> list[Inspectorate]:
        return [Inspectorate(i) for i in self.scheduled["inspectorates"]]

    @property
    def agencies(self) -> dict[Agency, Inspectorate]:
        """The agencies inspected, each by the inspectorate that inspects it."""
        return {Agency(a): Inspectorate(i) for a, i in self.scheduled["agencies"].items()}

    @property
    def timetable(self) -> Timetable:
        assert self.run.fieldwork_starts is not None, "scheduled first"
        assert self.run.fieldwork_ends is not None
        assert self.run.notice_date is not None
        return Timetable(
            self.programme, self.run.fieldwork_starts, self.run.fieldwork_ends, self.run.notice_date
        )

    def path(self, tail: str = "") -> str:
        return f"/inspections/{self.run.inspection_id}{tail}"

    def cited(self, keys: list[str]) -> list[str]:
        """The evidence item ids of the scenario's items named `keys`."""
        return [self.run.evidence_ids[k] for k in keys]


def named(inspectorates: list[Inspectorate]) -> str:
    """ "Ofsted, the CQC and HMIC"."""
    names = [INSPECTORATES[i] for i in inspectorates]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def agency_name(agency: Agency) -> str:
    return AGENCIES[agency]


def possessive(name: str) -> str:
    """ "Ofsted's", "HMI Prisons'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def area_words(area_id: str) -> str:
    """A judgement area by its id, in words: "identification and referral", "leadership and LSCB"."""
    return " ".join("LSCB" if word == "lscb" else word for word in area_id.split("_"))


def cite(*sources: str | None) -> str:
    """ " (003 …; domain.md …)": where the programme states the rules of a step, each once. A rule the
    sources do not state cites the domain brief's section, shown without the words that follow it."""
    shown = dict.fromkeys(s.split(":")[0] if s.startswith("domain.md") else s for s in sources if s)
    return f" ({'; '.join(shown)})" if shown else ""


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def with_article(text: str) -> str:
    """ "a targeted inspection", "an inspection"."""
    return f"{'an' if text[:1].lower() in 'aeiou' else 'a'} {lower_first(text)}"
