"""The register in time: areas created and abolished since 2012 (shared/language/areas/changes.toml), an
inspection scheduled only for an area that exists at fieldwork, rounds and `jip areas` as of a day."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import cast

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from jip.cli import main
from services.scheduling import commands, handlers, views
from services.scheduling.domain.area_calendar import REGISTER, Calendar
from services.scheduling.domain.inspection import ScheduleInspection, schedule
from services.scheduling.domain.round import PlanRound, plan
from shared.language.areas import FOLDER, AreaFileError, absent, as_at, find, load_register, register, unknown
from shared.language.contracts import CATALOGUE
from shared.language.contracts.scheduling import InspectionScheduled, PickReason, RoundPlanned
from shared.language.programmes import Programme, catalogue
from shared.language.subjects import SubjectKeys
from shared.language.workdays import today_in_england
from shared.mechanics.catalogue import Event
from shared.mechanics.commands import Handling
from shared.mechanics.envelope import Actor, Inspectorate
from shared.mechanics.errors import RuleViolation
from shared.mechanics.eventstore import CommandContext
from shared.mechanics.memory_store import MemoryEventStore
from shared.mechanics.mongo import Document

VESTING_DAY = date(2023, 4, 1)  # the 2023 reorganisation: SI 2022/328, 329 and 331
IN_2014 = date(2014, 5, 12)  # a Monday
IN_2027 = date(2027, 1, 4)  # a Monday
NEW_UNITARIES = {
    "E06000063": ("Cumberland", "Cumbria Constabulary", "E10000006"),
    "E06000064": ("Westmorland and Furness", "Cumbria Constabulary", "E10000006"),
    "E06000065": ("North Yorkshire", "North Yorkshire Police", "E10000023"),
    "E06000066": ("Somerset", "Avon and Somerset Constabulary", "E10000027"),
}
LEAD = CommandContext(
    actor=Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="lead-1"), correlation_id="r-1"
)


def test_the_areas_of_england_on_each_day_since_2012() -> None:
    assert len(as_at(date(2012, 4, 1))) == 152
    assert len(as_at(IN_2014)) == 152
    assert len(as_at(date(2020, 1, 1))) == 151  # Bournemouth, Poole and Dorset became two in 2019
    assert len(as_at(date(2021, 4, 1))) == 152  # the ONS lookup's day: Northamptonshire became two
    assert len(as_at(VESTING_DAY - date.resolution)) == 152
    assert len(as_at(VESTING_DAY)) == 153  # Cumbria became two; North Yorkshire and Somerset recoded
    assert len(as_at(today_in_england())) == 153
    assert len(register()) == 163  # every area since 2012, past and present


def test_cumbria_is_an_area_until_31_march_2023_and_names_its_successors() -> None:
    cumbria = register()["E10000006"]
    assert cumbria.name == "Cumbria"
    assert cumbria.exists_on(IN_2014)
    assert cumbria.exists_on(date(2023, 3, 31))
    assert not cumbria.exists_on(VESTING_DAY)
    assert cumbria.existed() == "until 31 March 2023"
    assert cumbria.successors == ("E06000063", "E06000064")
    assert cumbria.abolished is not None
    assert cumbria.abolished.source == "The Cumbria (Structural Changes) Order 2022 (SI 2022/331)"
    assert cumbria.abolished.url == "https://www.legislation.gov.uk/uksi/2022/331/contents/made"
    assert absent(cumbria, IN_2014) is None
    assert absent(cumbria, IN_2027) == (
        "Cumbria (E10000006) was abolished on 1 April 2023 (The Cumbria (Structural Changes) Order 2022 "
        "(SI 2022/331)): on 4 January 2027 its area is Cumberland (E06000063) and Westmorland and Furness "
        "(E06000064)."
    )


@pytest.mark.parametrize("code", list(NEW_UNITARIES))
def test_the_four_unitary_authorities_of_1_april_2023(code: str) -> None:
    name, force, predecessor = NEW_UNITARIES[code]
    area = register()[code]
    assert (area.name, area.police_force, area.predecessors) == (name, force, (predecessor,))
    assert area.created is not None
    assert area.created.on == VESTING_DAY
    assert area.existed() == "from 1 April 2023"
    assert code in as_at(IN_2027)
    assert code not in as_at(IN_2014)
    assert register()[predecessor].police_force == force  # police force areas did not change
    assert absent(area, IN_2014) == (
        f"{name} ({code}) exists from 1 April 2023 ({area.created.source}): on 12 May 2014 its area is "
        f"{register()[predecessor].name} ({predecessor})."
    )


def test_a_name_is_the_area_of_that_name_on_the_day_asked_or_else_the_latest() -> None:
    assert [find("North Yorkshire", day).code for day in (IN_2014, IN_2027)] == ["E10000023", "E06000065"]  # type: ignore[union-attr]
    assert find("Somerset").code == "E06000066"  # type: ignore[union-attr]
    assert find("Dorset", IN_2014).code == "E10000009"  # type: ignore[union-attr]
    assert find("Cumbria", IN_2027).code == "E10000006"  # type: ignore[union-attr]  # found, then refused
    assert find("E10000006") == register()["E10000006"]  # a code, whenever it existed
    assert find("Cumberland", IN_2014) == register()["E06000063"]
    assert find("Wessex") is None


def test_did_you_mean_prefers_an_area_existing_that_day_then_one_of_the_past() -> None:
    assert unknown("Westmorland") == (
        "'Westmorland' is not an area in the register: did you mean Westmorland and Furness (E06000064)?"
    )
    assert unknown("north york", IN_2014).endswith("did you mean North Yorkshire (E10000023)?")
    assert unknown("north york").endswith("did you mean North Yorkshire (E06000065)?")
    assert unknown("Cumbr", IN_2027).endswith("did you mean Cumbria (E10000006)?")  # abolished, still meant
    assert unknown("Frobble", IN_2027) == "'Frobble' is not an area in the register."


def test_an_abolished_successor_is_followed_to_the_areas_of_the_day() -> None:
    dorset = register()["E10000009"]  # the county, to 31 March 2019
    assert dorset.successors == ("E06000059", "E06000058")
    assert "its area is Dorset (E06000059) and Bournemouth, Christchurch and Poole (E06000058)" in str(
        absent(dorset, IN_2027)
    )
    assert register()["E06000058"].predecessors == ("E06000028", "E06000029", "E10000009")


# ---------------------------------------------------------------- scheduling, as at fieldwork


def test_scheduling_refuses_cumbria_for_fieldwork_in_2027_naming_the_successors_and_the_register() -> None:
    with pytest.raises(RuleViolation) as caught:
        views.area("Cumbria", on=IN_2027)
    message = caught.value.message
    assert "Cumbria (E10000006) was abolished on 1 April 2023" in message
    assert "Cumberland (E06000063) and Westmorland and Furness (E06000064)" in message
    assert "SI 2022/331" in message
    assert "`jip areas E10000006`" in message
    assert caught.value.rule == REGISTER
    with pytest.raises(RuleViolation, match=r"exists from 1 April 2023.*its area is Cumbria \(E10000006\)"):
        views.area("E06000063", on=IN_2014)


def test_scheduling_takes_the_areas_of_2027_and_cumbria_for_fieldwork_in_2014() -> None:
    assert views.area("Cumberland", on=IN_2027).code == "E06000063"
    assert views.area("Westmorland and Furness", on=IN_2027).code == "E06000064"
    assert views.area("North Yorkshire", on=IN_2027).code == "E06000065"
    assert views.area("Somerset", on=IN_2027).code == "E06000066"
    assert views.area("Cumbria", on=IN_2014).code == "E10000006"
    assert views.area("E10000006").name == "Cumbria"  # an old inspection's area still reads
    with pytest.raises(RuleViolation, match="did you mean Cumberland"):
        views.area("Cumberlnd", on=IN_2027)


def _scheduled(programme: Programme, code: str, starts: date, today: date) -> list[Event]:
    command = ScheduleInspection(
        inspection_id="insp-1",
        programme=programme,
        area=views.area(code, on=starts),
        deep_dive_theme=programme.deep_dive_themes[0].id if programme.deep_dive_themes else None,
        fieldwork_starts=starts,
        scheduled_by=Inspectorate.OFSTED,
        today=today,
    )
    return schedule(Calendar(), command).inspection


def test_a_2014_inspection_of_cumbria_is_scheduled_under_the_name_it_had() -> None:
    events = _scheduled(catalogue()["jtai-2015"], "Cumbria", IN_2014, date(2014, 4, 1))
    handlers.at_fieldwork(register()["E10000006"], events)  # fieldwork within Cumbria's dates: no refusal
    scheduled = events[0]
    assert isinstance(scheduled, InspectionScheduled)
    assert (scheduled.area_code, scheduled.local_area) == ("E10000006", "Cumbria")
    assert "HMIC" in {i.name for i in scheduled.inspectorates}


def test_fieldwork_running_past_the_abolition_is_refused() -> None:
    # Easter 2023 leaves no full weeks across 1 April 2023; Bournemouth ended on 31 March 2019 (SI 2018/648).
    events = _scheduled(catalogue()["macp-2012"], "Bournemouth", date(2019, 3, 25), date(2019, 1, 2))
    scheduled = events[0]
    assert isinstance(scheduled, InspectionScheduled)
    assert (scheduled.fieldwork_starts, scheduled.fieldwork_ends) == (date(2019, 3, 25), date(2019, 4, 5))
    with pytest.raises(RuleViolation, match=r"Bournemouth \(E06000028\) was abolished on 1 April 2019"):
        handlers.at_fieldwork(register()["E06000028"], events)


# ---------------------------------------------------------------- rounds


def _round(programme: Programme, returning: tuple[str, ...] = ()) -> PlanRound:
    return PlanRound(
        round_id="round-2027",
        programme=programme,
        name="2027",
        size=None,
        deep_dive_theme=None,
        seed="round-2027",
        returning_after_inadequate=returning,
        concerns=(),
    )


def _plan(programme: str, returning: tuple[str, ...] = ()) -> commands.PlanRound:
    return commands.PlanRound("round-2027", programme, "2027", None, None, "round-2027", returning, ())


async def test_a_round_planned_in_2027_offers_the_areas_of_2027(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers, "today_in_england", lambda: IN_2027)
    store = MemoryEventStore(CATALOGUE, "jip.scheduling.events")
    # planning a round reads no read model and no subject's key
    handling = Handling(store, cast(AsyncDatabase[Document], None), cast(SubjectKeys, None), LEAD)
    planned = await handlers.handle(_plan("macp-2012"), handling)
    assert (await store.read("round-round-2027")).events == [planned]
    picked = {p.area_code: p.area_name for p in planned.picks}
    assert planned.eligible == len(picked) == 153
    assert {code: picked[code] for code in NEW_UNITARIES} == {c: n for c, (n, *_) in NEW_UNITARIES.items()}
    assert not {"E10000006", "E10000023", "E10000027"} & set(picked)
    with pytest.raises(RuleViolation, match="its area is Cumberland"):
        await handlers.handle(_plan("integrated-2014", ("E10000006",)), handling)


def test_a_round_of_2015_from_the_register_of_its_day_has_cumbria() -> None:
    planned: RoundPlanned = plan(as_at(date(2015, 9, 1)), _round(catalogue()["macp-2012"]))
    assert planned.eligible == 152
    assert {p.area_code for p in planned.picks} >= {"E10000006", "E10000023", "E10000027"}
    assert {p.reason for p in planned.picks} == {PickReason.UNIVERSAL_CYCLE}


# ---------------------------------------------------------------- jip areas


def test_jip_areas_cumberland_shows_its_dates_order_and_predecessor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["areas", "Cumberland"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("E06000063  Cumberland\n")
    assert "existed:      from 1 April 2023" in out
    assert "The Cumbria (Structural Changes) Order 2022 (SI 2022/331)" in out
    assert "predecessors: Cumbria (E10000006)" in out
    assert "police force: Cumbria Constabulary" in out


def test_jip_areas_cumbria_shows_its_successors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["areas", "Cumbria"]) == 0
    out = capsys.readouterr().out
    assert "existed:      until 31 March 2023" in out
    assert "successors:   Cumberland (E06000063), Westmorland and Furness (E06000064)" in out
    assert main(["areas", "Cumbria", "--json"]) == 0
    assert '"successors": [\n    "E06000063",\n    "E06000064"\n  ]' in capsys.readouterr().out


def test_jip_areas_lists_the_areas_of_a_day(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["areas", "--on", "2014-05-12"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 152
    assert any(line.startswith("E10000006  Cumbria ") for line in lines)
    assert not any(line.startswith("E06000063") for line in lines)
    assert main(["areas"]) == 0
    today = capsys.readouterr().out.splitlines()
    assert len(today) == 153
    assert any(line.startswith("E06000064  Westmorland and Furness") for line in today)
    assert main(["areas", "--all"]) == 0
    every = capsys.readouterr().out.splitlines()
    assert len(every) == 163
    assert "E10000006  Cumbria" in next(line for line in every if "(until 31 March 2023)" in line)


# ---------------------------------------------------------------- the changes file


def _changes(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "changes.toml"
    path.write_text(text, encoding="utf-8")
    return path


SHIPPED = (FOLDER / "changes.toml").read_text(encoding="utf-8")
CUMBRIA = """
[[changes]]
on = 2023-04-01
source = "The Cumbria (Structural Changes) Order 2022 (SI 2022/331)"
url = "https://www.legislation.gov.uk/uksi/2022/331/contents/made"
"""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            SHIPPED + CUMBRIA + 'created = [{ code = "E06000063", name = "Cumberland" }]\n',
            "changes.7.created.0: E06000063 is created twice",
        ),
        (
            CUMBRIA + 'created = [{ code = "E06000061", name = "Northamptonshire North" }]\n',
            "the ONS lookup names E06000061 'North Northamptonshire'",
        ),
        (
            CUMBRIA + 'abolished = [{ code = "E10000006", name = "Cumbria", successors = ["E06000099"] }]\n',
            "successor E06000099 is no area existing on 2023-04-01",
        ),
        (
            CUMBRIA + 'abolished = [{ code = "E10000006", name = "Cumbria", successors = [] }]\n',
            "changes.0.abolished.0.successors: Tuple should have at least 1 item",
        ),
        (
            CUMBRIA.replace("2023-04-01", "2020-04-01")
            + 'abolished = [{ code = "E10000006", name = "Cumbria", successors = ["E10000007"] }]\n',
            "E10000006 is in the ONS lookup of 1 April 2021, but the changes say it did not exist that day",
        ),
        (CUMBRIA + 'order = "SI 2022/331"\n', "changes.0.order: Extra inputs are not permitted"),
    ],
)
def test_a_bad_changes_file_fails_with_the_file_field_and_reason(
    tmp_path: Path, text: str, reason: str
) -> None:
    path = _changes(tmp_path, text)
    with pytest.raises(AreaFileError) as caught:
        load_register(changes=path)
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message


def test_a_copy_of_the_shipped_changes_loads_like_the_register(tmp_path: Path) -> None:
    assert load_register(changes=_changes(tmp_path, SHIPPED)) == register()
