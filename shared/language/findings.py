"""The kinds of finding a programme's report has: key strengths in every programme, and the recommendations
its catalogue file names (areas for priority action and for development in a JTAI, areas for improvement
where judgements are graded; 001 Proposal three and four; 002 §50). One definition for the judgement
service, which records findings, and the reporting service, which reports them."""

from __future__ import annotations

from shared.language.contracts.judgement import FindingKind
from shared.language.programmes import Programme

# The kind of finding of each recommendation a catalogue file names in `[judgements] recommendations`.
RECOMMENDATIONS = {
    "priority_action": FindingKind.AREA_FOR_PRIORITY_ACTION,
    "development": FindingKind.AREA_FOR_DEVELOPMENT,
    "improvement": FindingKind.AREA_FOR_IMPROVEMENT,
}


def finding_kinds(programme: Programme) -> tuple[FindingKind, ...]:
    """Key strengths in every programme, and the recommendations its catalogue file names."""
    return (FindingKind.KEY_STRENGTH, *(RECOMMENDATIONS[r] for r in programme.judgements.recommendations))
