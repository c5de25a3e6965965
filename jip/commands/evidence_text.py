"""How `jip evidence` shows the evidence service's answers: the items as a table, an item with its
corrections, an erasure, the triangulation of an inspection's evidence and one child's case across every
inspectorate (001 Proposal three; 002 §43-44)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jip.render import excerpt, table, when, wrapped
from shared.language.contracts.evidence import EvidenceDetails

DETAILS = tuple(EvidenceDetails.model_fields)  # an item's details, by the API's field names


def _activity(item: Mapping[str, Any]) -> str:
    return f"{item['activity']} ({item['meeting']})" if item.get("meeting") else str(item["activity"])


def items_table(items: Sequence[Mapping[str, Any]]) -> str:
    """`jip evidence list`: one line per item, its id first (for show, amend, withdraw, enquiries answer)."""
    if not items:
        return "no evidence items"
    rows = [
        [
            i["evidence_item_id"],
            i["inspectorate"],
            i["agency"],
            i["judgement_area"],
            ",".join(i.get("criteria") or []) or "-",
            i["bearing"],
            i.get("case_reference") or "-",
            _activity(i),
            ("WITHDRAWN " if i.get("withdrawn") else "") + excerpt(i["summary"]),
        ]
        for i in items
    ]
    headers = ["item", "inspectorate", "agency", "area", "criteria", "bearing", "case", "activity", "text"]
    return "\n".join(table(headers, rows))


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    def shown(field: str, value: Any) -> str:
        if field == "summary":
            return f'"{excerpt(str(value), 40)}"'
        if isinstance(value, list):
            return ",".join(value) or "none"
        return str(value) if value is not None else "none"

    return [
        f"{field}: {shown(field, before.get(field))} -> {shown(field, after.get(field))}"
        for field in DETAILS
        if before.get(field) != after.get(field)
    ]


def item_text(answer: Mapping[str, Any]) -> str:
    """`jip evidence show`: the item as it stands, then each version of it, corrections with their reasons."""
    item = answer["item"]
    state = f"  WITHDRAWN: {item['correction']}" if item.get("withdrawn") else ""
    lines = [
        f"evidence item {item['evidence_item_id']} of inspection {item['inspection_id']}, "
        f"version {item['version']}{state}",
        f"  recorded by {item['inspectorate']} ({item['inspector']}) at {when(item['recorded_at'])}",
        f"  agency    {item['agency']}",
        f"  activity  {_activity(item)}",
        f"  area      {item['judgement_area']}",
        f"  criteria  {', '.join(item.get('criteria') or []) or '-'}",
        f"  bearing   {item['bearing']}",
        f"  case      {item.get('case_reference') or '-'}",
        *wrapped("summary   ", item["summary"]),
        "history:",
    ]
    before: Mapping[str, Any] | None = None
    for revision in answer.get("history", []):
        kind = str(revision["event_type"]).rsplit(".", 1)[-1].removeprefix("EvidenceItem").lower()
        reason = f": {revision['reason']}" if revision.get("reason") else ""
        lines.append(
            f"  v{revision['version']} {when(revision['occurred_at'])} {kind} by {revision['inspectorate']} "
            f"({revision['inspector']}){reason}"
        )
        details = revision.get("details")
        if details is not None:
            if before is not None:
                lines += [f"       {change}" for change in _changes(before, details)]
            before = details
    return "\n".join(lines)


def erasure_text(answer: Mapping[str, Any]) -> str:
    held = [
        f"{answer['items']} evidence item(s)",
        f"{answer['lines_of_enquiry']} line(s) of enquiry",
        f"{len(answer['samples'])} sample(s)",
    ]
    return (
        f"case {answer['case_reference']} erased ({answer['basis']}): its key is destroyed, so its text "
        f"reads [erased] in {', '.join(held)} and wherever the log was copied; nothing more is recorded "
        "about it"
    )


def finding_text(finding: Mapping[str, Any]) -> str:
    count = len(finding["evidence_item_ids"])
    cases = f"; cases {', '.join(finding['case_references'])}" if finding.get("case_references") else ""
    verdict = "CORROBORATED" if finding["corroborated"] else "single source"
    return (
        f"{finding['bearing']}: {count} item{'s' if count != 1 else ''} from "
        f"{', '.join(finding['inspectorates'])} by {', '.join(finding['activities'])}{cases} - {verdict}"
    )


def _area_lines(title: str, evidence: Mapping[str, Any], indent: str) -> list[str]:
    contested = " - CONTESTED: a strength and a weakness both shown" if evidence["contested"] else ""
    return [f"{indent}{title}{contested}", *(f"{indent}  {finding_text(f)}" for f in evidence["findings"])]


def triangulation_text(view: Mapping[str, Any]) -> str:
    """`jip evidence triangulation`: per agency, what each area and criterion shows and how well it is
    corroborated, then what has no evidence yet."""
    lines = [
        f"inspection {view['inspection_id']} ({view['programme']}): {view['items']} evidence item(s), "
        f"{view['corroborated_findings']} corroborated finding(s)",
        f"corroborated: {view['rule']}",
    ]
    for agency in view["agencies"]:
        lines += [
            "",
            f"{agency['agency']}: {agency['items']} item(s), "
            f"{agency['corroborated_findings']} corroborated finding(s)",
        ]
        for area in agency["areas"]:
            lines += _area_lines(area["judgement_area"], area, "  ")
        if agency["criteria"]:
            lines.append("  criteria:")
            for criterion in agency["criteria"]:
                title = f"{criterion['criterion']} ({criterion['source']}, {criterion['judgement_area']})"
                lines += _area_lines(title, criterion, "    ")
        gaps = agency["coverage"]
        if not gaps["criteria_without_evidence"] and not gaps["areas_without_evidence"]:
            lines.append("  no evidence yet: none, every area and criterion has some")
            continue
        lines.append("  no evidence yet:")
        if gaps["areas_without_evidence"]:
            lines += wrapped("areas: ", ", ".join(gaps["areas_without_evidence"]), "    ")
        if gaps["criteria_without_evidence"]:
            lines += wrapped("criteria: ", ", ".join(gaps["criteria_without_evidence"]), "    ")
    return "\n".join(lines)


def _sample_name(sample: str) -> str:
    """No paragraph: each programme states its samples in its own (`jip programmes ID`, rules)."""
    return "the shared sample" if sample == "shared" else f"{sample}'s own sample"


def case_text(view: Mapping[str, Any]) -> str:
    """`jip evidence case`: one child's case across every inspectorate."""
    samples = ", ".join(_sample_name(s) for s in view["samples"]) or "no sample"
    sources = ", ".join(view["inspectorates"]) or "no inspectorate yet"
    erased = "; ERASED: its text reads [erased]" if view.get("erased") else ""
    lines = [f"case {view['case_reference']}: in {samples}; evidence from {sources}{erased}"]
    if view["findings"]:
        lines.append("findings:")
        for agency, found in view["findings"].items():
            lines += [f"  {agency}: {finding_text(f)}" for f in found]
    if view["items"]:
        lines += ["items:", *(f"  {line}" for line in items_table(view["items"]).splitlines())]
    return "\n".join(lines)
