"""The project against the plain pipeline (bench/plain_pipeline.py) on a real corpus and larger
ones, in one run: quality, time per question and ingest time, as ratios.

    python -m bench.bench_scale [--sizes 1657 4000] [--threads 2] [--latency-questions 277] [--ingest-rounds 1]

Corpora: the MEDIQA answer pages (../shared/data/mediqa, 1,657 answers, graded questions);
for a larger size, those pages plus synthetic pages whose answers are sentences drawn from
the real ones (seed 7), so the graded answers must be found among more distractors.
Each system runs in a process of its own per corpus (its peak memory is its own): ingest
from scratch, then every graded question once (quality: nDCG@10, avgScore@1 on the
development and held-out questions); with --ingest-rounds N this is done N times, the
systems in turn, and the ingest ratio is the median round's (one ingest is minutes long
and needs both cores, so the two cannot be interleaved finer). Then both built indexes
are served, each by a process of its own, and the latency questions are timed one by one,
the two systems in turn question by question (bench.common.interleaved_latency): on this
shared machine the speed drifts by 30% between runs minutes apart, and a ratio of two
separate runs carried that. The project answers as the chat does (triage, follow-up
reading, quotes); k = 10 for both. Memory per answer: what the index adds to resident
memory once served. The project's is measured in its timing server, a fresh process that
loads the built index and answers every question before it is timed; the plain
pipeline's in its own process after building (freed heap returned first).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import sys
import time
from pathlib import Path

from .common import (
    answer_channel,
    interleaved_latency,
    peak_rss_mib,
    percentile,
    print_table,
    rss_mib,
    serve_questions,
    served_memory,
    worker_result,
    write_result,
)

MEDIQA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mediqa"
WORK = Path("bench/work")
K = 10


def corpus_file(size: int) -> Path:
    """MEDIQA's threads, plus synthetic ones up to size answers, as one JSONL file."""
    path = WORK / f"scale-{size}" / "threads.jsonl"
    if path.exists():
        return path
    real = gzip.open(MEDIQA / "threads.jsonl.gz", "rt", encoding="utf-8").read().splitlines()
    path.parent.mkdir(parents=True, exist_ok=True)
    threads = [json.loads(line) for line in real]
    rng = random.Random(7)
    sentences = [s for t in threads for s in t["answers"][0]["text"].split(". ") if len(s) > 30]
    out = list(real)
    for n in range(max(0, size - len(threads))):
        template = rng.choice(threads)
        length = len(template["answers"][0]["text"])
        body = []
        while sum(len(s) + 2 for s in body) < length:
            body.append(rng.choice(sentences))
        text = ". ".join(body)[:length].rstrip() + "."
        thread = {"id": f"synth-{n}", "title": rng.choice(threads)["title"], "answers": [{"id": f"synth-{n}#1", "text": text}]}
        out.append(json.dumps(thread))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def plain_index_dir(size: int) -> Path:
    return WORK / f"scale-{size}" / "plain-index"


def serve_for_timing(system: str, size: int, threads: int) -> None:
    """Load one system's built index as it serves, then answer timed questions (stdin).
    The project's server first measures the resident memory its index costs: the encoder
    loaded (measured), then the index, every graded question answered once."""
    answers = answer_channel()
    if system == "project":
        from assistant.encoders import create_embedder
        from assistant.evaluation.graded import read_graded_queries
        from assistant.service import Assistant
        from assistant.settings import Settings

        settings = Settings.from_env(index_dir=WORK / f"scale-{size}" / "project-index", check_corpus=False, threads=threads)
        embedder = create_embedder(settings.precision, threads)
        embedder.encode(["warm the encoder up"])
        before = rss_mib()
        assistant = Assistant(settings, embedder=embedder, log=lambda m: None)
        rank = lambda question: assistant.reply([question], k=K)  # noqa: E731
        questions = [q.question for q in read_graded_queries(MEDIQA / "queries.json")]
        serve_questions(rank, answers, served_memory(rank, questions, before, size))
    else:
        from .plain_pipeline import PlainPipeline

        plain = PlainPipeline(threads)
        plain.load(plain_index_dir(size))
        serve_questions(lambda question: plain.search(question, K), answers)


def run_worker(system: str, size: int, threads: int) -> dict:
    from assistant.corpus.reader import read_corpus
    from assistant.evaluation.graded import SPLITS, read_graded_queries, score_rankings

    queries = read_graded_queries(MEDIQA / "queries.json")
    corpus = corpus_file(size)
    if system == "project":
        from assistant.encoders import create_embedder
        from assistant.service import Assistant, ingest
        from assistant.settings import Settings

        index_dir = WORK / f"scale-{size}" / "project-index"
        shutil.rmtree(index_dir, ignore_errors=True)
        # ASSISTANT_PRECISION and the other ASSISTANT_* settings apply, as they would to the chat.
        settings = Settings.from_env(index_dir=index_dir, corpus_paths=(str(corpus),), threads=threads)
        embedder = create_embedder(settings.precision, threads)  # loaded before the clock starts
        started = time.perf_counter()
        ingest([str(corpus)], index_dir, embedder, settings, log=lambda m: None)
        ingest_s = time.perf_counter() - started
        assistant = Assistant(settings, embedder=embedder, log=lambda m: None)

        def rank(question: str) -> list[str]:
            return [q.answer.id for q in assistant.reply([question], k=K).quotes]
    else:
        from .plain_pipeline import PlainPipeline

        plain = PlainPipeline(threads)
        plain.model.encode(["warm the encoder up"])
        before = rss_mib()
        started = time.perf_counter()  # reading the corpus counts, as it does in the project's ingest
        plain.build(read_corpus([corpus]).threads)
        ingest_s = time.perf_counter() - started
        plain.save(plain_index_dir(size))  # for the timing, in a process of its own

        def rank(question: str) -> list[str]:
            return plain.search(question, K).fused

    quality = {}
    for split, sets in SPLITS.items():
        chosen = [q for q in queries if q.set in sets]
        row = score_rankings(split, system, chosen, [rank(q.question) for q in chosen])
        quality[split] = {"ndcg10": row.ndcg10, "avg_score1": row.avg_score1, "false_abstention": row.false_abstention_rate}
    memory = None  # the project's: measured by its timing server (serve_for_timing)
    if system == "plain":  # built in this process: what its index holds once the build's garbage is freed
        index_mib = rss_mib() - before
        memory = {"index_rss_mib": index_mib, "kib_per_answer": index_mib * 1024 / size}
    return {
        "memory": memory,
        "ingest_s": ingest_s,
        "peak_rss_mib": peak_rss_mib(),
        "precision": getattr(embedder, "precision", "fp32") if system == "project" else "fp32 (torch)",
        "quality": quality,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1657, 4000])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--latency-questions", type=int, default=277)
    parser.add_argument("--ingest-rounds", type=int, default=1, help="ingest each system this many times, in turn")
    parser.add_argument("--worker", choices=["project", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--time", choices=["project", "plain"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time:
        serve_for_timing(args.time, args.sizes[0], args.threads)
        return
    if args.worker:
        print(json.dumps(run_worker(args.worker, args.sizes[0], args.threads)))
        return
    from assistant.evaluation.graded import read_graded_queries

    if not (MEDIQA / "queries.json").exists():
        sys.exit(f"the MEDIQA corpus is not at {MEDIQA}")
    results: dict[str, dict] = {}  # per size: each system's result, and the rounds' ingest ratios
    for size in args.sizes:
        corpus_file(size)
        # Ingest rounds in turn (project then plain, then plain then project, ...): each
        # round's ratio compares two ingests minutes apart, not one ingest with another
        # run's; the row gives the median round.
        by_system: dict[str, dict] = {}
        rounds_s: dict[str, list[float]] = {"project": [], "plain": []}
        for round_number in range(args.ingest_rounds):
            order = ("project", "plain") if round_number % 2 == 0 else ("plain", "project")
            for system in order:
                worker = ["--worker", system, "--sizes", str(size), "--threads", str(args.threads)]
                by_system[system] = worker_result("bench.bench_scale", worker, f"{system} at {size}, round {round_number + 1}")
                rounds_s[system].append(by_system[system]["ingest_s"])
        for system, result in by_system.items():
            result["ingest_rounds_s"] = rounds_s[system]
        ratios = [a / b for a, b in zip(rounds_s["project"], rounds_s["plain"])]
        results[str(size)] = {**by_system, "ingest_ratios": ratios}
        questions = [q.question for q in read_graded_queries(MEDIQA / "queries.json")][: args.latency_questions]
        servers = {
            system: [sys.executable, "-m", "bench.bench_scale", "--time", system, "--sizes", str(size), "--threads", str(args.threads)]
            for system in ("project", "plain")
        }
        times_by_system, loaded = interleaved_latency(servers, questions)
        for system, times in times_by_system.items():
            results[str(size)][system].update(p50_ms=percentile(times, 0.5), p95_ms=percentile(times, 0.95))
        results[str(size)]["project"]["memory"] = loaded["project"]
    rows = []
    for size, by in results.items():
        project, plain = by["project"], by["plain"]
        rows.append({
            "answers": size,
            "encoder": project.get("precision", "?"),
            "held-out nDCG@10 project / plain": f"{project['quality']['held out']['ndcg10']:.3f} / {plain['quality']['held out']['ndcg10']:.3f}",
            "dev nDCG@10 project / plain": f"{project['quality']['development']['ndcg10']:.3f} / {plain['quality']['development']['ndcg10']:.3f}",
            "p50 ms project / plain": f"{project['p50_ms']:.1f} / {plain['p50_ms']:.1f}",
            "p50 ratio": project["p50_ms"] / plain["p50_ms"],
            "p95 ratio": project["p95_ms"] / plain["p95_ms"],
            "ingest s project / plain (each round)": " ".join(
                f"{a:.0f}/{b:.0f}" for a, b in zip(project["ingest_rounds_s"], plain["ingest_rounds_s"])
            ),
            "ingest ratio (median round)": percentile(by["ingest_ratios"], 0.5),
            "ingest ratio range": f"{min(by['ingest_ratios']):.2f}-{max(by['ingest_ratios']):.2f}",
            "peak RSS MiB project / plain": f"{project['peak_rss_mib']:.0f} / {plain['peak_rss_mib']:.0f}",
            "index memory KiB per answer project / plain": f"{project['memory']['kib_per_answer']:.1f} / {plain['memory']['kib_per_answer']:.1f}",
        })
    print(f"{args.threads} compute threads; MEDIQA questions: development = alexa + validation (128), held out = test (149)")
    print_table("Project vs plain pipeline (MiniLM fp32 title+answer, FAISS flat, bm25s, RRF)", rows)
    write_result("scale", {"threads": args.threads, "results": results})


if __name__ == "__main__":
    main()
