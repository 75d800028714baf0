"""Shared helpers for the benchmark scripts: machine description, tables, JSON results."""

from __future__ import annotations

import json
import os
import platform
import resource
import time
from pathlib import Path

RESULTS = Path("bench/results")


DEVSET = Path(__file__).resolve().parent / "devset.json"


def devset_conversations(off_topic: bool = True) -> list[list[str]]:
    """The development set's messages as conversations: questions, follow-up pairs, off-topic."""
    dev = json.loads(DEVSET.read_text())
    conversations = [[q["message"]] for q in dev["questions"]] + [c["messages"] for c in dev["conversations"]]
    return conversations + ([[m] for m in dev["off_topic"]] if off_topic else [])


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far. VmHWM, not ru_maxrss: the latter is
    inherited from the parent across fork and exec, so a child would report its parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    """Resident memory of this process now (VmRSS), after handing freed heap back to the
    system (glibc keeps freed memory otherwise, and a build's garbage would count)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_result(module: str, args: list[str], what: str) -> dict:
    """Run `python -m module args` in a process of its own (so its memory is its own) and
    return the JSON object on its last line of output; exit with its stderr if it fails."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{what} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def timed_ms(fn, *args) -> float:
    """Milliseconds one call of fn(*args) takes."""
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def latency_rows(times: dict[str, list[float]], baseline: str) -> list[dict]:
    """A table row per timed thing: p50, p95, and p50 as a ratio of the baseline's p50."""
    base = percentile(times[baseline], 0.5)
    return [
        {"what": name, "p50 ms": percentile(t, 0.5), "p95 ms": percentile(t, 0.95), f"p50 / {baseline}": percentile(t, 0.5) / base}
        for name, t in times.items()
    ]


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    if not rows:
        return
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(_fmt(row[k]) for k in keys) + " |")


def write_result(name: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%S"), **payload}
    path.write_text(json.dumps(payload, indent=2))
    print(f"(written to {path})")
    return path


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.4f}"
    return str(value)


def served_memory(rank, questions: list[str], before_mib: float, size: int) -> dict:
    """Answer every question once (warm-up and what the index touches); memory is the
    resident growth since before_mib, per answer of a size-answer index."""
    for q in questions:
        rank(q)
    index_mib = rss_mib() - before_mib
    return {"answers": size, "index_rss_mib": index_mib, "kib_per_answer": index_mib * 1024 / size, "peak_rss_mib": peak_rss_mib()}


def serve_timed(rank, questions: list[str], before_mib: float, size: int) -> dict:
    """served_memory, then each question timed (this system alone)."""
    memory = served_memory(rank, questions, before_mib, size)
    times = []
    for q in questions:
        started = time.perf_counter()
        rank(q)
        times.append((time.perf_counter() - started) * 1000)
    return memory | {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95)}


def interleaved_latency(
    servers: dict[str, list[str]], questions: list[str], warm_up: int = 20
) -> tuple[dict[str, list[float]], dict[str, dict]]:
    """Milliseconds per question for each system, timed question by question in turn, and
    what each server said when it was ready (serve_questions's `loaded`).

    servers: name -> the command of a process that loads one system, then answers each JSON
    question line on its stdin with a JSON line {"ms": ...}, the time its own search took
    (serve_questions). All of them are up at once but only one is asked at a time, and the
    order alternates from question to question, so a slow spell of this shared machine
    falls on every system alike instead of on whichever ran in it."""
    import subprocess

    procs = {name: subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for name, cmd in servers.items()}
    loaded: dict[str, dict] = {}
    try:
        for name, proc in procs.items():  # each says when it has loaded
            line = proc.stdout.readline()
            if not line.startswith("{"):  # (poll, not wait: a server still running waits on its stdin)
                raise SystemExit(f"{name} failed to start (exit {proc.poll()}, said {line[:200]!r})")
            loaded[name] = json.loads(line)

        def ask(name: str, question: str) -> float:
            proc = procs[name]
            proc.stdin.write(json.dumps(question) + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
            if not line:
                raise SystemExit(f"{name} stopped answering (exit {proc.poll()})")
            return json.loads(line)["ms"]

        names = list(procs)
        for q in questions[:warm_up]:
            for name in names:
                ask(name, q)
        times: dict[str, list[float]] = {name: [] for name in names}
        for i, q in enumerate(questions):
            for name in names if i % 2 == 0 else names[::-1]:
                times[name].append(ask(name, q))
        return times, loaded
    finally:
        for proc in procs.values():
            proc.stdin.close()  # a server ends when its questions do
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


def answer_channel():
    """For a server of interleaved_latency, called first thing: a file on the real standard
    output for its answer lines, everything else printed (by Python or C code) going to
    standard error instead, so no stray line reaches the driver."""
    import sys

    sys.stdout.flush()
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    return answers


def serve_questions(rank, answers, loaded: dict | None = None) -> None:
    """The other end of interleaved_latency: say on answers (answer_channel) that it is
    ready, with `loaded` (e.g. what the index costs in memory), then time rank(question)
    for each question line."""
    import sys

    print(json.dumps(loaded or {}), file=answers, flush=True)
    for line in sys.stdin:
        started = time.perf_counter()
        rank(json.loads(line))
        print(json.dumps({"ms": (time.perf_counter() - started) * 1000}), file=answers, flush=True)
