"""The inspection as the evidence service knows it, and what every evidence command checks against it:
the inspectorate takes part, the lead does what only the lead does, evidence is about an agency inspected,
and the criteria it cites are the programme's. Pure functions: no I/O."""

from __future__ import annotations

from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme
from shared.language.subjects import Sealed
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation
from shared.views.inspections import Inspection

# What this service learned of an inspection from scheduling's events (shared/views/inspections.py): who takes
# part, about which agencies, whether the area has been notified (notice has started) and cancelled.
KnownInspection = Inspection

# Text as the domain's decisions carry it: sealed to its case before it is decided, plain where no child
# is its subject (shared/language/subjects.py). The domain never sees the text of a case.
Text = Sealed | str

# Evidence may be about the board or the partnership as a whole, as well as a named agency.
ALWAYS_ABOUT = (Agency.LSCB, Agency.PARTNERSHIP)
IMMUTABLE = (
    "domain.md Data protection: erasable without rewriting history; what was recorded stays, and a "
    "correction is a new event"
)


def taking_part(inspection: KnownInspection, inspectorate: Inspectorate) -> None:
    if inspectorate not in inspection.inspectorates:
        raise Forbidden(
            f"{inspectorate} does not take part in this {inspection.programme.title}; taking part: "
            f"{', '.join(inspection.inspectorates)}",
            inspection.programme.participation.source,
        )


def the_lead(inspection: KnownInspection, by: Inspectorate, does: str, rule: str) -> None:
    lead = inspection.programme.participation.lead_inspectorate
    if by is not lead:
        raise Forbidden(f"only the lead inspectorate, {lead}, {does}", rule)


def about(inspection: KnownInspection, agency: Agency) -> None:
    if agency not in inspection.agencies and agency not in ALWAYS_ABOUT:
        agencies = ", ".join([*inspection.agencies, *ALWAYS_ABOUT])
        raise RuleViolation(
            f"{agency} is not inspected in this {inspection.programme.title}; evidence may be about: "
            f"{agencies}",
            inspection.programme.agencies[0].source,
        )


def check_criteria(
    programme: Programme, criteria: list[str], agency: Agency, judgement_area: str | None = None
) -> None:
    """Each criterion is in the programme, about the same agency (the board's criteria may be evidenced
    by any partner's part in it) and, when an area is given, under it."""
    for criterion_id in criteria:
        criterion = programme.criterion(criterion_id)
        if criterion is None:
            has = (
                f"its criteria are {programme.criteria[0].id} to {programme.criteria[-1].id}"
                if programme.criteria
                else "it has no numbered criteria"
            )
            raise RuleViolation(
                f"criterion {criterion_id} is not in {programme.title} ({programme.id}): {has}",
                programme.criteria[0].source if programme.criteria else programme.judgements.source,
            )
        if criterion.agency not in (agency, Agency.LSCB):
            raise RuleViolation(
                f"criterion {criterion_id} is about {criterion.agency}, not {agency}", criterion.source
            )
        if judgement_area is not None and criterion.judgement_area != judgement_area:
            raise RuleViolation(
                f"criterion {criterion_id} is under {criterion.judgement_area!r}, not {judgement_area!r}",
                criterion.source,
            )
