"""FAISS vector index over unit vectors: exact for small corpora, HNSW above a size."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

# Exact inner-product search costs ~7 ms at 100k vectors and ~67 ms at 1M on the
# 2-core reference machine (DESIGN §8). Up to this many vectors it stays under ~15 ms,
# inside the 25 ms query budget with room for the encoder; above it, HNSW.
EXACT_SEARCH_MAX_VECTORS = 200_000
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
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(vectors)
    return index


def describe(index: faiss.Index) -> dict:
    if isinstance(index, faiss.IndexHNSWFlat):
        return {"type": "hnsw", "m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION, "ef_search": index.hnsw.efSearch}
    return {"type": "flat-ip"}


def save_vector_index(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_vector_index(path: Path) -> faiss.Index:
    index = faiss.read_index(str(path))
    if isinstance(index, faiss.IndexHNSWFlat):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def search(index: faiss.Index, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, ids) of the k nearest vectors; ids of -1 (fewer than k vectors) are dropped."""
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    scores, ids = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]


def vectors_of(index: faiss.Index, ids: np.ndarray) -> np.ndarray:
    """The stored vectors for the given ids (exact and HNSW-flat both keep them)."""
    if len(ids) == 0:
        return np.zeros((0, index.d), np.float32)
    return index.reconstruct_batch(np.asarray(ids, dtype=np.int64))
