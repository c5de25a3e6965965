"""`jip programmes` and `jip areas`: the inspection programmes and the local authority areas, read from
the data files here (shared/language/programmes, shared/language/areas); no service is asked."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from embedded.errors import StackError
from jip.commands import summary
from jip.options import (
    day,
)
from shared.language.areas import as_at, describe, find, register, unknown
from shared.language.programmes import Programme, ProgrammeFileError, catalogue, load_folder
from shared.language.workdays import today_in_england


def programmes(args: argparse.Namespace) -> int:
    try:
        found = load_folder(args.check) if args.check else catalogue()
    except ProgrammeFileError as exc:
        raise StackError(str(exc)) from None
    if args.check:
        print(f"{len(found)} programme file(s) in {args.check} are valid: {', '.join(found)}")
        return 0
    if args.id is None:
        print(f"{'programme':<17} {'notice':<16} {'fieldwork':<10} {'judgement':<54} report")
        for p in found.values():
            print(f"{p.id:<17} {_notice(p):<16} {p.fieldwork.weeks} week(s)  {_scale(p):<54} {p.report.kind}")
        return 0
    if args.id not in found:
        raise StackError(f"unknown programme {args.id!r}; known: {', '.join(found)}")
    p = found[args.id]
    if args.json:
        print(p.model_dump_json(indent=2))
        return 0
    part = p.participation
    lines = [
        f"{p.id}: {p.title}",
        f"  under {p.statute}",
        f"  sources: {', '.join(p.sources)}; every rule below cites one of them, or the domain brief",
        f"  led by {part.lead_inspectorate}; taking part: {', '.join(part.inspectorates)}  ({part.source})",
        *(
            f"  joins when {' or '.join(c.when)}: {c.inspectorate}"
            + (f" ({', '.join(c.facilities)})" if c.facilities else "")
            + f"  ({c.source})"
            for c in part.conditional
        ),
        f"  notice: {_notice(p)}  ({p.notice.source})",
        f"  fieldwork: {p.fieldwork.weeks} week(s) from a Monday  ({p.fieldwork.source})",
        *(f"    week {ph.week}: {', '.join(ph.inspectorates)}  ({ph.source})" for ph in p.fieldwork.phases),
    ]
    if p.on_site:
        limits = [f"at most {p.on_site.max_at_once} on site at once"] if p.on_site.max_at_once else []
        limits += [f"a team of {p.on_site.max_team}"] if p.on_site.max_team else []
        lines.append(f"  on site: {', '.join(limits)}  ({p.on_site.source})")
    lines += [f"  {m.kind} meeting on the {m.day} day  ({m.source})" for m in p.meetings]
    lines.append(f"  judgement: {_scale(p)}  ({p.judgements.source})")
    if p.judgements.narrative_for:
        lines.append(f"    in narrative, with no grade: {', '.join(p.judgements.narrative_for)}")
    for area in p.judgement_areas:
        graded = f" — graded for {', '.join(area.graded_for)}" if area.graded_for else ""
        lines.append(f"    {area.id}: {area.title}{graded}  ({area.source})")
    if p.criteria:
        lines.append(f"  criteria: {len(p.criteria)} ({p.criteria[0].source} … {p.criteria[-1].source})")
    if p.deep_dive_themes:
        lines.append(f"  deep-dive themes: {', '.join(t.id for t in p.deep_dive_themes)}")
    lines.append(f"  report: {p.report.kind}  ({p.report.source})")
    lines.append(f"  rounds: {p.selection.kind}  ({p.selection.source})")
    if p.judgements.attribution is not None:
        lines.append(
            "  a judgement on an agency stands on evidence about that agency  "
            f"({p.judgements.attribution.source})"
        )
    lines.append("  rules:")
    lines += [f"    {name.replace('_', ' ')}: {cited}" for name, cited in p.rules if cited is not None]
    print("\n".join(lines))
    return 0


def _notice(p: Programme) -> str:
    return f"{p.notice.working_days} working days" if p.notice.announced else "unannounced"


def _scale(p: Programme) -> str:
    return " / ".join(p.judgements.scale) or "no grade (narrative)"


def areas(args: argparse.Namespace) -> int:
    on = date.fromisoformat(args.on) if args.on else today_in_england()
    if args.area is None:
        listed = register() if args.all else as_at(on)
        for area in listed.values():
            custody = f"  [{', '.join(f.name for f in area.facilities)}]" if area.facilities else ""
            when = f"  ({area.existed()})" if args.all and (area.created or area.abolished) else ""
            print(f"{area.code}  {area.name:<36} {area.police_force or '-'}{custody}{when}")
        return 0
    found = find(args.area, on)
    if found is None:
        raise StackError(
            f"{unknown(args.area, on)} `jip areas` lists all {len(as_at(on))} existing on {on:%Y-%m-%d}, "
            "`jip areas --all` every one since 2012."
        )
    if args.json:
        print(found.model_dump_json(indent=2))
        return 0
    print("\n".join(describe(found, on)))
    return 0


def add_commands(commands: Any, _: argparse.ArgumentParser) -> None:
    """Add the programmes and areas commands to `jip`'s sub-command parser."""
    p = commands.add_parser(
        "programmes",
        help=summary("programmes"),
        description="Each programme version is one TOML file in shared/language/programmes, every rule "
        "citing its source paragraph. Add a version by adding a file; --check validates files before you do.",
    )
    p.add_argument("id", nargs="?", help="a programme id, e.g. macp-2012, to show in full")
    p.add_argument(
        "--check", type=Path, metavar="FOLDER", help="validate every *.toml programme file in FOLDER"
    )
    p.add_argument("--json", action="store_true", help="print the programme as JSON")
    p.set_defaults(run=programmes)

    a = commands.add_parser(
        "areas",
        help=summary("areas"),
        description="The register: ONS upper-tier authorities of England, with the police force area and the "
        "custody facilities the project knows of (they bring HMI Prisons into an inspection). It is "
        "time-aware: each area with the dates it existed, the order that created or abolished it and its "
        "successors (shared/language/areas/changes.toml); the list is of the areas existing today, or --on a "
        "day.",
    )
    a.add_argument("area", nargs="?", help="an ONS code (E06000063) or name (Cumberland), to show in full")
    a.add_argument(
        "--on", type=day, metavar="YYYY-MM-DD", help="the areas as they were that day (default: today)"
    )
    a.add_argument("--all", action="store_true", help="list every area since 2012, with its dates")
    a.add_argument("--json", action="store_true", help="print the area as JSON")
    a.set_defaults(run=areas)
