"""Inspection programmes as validated data: a bad file names the file, field and reason."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.programmes import FOLDER, ProgrammeFileError, load_folder

SHIPPED = FOLDER / "jtai-2015.toml"
SECTIONS = ["participation", "notice", "fieldwork", "agencies", "judgement_areas", "deep_dive_themes"]


def test_the_shipped_folder_loads() -> None:
    programmes = load_folder(FOLDER)
    assert "jtai-2015" in programmes
    jtai = programmes["jtai-2015"]
    assert jtai.graded is False  # 001 Proposal four: "will not make a graded judgement"
    assert jtai.notice.working_days == 8  # 001 Proposal two
    assert jtai.fieldwork.days == 5
    assert jtai.participation.lead_inspectorate == "ofsted"
    assert jtai.agency_inspectorates() == {
        "local_authority": "ofsted",
        "health": "cqc",
        "police": "hmic",
        "probation": "hmi_probation",
    }
    assert jtai.theme("cse_and_missing") is not None
    assert jtai.theme("knife_crime") is None


def test_every_section_of_every_shipped_programme_cites_its_source() -> None:
    for path in sorted(FOLDER.glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        for name in SECTIONS:
            section = raw[name]
            entries: list[dict[str, Any]] = section if isinstance(section, list) else [section]
            assert entries, (path.name, name)
            for entry in entries:
                assert len(entry.get("source", "")) >= 3, (path.name, name, entry)
    for programme in load_folder(FOLDER).values():
        sources = [
            programme.participation.source,
            programme.notice.source,
            programme.fieldwork.source,
            *(a.source for a in programme.agencies),
            *(a.source for a in programme.judgement_areas),
            *(t.source for t in programme.deep_dive_themes),
        ]
        for source in sources:
            # Each cites a seed document by number and then its paragraph, e.g. "001 Proposal two".
            assert re.match(r"^\d{3} \S", source), (programme.id, source)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _shipped() -> str:
    return SHIPPED.read_text(encoding="utf-8")


def _without_table(text: str, header: str) -> str:
    """The file without one [table]: its header and every line up to the next header."""
    lines = text.splitlines()
    start = lines.index(header)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    return "\n".join(lines[:start] + lines[end:]) + "\n"


def test_a_copy_of_the_shipped_file_loads_from_another_folder(tmp_path: Path) -> None:
    _write(tmp_path, "jtai-2015.toml", _shipped())
    assert load_folder(tmp_path) == load_folder(FOLDER)


def test_an_empty_folder_has_no_programmes(tmp_path: Path) -> None:
    assert load_folder(tmp_path) == {}


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        pytest.param(
            _shipped().replace("working_days = 8", "working_days = -1"),
            "notice.working_days",
            "greater than or equal to 0",
            id="negative-notice",
        ),
        pytest.param(
            _without_table(_shipped(), "[participation]"),
            "participation",
            "Field required",
            id="no-participation",
        ),
        pytest.param(
            _shipped().replace(
                'agency = "probation"\ninspectorate = "hmi_probation"',
                'agency = "probation"\ninspectorate = "hmi_prisons"',
            ),
            "agencies: probation is inspected by hmi_prisons",
            "does not take part",
            id="agency-by-absent-inspectorate",
        ),
        pytest.param(
            _shipped().replace('lead_inspectorate = "ofsted"', 'lead_inspectorate = "hmi_prisons"'),
            "participation.lead_inspectorate",
            "must be one of participation.inspectorates",
            id="lead-not-taking-part",
        ),
        pytest.param(
            _shipped().replace('starts_on = "monday"', 'starts_on = "tuesday"'),
            "fieldwork.starts_on",
            "monday",
            id="fieldwork-not-monday",
        ),
        pytest.param(
            _shipped().replace(
                'first_notified = ["lscb_chair", "lscb_business_manager"]', 'first_notified = ["mayor"]'
            ),
            "notice.first_notified.0",
            "lscb_chair",
            id="unknown-recipient",
        ),
        pytest.param(
            _shipped().replace('source = "001 Proposal two"', 'source = ""', 1),
            "notice.source",
            "at least 3 characters",
            id="empty-source",
        ),
        pytest.param(
            _shipped().replace("[[agencies]]", "[[agencys]]", 1),
            "agencys",
            "Extra inputs are not permitted",
            id="misspelt-section",
        ),
    ],
)
def test_a_bad_programme_file_names_the_file_and_field(
    tmp_path: Path, text: str, field: str, reason: str
) -> None:
    path = _write(tmp_path, "jtai-2015.toml", text)
    with pytest.raises(ProgrammeFileError) as caught:
        load_folder(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert field in message
    assert reason in message


def test_the_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "jtai-2016.toml", _shipped())
    with pytest.raises(ProgrammeFileError) as caught:
        load_folder(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}: id: ")
    assert "'jtai-2015'" in message
    assert "'jtai-2016'" in message


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.toml", 'id = "broken"\n[notice\nworking_days = 8\n')
    with pytest.raises(ProgrammeFileError) as caught:
        load_folder(tmp_path)
    assert str(caught.value).startswith(f"{path}: not valid TOML")


def test_one_bad_file_among_good_ones_is_named(tmp_path: Path) -> None:
    _write(tmp_path, "jtai-2015.toml", _shipped())
    bad = _write(
        tmp_path,
        "jtai-2022.toml",
        _shipped().replace('id = "jtai-2015"', 'id = "jtai-2022"').replace("days = 5", "days = 0"),
    )
    with pytest.raises(ProgrammeFileError) as caught:
        load_folder(tmp_path)
    assert str(caught.value).startswith(f"{bad}: ")
    assert "fieldwork.days" in str(caught.value)


def test_a_new_programme_version_is_added_as_data(tmp_path: Path) -> None:
    # Later JTAIs gave 10 working days' notice and HMI Probation left in 2022 (domain.md): a new file.
    _write(tmp_path, "jtai-2015.toml", _shipped())
    later = (
        _shipped()
        .replace('id = "jtai-2015"', 'id = "jtai-2022"')
        .replace("working_days = 8", "working_days = 10")
        .replace(
            'inspectorates = ["ofsted", "cqc", "hmic", "hmi_probation"]',
            'inspectorates = ["ofsted", "cqc", "hmic"]',
        )
        .replace(
            '[[agencies]]\nagency = "probation"\ninspectorate = "hmi_probation"\nsource = "001 Part 1"\n', ""
        )
    )
    _write(tmp_path, "jtai-2022.toml", later)
    programmes = load_folder(tmp_path)
    assert programmes["jtai-2015"].notice.working_days == 8
    assert programmes["jtai-2022"].notice.working_days == 10
    assert "probation" not in programmes["jtai-2022"].agency_inspectorates()


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ("agencies", "agencies"),
        ("judgement_areas", "judgement_areas"),
        ("deep_dive_themes", "deep_dive_themes"),
    ],
)
def test_an_entry_listed_twice_is_refused(tmp_path: Path, table: str, field: str) -> None:
    text = _shipped()
    first = re.search(rf"\[\[{table}\]\]\n(?:[^\[\n].*\n)+", text)
    assert first is not None
    path = _write(tmp_path, "jtai-2015.toml", text + "\n" + first.group(0))

    with pytest.raises(
        ProgrammeFileError, match=rf"{re.escape(str(path))}: .*{field}.*listed more than once"
    ):
        load_folder(tmp_path)
