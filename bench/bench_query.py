"""Warm query latency (model and index loaded, one process) at several corpus sizes, and
HNSW recall@10 against exact search where the index is approximate.

    python -m bench.bench_query [--sizes 1000 10000 100000] [--queries 300]

Indexes come from bench.bench_ingest (bench/work/index-<size>-<precision>) and, for
100000, bench.scale_index. Each size runs in its own process so its memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .common import devset_conversations, peak_rss_mib, percentile, print_table, write_result

WORK = Path("bench/work")


def questions(n: int, seed: int = 11) -> list[list[str]]:
    """Dev-set messages and conversations, plus patient-style variations, n in all."""
    base = devset_conversations()
    rng = random.Random(seed)
    extras = ["after two weeks", "on the left side", "three days ago", "is this normal", "my friend says",
              "I am worried", "first time", "with Dysport", "and filler", "near the eye"]
    out = list(base)
    while len(out) < n:
        messages = list(rng.choice(base))
        messages[-1] = f"{messages[-1].rstrip('?')} {rng.choice(extras)}?"
        out.append(messages)
    return out[:n]


def index_dir(size: int, precision: str) -> Path:
    return WORK / (f"index-{size}" if size >= 100_000 else f"index-{size}-{precision}")


def measure(size: int, precision: str, n: int) -> dict:
    import faiss

    from assistant.index.vector_index import is_exact, search, vectors_of
    from assistant.reply.conversation import resolve
    from assistant.service import Assistant
    from assistant.settings import Settings

    folder = index_dir(size, precision)
    started = time.perf_counter()
    settings = Settings(index_dir=folder, precision=precision, rebuild=False, check_corpus=False, threads=1)
    assistant = Assistant(settings, log=lambda m: None)  # a synthetic index: served as built
    load_s = time.perf_counter() - started
    conversations = questions(n)
    for messages in conversations[:10]:
        assistant.reply(messages)
    latencies = []
    for messages in conversations:
        t = time.perf_counter()
        assistant.reply(messages)
        latencies.append((time.perf_counter() - t) * 1000)

    index = assistant.index.passage_vectors
    recall = None
    if not is_exact(index):
        exact = faiss.IndexFlatIP(index.d)
        exact.add(vectors_of(index, np.arange(index.ntotal)))
        hits = []
        for messages in conversations:
            query = resolve(messages, assistant.index.passage_lexical.knows)[-1]
            qv = assistant.retriever.query_vector(query)
            _, approx_ids = search(index, qv, 10)
            _, exact_ids = search(exact, qv, 10)
            hits.append(len(set(approx_ids) & set(exact_ids)) / 10)
        recall = float(np.mean(hits))
    return {
        "answers": len(assistant.index.answers),
        "passages": index.ntotal,
        "index": assistant.index.manifest.vector_index["type"],
        "load s": load_s,
        "queries": len(latencies),
        "p50 ms": percentile(latencies, 0.5),
        "p95 ms": percentile(latencies, 0.95),
        "p99 ms": percentile(latencies, 0.99),
        "recall@10 vs exact": recall if recall is not None else "exact",
        "peak RSS MiB": peak_rss_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--precision", default="bf16")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.precision, args.queries)))
        return
    if 100_000 in args.sizes and not index_dir(100_000, args.precision).exists():
        from .scale_index import scale

        scale(index_dir(10_000, args.precision), 10, index_dir(100_000, args.precision))
    rows = []
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_query", "--one", str(size), "--queries", str(args.queries),
             "--precision", args.precision],
            capture_output=True, text=True, env={**os.environ, "TQDM_DISABLE": "1"}, check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print_table(f"Warm query latency, one process, one compute thread, {args.precision} query encoder", rows)
    write_result("query", {"rows": rows})


if __name__ == "__main__":
    main()
