"""Past one machine, measured: the FAISS folder, Milvus Lite and the plain pipeline serving
the same MEDIQA corpus, and ingest through Ray against the local ingest.

    python -m bench.bench_backends [--size 1657] [--ray-answers 300]

Needs bench_scale's index of --size answers (`python -m bench.bench_scale --sizes 1657`).
Each system serves in a process of its own: the encoder is loaded and measured first, then
the index is opened, every MEDIQA question answered once (warm-up), and each answered again
and timed; memory is the resident growth over the encoder. Milvus Lite runs inside the
process, so its row counts the engine's memory; "app without vectors" is the project with
its FAISS vectors and BM25 document weights let go, what an app holds when a Milvus
server keeps them.

The Ray part ingests the first --ray-answers MEDIQA answers four ways, one after another:
the plain pipeline, and the project in this process, through a local Ray with one
encoder actor, and with two; time against the plain pipeline's, and texts encoded per
second per worker. --skip-serving runs only that part.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from .bench_scale import MEDIQA, WORK, corpus_file
from .common import print_table, rss_mib, serve_timed, worker_result, write_result

K = 10


def serve_worker(system: str, size: int, threads: int) -> dict:
    from assistant.encoders import create_embedder
    from assistant.evaluation.graded import read_graded_queries

    questions = [q.question for q in read_graded_queries(MEDIQA / "queries.json")]
    if system == "plain":
        from assistant.corpus.reader import read_corpus

        from .plain_pipeline import PlainPipeline

        plain = PlainPipeline(threads)
        plain.model.encode(["warm the encoder up"])
        before = rss_mib()
        plain.build(read_corpus([corpus_file(size)]).threads)
        return serve_timed(lambda q: plain.search(q, K).fused, questions, before, size)

    from assistant.service import Assistant
    from assistant.settings import Settings

    folder = WORK / f"scale-{size}" / "project-index"
    uri = WORK / f"scale-{size}" / "milvus.db"
    settings = Settings.from_env(index_dir=folder, check_corpus=False, threads=threads, milvus_uri=str(uri))
    embedder = create_embedder(settings.precision, threads)
    embedder.encode(["warm the encoder up"])
    extra = {}
    if system == "milvus upload":
        shutil.rmtree(uri, ignore_errors=True)
        started = time.perf_counter()
        Assistant(settings.with_(index_backend="milvus"), embedder=embedder, log=lambda m: None)
        return {"upload_s": time.perf_counter() - started, "disk_mib": _mib(uri)}
    before = rss_mib()
    started = time.perf_counter()
    backend = "milvus" if system == "milvus lite" else "faiss"
    assistant = Assistant(settings.with_(index_backend=backend), embedder=embedder, log=lambda m: None)
    extra["open_s"] = time.perf_counter() - started
    if system == "app without vectors":
        assistant.index.release_searched_data()  # measured only: this assistant cannot answer now
        return {"index_rss_mib": rss_mib() - before, "kib_per_answer": (rss_mib() - before) * 1024 / size}
    extra["disk_mib"] = _mib(uri) if backend == "milvus" else _mib(folder / assistant.index.manifest.build)
    return serve_timed(lambda q: [x.answer.id for x in assistant.reply([q], k=K).quotes], questions, before, size) | extra


def ray_worker(answers: int, workers: int) -> dict:
    """Ingest the first `answers` MEDIQA answers; workers 0: the project in this process,
    -1: the plain pipeline (its build of the same pages)."""
    import itertools

    from assistant.corpus.reader import read_corpus
    from assistant.encoders import create_embedder
    from assistant.index.build import build_index

    threads = list(itertools.islice(read_corpus([MEDIQA / "threads.jsonl.gz"]).threads, answers))
    if workers < 0:
        from .plain_pipeline import PlainPipeline

        plain = PlainPipeline()
        plain.model.encode(["warm the encoder up"])
        started = time.perf_counter()
        plain.build(threads)
        return {"workers": workers, "seconds": time.perf_counter() - started}
    folder = WORK / f"ray-{answers}-{workers}"
    shutil.rmtree(folder, ignore_errors=True)
    if workers:
        import ray

        from assistant.encoders.ray_embedder import RayEmbedder

        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        embedder = RayEmbedder(None, workers=workers)
    else:
        embedder = create_embedder()
    embedder.encode(["warm the encoder up"])  # Ray: starts the actors once
    started = time.perf_counter()
    manifest = build_index(folder, threads, embedder, corpus_fingerprint="bench", sources=[])
    seconds = time.perf_counter() - started
    counts = manifest.counts
    texts = counts.passages + counts.sentences + counts.threads
    return {"workers": workers, "seconds": seconds, "texts": texts, "texts_per_s": texts / seconds}


def _mib(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1657)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ray-answers", type=int, default=300, help="0: skip the Ray part")
    parser.add_argument("--skip-serving", action="store_true", help="only the Ray part")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "ray":
        print(json.dumps(ray_worker(args.ray_answers, args.workers)))
        return
    if args.worker:
        print(json.dumps(serve_worker(args.worker, args.size, args.threads)))
        return
    if not args.skip_serving:
        write_result(f"backends-{args.size}", serving_table(args))
    if args.ray_answers:
        write_result(f"backends-ray-{args.ray_answers}", ray_table(args.ray_answers))


def serving_table(args) -> dict:
    if not (WORK / f"scale-{args.size}" / "project-index" / "manifest.json").exists():
        raise SystemExit(f"build the {args.size}-answer index first: python -m bench.bench_scale --sizes {args.size}")
    common = ["--size", str(args.size), "--threads", str(args.threads)]
    results = {s: worker_result("bench.bench_backends", ["--worker", s, *common], s)
               for s in ("milvus upload", "faiss", "milvus lite", "app without vectors", "plain")}
    plain = results["plain"]
    rows = []
    for system in ("faiss", "milvus lite", "app without vectors", "plain"):
        r = results[system]
        rows.append({
            "system": system,
            "p50 ms": f"{r['p50_ms']:.1f}" if "p50_ms" in r else "",
            "p50 vs plain": f"{r['p50_ms'] / plain['p50_ms']:.2f}" if "p50_ms" in r else "",
            "p95 vs plain": f"{r['p95_ms'] / plain['p95_ms']:.2f}" if "p95_ms" in r else "",
            "memory KiB/answer": f"{r['kib_per_answer']:.1f}",
            "disk KiB/answer": f"{r['disk_mib'] * 1024 / args.size:.1f}" if "disk_mib" in r else "",
        })
    print(f"{args.size} MEDIQA answers; {args.threads} threads; Milvus Lite upload {results['milvus upload']['upload_s']:.1f} s")
    print_table("Serving backends against the plain pipeline", rows)
    return results


def ray_table(answers: int) -> dict:
    """The project's ingest in this process and through Ray, against the plain pipeline's."""
    results = {f"ray {w}": worker_result("bench.bench_backends", ["--worker", "ray", "--workers", str(w),
                                                                  "--ray-answers", str(answers)], f"ray {w}")
               for w in (-1, 0, 1, 2)}
    plain_s = results["ray -1"]["seconds"]
    rows = [{"ingest": "plain pipeline", "seconds": f"{plain_s:.1f}", "vs plain": "1.00", "texts/s": "",
             "texts/s per worker": ""}]
    for workers in (0, 1, 2):
        r = results[f"ray {workers}"]
        rows.append({"ingest": "project, this process" if not workers else f"project, Ray, {workers} encoder actor(s)",
                     "seconds": f"{r['seconds']:.1f}", "vs plain": f"{r['seconds'] / plain_s:.2f}",
                     "texts/s": f"{r['texts_per_s']:.0f}", "texts/s per worker": f"{r['texts_per_s'] / max(workers, 1):.0f}"})
    print_table(f"Ingest of {answers} MEDIQA answers", rows)
    return results


if __name__ == "__main__":
    main()
