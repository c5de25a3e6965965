"""The workspace's session cookie and CSRF token (services/workspace/session.py): signed, expiring, bound to
one session, and Secure everywhere but plain HTTP on loopback."""

from __future__ import annotations

import pytest

from services.workspace.session import Session, SessionCodec, cookie_secure, csrf_valid


def signed_in() -> Session:
    return Session.anonymous().signed_in_as("a.b.c", "lead-1", "lead_inspector", "ofsted", None, None)


def test_a_session_reads_back_as_it_was_written() -> None:
    codec = SessionCodec("secret", 3600)
    session = signed_in()
    assert codec.loads(codec.dumps(session)) == session


def test_a_cookie_altered_signed_with_another_secret_or_too_old_reads_as_no_session() -> None:
    codec = SessionCodec("secret", 3600)
    value = codec.dumps(signed_in())
    payload, _, signature = value.rpartition(".")
    assert codec.loads(f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}") is None
    assert SessionCodec("another secret", 3600).loads(value) is None
    assert SessionCodec("secret", -1).loads(value) is None  # older than its lifetime
    assert codec.loads("") is None
    assert codec.loads(None) is None


def test_a_signed_value_that_is_not_a_session_reads_as_no_session() -> None:
    codec = SessionCodec("secret", 3600)
    assert codec.loads(codec.serializer.dumps(["not", "a", "session"])) is None
    assert codec.loads(codec.serializer.dumps({"csrf": "x", "token": 3})) is None


def test_signing_in_makes_a_new_csrf_token_and_keeps_nothing_of_the_anonymous_session() -> None:
    anonymous = Session.anonymous()
    session = anonymous.signed_in_as("t", "chair-1", "lscb_chair", None, "E08000036", "Wakefield")
    assert session.csrf != anonymous.csrf
    assert (session.token, session.role, session.area_code) == ("t", "lscb_chair", "E08000036")
    assert session.signed_in
    assert not anonymous.signed_in


def test_the_csrf_token_must_be_the_sessions_own() -> None:
    session = Session.anonymous()
    assert csrf_valid(session, session.csrf)
    assert not csrf_valid(session, Session.anonymous().csrf)
    assert not csrf_valid(session, "")
    assert not csrf_valid(session, None)
    assert not csrf_valid(session, ["a", "list"])
    assert not csrf_valid(None, session.csrf)


@pytest.mark.parametrize(
    ("scheme", "server", "client", "secure"),
    [
        ("http", "127.0.0.1", "127.0.0.1", False),  # `jip stack up`: loopback, no TLS to keep it to
        ("http", "localhost", "127.0.0.1", False),
        ("http", "[::1]", "::1", False),
        ("https", "127.0.0.1", "127.0.0.1", True),
        ("http", "workspace.example.org", "127.0.0.1", True),  # behind a proxy: the browser used TLS
        ("http", "127.0.0.1", "10.0.0.7", True),  # a client from the network
        ("http", "127.0.0.1", None, True),
        ("https", "workspace.example.org", "203.0.113.9", True),
    ],
)
def test_the_cookie_is_secure_except_over_plain_http_on_loopback(
    scheme: str, server: str, client: str | None, secure: bool
) -> None:
    assert cookie_secure(scheme, server, client) is secure
