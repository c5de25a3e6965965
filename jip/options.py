"""The command-line arguments several `jip` commands share: a date, an inspection and the path of its
resources, a text given inline or read from a file, the evidence a claim stands on, and --if-match."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from embedded.errors import StackError
from jip.client import segment

INSPECTION = "the inspection's id (`jip inspections list` shows them)"


def day(value: str) -> str:
    """A date given on the command line, checked as it is parsed: a typo is a usage error that says the
    format, not a service's refusal."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: give YYYY-MM-DD (2027-01-04)") from None


def inspection_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inspection_id", metavar="INSPECTION", help=INSPECTION)


def inspection_path(args: argparse.Namespace) -> str:
    """The path of the inspection given as INSPECTION, under which its resources are."""
    return f"/inspections/{segment(args.inspection_id)}"


def given_text(args: argparse.Namespace) -> str | None:
    """The text given with --text, or read from --text-file (- for stdin)."""
    if getattr(args, "text_file", None) is None:
        return args.text  # type: ignore[no-any-return]
    path: str = args.text_file
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StackError(f"--text-file {path}: cannot read it: {exc}") from None
    return text.strip()


def text_options(parser: argparse.ArgumentParser, what: str) -> None:
    text = parser.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", help=what)
    text.add_argument("--text-file", metavar="PATH", help="read it from PATH (- for stdin)")


def evidence_option(parser: argparse.ArgumentParser, rule: str) -> None:
    parser.add_argument(
        "--evidence",
        nargs="+",
        required=True,
        metavar="ID",
        help=f"the evidence items it stands on (`jip evidence list`): recorded, not withdrawn ({rule})",
    )


def if_match_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--if-match",
        type=int,
        metavar="VERSION",
        help=f"refuse (409) if the {what} is past VERSION, the one you last saw",
    )
