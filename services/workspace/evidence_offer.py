"""What the evidence forms offer for one inspection, from the programme's own data (evidence.py): the
agencies it is about, the areas evidence is gathered for, its criteria and the cases of the samples the
user tracks. Where the programme's criteria belong to an agency and a judgement area (Integrated 2014),
the criteria of the pair chosen, as the evidence service checks them; a criterion of another pair is a
problem named beside the field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.language.programmes import Programme, catalogue

from .evidence_models import KnownInspection, Samples
from .web import Problem, listed, sentence
from .words import agency_name, inspectorate_name

ALWAYS_ABOUT = ("lscb", "partnership")  # evidence may be about the board or the partnership as a whole


@dataclass(frozen=True)
class Offer:
    """What the evidence forms offer for one inspection, from the programme's own data."""

    programme: Programme
    agencies: dict[str, str]
    areas: dict[str, str]
    criteria: dict[str, str]  # id -> "68q (local authority): text"
    cases: dict[str, str]  # case reference -> it, and the samples it is in

    @property
    def area_titles(self) -> dict[str, str]:
        return {a.id: a.title for a in self.programme.judgement_areas}

    @property
    def in_two_steps(self) -> bool:
        """Whether the criteria depend on the agency and area chosen first."""
        return bool(self.criteria)

    def criteria_of(self, agency: str, area: str) -> dict[str, str]:
        """The criteria evidence about `agency` under `area` may evidence: the agency's own under that area,
        and the board's, which any partner's part in it may evidence (the evidence service's rule)."""
        return {
            c.id: self.criteria[c.id]
            for c in self.programme.criteria
            if c.id in self.criteria and c.agency.value in (agency, "lscb") and c.judgement_area == area
        }

    def pair(self, values: dict[str, Any]) -> tuple[str, str] | None:
        """The agency and area chosen, if both are ones offered."""
        agency, area = str(values.get("agency", "")), str(values.get("judgement_area", ""))
        return (agency, area) if agency in self.agencies and area in self.areas else None

    def problems_of(self, values: dict[str, Any]) -> list[Problem]:
        """The chosen criteria not of the chosen agency and area, named beside the field."""
        chosen = self.pair(values)
        if chosen is None:
            return []
        allowed = self.criteria_of(*chosen)
        wrong = [c for c in listed(values.get("criteria")) if c not in allowed]
        if not wrong:
            return []
        agency, area = chosen
        where = f"{agency_name(agency)} under {self.areas[area][:1].lower()}{self.areas[area][1:]}"
        listing = f"{', '.join(wrong[:-1])} and {wrong[-1]}"
        which = f"Criterion {wrong[0]} is" if len(wrong) == 1 else f"Criteria {listing} are"
        text = (
            f"{which} not among the criteria about {where}: choose from those listed"
            if allowed
            else f"There are no criteria about {where}: leave the criteria unticked"
        )
        return [Problem(text, "#criteria")]


def offer_of(known: KnownInspection, samples: Samples, inspectorate: str | None) -> Offer:
    """The agencies the inspection is about (and the board, the partnership), the programme's areas that
    evidence is gathered for (not the cumulative ones), its criteria, and the cases of the shared sample and
    of the user's own inspectorate's."""
    programme = catalogue()[known.programme]
    about = [*known.agencies, *(a for a in ALWAYS_ABOUT if a not in known.agencies)]
    if programme.lscb is None:
        about.remove("lscb")
    cases: dict[str, list[str]] = {}
    for case in samples.samples:
        if case.sample in ("shared", inspectorate):
            name = "shared sample" if case.sample == "shared" else f"{inspectorate_name(case.sample)} sample"
            cases.setdefault(case.case_reference, []).append(name)
    return Offer(
        programme=programme,
        agencies={a: sentence(agency_name(a)) for a in about},
        areas={a.id: a.title for a in programme.judgement_areas if not a.derived_from},
        criteria={
            c.id: f"{c.id} ({agency_name(c.agency)}): {c.text}"
            for c in programme.criteria
            if c.agency.value in about
        },
        cases={ref: f"{ref} ({', '.join(names)})" for ref, names in sorted(cases.items())},
    )
