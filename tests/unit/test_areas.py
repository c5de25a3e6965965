"""The register of local authority areas: the ONS lookup plus the project's additions, validated (its
history, the areas created and abolished since 2012, in test_area_history.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import qlacref_authorities

from shared.language.areas import (
    FOLDER,
    LOOKUP_DAY,
    AreaFileError,
    FacilityKind,
    as_at,
    find,
    load_register,
    register,
)

SHIPPED = FOLDER / "areas.toml"
CHILDREN_IN_CUSTODY = {
    FacilityKind.YOUNG_OFFENDER_INSTITUTION,
    FacilityKind.IMMIGRATION_REMOVAL_CENTRE,
    FacilityKind.PRISON_MOTHER_AND_BABY_UNIT,
}


def test_the_register_on_1_april_2021_is_the_152_upper_tier_authorities_of_the_ons_lookup() -> None:
    areas = as_at(LOOKUP_DAY)
    assert len(areas) == 152
    assert set(areas) == {r["UTLA21CD"] for r in qlacref_authorities.records if r["UTLA21CD"][0] == "E"}
    assert list(register()) == sorted(register())
    for code, area in register().items():
        assert area.code == code
        assert re.match(r"^E(06|08|09|10)\d{6}$", code), code
    assert areas["E06000053"].name == "Isles of Scilly"
    assert areas["E10000034"].name == "Worcestershire"


def test_every_area_has_one_of_the_39_territorial_police_forces() -> None:
    forces = [area.police_force for area in register().values()]
    assert None not in forces
    assert len(set(forces)) == 39
    assert forces.count("Metropolitan Police Service") == 32
    assert forces.count("City of London Police") == 1


@pytest.mark.parametrize(
    ("code", "name", "force"),
    [
        ("E08000035", "Leeds", "West Yorkshire Police"),
        ("E09000001", "City of London", "City of London Police"),
        ("E09000033", "Westminster", "Metropolitan Police Service"),
        ("E06000053", "Isles of Scilly", "Devon and Cornwall Police"),
        ("E06000046", "Isle of Wight", "Hampshire and Isle of Wight Constabulary"),
        ("E06000044", "Portsmouth", "Hampshire and Isle of Wight Constabulary"),
        ("E06000042", "Milton Keynes", "Thames Valley Police"),
        ("E06000019", "Herefordshire, County of", "West Mercia Police"),
        ("E06000025", "South Gloucestershire", "Avon and Somerset Constabulary"),
        ("E06000058", "Bournemouth, Christchurch and Poole", "Dorset Police"),
        ("E06000017", "Rutland", "Leicestershire Police"),
        ("E06000001", "Hartlepool", "Cleveland Police"),
        ("E08000037", "Gateshead", "Northumbria Police"),
        ("E06000010", "Kingston upon Hull, City of", "Humberside Police"),
        ("E10000006", "Cumbria", "Cumbria Constabulary"),
    ],
)
def test_known_areas_and_their_police_forces(code: str, name: str, force: str) -> None:
    area = register()[code]
    assert (area.name, area.police_force) == (name, force)


def test_the_custody_facilities_the_project_knows_of_are_in_their_areas() -> None:
    located = {f.name: (area.code, f.kind) for area in register().values() for f in area.facilities}
    assert located == {
        "HMYOI Cookham Wood": ("E06000035", FacilityKind.YOUNG_OFFENDER_INSTITUTION),  # Medway
        "HMP & YOI Feltham": ("E09000018", FacilityKind.YOUNG_OFFENDER_INSTITUTION),  # Hounslow
        "HMYOI Werrington": ("E10000028", FacilityKind.YOUNG_OFFENDER_INSTITUTION),  # Staffordshire
        "HMYOI Wetherby": ("E08000035", FacilityKind.YOUNG_OFFENDER_INSTITUTION),  # Leeds
        "Oakhill Secure Training Centre": ("E06000042", FacilityKind.SECURE_TRAINING_CENTRE),
        "Tinsley House Immigration Removal Centre": ("E10000032", FacilityKind.IMMIGRATION_REMOVAL_CENTRE),
        "HMP & YOI Askham Grange": ("E06000014", FacilityKind.PRISON_MOTHER_AND_BABY_UNIT),  # York
        "HMP & YOI Bronzefield": ("E10000030", FacilityKind.PRISON_MOTHER_AND_BABY_UNIT),  # Surrey
        "HMP & YOI Eastwood Park": ("E06000025", FacilityKind.PRISON_MOTHER_AND_BABY_UNIT),
        "HMP & YOI Styal": ("E06000049", FacilityKind.PRISON_MOTHER_AND_BABY_UNIT),  # Cheshire East
        "HMP & YOI Peterborough": ("E06000031", FacilityKind.PRISON_MOTHER_AND_BABY_UNIT),
    }


def test_has_custody_looks_for_the_kinds_asked_about() -> None:
    areas = register()
    assert areas["E08000035"].has_custody(CHILDREN_IN_CUSTODY)  # Wetherby
    assert areas["E10000032"].has_custody(CHILDREN_IN_CUSTODY)  # Tinsley House
    assert not areas["E06000001"].has_custody(CHILDREN_IN_CUSTODY)  # Hartlepool: none
    assert not areas["E06000042"].has_custody(CHILDREN_IN_CUSTODY)  # Oakhill is a secure training centre
    assert areas["E06000042"].has_custody([FacilityKind.SECURE_TRAINING_CENTRE])
    assert not areas["E08000035"].has_custody([])


def test_find_by_code_or_by_name_ignoring_case() -> None:
    assert find("E08000035") == register()["E08000035"]
    leeds = find("leeds")
    assert leeds is not None
    assert leeds.code == "E08000035"
    hull = find("KINGSTON UPON HULL, CITY OF")
    assert hull is not None
    assert hull.code == "E06000010"
    assert find("e08000035") is None  # codes are exact
    assert find("Cardiff") is None  # Wales is not in the register
    assert find("") is None


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "areas.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_copy_of_the_shipped_file_loads_like_the_register(tmp_path: Path) -> None:
    assert load_register(_write(tmp_path, SHIPPED.read_text(encoding="utf-8"))) == register()


def test_an_empty_additions_file_still_lists_every_area(tmp_path: Path) -> None:
    areas = load_register(_write(tmp_path, "# nothing known yet\n"))
    assert len(areas) == len(register())
    assert all(a.police_force is None and a.facilities == () for a in areas.values())


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        (
            '[areas.E06000999]\npolice_force = "Kent Police"\n',
            "areas.E06000999",
            "not one of the 163 upper-tier authorities in England in the register",
        ),
        (
            '[areas.W06000015]\npolice_force = "South Wales Police"\n',
            "areas.W06000015",
            "not one of the 163 upper-tier authorities in England in the register",
        ),
        (
            '[areas.E06000035]\npolice = "Kent Police"\n',
            "areas.E06000035.police",
            "Extra inputs are not permitted",
        ),
        (
            '[[areas.E06000035.facilities]]\nname = "HMYOI Cookham Wood"\nkind = "borstal"\n',
            "areas.E06000035.facilities.0.kind",
            "Input should be 'young_offender_institution'",
        ),
        (
            '[[areas.E06000035.facilities]]\nname = "HMYOI Cookham Wood"\n'
            'kind = "young_offender_institution"\nopened = 1978\n',
            "areas.E06000035.facilities.0.opened",
            "Extra inputs are not permitted",
        ),
        (
            '[areas.E06000035]\npolice_force = ""\n',
            "areas.E06000035.police_force",
            "at least 1 character",
        ),
        (
            '[counties.E10000016]\npolice_force = "Kent Police"\n',
            "counties",
            "Extra inputs are not permitted",
        ),
        ('[areas.E06000035]\npolice_force = "Kent Police\n', "", "not valid TOML"),
        (
            '[areas.E06000035]\npolice_force = "Kent Police"\n[areas.E06000035]\npolice_force = "Kent"\n',
            "",
            "not valid TOML",  # an area listed twice
        ),
    ],
)
def test_a_bad_additions_file_fails_with_the_file_field_and_reason(
    tmp_path: Path, text: str, field: str, reason: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(AreaFileError) as caught:
        load_register(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {field}"), message
    assert reason in message
    assert "\n" not in message
