"""Starting the browser app: load (or build) the index, then serve on the configured address."""

from __future__ import annotations

import os
import socket
import sys
import time

from .. import wording
from ..errors import ServeError
from ..settings import Settings


def serve(settings: Settings) -> None:
    started = time.perf_counter()
    _check_port_free(settings.host, settings.port)  # before the model loads: fail in a moment
    # No usage reporting and no version check: the app never calls out.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from ..service import Assistant
    from .app import build_app

    # One compute thread per concurrent reply: more threads than cores multiply latency.
    threads = settings.threads or max(1, (os.cpu_count() or 1) // settings.concurrency)
    assistant = Assistant(settings.with_(threads=threads))
    app = build_app(assistant, settings)
    app.queue(max_size=settings.queue_size, default_concurrency_limit=settings.concurrency)
    try:
        _launch(app, settings)
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


def _launch(app, settings: Settings) -> None:
    from .html import CSS, PAGE_JS
    from .limits import middleware

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
        app_kwargs={"middleware": middleware(settings)},
    )
