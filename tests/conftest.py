from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The machines these tests run on are shared and noisy (2 cores, CI installing beside
# them): how fast Hypothesis draws examples or a single example runs says nothing a user
# cares about, and the first draw once failed CI's health check at 1.2 s. The properties
# themselves are unchanged.
settings.register_profile("shared-machine", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("shared-machine")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
GOLDEN = Path(__file__).resolve().parent / "golden"
PAGE_IDS = ["000_89d5e1cb873fd9a3", "003_2b6731e5901a19ae", "004_52f1e9b741cd2cdd"]


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300):
    """Run `python -m assistant ARGS` as a user would; returns the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        cwd=cwd or REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def page_text():
    return {pid: (CORPUS / f"{pid}.txt").read_text(encoding="utf-8") for pid in PAGE_IDS}


@pytest.fixture
def fake_embedder():
    from .fakes import FakeEmbedder

    return FakeEmbedder()


@pytest.fixture
def fake_settings(tmp_path):
    """Settings for an index built from a private copy of the corpus."""
    import shutil

    from assistant.settings import Settings

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return Settings(index_dir=tmp_path / "index", corpus_paths=(str(corpus),))


@pytest.fixture
def fake_assistant(fake_settings, fake_embedder):
    from assistant.service import Assistant

    assistant = Assistant(fake_settings, embedder=fake_embedder, log=lambda message: None)
    # Hashed word overlap: on-topic questions score 0.3-0.7 against the corpus, off-topic
    # ones (sharing a stray word such as "change") stay under 0.15.
    assistant.retriever.min_relevance = 0.25
    # The semantic red-flag threshold is set for the real model; the fake one gets the patterns.
    from assistant.red_flags import RedFlagDetector

    assistant.red_flags = RedFlagDetector(None)
    return assistant


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory):
    """The real model on a private index of the bundled corpus (built once per test run)."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    folder = tmp_path_factory.mktemp("real-index")
    return Assistant(Settings(index_dir=folder / "index", corpus_paths=(str(CORPUS),)), log=lambda m: None)


@pytest.fixture(scope="session")
def running_app(tmp_path_factory):
    """The real app (`python app.py`) on a free port, serving a copy of the bundled corpus."""
    import shutil

    from .browser_support import RunningApp

    work = tmp_path_factory.mktemp("app")
    shutil.copytree(CORPUS, work / "corpus")
    app = RunningApp(work / "corpus", work)
    yield app
    app.stop()


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module (Playwright's sync API allows one instance at a time)."""
    from playwright.sync_api import sync_playwright

    from .browser_support import SCREENSHOTS, launch_browser, require_chromium

    require_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_browser(p)
        yield browser
        browser.close()


# The slow tier: a real browser, the real model, Ray or Milvus. `make test` runs every
# tier; `make test-fast` (pytest -m "not slow") the rest, for the inner loop.
SLOW_MARKERS = ("browser", "real_model", "milvus", "ray")
SLOW_FIXTURES = {"real_assistant", "running_app", "browser"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(item.fixturenames) or any(item.get_closest_marker(m) for m in SLOW_MARKERS):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter):
    from .browser_support import SCREENSHOTS

    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"Browser screenshots: {SCREENSHOTS}")
