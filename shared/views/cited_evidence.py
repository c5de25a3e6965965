"""The evidence a finding, a judgement or the board's evaluation cites, and the rules every citation keeps,
in one place for the judgement and lscb services. Pure functions: no I/O.

A cited item must stand: recorded for the inspection and not withdrawn. It must show what is said of it: a
strength stands on evidence of strength; a weakness, an area for improvement or a recommendation on
evidence of either a weakness or an area for improvement. A judgement of inadequate cites at least one
weakness. Each refusal cites the rule its caller gives: the programme's own paragraph for what cites the
evidence (its `[rules]`: `finding_evidence` for a finding, `judgement_evidence` for an agency's judgement,
`lscb_evidence` for the board's evaluation; in Integrated 2014, 004 §24, §48 for the agencies and
004 §113-114 for the LSCB)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.language.contracts.evidence import Bearing
from shared.language.contracts.vocabulary import Agency, Grade
from shared.mechanics.errors import RuleViolation

TO_IMPROVE = frozenset({Bearing.WEAKNESS, Bearing.AREA_FOR_IMPROVEMENT})
# What each bearing stands on: a strength on evidence of strength; a weakness or an area for improvement on
# evidence of either.
SUPPORTED_BY = {
    Bearing.STRENGTH: frozenset({Bearing.STRENGTH}),
    Bearing.WEAKNESS: TO_IMPROVE,
    Bearing.AREA_FOR_IMPROVEMENT: TO_IMPROVE,
}


@dataclass(frozen=True)
class CitedItem:
    """A cited evidence item as the citing service holds it, standing."""

    evidence_item_id: str
    agency: Agency  # whom the evidence is about
    bearing: Bearing
    criteria: tuple[str, ...] = ()  # the criteria it is tagged with


def check_standing(
    unknown: Sequence[str], inspection_id: str, rule: str, stands_on: str | None = None
) -> None:
    """Every cited item is recorded for the inspection and not withdrawn; `unknown` are the ids that are
    not. `stands_on` says, for the refusal, what stands on recorded evidence."""
    if unknown:
        because = f"; {stands_on}" if stands_on else ""
        raise RuleViolation(
            f"evidence items {', '.join(unknown)} are not recorded for inspection {inspection_id}, "
            f"or were withdrawn{because}",
            rule,
        )


def contrary(cited: Iterable[CitedItem], bearing: Bearing) -> list[str]:
    """The ids of the cited items that do not show `bearing` (they show the opposite)."""
    return [item.evidence_item_id for item in cited if item.bearing not in SUPPORTED_BY[bearing]]


def check_inadequate(grade: Grade | None, cited: Iterable[CitedItem], rule: str) -> None:
    """A judgement of inadequate cites at least one weakness."""
    if grade is Grade.INADEQUATE and not any(item.bearing is Bearing.WEAKNESS for item in cited):
        raise RuleViolation("a judgement of inadequate cites at least one weakness", rule)
