"""`jip test`: the test suite against real servers, with the Debian packages its tests drive installed
first."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

from embedded.errors import StackError
from jip.commands import summary

REPOSITORY = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; the workspace's browser tests drive it, never a download
# Debian's docker-compose: the deploy tests check the compose file with it (`config` needs no engine).
COMPOSE = Path("/usr/bin/docker-compose")
PDFFONTS = Path("/usr/bin/pdffonts")  # Debian's poppler-utils: the PDF tests read documents with its tools
# What WeasyPrint prints PDFs with (README, Reporting): Pango, and HarfBuzz's subsetter, without which it
# subsets the fonts with fontTools, whose bytes differ at every render (a document's PDF must not).
LIBRARIES = Path("/usr/lib") / (sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu")
PDF_LIBRARIES = {
    "libpango-1.0-0": LIBRARIES / "libpango-1.0.so.0",
    "libpangoft2-1.0-0": LIBRARIES / "libpangoft2-1.0.so.0",
    "libharfbuzz-subset0": LIBRARIES / "libharfbuzz-subset.so.0",
}


def ensure_debian(package: str, binary: Path, needed_by: str) -> bool:
    """A Debian package the tests need: installed with apt-get when `binary` is missing and running as
    root; otherwise one line saying what to install (the tests needing it then fail, saying the same)."""
    if binary.exists():
        return True
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"jip: {needed_by} need Debian's {package} at {binary}: `sudo apt-get install {package}`")
        return False
    print(f"jip: installing Debian's {package} for {needed_by} (apt-get -y install {package})", flush=True)
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "-y", "-q", "install", package]
    if subprocess.call(install, env=apt) != 0:  # a fresh machine's package lists may be empty: update once
        subprocess.call(["apt-get", "-q", "update"], env=apt)
        subprocess.call(install, env=apt)
    return binary.exists()


def ensure_chromium(binary: Path = CHROMIUM) -> bool:
    return ensure_debian("chromium", binary, "the browser tests")


def run_tests(args: argparse.Namespace, pytest_args: list[str]) -> int:
    if not (REPOSITORY / "tests").is_dir():
        raise StackError(
            "`jip test` runs the test suite of a source checkout; none was found beside this package"
        )
    ensure_chromium()
    ensure_debian("docker-compose", COMPOSE, "the deploy tests")
    ensure_debian("poppler-utils", PDFFONTS, "the PDF tests")
    for package, library in PDF_LIBRARIES.items():
        ensure_debian(package, library, "the PDF tests")
    command = [sys.executable, "-m", "pytest", *([] if args.all else ["-m", "not slow"]), *pytest_args]
    print("$", " ".join(command), flush=True)
    return subprocess.call(command, cwd=REPOSITORY)


def add_commands(commands: Any, _: argparse.ArgumentParser) -> None:
    test = commands.add_parser(
        "test",
        help=summary("test"),
        description="Run pytest. The test session starts its own broker and database "
        "on free ports unless KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI are set. The workspace's browser "
        "tests drive Debian's chromium: installed first with apt-get when missing and run as root. "
        "Other arguments go to pytest.",
    )
    test.add_argument("--all", action="store_true", help="include tests marked slow")
    test.set_defaults(run=run_tests)  # main() hands it the arguments for pytest
