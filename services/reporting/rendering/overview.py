"""The overview of a round of joint targeted area inspections that share a deep-dive theme (001 Proposal
four): per area, its strengths and lessons; across the round, the lessons on the deep dive and the
findings by whom they are addressed to. Headed by the round's name, never its identifier. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from shared.language.contracts.judgement import FindingKind
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate

from ..domain.names import AGENCIES
from .board import lscb
from .context import ADDRESSEE_ORDER, Finding, Inspection
from .words import INSPECTORATES, day, heading_of, listing


@dataclass(frozen=True)
class AreaLessons:
    """One inspected area in the overview: its strengths, and its lessons."""

    area: str
    inspection_id: str
    fieldwork_starts: str
    fieldwork_ends: str
    strengths: list[Finding]
    priority_actions: list[Finding]
    developments: list[Finding]
    lscb: str  # the board's final evaluation, as agreed; "" if none yet


@dataclass(frozen=True)
class Lesson:
    area: str
    finding: Finding


@dataclass(frozen=True)
class AddresseeFindings:
    """The round's findings addressed to one agency or the partnership, by kind."""

    addressee: str
    sections: list[tuple[str, list[Lesson]]]  # ("Key strengths", …), only kinds with findings


@dataclass(frozen=True)
class Overview:
    round_id: str
    round_name: str  # as the round was planned; "" if the reporting service was not told it
    programme_title: str
    theme: str
    inspectorates: str
    first_day: str
    last_day: str
    last_date: date | None
    areas: list[AreaLessons]
    deep_dive: list[Lesson]  # lessons (recommendations) that stand on deep-dive evidence
    by_addressee: list[AddresseeFindings]
    counts: dict[str, int]  # findings across the round, by kind heading


def _of(findings: list[Finding], kind: FindingKind) -> list[Finding]:
    return [f for f in findings if f.kind is kind]


def overview(
    round_id: str,
    theme_title: str | None,
    inspections: Sequence[Sequence[Event]],
    round_name: str | None = None,
) -> Overview:
    """The overview report of a round of inspections sharing a deep-dive theme. A ValueError if an
    inspection has no InspectionScheduled, belongs to another round, runs under a programme that makes
    no overview per round, or has another theme."""
    built = []
    for events in inspections:
        inspection = Inspection(events)
        scheduled, programme = inspection.scheduled, inspection.programme
        if not programme.report.overview_per_round:
            raise ValueError(
                f"inspection {scheduled.inspection_id} runs under {programme.id}, which makes no overview "
                f"report per round ({programme.report.source})"
            )
        if scheduled.round_id is not None and scheduled.round_id != round_id:
            raise ValueError(
                f"inspection {scheduled.inspection_id} belongs to round {scheduled.round_id}, not {round_id}"
            )
        built.append(inspection)
    themes = sorted({i.scheduled.deep_dive_theme or "" for i in built})
    if len(themes) > 1:
        raise ValueError(f"the inspections of one overview share a deep-dive theme, not {', '.join(themes)}")
    built.sort(key=lambda i: (i.fieldwork[0], i.scheduled.local_area, i.scheduled.inspection_id))
    taking_part = {i for b in built for i in b.inspectorates}
    inspectorates = [INSPECTORATES[i] for i in Inspectorate if i in taking_part]
    areas = []
    for inspection in built:
        findings, board = inspection.findings(), lscb(inspection)
        areas.append(
            AreaLessons(
                area=inspection.scheduled.local_area,
                inspection_id=inspection.scheduled.inspection_id,
                fieldwork_starts=day(inspection.fieldwork[0]),
                fieldwork_ends=day(inspection.fieldwork[1]),
                strengths=_of(findings, FindingKind.KEY_STRENGTH),
                priority_actions=_of(findings, FindingKind.AREA_FOR_PRIORITY_ACTION),
                developments=_of(findings, FindingKind.AREA_FOR_DEVELOPMENT),
                lscb=board.text if board.state in ("final", "legacy") else "",
            )
        )
    lessons = [Lesson(i.scheduled.local_area, f) for i in built for f in i.findings()]
    deep_dive = [
        lesson
        for lesson in lessons
        if lesson.finding.deep_dive and lesson.finding.kind is not FindingKind.KEY_STRENGTH
    ]
    by_addressee = []
    for agency in ADDRESSEE_ORDER:
        mine = [lesson for lesson in lessons if lesson.finding.addressed_to is agency]
        kinds = [
            (heading_of(k), [lesson for lesson in mine if lesson.finding.kind is k]) for k in FindingKind
        ]
        kinds = [(heading, found) for heading, found in kinds if found]
        if kinds:
            by_addressee.append(AddresseeFindings(addressee=AGENCIES[agency], sections=kinds))
    counts = {heading_of(k): sum(1 for lesson in lessons if lesson.finding.kind is k) for k in FindingKind}
    first = built[0] if built else None
    theme = theme_title or ""
    if not theme and first is not None and first.scheduled.deep_dive_theme:
        found = first.programme.theme(first.scheduled.deep_dive_theme)
        theme = found.title if found else first.scheduled.deep_dive_theme
    return Overview(
        round_id=round_id,
        round_name=round_name or "",
        programme_title=first.programme.title if first else "Joint targeted area inspection",
        theme=theme,
        inspectorates=listing(inspectorates),
        first_day=day(min(i.fieldwork[0] for i in built)) if built else "",
        last_day=day(max(i.fieldwork[1] for i in built)) if built else "",
        last_date=max(i.fieldwork[1] for i in built) if built else None,
        areas=areas,
        deep_dive=deep_dive,
        by_addressee=by_addressee,
        counts=counts,
    )
