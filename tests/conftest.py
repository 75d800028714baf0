from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
