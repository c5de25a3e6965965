"""The words documents are written in: how an inspectorate, a grade, a day or a count of evidence reads in
a sentence (an agency's name is the lifecycle's too: domain/names.py). Pure functions.

Data protection (domain.md): no evidence text reaches a document. Evidence items are counted and attributed
to the inspectorates that recorded them (`support`, `bearings`); the case references in quoted findings and
judgements are withheld by `redaction`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from shared.language.contracts.evidence import Bearing, EvidenceItemRecorded
from shared.language.contracts.judgement import FindingKind
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.workdays import ENGLAND
from shared.mechanics.envelope import Inspectorate

INSPECTORATES = {
    Inspectorate.OFSTED: "Ofsted",
    Inspectorate.CQC: "the Care Quality Commission",
    Inspectorate.HMIC: "HM Inspectorate of Constabulary",
    Inspectorate.HMI_PROBATION: "HM Inspectorate of Probation",
    Inspectorate.HMI_PRISONS: "HM Inspectorate of Prisons",
    Inspectorate.HMCPSI: "HM Crown Prosecution Service Inspectorate",
}
# Whom a document is addressed to in each agency, by role (001 Proposal four: "senior agency leaders
# responsible for the agencies inspected"): the statutory Director of Children's Services (Children Act 2004
# s.18), and the accountable leader of each other agency.
SENIOR_LEADERS = {
    Agency.LOCAL_AUTHORITY: "Director of Children's Services",
    Agency.HEALTH: "Accountable Officer for health services",
    Agency.POLICE: "Chief Constable",
    Agency.PROBATION: "Director of probation services",
    Agency.YOUTH_OFFENDING_TEAM: "Head of the youth offending team",
    Agency.CUSTODY: "Governor of each custodial establishment",
    Agency.CPS: "Chief Crown Prosecutor",
    Agency.LSCB: "Chair of the Local Safeguarding Children Board",
    Agency.PARTNERSHIP: "senior leaders of the local partnership",
}
# The role after a senior leader's name, where it differs ("Jo Reed, Governor, HMYOI Wetherby": one
# establishment's governor, not "of each").
NAMED_LEADERS = {Agency.CUSTODY: "Governor"}
# How a senior leader whose organisation the register does not list is tied to the area: "the Director of
# Children's Services in Wakefield", but a Chief Constable leads a force that may police several areas
# (West Yorkshire Police: Wakefield, Leeds, Bradford, …), so "the Chief Constable of the police force for
# Wakefield", not "in".
LEADERS_OF_AREA = {Agency.POLICE: "of the police force for"}
# Agencies that are not the local area's own: the CPS is a national service whose part in the area's
# cases HMCPSI inspects when triggered (002 §33), so it is never "the Crown Prosecution Service in Leeds".
NOT_LOCAL = frozenset({Agency.CPS})
# Strengths, then the recommendations (001 Proposal four; 002 §50, 004 §24), in this order.
FINDING_HEADINGS = {
    FindingKind.KEY_STRENGTH: "Key strengths",
    FindingKind.AREA_FOR_PRIORITY_ACTION: "Areas for priority action",
    FindingKind.AREA_FOR_DEVELOPMENT: "Areas for development",
    FindingKind.AREA_FOR_IMPROVEMENT: "Areas for improvement",
}
FINDING_NAMES = {
    FindingKind.KEY_STRENGTH: "Key strength",
    FindingKind.AREA_FOR_PRIORITY_ACTION: "Area for priority action",
    FindingKind.AREA_FOR_DEVELOPMENT: "Area for development",
    FindingKind.AREA_FOR_IMPROVEMENT: "Area for improvement",
}
BEARINGS = {
    Bearing.STRENGTH: "Strength",
    Bearing.WEAKNESS: "Weakness",
    Bearing.AREA_FOR_IMPROVEMENT: "Area for improvement",
}


def heading_of(kind: FindingKind) -> str:
    """ "Key strengths": the heading of a kind of finding, also of a kind added after these words were."""
    return FINDING_HEADINGS.get(kind) or capital(kind.value.replace("_", " ")) + "s"


def name_of(kind: FindingKind) -> str:
    """ "Key strength": one finding of the kind."""
    return FINDING_NAMES.get(kind) or capital(kind.value.replace("_", " "))


def day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def moment(at: datetime) -> str:
    """ "Monday 9 March 2026, 10:05": a time as inspectors in England read it."""
    local = at.astimezone(ENGLAND)
    return f"{day(local.date())}, {local:%H:%M}"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def listing(words: Sequence[str]) -> str:
    """ "a, b and c"."""
    if not words:
        return ""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def series(phrases: Sequence[str]) -> str:
    """Phrases that hold commas and "and" themselves: "a; b; and c"."""
    if len(phrases) < 3:
        return " and ".join(phrases)
    return f"{'; '.join(phrases[:-1])}; and {phrases[-1]}"


def lower_first(text: str) -> str:
    """ "The quality of practice" inside a sentence: "the quality of practice"."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def grade_words(grade: Grade) -> str:
    """A grade as a label prints it, after a colon or in a table: "Requires improvement"."""
    return capital(grade.value.replace("_", " "))


def grade_in_sentence(grade: Grade) -> str:
    """A grade in the middle of a sentence, lower case: "requires improvement", "good"."""
    return grade.value.replace("_", " ")


def judged(grade: Grade) -> str:
    """ "judged good", "judged to require improvement": the grade after "judged", lower case."""
    return "judged to require improvement" if grade is Grade.REQUIRES_IMPROVEMENT else f"judged {grade.value}"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 evidence item", "2 evidence items"."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def strengths_shown(count: int) -> str:
    """ "1 showing a strength", "3 showing strengths"."""
    return plural(count, "showing a strength", "showing strengths")


def support(ids: Sequence[str], items: dict[str, EvidenceItemRecorded]) -> str:
    """ "3 evidence items from Ofsted and the Care Quality Commission": the cited items counted, and the
    inspectorates of those still standing."""
    known = [items[i] for i in ids if i in items]
    sources = sorted({i.inspectorate for i in known}, key=list(Inspectorate).index)
    from_whom = f" from {listing([INSPECTORATES[s] for s in sources])}" if sources else ""
    return f"{plural(len(ids), 'evidence item')}{from_whom}"


def bearings(items: Iterable[EvidenceItemRecorded]) -> str:
    """ "2 evidence items (1 showing strengths, 1 weakness)": items counted by what they show."""
    counted = list(items)
    strengths = sum(1 for i in counted if i.bearing is Bearing.STRENGTH)
    weaknesses = sum(1 for i in counted if i.bearing is Bearing.WEAKNESS)
    improvements = sum(1 for i in counted if i.bearing is Bearing.AREA_FOR_IMPROVEMENT)
    parts = [strengths_shown(strengths), plural(weaknesses, "weakness", "weaknesses")]
    if improvements:
        parts.append(f"{plural(improvements, 'area')} for improvement")
    return f"{plural(len(counted), 'evidence item')} ({', '.join(parts)})"
