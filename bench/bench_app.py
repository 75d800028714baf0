"""The running app: cold start, reply latency (API and browser), and concurrent users.

    python -m bench.bench_app [--users 16] [--duration 60] [--browser-questions 10]

Starts `python app.py` on a free port with an index already built (the build is not
timed), measures process start to a served page, then reply times through the
`/ask` API with N simulated users (gradio_client, one conversation each, for the
given duration), then submit-to-rendered-reply times in headless Chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from .common import devset_conversations, percentile, print_table, write_result

REPO = Path(__file__).resolve().parent.parent


def conversations() -> list[list[str]]:
    return devset_conversations(off_topic=False)


def start_app(env: dict, port: int) -> tuple[subprocess.Popen, float]:
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    while True:
        if proc.poll() is not None:
            raise RuntimeError("app exited during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return proc, time.perf_counter() - started
        except OSError:
            time.sleep(0.05)


def load_test(url: str, users: int, duration: float) -> dict:
    from gradio_client import Client

    convs = conversations()
    times, errors = [], []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def user(n: int) -> None:
        client = Client(url, verbose=False)
        i = n
        while time.monotonic() < stop_at:
            t = time.perf_counter()
            try:
                result = client.predict(convs[i % len(convs)], api_name="/ask")
                assert result["turns"]
                with lock:
                    times.append(time.perf_counter() - t)
            except Exception as exc:  # every failure counts and is reported
                with lock:
                    errors.append(repr(exc))
            i += users

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "users": users,
        "seconds": elapsed,
        "replies": len(times),
        "replies/s": len(times) / elapsed,
        "p50 s": percentile(times, 0.5),
        "p95 s": percentile(times, 0.95),
        "errors": len(errors),
        "first error": errors[0] if errors else "",
    }


def browser_latency(url: str, questions: int) -> dict:
    from playwright.sync_api import sync_playwright

    convs = [c[0] for c in conversations()][:questions]
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#message textarea")
        for n, q in enumerate(convs):
            page.locator("#clear").click()
            page.wait_for_function("() => document.querySelectorAll('#chat .pa-reply').length === 0")
            page.fill("#message textarea", q)
            t = time.perf_counter()
            page.click("#send")
            page.wait_for_function("() => document.querySelectorAll('#chat .pa-reply').length === 1")
            times.append(time.perf_counter() - t)
        browser.close()
    return {"questions": len(times), "p50 s": percentile(times, 0.5), "p95 s": percentile(times, 0.95), "max s": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--browser-questions", type=int, default=10)
    parser.add_argument("--corpus", default=str(REPO / "corpus"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-app-"))
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(work / "index"), "ASSISTANT_CORPUS_PATHS": args.corpus,
           "ASSISTANT_FEEDBACK_PATH": str(work / "feedback.jsonl"), "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "assistant", "ingest", args.corpus], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = 7900 + os.getpid() % 1000
    colds = []
    for _ in range(3):
        proc, cold = start_app(env, port)
        colds.append(cold)
        proc.terminate()
        proc.wait()
    proc, _ = start_app(env, port)
    url = f"http://127.0.0.1:{port}/"
    try:
        print_table("Cold start with a built index (process start to a served page)",
                    [{"runs": len(colds), "median s": sorted(colds)[1], "max s": max(colds)}])
        loads = [load_test(url, users, args.duration) for users in args.users]
        print_table(f"Replies through the /ask API ({args.duration:.0f} s per row)", loads)
        browser = [browser_latency(url, args.browser_questions)] if os.path.exists("/usr/bin/chromium") else []
        print_table("Browser: submit to rendered reply (headless Chromium)", browser)
        write_result("app", {"cold_start_s": colds, "load": loads, "browser": browser, "corpus": args.corpus})
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
