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
        self.feedback = work / "feedback.sqlite3"
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "ASSISTANT_INDEX_DIR": str(work / "index"),
            "ASSISTANT_CORPUS_PATHS": str(corpus),
            "ASSISTANT_FEEDBACK_PATH": str(self.feedback),
        }
        self.index_dir = work / "index"
        self.log_path = work / "server.log"
        self.log = self.log_path.open("w")
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


SCREENS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}


def new_page(browser, url: str, screen: str, scheme: str):
    """A page as a person sees it: a desktop window or a 390x844 phone, light or dark scheme."""
    phone = screen == "phone"
    context = browser.new_context(
        viewport=SCREENS[screen], color_scheme=scheme, is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1
    )
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#message textarea", timeout=60_000)
    # The page's own script has run once the conversation box takes keyboard focus.
    page.wait_for_selector("#chat[tabindex='0']", state="attached", timeout=10_000)
    return page


# Whether an element is really seen: inside the viewport and inside every scrolling box
# around it (the chat scrolls inside the page), and not covered by anything else at its
# top-left, centre and bottom-left.
IN_VIEW_JS = """
e => {
  const r = e.getBoundingClientRect();
  if (r.height === 0 || r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return false;
  for (let a = e.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (/(auto|scroll|hidden)/.test(s.overflowY)) {
      const b = a.getBoundingClientRect();
      if (r.top < b.top - 1 || r.bottom > b.bottom + 1) return false;
    }
  }
  const points = [[r.left + 4, r.top + 4], [(r.left + r.right) / 2, (r.top + r.bottom) / 2], [r.left + 4, r.bottom - 4]];
  return points.every(([x, y]) => { const hit = document.elementFromPoint(x, y); return hit && (hit === e || e.contains(hit)); });
}
"""

# WCAG 2 contrast ratio between an element's computed text colour and the background
# actually behind it (semi-transparent backgrounds composited over their ancestors').
CONTRAST_JS = """
e => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const over = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
                                  b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
  const layers = [];
  for (let a = e; a; a = a.parentElement) {
    const bg = parse(getComputedStyle(a).backgroundColor);
    if (bg.a > 0) layers.push(bg);
    if (bg.a >= 1) break;
  }
  let bg = {r: 255, g: 255, b: 255, a: 1};
  for (const layer of layers.reverse()) bg = over(layer, bg);
  const fg = over(parse(getComputedStyle(e).color), bg);
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                     return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}
"""
