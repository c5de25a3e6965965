"""`jip`: the command-line front door of the Joint Inspections Platform.

Each command lives in its own module (jip/commands/__init__.py says which); this one parses the command line,
importing only the chosen command's module, and reports a command's error as one line."""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from embedded.errors import StackError
from jip.commands import COMMANDS, summary

EVERY = "*"  # parser(EVERY): every command with all its arguments (the tests parse with it)


def default_data_dir() -> Path:
    configured = os.environ.get("JIP_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "jip"


def parser(command: str | None = EVERY) -> argparse.ArgumentParser:
    """`jip`'s parser, with the arguments of `command` (EVERY for all of them); the other commands are
    listed with what they do, their modules not imported (`jip --help` imports none)."""
    data_dir = argparse.ArgumentParser(add_help=False)
    data_dir.add_argument(
        "--data-dir",
        type=Path,
        default=default_data_dir(),
        help="where the stack keeps its data, logs and state (default: $JIP_DATA_DIR or ~/.local/share/jip)",
    )
    root = argparse.ArgumentParser(
        prog="jip",
        description="Joint Inspections Platform: joint inspections of children's services in England, "
        "run by Ofsted, CQC, HMIC, HMI Probation and HMI Prisons together.",
        epilog="`jip COMMAND --help` explains a command and its actions.",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = {c.module for name, c in COMMANDS.items() if command in (EVERY, name)}
    for name, (module, _) in COMMANDS.items():
        if module in wanted:
            wanted.discard(module)
            importlib.import_module(module).add_commands(commands, data_dir)  # adds `name` and its fellows
        elif name not in commands.choices:
            commands.add_parser(name, help=summary(name))
    return root


def chosen(argv: Sequence[str]) -> str | None:
    """The command named on the command line (its first word), if it is one."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first if first in COMMANDS else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = chosen(argv)
    first = next((word for word in argv if not word.startswith("-")), None)
    if command is None and first is not None:
        close = difflib.get_close_matches(first, COMMANDS, n=1)
        hint = f"did you mean `jip {close[0]}`? " if close else ""
        parser(None).error(f"{first!r} is not a command: {hint}`jip --help` lists them")
    args, extra = parser(command).parse_known_args(argv)
    if extra and args.command != "test":
        parser(command).error(f"unrecognised arguments: {' '.join(extra)}")
    try:
        code: int = args.run(args, extra) if args.command == "test" else args.run(args)
        return code
    except StackError as exc:
        print(f"jip: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("jip: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `jip demo | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
