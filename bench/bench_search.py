"""Warm `ask` latency and `ingest` throughput on a corpus (default: the bundled pages).

    python -m bench.bench_search [--corpus corpus] [--queries 200] [--precision fp32]

Latency is measured in one process with the model and index loaded, over the
development set's messages repeated to --queries, one conversation at a time.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from assistant.corpus.reader import read_corpus
from assistant.encoders import create_embedder
from assistant.service import Assistant, ingest
from assistant.settings import Settings

from .common import devset_conversations, peak_rss_mib, percentile, print_table, write_result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--precision", default="auto", choices=["auto", "int8", "fp32", "bf16"])
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    settings = Settings.from_env(index_dir=work / "index", corpus_paths=(args.corpus,), precision=args.precision)
    embedder = create_embedder(settings.precision, settings.threads)
    corpus = read_corpus([args.corpus])
    answers = sum(len(t.answers) for t in corpus.threads)

    started = time.perf_counter()
    summary = ingest([args.corpus], settings.index_dir, embedder, settings, force=True, log=lambda m: None)
    ingest_s = time.perf_counter() - started

    assistant = Assistant(settings, embedder=embedder, log=lambda m: None)
    conversations = devset_conversations()
    for messages in conversations[:5]:  # warm-up
        assistant.reply(messages)
    latencies = []
    for i in range(args.queries):
        messages = conversations[i % len(conversations)]
        t = time.perf_counter()
        assistant.reply(messages)
        latencies.append((time.perf_counter() - t) * 1000)

    rows = [
        {
            "answers": answers,
            "passages": summary.passages,
            "ingest s": ingest_s,
            "answers/s": answers / ingest_s,
            "passages/s": summary.passages / ingest_s,
            "queries": len(latencies),
            "p50 ms": percentile(latencies, 0.5),
            "p95 ms": percentile(latencies, 0.95),
            "p99 ms": percentile(latencies, 0.99),
            "peak RSS MiB": peak_rss_mib(),
        }
    ]
    print_table(f"Search on {args.corpus} ({args.precision})", rows)
    write_result(f"search-{Path(args.corpus).name}-{args.precision}", {"rows": rows})
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
