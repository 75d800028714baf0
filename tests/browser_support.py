"""Starting the real app in a subprocess and finding a real browser, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


def require_chromium() -> None:
    """Skip without a browser on a developer's machine; fail in CI, where it must be there."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (Debian package chromium; `make test` installs it as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningApp:
    def __init__(self, corpus: Path, work: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.feedback = work / "feedback.jsonl"
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "ASSISTANT_INDEX_DIR": str(work / "index"),
            "ASSISTANT_CORPUS_PATHS": str(corpus),
            "ASSISTANT_FEEDBACK_PATH": str(self.feedback),
        }
        self.log = (work / "server.log").open("w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(self.port)], cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.ready_after = self._wait()

    def _wait(self, timeout: float = 240) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app exited with {self.process.returncode}: {Path(self.log.name).read_text()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"app not ready after {timeout} s: {Path(self.log.name).read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
