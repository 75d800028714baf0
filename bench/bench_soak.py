"""A long soak of the running app: is memory flat, are there errors, does speed hold?

    python -m bench.bench_soak [--requests 30000] [--users 16] [--every 5000]

Starts `python app.py` (index built beforehand, not timed), then N client threads ask
the development set's conversations through `/ask` on loopback until --requests
replies, over Gradio's plain HTTP API (POST /gradio_api/call/ask, then its event
stream): every request is a new session, so per-session state is exercised up to the
session cap. (gradio_client is not used: each of its clients leaves a heartbeat thread
and an open connection behind, which starved the server in an earlier run.) Every
--every requests it prints errors, reply p50/p95 for that stretch, replies/s and the
server's resident memory (VmRSS); at the end, RSS at the last checkpoint over the
first. Stops by itself; sends nothing off this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from .bench_app import REPO, conversations, start_app
from .common import percentile, print_table, write_result


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ask(url: str, messages: list[str]) -> dict:
    """One /ask call over Gradio's HTTP API: start the event, read its stream to the result."""
    start = urllib.request.Request(url + "gradio_api/call/ask", data=json.dumps({"data": [messages]}).encode(),
                                   headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(start, timeout=60) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(url + f"gradio_api/call/ask/{event_id}", timeout=120) as response:
        lines = response.read().decode().splitlines()
    if "event: complete" not in lines:
        raise RuntimeError(f"no result: {' '.join(lines)[:200]}")
    return json.loads(lines[lines.index("event: complete") + 1].removeprefix("data:"))[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30_000)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--every", type=int, default=5_000)
    args = parser.parse_args()
    from assistant.service import Assistant
    from assistant.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="soak-"))
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(work / "index"), "ASSISTANT_CORPUS_PATHS": str(REPO / "corpus"),
           "ASSISTANT_FEEDBACK_PATH": str(work / "feedback.jsonl"), "PYTHONPATH": str(REPO)}
    Assistant(Settings(index_dir=work / "index", corpus_paths=(str(REPO / "corpus"),)), log=lambda m: None)
    port = 7900 + os.getpid() % 500
    proc, _ = start_app(env, port)
    url = f"http://127.0.0.1:{port}/"
    convs = conversations()
    lock = threading.Lock()
    done = [0]
    stretch: list[float] = []
    errors: list[str] = []
    rows = []
    stretch_started = [time.perf_counter()]

    def checkpoint() -> None:  # called with the lock held
        elapsed = time.perf_counter() - stretch_started[0]
        row = {"requests": done[0], "errors": len(errors), "p50 s": percentile(stretch, 0.5),
               "p95 s": percentile(stretch, 0.95), "replies/s": len(stretch) / elapsed, "server RSS MiB": rss_mib(proc.pid),
               "client threads": threading.active_count()}  # the load generator's own health
        rows.append(row)
        print(" | ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()), flush=True)
        stretch.clear()
        stretch_started[0] = time.perf_counter()

    def user(n: int) -> None:
        i = n
        while True:
            with lock:
                if done[0] >= args.requests:
                    break
            started = time.perf_counter()
            try:
                ok = bool(ask(url, convs[i % len(convs)])["turns"])
            except Exception as exc:  # every failure counts and is reported
                ok = False
                with lock:
                    errors.append(repr(exc)[:200])
            with lock:
                if ok:
                    stretch.append(time.perf_counter() - started)
                done[0] += 1
                if done[0] % args.every == 0:
                    checkpoint()
            i += args.users

    try:
        threads = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print_table(f"Soak: {args.users} users, {args.requests} requests through /ask", rows)
    growth = rows[-1]["server RSS MiB"] / rows[0]["server RSS MiB"] if rows else float("nan")
    print(f"server RSS last / first checkpoint: {growth:.3f}; errors: {len(errors)}" + (f"; first: {errors[0]}" if errors else ""))
    write_result("soak", {"users": args.users, "requests": args.requests, "rows": rows, "rss_growth": growth,
                          "errors": len(errors)})


if __name__ == "__main__":
    main()
