"""`jip token`: bearer tokens for the embedded stack, and who the other `jip` commands act as.

Every service endpoint but /health needs a bearer token (JWT). In production an OIDC provider issues
them and the services check them against its JWKS (JIP_AUTH_JWKS_URL). The embedded stack is its own
issuer: `jip stack up` makes an Ed25519 signing key in <data dir>/auth/ (readable by its owner only)
and gives the services its public half. With that key, `jip token` issues a token for a user,
inspectorate and role, and the other `jip` commands issue one for whoever --as names.

A command sends $JIP_TOKEN instead when it is set: the way to use `jip` against a production platform."""

from __future__ import annotations

import argparse
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from embedded.errors import StackError
from jip.commands import summary
from shared.mechanics.signing import AUDIENCE, ISSUER, Inspectorate, Role, Signer

ACT_AS = (
    "who acts: INSPECTORATE[:ROLE[:USER]] (e.g. ofsted:lead_inspector), lscb_chair:AREA_CODE[:USER] "
    "or auditor[:USER]"
)


def signer(data_dir: Path) -> Signer:
    """The embedded stack's signing key (made on first use), for the issuer and audience its services
    check: JIP_AUTH_ISSUER and JIP_AUTH_AUDIENCE, as shared.mechanics.settings reads them, without its import
    cost."""
    issuer = os.environ.get("JIP_AUTH_ISSUER") or ISSUER
    return Signer.load_or_create(data_dir / "auth", issuer, os.environ.get("JIP_AUTH_AUDIENCE") or AUDIENCE)


def stack_env(data_dir: Path) -> dict[str, str]:
    """The services' authentication settings for the embedded stack: its own key, unless the operator's
    environment names a JWKS URL or a public key file already."""
    if "JIP_AUTH_JWKS_URL" in os.environ or "JIP_AUTH_PUBLIC_KEY_FILE" in os.environ:
        return {}
    signer(data_dir)
    return {"JIP_AUTH_PUBLIC_KEY_FILE": str(data_dir / "auth" / "public-key.pem")}


def token_for(data_dir: Path, acting_as: str) -> str:
    """$JIP_TOKEN if set, else a token from the stack's key for `acting_as` (the --as syntax)."""
    given = os.environ.get("JIP_TOKEN")
    if given:
        return given
    if not (data_dir / "auth" / "signing-key.pem").exists():
        raise StackError(
            f"no signing key in {data_dir / 'auth'}: start the embedded stack with `jip stack up`, "
            "or set JIP_TOKEN to a token from your identity provider"
        )
    user, role, inspectorate, area = parse_actor(acting_as)
    return signer(data_dir).issue(user, role, inspectorate, area, ttl=timedelta(minutes=15))


def parse_actor(value: str) -> tuple[str, Role, Inspectorate | None, str | None]:
    first, *rest = value.split(":")
    if first == Role.LSCB_CHAIR:
        if not rest:
            raise StackError(
                "an LSCB chair acts for an area: lscb_chair:AREA_CODE, e.g. lscb_chair:E08000036"
            )
        return (rest[1] if len(rest) > 1 else f"chair-{rest[0]}"), Role.LSCB_CHAIR, None, rest[0]
    if first == Role.AUDITOR:
        return (rest[0] if rest else "auditor"), Role.AUDITOR, None, None
    try:
        inspectorate = Inspectorate(first)
    except ValueError:
        raise StackError(f"{first!r} is not an inspectorate, lscb_chair or auditor ({ACT_AS})") from None
    role_name = rest[0] if rest else Role.INSPECTOR.value
    user = rest[1] if len(rest) > 1 else "cli"
    try:
        role = Role(role_name)
    except ValueError:
        raise StackError(f"{role_name!r} is not a role: one of {', '.join(Role)}") from None
    return user, role, inspectorate, None


def _ttl(value: str) -> timedelta:
    found = re.fullmatch(r"(\d+)([mhd])", value)
    if not found:
        raise argparse.ArgumentTypeError("a duration such as 30m, 8h or 1d")
    units = {"m": "minutes", "h": "hours", "d": "days"}
    ttl = timedelta(**{units[found[2]]: int(found[1])})
    from shared.mechanics.settings import Settings  # only for a --ttl given

    longest = timedelta(seconds=Settings().auth_max_token_lifetime_seconds)
    if ttl > longest:
        raise argparse.ArgumentTypeError(
            f"at most {longest.total_seconds() / 3600:g}h: the services refuse a token valid for longer "
            "(JIP_AUTH_MAX_TOKEN_LIFETIME_SECONDS)"
        )
    return ttl


def issue(args: argparse.Namespace) -> int:
    user, role, inspectorate, area = parse_actor(args.actor)
    print(signer(args.data_dir).issue(args.user or user, role, inspectorate, area, ttl=args.ttl))
    return 0


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    t = commands.add_parser(
        "token",
        parents=[data_dir],
        help=summary("token"),
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    t.add_argument("actor", metavar="ACTOR", help=ACT_AS)
    t.add_argument("--user", help="the user's id in the token's sub claim (never a name)")
    t.add_argument("--ttl", type=_ttl, default=timedelta(hours=8), help="how long it is valid (default 8h)")
    t.set_defaults(run=issue)
