"""Inspection programmes as data: one validated TOML file per programme version, in this folder.

A new version of a programme is a new file with a new id; an inspection keeps the id it was
scheduled under. A file that does not validate stops start-up with the file, field and reason.
Every rule carries `source`: the seed paragraph it encodes (`../shared/seeds`, e.g. "002 §35")."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes.citations import Rules, Seed, citations, cites_only
from shared.language.programmes.rules import (
    SHARED_SUBJECTS,
    AgencyRule,
    Criterion,
    Descriptor,
    Fieldwork,
    JudgementArea,
    Judgements,
    LimitingRule,
    Lscb,
    Meeting,
    Notice,
    OnSite,
    Participation,
    Report,
    Selection,
    Slug,
    Title,
    Titled,
    _Rule,
    _unique,
    _within,
)
from shared.mechanics.datafiles import load_toml
from shared.mechanics.envelope import Inspectorate

FOLDER = Path(__file__).parent


class Programme(_Rule):
    id: Slug
    title: Title
    statute: Title
    # The source documents the programme draws on: whole seeds ("004"), or one paragraph of another seed
    # where the file says why (CLA 2012's grades, "002 §24"). Every citation in the file is from these.
    sources: Annotated[list[Seed], Field(min_length=1)]
    rules: Rules
    participation: Participation
    notice: Notice
    fieldwork: Fieldwork
    on_site: OnSite | None = None
    meetings: list[Meeting] = []
    agencies: Annotated[list[AgencyRule], Field(min_length=1)]
    judgements: Judgements
    judgement_areas: Annotated[list[JudgementArea], Field(min_length=1)]
    limiting_rules: list[LimitingRule] = []
    lscb: Lscb | None = None
    criteria: list[Criterion] = []
    descriptors: list[Descriptor] = []
    deep_dive_themes: list[Titled] = []
    report: Report
    selection: Selection

    @property
    def graded(self) -> bool:
        return bool(self.judgements.scale)

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        _unique("agencies", [r.agency for r in self.agencies])
        _unique("judgement_areas", [a.id for a in self.judgement_areas])
        _unique("deep_dive_themes", [t.id for t in self.deep_dive_themes])
        _unique("criteria", [c.id for c in self.criteria])
        _unique("meetings", [m.kind for m in self.meetings])
        _unique("participation", self.participation.possible())
        part = self.participation
        if part.lead_inspectorate not in part.inspectorates:
            raise ValueError("participation.lead_inspectorate must be one of participation.inspectorates")
        for rule in self.agencies:
            if rule.inspectorate not in part.possible():
                raise ValueError(
                    f"agencies: {rule.agency} is inspected by {rule.inspectorate}, "
                    "which does not take part (participation.inspectorates or .conditional)"
                )
        for phase in self.fieldwork.phases:
            _within(f"fieldwork.phases week {phase.week}", phase.inspectorates, part.possible(), "take part")
        for inspectorate in part.inspectorates:
            if not self.fieldwork.weeks_of(inspectorate):
                raise ValueError(f"fieldwork.phases: {inspectorate} takes part but is on site in no week")
        subjects = [*(r.agency for r in self.agencies), *SHARED_SUBJECTS]
        areas = {a.id: a for a in self.judgement_areas}
        for area in self.judgement_areas:
            _within(f"judgement_areas.{area.id}.derived_from", area.derived_from, areas, "are areas")
            _within(
                f"judgement_areas.{area.id}.part_of",
                [area.part_of] if area.part_of else [],
                areas,
                "are areas",
            )
            _within(f"judgement_areas.{area.id}.graded_for", area.graded_for, subjects, "are inspected")
            if area.graded_for and not self.graded:
                raise ValueError(f"judgement_areas.{area.id}.graded_for: {self.id} has no graded scale")
        _within("judgements.narrative_for", self.judgements.narrative_for, subjects, "are inspected")
        _unique("limiting_rules", [r.id for r in self.limiting_rules])
        for limiting in self.limiting_rules:
            field = f"limiting_rules.{limiting.id}"
            _within(f"{field}.judgement_area", [limiting.judgement_area], areas, "are areas")
            _within(f"{field}.when_inadequate", limiting.when_inadequate, areas, "are areas")
            _within(f"{field}.leads_to", [limiting.leads_to], self.judgements.scale, "are on the scale")
            for agency in limiting.agencies:
                graded = [
                    a
                    for a in [limiting.judgement_area, *limiting.when_inadequate]
                    if agency not in areas[a].graded_for
                ]
                if graded:
                    raise ValueError(f"{field}.agencies: {agency} is not graded on {', '.join(graded)}")
        if self.lscb is not None:
            _within("lscb.judgement_area", [self.lscb.judgement_area], areas, "are areas")
            if self.lscb.evaluation == "graded" and not self.graded:
                raise ValueError("lscb.evaluation: a graded LSCB evaluation needs judgements.scale")
        for c in self.criteria:
            _within(f"criteria.{c.id}.judgement_area", [c.judgement_area], areas, "are areas")
            _within(f"criteria.{c.id}.agency", [c.agency], subjects, "are inspected")
            _within(
                f"criteria.{c.id}.descriptor",
                [c.descriptor] if c.descriptor else [],
                self.judgements.scale,
                "are on the scale",
            )
        for d in self.descriptors:
            _within(f"descriptors ({d.source}).judgement_area", [d.judgement_area], areas, "are areas")
            _within(f"descriptors ({d.source}).grade", [d.grade], self.judgements.scale, "are on the scale")
        if self.notice.order is not None and self.lscb is None:
            raise ValueError(
                f"notice.order: {self.notice.order.rule} needs an LSCB in the programme's scope (lscb)"
            )
        if len([a for a in self.judgement_areas if a.deep_dive]) != (1 if self.deep_dive_themes else 0):
            raise ValueError(
                "judgement_areas: mark one deep_dive area exactly when the programme has deep_dive_themes"
            )
        if self.selection.shared_theme and not self.deep_dive_themes:
            raise ValueError("selection.shared_theme: the programme has no deep_dive_themes")
        self._rules_present()
        foreign = [f"{field} = {cited!r}" for field, cited in citations(self) if not self.cites_own(cited)]
        if foreign:
            raise ValueError(
                f"sources: {'; '.join(foreign)} cite(s) a source the programme does not draw on "
                f"({', '.join(self.sources)}): cite its own, or 'domain.md …' where it is silent"
            )
        return self

    def _rules_present(self) -> None:
        """Each optional rule is cited exactly when the programme has what it governs."""
        judges = self.graded or bool(self.judgements.narrative_for)
        needed = {
            "grades": self.graded,
            "own_agencies": judges,
            "judgement_evidence": judges,
            "joint_audit": bool(self.deep_dive_themes),
            "round_theme": self.selection.shared_theme,
            "lscb_evidence": self.lscb is not None,
            "lscb_accountability": self.lscb is not None,
            "lscb_agreement": self.lscb is not None,
        }
        for name, wanted in needed.items():
            if wanted != (getattr(self.rules, name) is not None):
                raise ValueError(f"rules.{name}: cite it exactly when the programme has what it governs")

    def cites_own(self, citation: str) -> bool:
        """Whether a rule's citation is from this programme's own sources, or the domain brief."""
        return cites_only(citation, self.sources)

    def agency_inspectorates(self) -> dict[Agency, Inspectorate]:
        return {rule.agency: rule.inspectorate for rule in self.agencies}

    def theme(self, theme_id: str) -> Titled | None:
        return next((t for t in self.deep_dive_themes if t.id == theme_id), None)

    def area_ids(self) -> list[str]:
        return [a.id for a in self.judgement_areas]

    def deep_dive_area(self) -> str | None:
        """The judgement area of the deep dive, where the programme has one."""
        return next((a.id for a in self.judgement_areas if a.deep_dive), None)

    def area(self, area_id: str) -> JudgementArea | None:
        return next((a for a in self.judgement_areas if a.id == area_id), None)

    def limiting(self, agency: Agency, area_id: str) -> list[LimitingRule]:
        """The rules that limit this agency's judgement on this area."""
        return [r for r in self.limiting_rules if agency in r.agencies and r.judgement_area == area_id]

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def descriptor(self, agency: Agency, area_id: str, grade: Grade) -> tuple[str, str] | None:
        """What the grade means for this agency's judgement on this area, as the programme states it, and
        the paragraph(s) it is from: its descriptors of the grade (004 §116-118), or, where the grade is
        described by criteria instead, those criteria, each by its letter (good: 004 §115 a-l). None where
        the programme describes no such grade."""
        wanted = (agency, area_id, grade)
        found = [d for d in self.descriptors if (d.agency, d.judgement_area, d.grade) == wanted]
        if found:
            return " ".join(d.text for d in found), ", ".join(dict.fromkeys(d.source for d in found))
        criteria = [
            c for c in self.criteria if (c.agency, c.judgement_area, c.descriptor) == (agency, area_id, grade)
        ]
        if not criteria:
            return None
        text = " ".join(f"{c.id[-1]}. {c.text}" for c in criteria)
        first, last = criteria[0].source, criteria[-1].source
        return text, first if first == last else f"{first}-{last.rsplit(' ', 1)[-1]}"


class ProgrammeFileError(Exception):
    """A programme file that does not validate; the message names the file, field and reason."""


def load_folder(folder: Path) -> dict[str, Programme]:
    programmes: dict[str, Programme] = {}
    for path in sorted(folder.glob("*.toml")):
        programme = load_toml(path, Programme, ProgrammeFileError)
        if programme.id != path.stem:
            raise ProgrammeFileError(f"{path}: id: {programme.id!r} must match the file name {path.stem!r}")
        programmes[programme.id] = programme
    return programmes


@cache
def catalogue() -> dict[str, Programme]:
    return load_folder(FOLDER)
