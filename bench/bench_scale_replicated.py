"""Serving memory and time per question at 20,000 answers (and beyond), project and plain
pipeline side by side, without encoding 20,000 answers on 2 cores.

    python -m bench.bench_scale_replicated [--source-size 4000] [--copies 5]

Both systems start from the same real corpus of --source-size answers (bench_scale's MEDIQA
+ synthetic pages; its project index must have been built by `python -m bench.bench_scale
--sizes 4000`). Each is replicated --copies times with new answer ids, every copy's vectors
perturbed (cosine ~0.95 to the original, bench/scale_index.py) and BM25 built over the real
text, so both search a corpus of copies x source-size answers with their real code:
the project through its own write_index and a fresh process that loads the index as the
chat does; the plain pipeline in a process of its own. Each answers every question once
(its memory is measured then), and the two are then timed in turn, question by question
(bench.common.interleaved_latency). Quality is not measured here (the copies' answers are
not graded); bench_scale measures it on real corpora.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from .bench_scale import MEDIQA, WORK, corpus_file
from .common import (
    answer_channel,
    interleaved_latency,
    percentile,
    print_table,
    rss_mib,
    serve_questions,
    served_memory,
    write_result,
)

K = 10


def project_worker(source_size: int, copies: int, threads: int) -> None:
    from assistant.encoders import create_embedder
    from assistant.evaluation.graded import read_graded_queries
    from assistant.service import Assistant
    from assistant.settings import Settings

    from .scale_index import scale

    answers = answer_channel()
    size = source_size * copies
    out = WORK / f"scale-{size}-replicated" / "project-index"
    if not (out / "manifest.json").exists():
        scale(WORK / f"scale-{source_size}" / "project-index", copies, out)
    settings = Settings.from_env(index_dir=out, check_corpus=False, threads=threads)
    embedder = create_embedder(settings.precision, threads)
    embedder.encode(["warm the encoder up"])
    before = rss_mib()
    assistant = Assistant(settings, embedder=embedder, log=lambda m: None)
    questions = [q.question for q in read_graded_queries(MEDIQA / "queries.json")]
    rank = lambda q: [x.answer.id for x in assistant.reply([q], k=K).quotes]  # noqa: E731
    serve_questions(rank, answers, served_memory(rank, questions, before, size) | {
        "vector_index": assistant.index.manifest.vector_index["type"],
        "precision": getattr(embedder, "precision", "?"),
    })


def plain_worker(source_size: int, copies: int, threads: int) -> None:
    import bm25s
    import faiss

    from assistant.corpus.reader import read_corpus
    from assistant.evaluation.graded import read_graded_queries

    from .plain_pipeline import PlainPipeline
    from .scale_index import perturb

    answers = answer_channel()
    size = source_size * copies
    plain = PlainPipeline(threads)
    plain.model.encode(["warm the encoder up"])
    before = rss_mib()
    plain.build(read_corpus([corpus_file(source_size)]).threads)
    # Replicate: the same vectors perturbed per copy, BM25 over the real text of every copy.
    vectors = plain.index.reconstruct_n(0, plain.index.ntotal)
    rng = np.random.default_rng(7)
    copies_vectors = [vectors] + [perturb(vectors, rng) for _ in range(1, copies)]
    plain.index = faiss.IndexFlatIP(vectors.shape[1])
    plain.index.add(np.concatenate(copies_vectors).astype(np.float32))
    texts = [f"{t.title}\n{a.text}" for t in read_corpus([corpus_file(source_size)]).threads for a in t.answers]
    plain.ids = [f"{i}-copy{k}" if k else i for k in range(copies) for i in plain.ids[:source_size]]
    plain.bm25 = bm25s.BM25()
    plain.bm25.index(bm25s.tokenize(texts * copies, stopwords="en", stemmer=plain.stemmer, show_progress=False), show_progress=False)
    del vectors, copies_vectors, texts
    questions = [q.question for q in read_graded_queries(MEDIQA / "queries.json")]
    rank = lambda q: plain.search(q, K).fused  # noqa: E731
    serve_questions(rank, answers, served_memory(rank, questions, before, size) | {"vector_index": "flat (float32)", "precision": "fp32 (torch)"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-size", type=int, default=4000)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker", choices=["project", "plain"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        (project_worker if args.worker == "project" else plain_worker)(args.source_size, args.copies, args.threads)
        return
    if not (WORK / f"scale-{args.source_size}" / "project-index" / "manifest.json").exists():
        sys.exit(f"build the {args.source_size}-answer index first: python -m bench.bench_scale --sizes {args.source_size}")
    from assistant.evaluation.graded import read_graded_queries

    servers = {
        system: [sys.executable, "-m", "bench.bench_scale_replicated", "--worker", system, "--source-size",
                 str(args.source_size), "--copies", str(args.copies), "--threads", str(args.threads)]
        for system in ("project", "plain")
    }
    questions = [q.question for q in read_graded_queries(MEDIQA / "queries.json")]
    times, results = interleaved_latency(servers, questions)
    for system, result in results.items():
        result.update(p50_ms=percentile(times[system], 0.5), p95_ms=percentile(times[system], 0.95))
    project, plain = results["project"], results["plain"]
    rows = [{
        "answers": project["answers"],
        "vector index project / plain": f"{project['vector_index']} / {plain['vector_index']}",
        "p50 ms project / plain": f"{project['p50_ms']:.1f} / {plain['p50_ms']:.1f}",
        "p50 ratio": project["p50_ms"] / plain["p50_ms"],
        "p95 ratio": project["p95_ms"] / plain["p95_ms"],
        "index memory KiB per answer project / plain": f"{project['kib_per_answer']:.1f} / {plain['kib_per_answer']:.1f}",
        "memory ratio": project["kib_per_answer"] / plain["kib_per_answer"],
        "peak RSS MiB project / plain": f"{project['peak_rss_mib']:.0f} / {plain['peak_rss_mib']:.0f}",
    }]
    print(f"{args.threads} compute threads; {args.copies} perturbed copies of the {args.source_size}-answer corpus; "
          "the 277 MEDIQA questions, each answered once before timing, then timed in turn")
    print_table("Project vs plain pipeline at scale (replicated corpus)", rows)
    write_result(f"scale-replicated-{project['answers']}", {"threads": args.threads, "results": results})


if __name__ == "__main__":
    main()
