"""The checkpointer as a deployable: `audit.watch` in a process of its own, with /health.

It reads the Kafka settings every service reads (JIP_KAFKA_*, JIP_NAMESPACE; no database), and:

- JIP_CHECKPOINT_KEY_FILE: the Ed25519 signing key (PEM, PKCS#8), mounted here alone, never beside the log.
  On Kubernetes it is a Secret an operator makes once (`bin/jip audit checkpoint key --data-dir deploy`
  makes deploy/audit/checkpoint-key.pem, and its public half for auditors to keep); a missing or unreadable
  key stops the checkpointer at start, saying so.
- JIP_CHECKPOINT_MAKE_KEY: true where the checkpointer keeps its key on a volume of its own (compose): it
  makes `checkpoint-key.pem` there on its first start, and `checkpoint-public-key.pem` beside it.
- JIP_CHECKPOINT_EVERY: seconds between checkpoints while no report is made final (3600).
- JIP_CHECKPOINT_POLL: seconds between looks at the reporting topic (5).

/health answers 200 while the checkpointer's last look read the log and, when a
checkpoint was due, took it; 503 with the reason otherwise: a log that cannot be read, or one that does not
verify (no checkpoint is signed over a log with a problem in it, and somebody must look). /health/live
answers 200 while the process does."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import Field

from audit import checkpoints
from audit.watch import Watch, watch
from shared.mechanics import logs
from shared.mechanics.settings import Settings

log = logging.getLogger("jip.checkpointer")


class CheckpointerSettings(Settings):
    checkpoint_key_file: Path = Path("/run/secrets/jip_checkpoint_key")
    checkpoint_make_key: bool = False
    checkpoint_every: float = Field(3600.0, gt=0)
    checkpoint_poll: float = Field(5.0, gt=0)


class KeyMissing(SystemExit):
    """The signing key cannot be read: the checkpointer does not start."""


def signing_key(path: Path, make: bool = False) -> Ed25519PrivateKey:
    """The key at `path`, which must exist unless `make`: then it is made there on first use."""
    if make:
        if path.name != "checkpoint-key.pem":
            raise KeyMissing(f"JIP_CHECKPOINT_MAKE_KEY makes checkpoint-key.pem, not {path.name}")
        return checkpoints.signing_key(path.parent)
    try:
        return checkpoints.load_signing_key(path)
    except checkpoints.BadCheckpoint as exc:
        raise KeyMissing(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise KeyMissing(
            f"no checkpoint signing key at {path} ({exc}): make one with `bin/jip audit checkpoint key "
            "--data-dir deploy` and mount deploy/audit/checkpoint-key.pem there (deploy/README.md)"
        ) from None


def build(settings: CheckpointerSettings | None = None) -> FastAPI:
    settings = settings or CheckpointerSettings()
    key = signing_key(settings.checkpoint_key_file, settings.checkpoint_make_key)
    state = Watch()

    @asynccontextmanager
    async def running(_: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        log.info(
            "checkpointing %s's log every %g s and at every final report, signed by key %s",
            settings.namespace,
            settings.checkpoint_every,
            checkpoints.key_id(key.public_key()),
        )
        task = asyncio.create_task(
            watch(
                settings,
                key,
                settings.checkpoint_every,
                log.info,
                poll=settings.checkpoint_poll,
                stop=stop,
                state=state,
            )
        )
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(title="JIP checkpointer", openapi_url=None, docs_url=None, redoc_url=None, lifespan=running)

    def health() -> JSONResponse:
        trouble = state.unreadable or state.trouble
        body: dict[str, Any] = {
            "status": "unhealthy" if trouble else "ok",
            "checkpoints": len(state.taken),
            "last": state.taken[-1].taken_at if state.taken else None,
        }
        if trouble:
            body["problem"] = trouble
        return JSONResponse(body, status_code=503 if trouble else 200)

    def live() -> dict[str, str]:
        return {"status": "ok"}  # a log with a problem is /health's to say: a restart would not mend it

    app.add_api_route("/health", health, methods=["GET"])
    app.add_api_route("/health/live", live, methods=["GET"])
    return app


def serve() -> None:
    from shared.mechanics import server  # uvicorn, with the request head bounded, as every service is served

    settings = CheckpointerSettings()
    logs.configure("checkpointer", settings.log_level)
    server.run(build(settings), settings)
