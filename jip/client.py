"""The one HTTP client of the `jip` commands: a request to a running service, made as the actor given by
--as (or $JIP_ACTOR) with a token issued from the stack's key, and a refusal rendered as one line.

A service is at $JIP_<SERVICE>_URL, or on the embedded stack's port (its state file, or the default
ports). A 4xx or 5xx answer becomes a StackError giving the service's reason and the rule it cites, e.g.
`jip: error: ... (rule: 002 §43)`; a service that does not answer, one saying to start the platform."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from embedded.errors import StackError
from embedded.ports import DEFAULT_PORT_BASE, Ports
from embedded.supervisor import Supervisor
from jip.commands.tokens import ACT_AS, token_for

DEFAULT_ACTOR = "ofsted:lead_inspector:cli"


@dataclass(frozen=True)
class Service:
    """One of the five services, as the commands call it: `call` for a JSON answer, `send` for the answer
    as it came (a document's bytes and headers)."""

    name: str

    def call(
        self,
        args: argparse.Namespace,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> Any:
        """Call the service as --as; a 4xx answer is a StackError."""
        return self.send(args, method, path, body, headers=headers, **params).json()

    def send(
        self,
        args: argparse.Namespace,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
        **params: Any,
    ) -> httpx.Response:
        """`call`'s answer as it came, for one that is not JSON (a document's bytes and headers)."""
        ports = Supervisor(args.data_dir).saved_ports() or Ports.from_base(DEFAULT_PORT_BASE)
        base = os.environ.get(f"JIP_{self.name.upper()}_URL", ports.service_url(self.name))
        query = {k: v for k, v in params.items() if v is not None}
        token = token_for(args.data_dir, args.actor)
        try:
            response = httpx.request(
                method,
                f"{base}{path}",
                json=body,
                params=query,
                headers={"Authorization": f"Bearer {token}", **(headers or {})},
                timeout=timeout,
            )
        except httpx.HTTPError:
            raise StackError(
                f"the {self.name} service at {base} is not answering: start the platform with `jip stack up`"
            ) from None
        if response.status_code >= 400:
            raise StackError(refusal(method, path, response))
        return response


def refusal(method: str, path: str, response: httpx.Response) -> str:
    """A service's refusal in one line: its reason, and the rule it cites."""
    try:
        answer = response.json()
    except ValueError:
        return f"{method} {path} answered {response.status_code}: {response.text}"
    rule = f" (rule: {answer['rule']})" if answer.get("rule") else ""
    return f"{answer.get('detail', answer)}{rule}"


def segment(value: str) -> str:
    """A value put in a URL path, so that a stray `/` or `?` in it cannot change the request."""
    return quote(value, safe="")


def if_match(version: int | None) -> dict[str, str]:
    """The If-Match header of a change made to the version the user saw (none if they gave none)."""
    return {} if version is None else {"If-Match": f'"{version}"'}


def client_options(data_dir: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of every command that calls a service: --data-dir, --as and --json."""
    client = argparse.ArgumentParser(add_help=False, parents=[data_dir])
    client.add_argument(
        "--as",
        dest="actor",
        default=os.environ.get("JIP_ACTOR", DEFAULT_ACTOR),
        metavar="ACTOR",
        help=f"{ACT_AS}; a token is issued for them from the stack's key, or $JIP_TOKEN is sent instead "
        f"(default $JIP_ACTOR or {DEFAULT_ACTOR})",
    )
    client.add_argument("--json", action="store_true", help="print the service's whole answer as JSON")
    return client
