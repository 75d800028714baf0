"""`ingest` throughput, peak memory and index size on synthetic corpora, per encoder precision.

    python -m bench.bench_ingest [--answers 1000 10000] [--precision fp32 bf16]

Each run is `python -m assistant ingest` in its own process (so peak RSS is that
run's alone), on a corpus from bench.synth_corpus (seed 7). The index folders are
kept under bench/work/ for bench.bench_query.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .common import print_table, write_result
from .synth_corpus import generate

WORK = Path("bench/work")


def corpus(answers: int) -> Path:
    folder = WORK / f"synth-{answers}"
    if not folder.exists():
        generate(answers, folder)
    return folder


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_ingest(source: Path, index_dir: Path, precision: str) -> dict:
    env = {**os.environ, "ASSISTANT_PRECISION": precision, "TQDM_DISABLE": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ingest", str(source), "--index-dir", str(index_dir), "--force"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"ingest failed with {proc.returncode}")
    manifest = json.loads((index_dir / "manifest.json").read_text())
    counts = manifest["counts"]
    return {
        "answers": counts["answers"],
        "precision": manifest["model"]["precision"],
        "passages": counts["passages"],
        "sentences": counts["sentences"],
        "seconds": elapsed,
        "answers/s": counts["answers"] / elapsed,
        "passages/s": counts["passages"] / elapsed,
        "peak RSS MiB": usage.ru_maxrss / 1024,
        "index MiB": folder_bytes(index_dir) / 2**20,
        "index type": manifest["vector_index"]["type"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--precision", nargs="+", default=["fp32", "bf16"])
    args = parser.parse_args()
    rows = []
    for answers in args.answers:
        source = corpus(answers)
        for precision in args.precision:
            rows.append(run_ingest(source, WORK / f"index-{answers}-{precision}", precision))
            print_table("so far", rows[-1:])
    print_table("Ingest (process start to index written; includes model load)", rows)
    for answers in args.answers:
        by = {r["precision"]: r for r in rows if r["answers"] == answers}
        if "fp32" in by and "bf16" in by:
            print(f"{answers} answers: bf16 / fp32 passages/s = {by['bf16']['passages/s'] / by['fp32']['passages/s']:.2f}x")
    write_result("ingest", {"rows": rows})


if __name__ == "__main__":
    main()
