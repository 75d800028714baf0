"""Past one machine on the real MEDIQA corpus (../shared/data/mediqa, when it is there):
the graded evaluation through Milvus Lite within a hundredth of the FAISS folder, and an
ingest through Ray that equals the local one. Slow (several minutes): each needs the
1,657-answer index built once, locally, for the comparison."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.encoders import create_embedder
from assistant.evaluation.graded import evaluate_graded, read_graded_queries
from assistant.index.load import load_index
from assistant.service import Assistant, ingest
from assistant.settings import Settings

from .conftest import REPO

MEDIQA = REPO.parent / "shared" / "data" / "mediqa"
pytestmark = [
    pytest.mark.real_model,
    pytest.mark.skipif(not (MEDIQA / "queries.json").exists(), reason=f"no MEDIQA corpus at {MEDIQA}"),
]


def quiet(message: str) -> None:
    pass


@pytest.fixture(scope="module")
def mediqa(tmp_path_factory):
    """(settings, embedder, queries) for a local index of the MEDIQA corpus."""
    corpus = str(MEDIQA / "threads.jsonl.gz")
    settings = Settings(index_dir=tmp_path_factory.mktemp("mediqa") / "index", corpus_paths=(corpus,))
    embedder = create_embedder()
    ingest([corpus], settings.index_dir, embedder, settings, log=quiet)
    return settings, embedder, read_graded_queries(MEDIQA / "queries.json")


def graded(assistant, queries) -> dict[tuple[str, str], tuple[float, float, float]]:
    return {(r.split, r.system): (r.ndcg10, r.avg_score1, r.false_abstention_rate) for r in evaluate_graded(assistant, queries)}


def test_the_graded_evaluation_through_milvus_is_within_a_hundredth_of_faiss(mediqa, tmp_path):
    pytest.importorskip("milvus_lite")
    settings, embedder, queries = mediqa
    faiss_side = Assistant(settings, embedder=embedder, log=quiet)
    milvus_side = Assistant(
        settings.with_(index_backend="milvus", milvus_uri=str(tmp_path / "m.db")), embedder=embedder, log=quiet
    )
    assert milvus_side.relevance_floor.threshold == pytest.approx(faiss_side.relevance_floor.threshold, abs=0.01)
    a, b = graded(faiss_side, queries), graded(milvus_side, queries)
    systems = {"lexical only", "dense only", "fused (rrf)", "fused (weighted)", "learned (LambdaRank)"}
    assert a.keys() == b.keys() == {(split, system) for split in ("development", "held out") for system in systems}
    for key in a:
        assert np.allclose(a[key][0], b[key][0], atol=0.01), key  # nDCG@10
        assert np.allclose(a[key][2], b[key][2], atol=0.01), key  # false abstention
        assert abs(a[key][1] - b[key][1]) <= 0.05, key  # avgScore@1 is on a 0-3 scale


def test_an_ingest_through_ray_equals_the_local_one(mediqa, tmp_path):
    ray = pytest.importorskip("ray")
    from assistant.encoders.ray_embedder import RayEmbedder
    from assistant.index import vector_index

    settings, embedder, queries = mediqa
    corpus = settings.corpus_paths[0]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        ingest([corpus], tmp_path / "ray", RayEmbedder(None), settings, log=quiet)
    finally:
        ray.shutdown()
    local, via_ray = load_index(settings.index_dir, embedder), load_index(tmp_path / "ray", embedder)
    assert local.manifest.counts == via_ray.manifest.counts and local.manifest.model == via_ray.manifest.model
    for kind in ("passage_vectors", "sentence_vectors", "question_vectors"):
        a, b = getattr(local, kind), getattr(via_ray, kind)
        ids = np.arange(a.ntotal)
        assert np.abs(vector_index.vectors_of(a, ids) - vector_index.vectors_of(b, ids)).max() <= 0.003, kind
    ray_side = Assistant(settings.with_(index_dir=tmp_path / "ray"), embedder=embedder, log=quiet)
    a, b = graded(Assistant(settings, embedder=embedder, log=quiet), queries), graded(ray_side, queries)
    for key in a:
        assert abs(a[key][0] - b[key][0]) <= 0.01, key
