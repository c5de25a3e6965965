"""The published AsyncAPI document (contract/asyncapi.json) as an inspectorate's tooling reads it: valid
against the official AsyncAPI 3.1 JSON Schema, formats checked (always), and parsed with no error by the
official JavaScript parser, `@asyncapi/parser`, where Node.js is present (docs/contract.md).

The parser is installed once, with npm, into `.uv/npm-asyncapi-parser-<version>/` in the checkout, and
kept there. Where Node.js is absent the parser's test says so in a warning; with JIP_REQUIRE_NODE set
(CI machines that must run it) it fails instead, saying what to install."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import best_match

from jip.cli import main
from shared.language.contracts import CATALOGUE
from shared.mechanics.contract import ASYNCAPI, CONTRACT_DIR
from shared.mechanics.topics import CONTEXTS
from tooling.contract import publish
from tooling.contract.asyncapi import ASYNCAPI_VERSION, asyncapi, docs_url, service_consumers

REPOSITORY = Path(__file__).resolve().parents[2]
OFFICIAL_SCHEMA = REPOSITORY / "tests/contract/asyncapi-spec-json-schemas/asyncapi-3.1.0.json"
PARSE = REPOSITORY / "tests/contract/parse_asyncapi.cjs"
PARSER_VERSION = "3.6.6"  # @asyncapi/parser, the version the 49 errors were found with (3.6)
PARSER_DIR = REPOSITORY / ".uv" / f"npm-asyncapi-parser-{PARSER_VERSION}"
DOCS_BASE = "https://inspections.example.org/jip/"


def problems(document: dict[str, Any]) -> list[str]:
    """What the official AsyncAPI 3.1.0 JSON Schema refuses in `document`, formats (uri, ...) checked: for
    each error, its most relevant cause (inside a oneOf of a message and a reference, the message's)."""
    schema = json.loads(OFFICIAL_SCHEMA.read_text())
    validator = Draft7Validator(schema, format_checker=FormatChecker())
    causes = [best_match([error]) for error in validator.iter_errors(document)]
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in causes if e is not None]


def test_the_vendored_schema_is_the_official_asyncapi_3_1_0_schema() -> None:
    schema = json.loads(OFFICIAL_SCHEMA.read_text())
    assert schema["title"] == "AsyncAPI 3.1.0 schema."
    assert schema["properties"]["asyncapi"]["const"] == ASYNCAPI_VERSION == "3.1.0"
    assert "uri" in FormatChecker().checkers, "rfc3986-validator gives jsonschema the uri format"


def test_the_committed_asyncapi_document_is_valid_against_the_official_schema() -> None:
    document = json.loads((CONTRACT_DIR / ASYNCAPI).read_text())
    assert document["asyncapi"] == "3.1.0"
    assert problems(document) == []


def test_with_a_docs_base_every_link_is_an_absolute_url_the_official_schema_accepts() -> None:
    document = asyncapi(CATALOGUE, service_consumers(), DOCS_BASE)
    links = [
        m["externalDocs"]["url"] for m in document["components"]["messages"].values() if "externalDocs" in m
    ]
    pages = {f"{DOCS_BASE}docs/{context}-events.md" for context in CONTEXTS}  # a page each
    assert set(links) == pages | {f"{DOCS_BASE}docs/consumer-guide.md"}  # and the checkpoints' guide
    assert document["info"]["externalDocs"]["url"] == f"{DOCS_BASE}docs/contract.md"
    assert problems(document) == []


def test_the_official_schema_refuses_a_relative_docs_link_as_the_contract_once_had() -> None:
    document = asyncapi(CATALOGUE, service_consumers(), DOCS_BASE)
    message = document["components"]["messages"]["evidence.EvidenceItemRecorded"]
    message["externalDocs"]["url"] = "../docs/evidence-events.md"
    assert problems(document) == [
        "components/messages/evidence.EvidenceItemRecorded/externalDocs/url: "
        "'../docs/evidence-events.md' is not a 'uri'"
    ]


def test_without_a_docs_base_the_channels_name_the_consumers_pages_in_words() -> None:
    document = json.loads((CONTRACT_DIR / ASYNCAPI).read_text())
    assert "externalDocs" not in json.dumps(document)
    assert "docs/evidence-events.md" in document["channels"]["evidence"]["description"]


@pytest.mark.parametrize("base", ["docs/", "/jip/docs", "example.org/jip", "ftp://example.org/jip/"])
def test_a_docs_base_must_be_an_absolute_http_url(base: str) -> None:
    with pytest.raises(ValueError, match="absolute http"):
        docs_url(base, "contract.md")
    assert docs_url("https://example.org/jip", "contract.md") == "https://example.org/jip/docs/contract.md"


def test_jip_contracts_refuses_a_relative_docs_base(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", "check", "--docs-base", "../docs/"]) == 2
    assert "must be an absolute http(s) URL" in capsys.readouterr().err


# --- the official JavaScript parser -----------------------------------------------------------------------


def installed_parser() -> Path:
    """`@asyncapi/parser` at PARSER_VERSION, installed with npm on first use (atomically: a half-finished
    install is never taken for one)."""
    if (PARSER_DIR / "node_modules/@asyncapi/parser/package.json").is_file():
        return PARSER_DIR
    npm = shutil.which("npm")
    assert npm, "Node.js is here but npm is not: install Debian's npm (apt-get install npm)"
    staging = PARSER_DIR.with_name(f"{PARSER_DIR.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / "package.json").write_text('{"private": true}\n')
    # --ignore-scripts: the parser needs no install script (a dependency's only one reports usage to Scarf).
    install = [npm, "install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts"]
    install.append(f"@asyncapi/parser@{PARSER_VERSION}")
    done = subprocess.run(install, cwd=staging, capture_output=True, text=True, timeout=540)
    assert done.returncode == 0, f"npm could not install @asyncapi/parser: {done.stderr[-2000:]}"
    try:
        staging.rename(PARSER_DIR)
    except OSError:  # another run installed it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return PARSER_DIR


@pytest.mark.timeout(600)
def test_the_official_asyncapi_parser_finds_no_error(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        advice = "install Node.js and npm (Debian: apt-get install nodejs npm) to run @asyncapi/parser"
        if os.environ.get("JIP_REQUIRE_NODE"):
            pytest.fail(f"JIP_REQUIRE_NODE is set but node is not found: {advice}")
        warnings.warn(f"the official AsyncAPI parser did not run: {advice}", stacklevel=1)
        return
    # The committed document, and one generated with a docs base beside a copy of the schemas it refers to.
    linked = tmp_path / "contract"
    shutil.copytree(CONTRACT_DIR, linked)
    publish.generate(CATALOGUE, linked, docs_base=DOCS_BASE)
    assert "externalDocs" in (linked / ASYNCAPI).read_text()
    documents = [CONTRACT_DIR / ASYNCAPI, linked / ASYNCAPI]
    parsed = subprocess.run(
        [node, str(PARSE), str(installed_parser()), *map(str, documents)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    diagnostics = [json.loads(line) for line in parsed.stdout.splitlines() if line.strip()]
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert not errors, (parsed.stderr, errors[:10])
    assert parsed.returncode == 0, parsed.stderr
    assert parsed.stderr.count("0 error(s), parsed") == len(documents), parsed.stderr
    # Nothing else to say either: not even "the latest version of AsyncAPI is not used".
    assert diagnostics == []


def test_the_signed_checkpoints_have_their_channel_schema_and_sender() -> None:
    """Issue 21: the checkpoints topic is part of the published contract, its payload the checkpoint's own
    schema (contract/checkpoint.json), not an envelope."""
    document = json.loads((CONTRACT_DIR / ASYNCAPI).read_text())
    channel = document["channels"]["checkpoints"]
    assert channel["address"] == "{namespace}.audit.checkpoints"
    assert document["components"]["messages"]["checkpoint"]["payload"] == {"$ref": "checkpoint.json"}
    assert document["operations"]["checkpointer.send"]["channel"] == {"$ref": "#/channels/checkpoints"}
    schema = json.loads((CONTRACT_DIR / "checkpoint.json").read_text())
    assert set(schema["required"]) >= {"namespace", "taken_at", "key_id", "partitions", "streams"}
    assert "signature" in schema["properties"]
