"""The vector index keeps 8-bit codes: searches must still find what exact float search
finds, and decoded vectors must score like the originals, in both index kinds."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.index.vector_index import (
    build_vector_index,
    describe,
    load_vector_index,
    save_vector_index,
    search,
    vectors_of,
)


def unit_vectors(n: int, dim: int = 384, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("exact_max, kind", [(10_000, "flat-sq8-uniform"), (500, "hnsw-sq8")])
def test_coded_index_finds_what_exact_search_finds_and_survives_saving(tmp_path, exact_max, kind):
    vectors = unit_vectors(3000)
    queries = unit_vectors(40, seed=1) + vectors[:40]  # near a stored vector, as real queries are
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    index = build_vector_index(vectors, exact_max=exact_max)
    assert describe(index)["type"] == kind
    save_vector_index(index, tmp_path / "v.faiss")
    loaded = load_vector_index(tmp_path / "v.faiss")
    recall = []
    for q in queries:
        truth = set(np.argsort(-(vectors @ q))[:10])
        scores, ids = search(loaded, q, 10)
        recall.append(len(truth & set(ids.tolist())) / 10)
        # The scores are the cosines (the relevance floor and the fusion read them as such).
        assert np.abs(scores - vectors[ids] @ q).max() < 0.01
    assert np.mean(recall) >= 0.95
    # Decoded vectors score within a few thousandths of the originals.
    ids = np.array([0, 7, 2999, 7])
    decoded = vectors_of(loaded, ids)
    assert decoded.shape == (4, 384) and decoded.dtype == np.float32
    assert np.abs(decoded @ queries[0] - vectors[ids] @ queries[0]).max() < 0.01


def test_no_vectors_and_no_ids():
    index = build_vector_index(np.zeros((0, 8), np.float32))
    scores, ids = search(index, np.ones(8, np.float32) / np.sqrt(8), 5)
    assert len(ids) == 0 and vectors_of(index, np.array([], dtype=np.int64)).shape == (0, 8)


def test_an_index_written_with_a_range_per_dimension_still_searches_right(tmp_path):
    """Folders built before the exact index held uniform codes keep working until rebuilt."""
    import faiss

    vectors = unit_vectors(500)
    old = faiss.IndexScalarQuantizer(384, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    old.train(vectors)
    old.add(vectors)
    save_vector_index(old, tmp_path / "old.faiss")
    loaded = load_vector_index(tmp_path / "old.faiss")
    assert describe(loaded)["type"] == "flat-sq8"
    scores, ids = search(loaded, vectors[3], 5)
    assert ids[0] == 3 and abs(scores[0] - 1.0) < 0.01
    assert np.abs(vectors_of(loaded, ids) @ vectors[3] - scores).max() < 1e-5


def test_a_vector_with_one_large_component_still_scores_its_cosine():
    """One range for all dimensions: an outlying component widens it for every vector but
    must not be cut off."""
    v = np.full(384, 0.01, np.float32)
    v[5] = 0.9
    v /= np.linalg.norm(v)
    vectors = np.vstack([v, unit_vectors(50)])
    index = build_vector_index(vectors)
    scores, ids = search(index, v, 1)
    assert ids[0] == 0 and abs(scores[0] - 1.0) < 0.01
    others = unit_vectors(50)
    assert np.abs(vectors_of(index, np.arange(1, 51)) @ others[0] - others @ others[0]).max() < 0.02
