"""Starting the browser app: load (or build) the index, then serve on the configured address."""

from __future__ import annotations

import io
import os
import re
import socket
import sys
import time

from assistant import wording
from assistant.errors import ServeError
from assistant.settings import Settings
from assistant.web.health import readiness

# Gradio prints the traceback of every failed event to stderr, and the last line of one
# repeats the input that failed (a 200 KB "Value: ZZZ..." for a malformed call to an
# internal event): each line the server writes there is cut to this many characters.
MAX_LOG_LINE_CHARS = 500


class BoundedLines(io.TextIOBase):
    """A text stream that cuts every line written through it to max_chars characters."""

    def __init__(self, stream, max_chars: int = MAX_LOG_LINE_CHARS):
        self._stream = stream
        self._max = max_chars
        self._column = 0  # characters of the current line written so far

    def write(self, text: str) -> int:
        out = []
        for piece in re.split(r"(\n)", text):
            if piece == "\n":
                out.append(piece)
                self._column = 0
            elif piece:
                room = max(0, self._max - self._column)
                out.append(piece[:room] + (f" [... cut at {self._max} characters]" if len(piece) > room and room else ""))
                self._column += len(piece)
        self._stream.write("".join(out))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def writable(self) -> bool:
        return True


def serve(settings: Settings) -> None:
    started = time.perf_counter()
    sys.stderr = BoundedLines(sys.stderr)
    _check_port_free(settings.host, settings.port)  # before the model loads: fail in a moment
    # No usage reporting and no version check: the app never calls out.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from assistant.service import Assistant
    from assistant.web.app import build_app

    # One compute thread per concurrent reply: more threads than cores multiply latency.
    threads = settings.threads or max(1, (os.cpu_count() or 1) // settings.concurrency)
    assistant = Assistant(settings.with_(threads=threads))
    app = build_app(assistant, settings)
    app.queue(max_size=settings.queue_size, default_concurrency_limit=settings.concurrency)
    try:
        _launch(app, settings, readiness(assistant.index.manifest, settings.index_backend))
    except OSError as exc:  # taken between the check and now; Gradio's message names its own variable
        raise ServeError(wording.PORT_IN_USE.format(port=settings.port, host=settings.host)) from exc
    url = f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '') else settings.host}:{app.server_port}/"
    print(f"Ready in {time.perf_counter() - started:.1f} s: open {url}", flush=True)
    try:
        app.block_thread()
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will: a listener, not TIME_WAIT, is "in use"
        try:
            probe.bind((host, port))
        except OSError:
            raise ServeError(wording.PORT_IN_USE.format(port=port, host=host)) from None


def _launch(app, settings: Settings, health: dict) -> None:
    from assistant.web.assets import CSS, PAGE_JS
    from assistant.web.limits import middleware

    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        ssr_mode=False,
        prevent_thread_lock=True,
        quiet=True,
        css=CSS,
        js=PAGE_JS,
        footer_links=["api"],
        enable_monitoring=False,
        max_file_size=0,  # no uploads; the routes are closed by RequestLimits as well
        state_session_capacity=settings.max_sessions,
        app_kwargs={"middleware": middleware(settings, health)},
    )
