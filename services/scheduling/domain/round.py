"""A round of inspections: the areas picked for it by the programme's rules, reproducibly (stream
`round-{id}`). Pure functions: no I/O.

004 §38: every area where Ofsted returns after an inadequate judgement; areas where another
inspectorate has concerns; and at least 25 % of the round sampled from the rest to find good practice.
002 §9: a universal cycle takes every area. The sample is the areas ranked by SHA-256 of
"{seed}:{area code}", lowest first: anyone can re-run it from the event with no Python at all."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared.language.areas import Area
from shared.language.contracts.scheduling import Concern, Pick, PickReason, RoundPlanned
from shared.language.programmes import Programme
from shared.mechanics.catalogue import Event
from shared.mechanics.errors import RuleViolation

METHOD = (
    "Every area returning after an inadequate judgement and every area of concern is picked; the rest "
    "of the round is the remaining areas ranked by the SHA-256 hex digest of '<seed>:<area code>', "
    "lowest first. A universal cycle takes every area, in that order."
)


@dataclass(frozen=True)
class Round:
    planned: RoundPlanned | None = None


def evolve_round(state: Round, event: Event) -> Round:
    return Round(event) if isinstance(event, RoundPlanned) else state


def round_stream(round_id: str) -> str:
    return f"round-{round_id}"


@dataclass(frozen=True)
class PlanRound:
    round_id: str
    programme: Programme
    name: str
    size: int | None  # areas in the round; the smallest the rules allow when left out
    deep_dive_theme: str | None
    seed: str
    returning_after_inadequate: tuple[str, ...]
    concerns: tuple[Concern, ...]


def rank(seed: str, code: str) -> str:
    return hashlib.sha256(f"{seed}:{code}".encode()).hexdigest()


def plan(register: Mapping[str, Area], c: PlanRound) -> RoundPlanned:
    p = c.programme
    rule = p.selection
    for code in [*c.returning_after_inadequate, *(x.area_code for x in c.concerns)]:
        if code not in register:
            raise RuleViolation(
                f"{code} is not one of the {len(register)} areas in the register", rule.source
            )
    if p.selection.shared_theme:
        if c.deep_dive_theme is None or p.theme(c.deep_dive_theme) is None:
            themes = ", ".join(t.id for t in p.deep_dive_themes)
            raise RuleViolation(
                f"a {p.id} round shares one deep-dive theme: one of {themes}",
                p.rules.round_theme or rule.source,
            )
    elif c.deep_dive_theme is not None:
        raise RuleViolation(f"{p.id} rounds do not share a deep-dive theme", rule.source)

    if rule.kind == "universal_cycle":
        if c.returning_after_inadequate or c.concerns or c.size is not None:
            raise RuleViolation(
                f"{p.id} inspects every area once in {rule.cycle_years} years: a round takes all of them, "
                "with no returning areas, concerns or size",
                rule.source,
            )
        detail = f"every area is inspected once in the {rule.cycle_years}-year cycle"
        ordered = sorted(register, key=lambda code: rank(c.seed, code))
        return _planned(
            c,
            len(register),
            [_pick(register[code], PickReason.UNIVERSAL_CYCLE, detail, rule.source) for code in ordered],
        )

    if c.returning_after_inadequate and not rule.returning_after_inadequate:
        raise RuleViolation(f"{p.id} rounds do not pick areas for returning after inadequate", rule.source)
    if c.concerns and not rule.concerns:
        raise RuleViolation(f"{p.id} rounds do not pick areas of concern", rule.source)
    lead = p.participation.lead_inspectorate
    if rule.concerns_of_others_only and any(x.inspectorate is lead for x in c.concerns):
        raise RuleViolation(
            f"{p.id} rounds pick areas where inspectorates other than {lead} have concerns; {lead}'s own "
            "returning visits are given as returning_after_inadequate",
            rule.source,
        )
    picks: list[Pick] = []
    for code in dict.fromkeys(c.returning_after_inadequate):
        detail = "Ofsted returns after a previous inadequate judgement: all such areas are inspected"
        picks.append(_pick(register[code], PickReason.RETURNING_AFTER_INADEQUATE, detail, rule.source))
    by_area: dict[str, list[Concern]] = {}
    for concern in c.concerns:
        by_area.setdefault(concern.area_code, []).append(concern)
    for code, concerns in by_area.items():
        if any(pick.area_code == code for pick in picks):
            continue
        detail = "; ".join(f"{x.inspectorate}: {x.concern}" for x in concerns)
        picks.append(_pick(register[code], PickReason.CONCERN, detail, rule.source))

    must = len(picks)
    share = rule.sample_share_at_least
    # The fewest sampled areas k with k >= share * (must + k).
    least = math.ceil(share * must / (1 - share) - 1e-9) if share < 1 else 0
    size = c.size if c.size is not None else max(must + least, rule.min_areas or 0)
    if size < 1:
        raise RuleViolation(
            f"a {p.id} round needs at least one area: name the areas that must be picked or give a size",
            rule.source,
        )
    if size < must + least:
        raise RuleViolation(
            f"a round of {size} cannot hold the {must} areas that must be picked and at least "
            f"{share:.0%} sampled from the rest ({least} areas): make the round at least {must + least}",
            rule.source,
        )
    if (rule.min_areas is not None and size < rule.min_areas) or (
        rule.max_areas is not None and size > rule.max_areas
    ):
        raise RuleViolation(
            f"a {p.id} round has {rule.min_areas}-{rule.max_areas} areas, not {size}",
            rule.source,
        )
    rest = [code for code in register if code not in {pick.area_code for pick in picks}]
    if size - must > len(rest):
        raise RuleViolation(f"only {len(rest)} areas are left to sample, not {size - must}", rule.source)
    sampled = sorted(rest, key=lambda code: rank(c.seed, code))[: size - must]
    detail = f"sampled from the {len(rest)} areas meeting neither criterion, to find and share good practice"
    picks += [_pick(register[code], PickReason.SAMPLE, detail, rule.source) for code in sampled]
    return _planned(c, len(register), picks)


def _pick(area: Area, reason: PickReason, detail: str, source: str) -> Pick:
    return Pick(area_code=area.code, area_name=area.name, reason=reason, detail=detail, source=source)


def _planned(c: PlanRound, eligible: int, picks: Sequence[Pick]) -> RoundPlanned:
    return RoundPlanned(
        round_id=c.round_id,
        programme=c.programme.id,
        name=c.name,
        deep_dive_theme=c.deep_dive_theme,
        seed=c.seed,
        method=METHOD,
        returning_after_inadequate=list(dict.fromkeys(c.returning_after_inadequate)),
        concerns=list(c.concerns),
        eligible=eligible,
        picks=list(picks),
    )
