"""FAISS vector index over unit vectors, stored as 8-bit codes: exact search for small
corpora, HNSW above a size.

Every vector is kept as one byte per dimension (FAISS's scalar quantizer): a quarter of
float32's memory, and a flat search that reads a quarter of the bytes (2.4x faster at 70k
vectors, one thread). Exact indexes share one range across all dimensions, learned from
the vectors ("uniform" codes), which FAISS scans faster than a range per dimension (2.2
against 3.1 ms at 72,591 MEDIQA passages, one thread, in one run on a busier machine than
the figures below) and no less precisely (mean cosine error 0.0005 against 0.0006: this
model's components all lie within about ±0.3). HNSW keeps a range per dimension. Cosines
move by at most ~0.004, well below the gaps the ranking and thresholds rely on. Exact
indexes written with a range per dimension (before the uniform codes) still load and
search alike.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

QUANTIZER = faiss.ScalarQuantizer.QT_8bit  # HNSW's codes: a range per dimension
EXACT_QUANTIZER = faiss.ScalarQuantizer.QT_8bit_uniform  # exact search's: one range for all
# Exact search over 8-bit codes costs ~1.5 ms at 70k vectors and ~7.5 ms at 350k on one
# core of the reference machine (bench/bench_scale.py); up to this many vectors it stays
# under ~2.5 ms, as fast as HNSW; above it, HNSW.
EXACT_SEARCH_MAX_VECTORS = 120_000
# HNSW parameters, measured on 271k passage vectors of a synthetic 100k-answer corpus
# (python -m bench.bench_query): M 32 with efConstruction 200 (63 s to build on 2 cores)
# and efSearch 1024 give recall@10 0.990 against exact search in 1.8 ms per query (300
# queries, follow-ups included); efSearch 512 gave 0.974 on the same queries (0.989 on
# an earlier query mix), too close to the 0.98 floor. efConstruction 80 could not pass
# 0.98 even at efSearch 1024, and M 48 did no better.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 1024


def build_vector_index(vectors: np.ndarray, exact_max: int = EXACT_SEARCH_MAX_VECTORS) -> faiss.Index:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    if len(vectors) <= exact_max:
        index = faiss.IndexScalarQuantizer(dim, EXACT_QUANTIZER, faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexHNSWSQ(dim, QUANTIZER, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    if len(vectors):  # an empty index stays untrained (it is searched, never added to)
        index.train(vectors)
        index.add(vectors)
    return index


def is_exact(index: faiss.Index) -> bool:
    return not isinstance(index, faiss.IndexHNSW)


def describe(index: faiss.Index) -> dict:
    if not is_exact(index):
        return {"type": "hnsw-sq8", "m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION, "ef_search": index.hnsw.efSearch}
    return {"type": "flat-sq8-uniform" if index.sq.qtype == EXACT_QUANTIZER else "flat-sq8"}


def save_vector_index(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_vector_index(path: Path) -> faiss.Index:
    index = faiss.read_index(str(path))
    if not is_exact(index):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


# A filter that keeps at most this many vectors is searched by decoding exactly those
# (~1 ms for 4,096); HNSW's walk through a graph most of whose nodes are filtered out
# would miss some of them.
FILTERED_EXACT_MAX = 4096


def search(index: faiss.Index, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, ids) of the k nearest vectors; ids of -1 (fewer than k vectors) are dropped.
    allowed: a boolean per stored vector, only those True may be returned (None: all)."""
    if allowed is not None and int(allowed.sum()) <= FILTERED_EXACT_MAX:
        ids = np.flatnonzero(allowed)
        scores = vectors_of(index, ids) @ np.asarray(query, dtype=np.float32).reshape(-1)
        best = np.argsort(-scores, kind="stable")[:k]
        return scores[best], ids[best]
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    params = None
    if allowed is not None:
        bitmap = np.packbits(allowed, bitorder="little")  # kept alive until the search returns
        selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
        params = (
            faiss.SearchParameters(sel=selector)
            if is_exact(index)
            else faiss.SearchParametersHNSW(sel=selector, efSearch=index.hnsw.efSearch)
        )
    scores, ids = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k, params=params)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]


def vectors_of(index: faiss.Index, ids: np.ndarray) -> np.ndarray:
    """The stored vectors for the given ids, decoded to float32 (one batch decode of the
    gathered codes: ~0.2 ms for 2,400 vectors, five times faster than reconstruct_batch)."""
    if len(ids) == 0:
        return np.zeros((0, index.d), np.float32)
    storage = index if is_exact(index) else faiss.downcast_index(index.storage)
    codes = faiss.rev_swig_ptr(storage.codes.data(), storage.codes.size()).reshape(storage.ntotal, storage.code_size)
    return storage.sa_decode(codes[np.asarray(ids, dtype=np.int64)])
