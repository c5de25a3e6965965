"""Picking a round's areas (004 §38; 001 Proposal four and five; 002 §9), reproducibly from a recorded
seed: the sample is re-run here from the event alone, with hashlib, as an auditor would."""

from __future__ import annotations

import hashlib
import math
from datetime import date

import pytest

from services.scheduling.domain.round import PlanRound, plan
from shared.language.areas import Area, as_at
from shared.language.contracts.scheduling import Concern, PickReason, RoundPlanned
from shared.language.programmes import Programme, catalogue
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import RuleViolation


def register() -> dict[str, Area]:
    """The register as a 2015 round saw it: 152 areas (153 since the reorganisation of April 2023)."""
    return as_at(date(2015, 9, 1))


CODES = list(register())
RETURNING = ("E08000036", "E06000014", "E09000033")  # Wakefield, York, Westminster
CONCERNS = (
    Concern(area_code="E08000035", inspectorate=Inspectorate.CQC, concern="health visiting caseloads"),
    Concern(
        area_code="E10000030", inspectorate=Inspectorate.HMIC, concern="missing children not followed up"
    ),
    # A second concern about Leeds, from another inspectorate: one pick with both reasons.
    Concern(area_code="E08000035", inspectorate=Inspectorate.HMI_PROBATION, concern="YOT referrals"),
    # Wakefield is also returning after inadequate: it is picked once, for that.
    Concern(area_code="E08000036", inspectorate=Inspectorate.HMIC, concern="delays in strategy meetings"),
)


def integrated() -> Programme:
    return catalogue()["integrated-2014"]


def command(
    programme: Programme | None = None,
    *,
    size: int | None = 20,
    seed: str = "round-1-2015",
    theme: str | None = None,
    returning: tuple[str, ...] = RETURNING,
    concerns: tuple[Concern, ...] = CONCERNS,
) -> PlanRound:
    return PlanRound(
        round_id="round-1",
        programme=programme or integrated(),
        name="Integrated inspections 2015-16",
        size=size,
        deep_dive_theme=theme,
        seed=seed,
        returning_after_inadequate=returning,
        concerns=concerns,
    )


def sampled(planned: RoundPlanned) -> list[str]:
    return [p.area_code for p in planned.picks if p.reason is PickReason.SAMPLE]


def auditors_rerun(planned: RoundPlanned, size: int) -> list[str]:
    """An independent re-run from the event alone: the areas picked by neither criterion, ranked by the
    SHA-256 hex digest of "<seed>:<area code>", lowest first."""
    must = {*planned.returning_after_inadequate, *(c.area_code for c in planned.concerns)}
    rest = [code for code in CODES if code not in must]
    ranked = sorted(rest, key=lambda code: hashlib.sha256(f"{planned.seed}:{code}".encode()).hexdigest())
    return ranked[: size - len(must)]


# --- 004 §38 --------------------------------------------------------------------------------


def test_004_para_38_every_returning_and_concern_area_is_picked_with_its_reason() -> None:
    planned = plan(register(), command())
    assert planned.programme == "integrated-2014"
    assert planned.eligible == 152
    assert len(planned.picks) == 20
    assert len({p.area_code for p in planned.picks}) == 20
    assert all(p.source == "004 §38" for p in planned.picks)
    assert all(p.area_name == register()[p.area_code].name for p in planned.picks)
    reasons = {p.area_code: p.reason for p in planned.picks}
    for code in RETURNING:
        assert reasons[code] is PickReason.RETURNING_AFTER_INADEQUATE, code
    assert reasons["E08000035"] is PickReason.CONCERN
    assert reasons["E10000030"] is PickReason.CONCERN
    # The must-picks come first, in the order given.
    assert [p.area_code for p in planned.picks[:5]] == [*RETURNING, "E08000035", "E10000030"]
    details = {p.area_code: p.detail for p in planned.picks}
    assert "inadequate" in details["E08000036"]
    assert details["E08000035"] == "cqc: health visiting caseloads; hmi_probation: YOT referrals"
    assert details["E10000030"] == "hmic: missing children not followed up"
    assert len(sampled(planned)) == 15
    assert all("good practice" in p.detail for p in planned.picks if p.reason is PickReason.SAMPLE)
    # The inputs are recorded in the event, so the round can be re-run.
    assert planned.returning_after_inadequate == list(RETURNING)
    assert planned.concerns == list(CONCERNS)
    assert planned.seed == "round-1-2015"
    assert "SHA-256" in planned.method


def test_a_repeated_returning_area_is_picked_once() -> None:
    planned = plan(register(), command(returning=(*RETURNING, RETURNING[0]), concerns=()))
    assert planned.returning_after_inadequate == list(RETURNING)
    assert [p.area_code for p in planned.picks].count(RETURNING[0]) == 1
    assert len(planned.picks) == 20


@pytest.mark.parametrize(
    ("must", "size"),
    [(0, 20), (3, 20), (10, 20), (15, 20), (16, 22), (16, 25), (17, 23), (18, 24), (18, 25)],
)
def test_004_para_38_at_least_25_percent_of_the_round_is_sampled(must: int, size: int) -> None:
    returning = tuple(CODES[:must])
    planned = plan(register(), command(size=size, returning=returning, concerns=()))
    assert len(planned.picks) == size
    assert len(sampled(planned)) == size - must
    assert len(sampled(planned)) >= 0.25 * size
    assert {p.area_code for p in planned.picks} >= set(returning)


@pytest.mark.parametrize(
    ("must", "size", "needed"),
    [(16, 20, 22), (16, 21, 22), (17, 22, 23), (18, 23, 24), (15, 19, 20)],
)
def test_004_para_38_a_round_too_small_for_its_must_picks_and_sample_is_rejected(
    must: int, size: int, needed: int
) -> None:
    # The least round: the must-picks plus k sampled with k >= 25 % of (must + k).
    assert needed == must + math.ceil(must / 3)
    with pytest.raises(RuleViolation) as caught:
        plan(register(), command(size=size, returning=tuple(CODES[:must]), concerns=()))
    assert caught.value.rule == "004 §38"
    assert f"round of {size} cannot hold the {must} areas that must be picked" in caught.value.message
    assert f"make the round at least {needed}" in caught.value.message


def test_without_a_size_the_round_is_the_smallest_the_rules_allow() -> None:
    assert len(plan(register(), command(size=None)).picks) == 20  # 004 §38: 20-25 areas
    planned = plan(register(), command(size=None, returning=tuple(CODES[:16]), concerns=()))
    assert len(planned.picks) == 22  # 16 must-picks and 6 sampled: 6/22 >= 25 %, 5/21 is not
    with pytest.raises(RuleViolation) as caught:  # 19 must-picks need 26: more than 25
        plan(register(), command(size=None, returning=tuple(CODES[:19]), concerns=()))
    assert "20-25 areas, not 26" in caught.value.message


@pytest.mark.parametrize("size", [1, 19, 26, 152])
def test_004_para_38_a_round_outside_20_to_25_areas_is_rejected(size: int) -> None:
    with pytest.raises(RuleViolation) as caught:
        plan(register(), command(size=size, returning=(), concerns=()))
    assert caught.value.rule == "004 §38"
    assert f"has 20-25 areas, not {size}" in caught.value.message


# --- reproducible from the seed -------------------------------------------------------------


def test_the_same_inputs_and_seed_give_the_same_round() -> None:
    first = plan(register(), command())
    again = plan(register(), command())
    assert first.model_dump() == again.model_dump()


def test_a_different_seed_gives_a_different_sample() -> None:
    first = plan(register(), command(seed="round-1-2015"))
    other = plan(register(), command(seed="round-1-2015-bis"))
    assert set(sampled(first)) != set(sampled(other))
    # The must-picks do not depend on the seed.
    assert first.picks[:5] == other.picks[:5]


@pytest.mark.parametrize("seed", ["round-1-2015", "0", "a5f3c2d1e0b9a8c7", "seed with spaces"])
@pytest.mark.parametrize("size", [20, 25])
def test_an_auditor_re_runs_the_sample_from_the_event_with_hashlib(seed: str, size: int) -> None:
    planned = plan(register(), command(seed=seed, size=size))
    # Only the event and the public register: nothing from the product's selection code.
    assert sampled(planned) == auditors_rerun(planned, size)


# --- other programmes -----------------------------------------------------------------------


def test_002_para_9_a_macp_round_is_the_universal_cycle_of_all_152_areas() -> None:
    macp = catalogue()["macp-2012"]
    planned = plan(register(), command(macp, size=None, returning=(), concerns=()))
    assert len(planned.picks) == 152
    assert {p.area_code for p in planned.picks} == set(CODES)
    assert all(p.reason is PickReason.UNIVERSAL_CYCLE for p in planned.picks)
    assert all(p.source == "002 §9, §30" for p in planned.picks)
    assert "3-year cycle" in planned.picks[0].detail
    # In the seed's order, so the cycle's sequence can be re-run too.
    ranked = sorted(CODES, key=lambda code: hashlib.sha256(f"round-1-2015:{code}".encode()).hexdigest())
    assert [p.area_code for p in planned.picks] == ranked


@pytest.mark.parametrize(
    ("size", "returning", "concerns"),
    [(20, (), ()), (None, RETURNING, ()), (None, (), CONCERNS)],
    ids=["size", "returning", "concerns"],
)
def test_002_para_9_a_universal_cycle_takes_no_size_or_reasons(
    size: int | None, returning: tuple[str, ...], concerns: tuple[Concern, ...]
) -> None:
    macp = catalogue()["macp-2012"]
    with pytest.raises(RuleViolation) as caught:
        plan(register(), command(macp, size=size, returning=returning, concerns=concerns))
    assert caught.value.rule == "002 §9, §30"
    assert "every area once in 3 years" in caught.value.message


def test_001_proposal_four_a_jtai_round_shares_one_deep_dive_theme() -> None:
    jtai = catalogue()["jtai-2015"]
    for theme in [None, "knife_crime"]:
        with pytest.raises(RuleViolation) as caught:
            plan(register(), command(jtai, size=None, theme=theme, returning=()))
        assert caught.value.rule == "001 Proposal four"
        assert "shares one deep-dive theme" in caught.value.message
        assert "cse_and_missing" in caught.value.message
    planned = plan(register(), command(jtai, size=None, theme="neglect", returning=()))
    assert planned.deep_dive_theme == "neglect"
    assert [p.area_code for p in planned.picks] == ["E08000035", "E10000030", "E08000036"]
    assert all(p.reason is PickReason.CONCERN for p in planned.picks)
    assert all(p.source == "001 Proposal five" for p in planned.picks)


def test_an_integrated_round_has_no_shared_theme() -> None:
    with pytest.raises(RuleViolation) as caught:
        plan(register(), command(theme="neglect"))
    assert caught.value.rule == "004 §38"
    assert "do not share a deep-dive theme" in caught.value.message


def test_001_part_2_a_targeted_round_does_not_pick_returning_areas() -> None:
    targeted = catalogue()["targeted-2015"]
    with pytest.raises(RuleViolation) as caught:
        plan(register(), command(targeted, size=None))
    assert caught.value.rule == "001 Part 2"
    assert "returning after inadequate" in caught.value.message
    planned = plan(register(), command(targeted, size=None, returning=()))
    assert [p.reason for p in planned.picks] == [PickReason.CONCERN] * 3


@pytest.mark.parametrize(("programme_id", "theme"), [("jtai-2015", "neglect"), ("targeted-2015", None)])
def test_a_round_with_no_areas_is_rejected(programme_id: str, theme: str | None) -> None:
    with pytest.raises(RuleViolation) as caught:
        plan(
            register(), command(catalogue()[programme_id], size=None, theme=theme, returning=(), concerns=())
        )
    assert "at least one area" in caught.value.message


@pytest.mark.parametrize(
    ("returning", "concerns"),
    [
        (("E06000999",), ()),
        ((), (Concern(area_code="E10000099", inspectorate=Inspectorate.CQC, concern="unknown"),)),
        (("Wakefield",), ()),  # a name is not a code: the API resolves names before planning
    ],
)
def test_unknown_area_codes_are_rejected(returning: tuple[str, ...], concerns: tuple[Concern, ...]) -> None:
    with pytest.raises(RuleViolation) as caught:
        plan(register(), command(returning=returning, concerns=concerns))
    assert caught.value.rule == "004 §38"
    unknown = returning[0] if returning else concerns[0].area_code
    assert f"{unknown} is not one of the 152 areas in the register" in caught.value.message


def test_004_para_38_concerns_are_those_of_the_other_inspectorates() -> None:
    # "where other inspectorates have concerns": Ofsted's own returns come as returning_after_inadequate.
    own = Concern(
        area_code="E06000010", inspectorate=Inspectorate.OFSTED, concern="a worrying serious case review"
    )
    with pytest.raises(RuleViolation) as caught:
        plan(register(), command(concerns=(*CONCERNS, own)))
    assert caught.value.rule == "004 §38"
    assert "other than ofsted" in caught.value.message
