"""Starting the browser app: load (or build) the index, then serve on the configured address."""

from __future__ import annotations

import os
import sys
import time

from ..settings import Settings


def serve(settings: Settings) -> None:
    started = time.perf_counter()
    # No usage reporting and no version check: the app never calls out.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from ..service import Assistant
    from .app import build_app
    from .html import CSS, SCROLL_TO_NEW_REPLY_JS
    from .limits import middleware

    # One compute thread per concurrent reply: more threads than cores multiply latency.
    threads = settings.threads or max(1, (os.cpu_count() or 1) // settings.concurrency)
    assistant = Assistant(settings.with_(threads=threads))
    app = build_app(assistant, settings)
    app.queue(max_size=settings.queue_size, default_concurrency_limit=settings.concurrency)
    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        ssr_mode=False,
        prevent_thread_lock=True,
        quiet=True,
        css=CSS,
        js=SCROLL_TO_NEW_REPLY_JS,
        footer_links=["api"],
        enable_monitoring=False,
        max_file_size=0,  # no uploads; the routes are closed by RequestLimits as well
        state_session_capacity=settings.max_sessions,
        app_kwargs={"middleware": middleware(settings)},
    )
    url = f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '') else settings.host}:{app.server_port}/"
    print(f"Ready in {time.perf_counter() - started:.1f} s: open {url}", flush=True)
    try:
        app.block_thread()
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
