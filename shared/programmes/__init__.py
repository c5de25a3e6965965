"""Inspection programmes as data: one validated TOML file per programme version, in this folder.

A new version of a programme is a new file with a new id; an inspection keeps the id it was
scheduled under. A file that does not validate stops start-up with the file, field and reason."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.contracts.scheduling import Recipient
from shared.contracts.vocabulary import Agency
from shared.envelope import Inspectorate

FOLDER = Path(__file__).parent
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Source = Annotated[str, Field(min_length=3, description="the source paragraph, e.g. '001 Proposal two'")]


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Participation(_Rule):
    lead_inspectorate: Inspectorate
    inspectorates: Annotated[list[Inspectorate], Field(min_length=1)]
    source: Source


class Notice(_Rule):
    working_days: Annotated[int, Field(ge=0, le=60)]
    first_notified: list[Recipient]
    source: Source


class Fieldwork(_Rule):
    days: Annotated[int, Field(ge=1, le=30)]
    starts_on: Literal["monday"]
    source: Source


class AgencyRule(_Rule):
    agency: Agency
    inspectorate: Inspectorate
    source: Source


class Titled(_Rule):
    id: Slug
    title: Annotated[str, Field(min_length=3)]
    source: Source


class Programme(_Rule):
    id: Slug
    title: str
    statute: str
    graded: bool
    report: Literal["findings_letter"]
    participation: Participation
    notice: Notice
    fieldwork: Fieldwork
    agencies: Annotated[list[AgencyRule], Field(min_length=1)]
    judgement_areas: Annotated[list[Titled], Field(min_length=1)]
    deep_dive_themes: list[Titled]

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        if self.participation.lead_inspectorate not in self.participation.inspectorates:
            raise ValueError("participation.lead_inspectorate must be one of participation.inspectorates")
        for field, ids in (
            ("agencies", [r.agency.value for r in self.agencies]),
            ("judgement_areas", [a.id for a in self.judgement_areas]),
            ("deep_dive_themes", [t.id for t in self.deep_dive_themes]),
        ):
            repeated = sorted({str(i) for i in ids if ids.count(i) > 1})
            if repeated:
                raise ValueError(f"{field}: {', '.join(repeated)} listed more than once")
        for rule in self.agencies:
            if rule.inspectorate not in self.participation.inspectorates:
                raise ValueError(
                    f"agencies: {rule.agency} is inspected by {rule.inspectorate}, "
                    "which does not take part (participation.inspectorates)"
                )
        return self

    def agency_inspectorates(self) -> dict[Agency, Inspectorate]:
        return {rule.agency: rule.inspectorate for rule in self.agencies}

    def theme(self, theme_id: str) -> Titled | None:
        return next((t for t in self.deep_dive_themes if t.id == theme_id), None)

    def area_ids(self) -> list[str]:
        return [a.id for a in self.judgement_areas]


class ProgrammeFileError(Exception):
    """A programme file that does not validate; the message names the file, field and reason."""


def load_folder(folder: Path) -> dict[str, Programme]:
    programmes: dict[str, Programme] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            programme = Programme.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise ProgrammeFileError(f"{path}: not valid TOML: {exc}") from None
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors()
            )
            raise ProgrammeFileError(f"{path}: {problems}") from None
        if programme.id != path.stem:
            raise ProgrammeFileError(f"{path}: id: {programme.id!r} must match the file name {path.stem!r}")
        programmes[programme.id] = programme
    return programmes


@cache
def catalogue() -> dict[str, Programme]:
    return load_folder(FOLDER)
