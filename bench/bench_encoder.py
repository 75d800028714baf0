"""The faster encoders (bf16, ONNX Runtime int8) against fp32, side by side in one run.

    python -m bench.bench_encoder [--passages 2000]

Both encoders embed the same passages (from the synthetic 1k corpus, as ingest
would) and the same single queries; the table gives throughput, query latency,
the cosine between their vectors, and development-set nDCG@5 with each.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from assistant.corpus.reader import read_corpus
from assistant.encoders import create_embedder
from assistant.evaluation.search import evaluate
from assistant.index.chunking import chunk_answer
from assistant.index.texts import passage_context_text
from assistant.service import Assistant
from assistant.settings import Settings

from .bench_ingest import corpus
from .bench_query import questions
from .common import percentile, print_table, write_result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=2000)
    args = parser.parse_args()
    threads = read_corpus([corpus(1000)]).threads
    texts = [passage_context_text(t, a, c.text) for t in threads for a in t.answers for c in chunk_answer(a)]
    texts = texts[: args.passages]
    queries = [m[-1] for m in questions(200)]
    devset = json.loads(Path("bench/devset.json").read_text())

    rows, vectors = [], {}
    for precision in ("fp32", "bf16", "int8"):
        # torch's thread count is process-wide: set it explicitly for each measurement.
        embedder = create_embedder(precision, threads=os.cpu_count() or 1)
        embedder.encode(texts[:32])
        started = time.perf_counter()
        vectors[precision] = embedder.encode(texts)
        rate = len(texts) / (time.perf_counter() - started)
        one = create_embedder(precision, threads=1)
        latencies = []
        for q in queries:
            t = time.perf_counter()
            one.encode([q])
            latencies.append((time.perf_counter() - t) * 1000)
        with tempfile.TemporaryDirectory() as folder:
            assistant = Assistant(Settings(index_dir=Path(folder) / "i", precision=precision), embedder=embedder,
                                  log=lambda m: None)
            quality = {r.system: r for r in evaluate(assistant, devset)[0]}["fused (weighted)"].ndcg5
        rows.append({"encoder": precision, "passages/s": rate, "query p50 ms (1 thread)": percentile(latencies, 0.5),
                     "query p95 ms": percentile(latencies, 0.95), "dev nDCG@5": quality})
    fp32 = rows[0]
    summaries = []
    for row in rows[1:]:
        cosines = (vectors["fp32"] * vectors[row["encoder"]]).sum(axis=1)
        summaries.append({
            "encoder": row["encoder"],
            "throughput ratio": row["passages/s"] / fp32["passages/s"],
            "query latency ratio": row["query p50 ms (1 thread)"] / fp32["query p50 ms (1 thread)"],
            "mean cosine": float(cosines.mean()),
            "min cosine": float(cosines.min()),
            "nDCG@5 change": row["dev nDCG@5"] - fp32["dev nDCG@5"],
        })
    print_table(f"Encoders on {len(texts)} passages and {len(queries)} single queries", rows)
    print_table("Against fp32", summaries)
    write_result("encoder", {"rows": rows, "summary": summaries})


if __name__ == "__main__":
    main()
