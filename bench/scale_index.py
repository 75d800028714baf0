"""A 100k-answer index from a 10k one, for measuring the search path at that size.

    python -m bench.scale_index --source bench/work/index-10000-bf16 --copies 10 --out bench/work/index-100000

Encoding 100k answers on this CPU takes hours, so the 10k index's threads are
replicated (new ids) and each copy's vectors are perturbed with Gaussian noise
(cosine ~0.95 to the original) and re-normalised; BM25 is rebuilt over the real
text. Everything is written by the product's own write_index, and queried by the
product's own retrieval with the real query encoder.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from assistant.encoders.bundled import DIMENSION, MODEL_NAME, WEIGHTS_SHA256
from assistant.index.build import IndexContent, write_index
from assistant.index.load import load_index
from assistant.index.manifest import read_manifest
from assistant.index.terms import content_terms
from assistant.index.vector_index import vectors_of
from assistant.models import Thread

# Noise scale: cos(v, normalise(v + s*g)) ~ 1/sqrt(1 + s^2) = 0.95 for s = 0.33.
NOISE = 0.33


def perturb(vectors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noisy = vectors + NOISE * rng.standard_normal(vectors.shape).astype(np.float32) / np.sqrt(vectors.shape[1])
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def scale(source: Path, copies: int, out: Path, seed: int = 7) -> dict:
    precision = read_manifest(source).model.precision  # the copies are served by the same encoder
    embedder = SimpleNamespace(name=MODEL_NAME, weights_sha256=WEIGHTS_SHA256, dimension=DIMENSION, precision=precision)
    index = load_index(source, embedder)
    rng = np.random.default_rng(seed)
    p_vec = vectors_of(index.passage_vectors, np.arange(index.passage_vectors.ntotal))
    q_vec = vectors_of(index.question_vectors, np.arange(index.question_vectors.ntotal))
    s_vec = vectors_of(index.sentence_vectors, np.arange(index.sentence_vectors.ntotal))
    terms = [content_terms(f"{index.answers[int(a)].headline or ''}\n{index.answers[int(a)].text[s:e]}")
             for a, s, e in index.passage_rows]
    n_answers = len(index.answers)

    threads, p_rows, s_rows, p_vecs, s_vecs, q_vecs = [], [], [], [], [], []
    for k in range(copies):
        threads += [_renamed(t, k) for t in index.threads] if k else index.threads
        offset = np.array([k * n_answers, 0, 0])
        p_rows.append(index.passage_rows + offset)
        s_rows.append(index.sentence_rows + offset)
        p_vecs.append(perturb(p_vec, rng) if k else p_vec)
        s_vecs.append(perturb(s_vec, rng) if k else s_vec)
        q_vecs.append(perturb(q_vec, rng) if k else q_vec)
    content = IndexContent(
        threads=threads,
        passage_rows=np.concatenate(p_rows),
        passage_vectors=np.concatenate(p_vecs),
        passage_terms=terms * copies,
        sentence_rows=np.concatenate(s_rows),
        sentence_vectors=np.concatenate(s_vecs),
        question_vectors=np.concatenate(q_vecs),
    )
    started = time.perf_counter()
    manifest = write_index(out, content, embedder, corpus_fingerprint="synthetic-scaled", sources=[])
    print(f"wrote {manifest.counts} ({manifest.vector_index}) in {time.perf_counter() - started:.0f} s")
    return manifest


def _renamed(thread: Thread, k: int) -> Thread:
    tid = f"{thread.id}-copy{k}"
    answers = tuple(dataclasses.replace(a, id=a.id.replace(thread.id, tid, 1)) for a in thread.answers)
    return dataclasses.replace(thread, id=tid, answers=answers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=Path("bench/work/index-10000-bf16"))
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("bench/work/index-100000"))
    args = parser.parse_args()
    scale(args.source, args.copies, args.out)


if __name__ == "__main__":
    main()
