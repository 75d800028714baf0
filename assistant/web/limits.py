"""What one request may ask of the server, enforced server-side for every route and event.

The browser's own limits (the text box's max length) are a convenience, never the
bound: anything can post to the queue directly.
"""

from __future__ import annotations

import json

from assistant.settings import Settings

# Routes of Gradio's that this app never needs: it takes no files. They would accept a
# file of any size from any origin and answer with the server's temporary path.
CLOSED_ROUTE_SUFFIXES = ("/upload", "/process_recording")


class RequestLimits:
    """ASGI middleware: closes the upload routes and caps every request body.

    The body is read before the app sees it, at most max_body_bytes of it (a chunked
    request has no Content-Length to trust), then handed on whole.
    """

    def __init__(self, app, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope.get("path", "").rstrip("/").endswith(CLOSED_ROUTE_SUFFIXES):
            return await _respond(send, 404, "This app takes no uploads.")
        too_large = f"Request body over {self.max_body_bytes} bytes."
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            return await _respond(send, 413, too_large)

        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body_bytes:
                return await _respond(send, 413, too_large)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _respond(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def middleware(settings: Settings, health: dict) -> list:
    """The bounds on every request, and /healthz (health.py) answering health."""
    from starlette.middleware import Middleware

    from assistant.web.health import Health

    return [Middleware(Health, body=health), Middleware(RequestLimits, max_body_bytes=settings.max_request_bytes)]
