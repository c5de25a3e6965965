"""The programme's limiting rules: a contributing judgement of inadequate makes another judgement likely
inadequate (004 §67, §79), and so does a main judgement of inadequate for leadership unless leaders
understand the failure (004 §70, §81). Pure functions: no I/O.

A grade may depart from the one the rules derive only with a recorded rationale. The rules are checked
when a judgement is proposed and at every step of its moderation; and when a contributing judgement
changes after a limited judgement is final, the final one is flagged for review, so that it moves only
with a new grade or a rationale (a revision)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from shared.language.contracts.judgement import (
    AppliedRule,
    JudgementContent,
    JudgementFlaggedForReview,
    JudgementStatus,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import Programme


class Held(Protocol):
    """A judgement as the decider holds it."""

    @property
    def content(self) -> JudgementContent: ...

    @property
    def status(self) -> JudgementStatus: ...

    @property
    def flags(self) -> tuple[JudgementFlaggedForReview, ...]: ...


def derive(
    programme: Programme, agency: Agency, area_id: str, grades: Mapping[str, Grade], leaders_understand: bool
) -> list[AppliedRule]:
    """The programme's limiting rules that bear on this judgement, given the agency's other grades."""
    applied = []
    for rule in programme.limiting(agency, area_id):
        because = rule.fires(grades, leaders_understand)
        if because:
            applied.append(
                AppliedRule(rule_id=rule.id, source=rule.source, leads_to=rule.leads_to, because=because)
            )
    return applied


def derived_grade(programme: Programme, rules: list[AppliedRule]) -> Grade | None:
    """The lowest grade the fired rules lead to."""
    if not rules:
        return None
    return max((r.leads_to for r in rules), key=programme.judgements.scale.index)


def departure(agency: Agency, area: str, derived: Grade, rules: list[AppliedRule]) -> str:
    because = "; ".join(f"{r.source}: {', '.join(r.because)} judged inadequate" for r in rules)
    return (
        f"{agency}'s judgement on {area} is likely to be {derived} ({because}); a different grade needs a "
        "rationale"
    )


def sources(rules: list[AppliedRule]) -> str:
    return ", ".join(dict.fromkeys(r.source for r in rules))


def review_flags(
    programme: Programme,
    inspection_id: str,
    by_key: Mapping[tuple[Agency, str], Held],
    changed: JudgementContent,
) -> list[JudgementFlaggedForReview]:
    """The agency's final judgements that `changed` (a contributing judgement proposed again, or revised)
    now departs from the grade its limiting rules derive, with no rationale given for this derivation:
    each is flagged, once, so that it moves only by a revision with a new grade or a rationale (004 §79,
    §81 and their equivalents for each agency). `by_key` holds the judgements with `changed` applied."""
    agency = changed.agency
    grades = {area: j.content.grade for (a, area), j in by_key.items() if a is agency and j.content.grade}
    flags = []
    for (subject, area), judgement in by_key.items():
        content = judgement.content
        if subject is not agency or area == changed.judgement_area or content.grade is None:
            continue
        if judgement.status is not JudgementStatus.FINAL:
            continue  # a judgement still in moderation is checked again at its next step
        rules = derive(programme, agency, area, grades, content.leaders_understand_failure)
        derived = derived_grade(programme, rules)
        if derived is None or content.grade is derived:
            continue
        if content.rationale and content.limiting_rules == rules:
            continue  # its rationale answers this very derivation
        if any(f.limiting_rules == rules for f in judgement.flags):
            continue  # flagged for it already
        because = "; ".join(f"{r.source}: {', '.join(r.because)} judged inadequate" for r in rules)
        flags.append(
            JudgementFlaggedForReview(
                inspection_id=inspection_id,
                agency=agency,
                judgement_area=area,
                reason=(
                    f"{agency}'s judgement on {changed.judgement_area} is now {changed.grade}: the final "
                    f"judgement on {area} ({content.grade}) is likely to be {derived} ({because}); revise it "
                    "with a new grade or a rationale"
                )[:1000],
                limiting_rules=rules,
            )
        )
    return flags
