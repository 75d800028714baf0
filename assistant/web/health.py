"""GET /healthz: whether this server is ready to answer, and with which index, for whoever
runs replicas behind a load balancer. The server starts listening only once the index is
loaded and checked, so an answer here means ready; the build and corpus fingerprint tell
replicas sharing one index folder apart from one still serving an older build."""

from __future__ import annotations

import json

from assistant.index.manifest import Manifest

HEALTH_PATH = "/healthz"


def readiness(manifest: Manifest, backend: str) -> dict:
    counts = manifest.counts
    return {
        "status": "ready",
        "build": manifest.build,
        "corpus_fingerprint": manifest.corpus.fingerprint,
        "answers": counts.answers,
        "threads": counts.threads,
        "model": manifest.model.name,
        "backend": backend,
    }


class Health:
    """ASGI middleware answering GET/HEAD /healthz with readiness() as JSON; everything
    else goes on to the app."""

    def __init__(self, app, body: dict):
        self.app = app
        self.body = json.dumps(body).encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("path") != HEALTH_PATH:
            return await self.app(scope, receive, send)
        if scope.get("method") not in ("GET", "HEAD"):
            status, body = 405, b'{"detail": "GET /healthz"}'
        else:
            status, body = 200, self.body
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"cache-control", b"no-store")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body if scope.get("method") != "HEAD" else b""})
