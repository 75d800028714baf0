"""A long soak of the running app: is memory flat, are there errors, does speed hold?

    python -m bench.bench_soak [--requests 30000] [--users 16] [--every 5000]

Starts `python app.py` (index built beforehand, not timed), then N client threads ask
the development set's conversations through `/ask` on loopback until --requests
replies. Each client opens a new session every --session-requests requests, as new
visitors would, so per-session state is exercised up to the session cap. Every
--every requests it prints errors, reply p50/p95 for that stretch, replies/s and the
server's resident memory (VmRSS); at the end, RSS at the last checkpoint over the
first. Stops by itself; sends nothing off this machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from .bench_app import REPO, conversations, start_app
from .common import percentile, print_table, write_result


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30_000)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--every", type=int, default=5_000)
    parser.add_argument("--session-requests", type=int, default=10)
    args = parser.parse_args()
    from gradio_client import Client

    from assistant.settings import Settings
    from assistant.service import Assistant

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
        i, client = n, None
        while True:
            with lock:
                if done[0] >= args.requests:
                    break
            if client is None or i // args.users % args.session_requests == 0:
                retire(client)
                client = Client(url, verbose=False)  # a new visitor: a new session
            started = time.perf_counter()
            try:
                result = client.predict(convs[i % len(convs)], api_name="/ask")
                ok = bool(result["turns"])
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
        retire(client)

    def retire(client) -> None:
        """Stop a finished client's threads: left to the garbage collector they pile up in
        this process (120 threads after 15,000 requests) and take the cores from the server."""
        if client is None:
            return
        client.close()
        for executor in (client.executor, client.helper_executor, client.stream_executor):
            executor.shutdown(wait=False)

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
