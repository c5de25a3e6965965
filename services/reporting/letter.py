"""The JTAI findings letter, rebuilt from events alone (001 Proposal four). A pure function: the same
events give the same letter, byte for byte, however and whenever they arrived. It is the Markdown of
`documents.render_report`, from the template `templates/findings_letter.md.j2`."""

from __future__ import annotations

from collections.abc import Sequence

from shared.catalogue import Event

from .documents import Format, render_report


def render_findings_letter(events: Sequence[Event]) -> str:
    """`events` in stream order; every event of one inspection the reporting service has received."""
    return render_report(events, Format.MARKDOWN).decode()
