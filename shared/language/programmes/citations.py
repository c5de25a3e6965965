"""Where a programme states the rules the platform applies to it: the sources it draws on, and the cited
rules of its `[rules]` table.

A programme's rules come from its own source document, never another programme's: an MACP 2012 refusal
cites 002, a CLA 2012 one 003, an Integrated 2014 one 004. Each file lists the sources it draws on
(`sources = ["004"]`; a paragraph of another seed only where the file says why, as CLA 2012 takes its
four grades from 002 §24), and every `source` in it and every entry of its `[rules]` table must cite one
of them. Where a programme's own source is silent on a mechanism the platform still needs (moderation,
say), the rule cites the domain brief instead: "domain.md People: …"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Annotated, get_args

from pydantic import BaseModel, ConfigDict, Field

BRIEF = "domain.md"  # the domain brief: cited where the programme's own source is silent
# The rule every service applies to a cancelled inspection (scheduling, judgement, lscb, reporting): no
# source states it, so it cites the domain brief.
CANCELLED_RULE = "domain.md Scheduling: a cancelled inspection takes no further commands"
# A seed by number, or one paragraph of it: "004", "002 §24".
Seed = Annotated[str, Field(pattern=r"^\d{3}( §\d[\w.-]*)?$")]
# A rule's citation: a seed paragraph ("002 §11", "001 Proposal four"), or the domain brief ("domain.md …").
Cited = Annotated[
    str, Field(pattern=r"^(\d{3} \S|domain\.md \S)", description="e.g. '002 §11', or 'domain.md People: …'")
]
_SEED = re.compile(r"^(\d{3})\b")


class Rules(BaseModel):
    """The mechanisms the platform applies to every inspection of the programme, each citing where the
    programme states it. What a section of the file already holds cites that section's own `source` (the
    notice, the fieldwork and its phases, the board's evaluation, the limiting rules); these are the rest.
    A rule marked optional is there exactly when the programme has what it governs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The lead inspectorate moderates and returns judgements, and proposes and finalises shared ones.
    lead_inspectorate: Cited
    # The lead inspectorate quality-assures; a final judgement changes only by a revision with a reason.
    quality_assurance: Cited
    # Each inspectorate judges (or comments on) the agencies it inspects, and signs those judgements off;
    # for a programme that makes judgements.
    own_agencies: Cited | None = None
    # The grades of the scale; for a graded programme.
    grades: Cited | None = None
    # A judgement stands on recorded evidence, and one of inadequate on a weakness; for a programme that
    # makes judgements.
    judgement_evidence: Cited | None = None
    # The kinds of finding the report has, each for the partnership or an inspected agency.
    findings: Cited
    # A finding stands on recorded evidence that shows what it says.
    finding_evidence: Cited
    # Evidence is gathered from the start of notice (arrival, when unannounced) until the lead closes it.
    evidence_gathering: Cited
    # Independent sources (inspectorates or kinds of evidence) corroborate what the evidence shows.
    corroboration: Cited
    # The cases the inspectorates track together.
    shared_sample: Cited
    # Each inspectorate's own sample; none where the inspectorates track and sample only jointly.
    own_samples: Cited | None = None
    # Lines of enquiry are shared between the inspectorates.
    lines_of_enquiry: Cited
    # During notice the area audits the deep-dive cases jointly; for a programme with a deep dive.
    joint_audit: Cited | None = None
    # Every inspection of a round shares one deep-dive theme; for a programme whose rounds share one.
    round_theme: Cited | None = None
    # The board's evaluation stands on evidence about the board or tagged with its criteria; a finding
    # about it is attributed to the partner where it lies; every inspectorate taking part agrees it. For a
    # programme that evaluates the board.
    lscb_evidence: Cited | None = None
    lscb_accountability: Cited | None = None
    lscb_agreement: Cited | None = None


def seeds_of(citation: str) -> list[str]:
    """The parts of a citation, one per seed or brief it names: "004 §24; 001 Proposal three" gives
    ["004 §24", "001 Proposal three"]."""
    return [part.strip() for part in citation.split(";") if part.strip()]


def cites_only(citation: str, sources: Sequence[str]) -> bool:
    """Whether every part of `citation` is the domain brief, a seed listed whole in `sources`, or a
    paragraph listed in `sources` (exactly, or as the start of a longer reference to it)."""
    whole = {s for s in sources if " " not in s}
    paragraphs = [s for s in sources if " " in s]
    for part in seeds_of(citation):
        if part.startswith(BRIEF):
            continue
        seed = _SEED.match(part)
        if seed is None:
            return False
        if seed.group(1) in whole:
            continue
        if not any(part == p or (part.startswith(p) and not part[len(p)].isdigit()) for p in paragraphs):
            return False
    return True


def _cites(model: type[BaseModel], name: str) -> bool:
    """A field that holds a citation: `source`, or one typed as a citation (a seed and its paragraph, or
    the domain brief), as every entry of `Rules` is."""
    if name == "source":
        return True
    field = model.model_fields[name]
    patterns = [*_patterns(field.metadata), *_patterns(get_args(field.annotation))]
    return any(p.startswith((r"^\d{3} ", r"^(\d{3}")) for p in patterns)


def _patterns(constraints: Iterable[object]) -> Iterator[str]:
    """The `pattern` constraints among a field's metadata, or those of the Annotated types in its union."""
    for c in constraints:
        pattern = getattr(c, "pattern", None)
        if isinstance(pattern, str):
            yield pattern
        yield from _patterns(getattr(c, "metadata", ()))
        yield from _patterns(get_args(c)[1:] if hasattr(c, "__metadata__") else ())


def citations(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (field, citation) of a model: each `source`, each entry of its `Rules`, and every other
    field typed as a citation."""
    if isinstance(node, BaseModel):
        for name, value in node:
            where = f"{path}.{name}".lstrip(".")
            if isinstance(value, str) and _cites(type(node), name):
                yield where, value
            else:
                yield from citations(value, where)
    elif isinstance(node, list | tuple):
        for n, item in enumerate(node):
            yield from citations(item, f"{path}[{n}]")
