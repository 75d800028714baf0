"""ingest --ray: encoding through Ray Data on a real (local) Ray cluster gives the index a
local ingest gives, and a cluster that fails leaves the previous index as it was."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.encoders import create_embedder
from assistant.errors import RayIngestError
from assistant.index import vector_index
from assistant.index.load import load_index
from assistant.service import Assistant, ingest
from assistant.settings import Settings

from .conftest import CORPUS, REPO, run_cli

ray = pytest.importorskip("ray")
pytestmark = [pytest.mark.real_model, pytest.mark.ray]

DEVSET = json.loads((REPO / "bench" / "devset.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ray_embedder():
    from assistant.encoders.ray_embedder import RayEmbedder

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield RayEmbedder(None)
    ray.shutdown()


def quiet(message: str) -> None:
    pass


def test_ray_ingest_equals_the_local_ingest(ray_embedder, tmp_path):
    local_embedder = create_embedder()
    settings = Settings(corpus_paths=(str(CORPUS),))
    ingest([str(CORPUS)], tmp_path / "local", local_embedder, settings, log=quiet)
    ingest([str(CORPUS)], tmp_path / "ray", ray_embedder, settings, log=quiet)
    local, via_ray = load_index(tmp_path / "local", local_embedder), load_index(tmp_path / "ray", local_embedder)
    assert local.manifest.counts == via_ray.manifest.counts
    assert local.manifest.model == via_ray.manifest.model  # same encoder: the index serves as is
    for kind in ("passage_vectors", "sentence_vectors", "question_vectors"):
        a, b = getattr(local, kind), getattr(via_ray, kind)
        ids = np.arange(a.ntotal)
        # The same batches as the local encoder: the same vectors, the same 8-bit codes at
        # most a step apart (a step is 1/255 of a dimension's range, ~0.001).
        assert np.abs(vector_index.vectors_of(a, ids) - vector_index.vectors_of(b, ids)).max() <= 0.003, kind

    # The same answers to the development questions.
    replies = []
    for folder in ("local", "ray"):
        assistant = Assistant(settings.with_(index_dir=tmp_path / folder), embedder=local_embedder, log=quiet)
        replies.append([[q.answer.id for q in assistant.reply([item["message"]]).quotes] for item in DEVSET["questions"]])
    same_first = sum(a[:1] == b[:1] for a, b in zip(*replies))
    assert same_first >= 0.95 * len(DEVSET["questions"])
    assert sum(set(a) == set(b) for a, b in zip(*replies)) >= 0.9 * len(DEVSET["questions"])


def test_a_cluster_failing_mid_ingest_leaves_the_previous_index_in_use(ray_embedder, tmp_path):
    from assistant.encoders.ray_embedder import _Encoder

    class DiesAfterThePassages(_Encoder):
        """Encodes the passages (title and text: every one has a line break), then fails
        on the sentences: a cluster lost halfway through."""

        def encode_texts(self, texts):
            if not all("\n" in text for text in texts):
                raise RuntimeError("worker lost")
            return super().encode_texts(texts)

    local_embedder = create_embedder()
    settings = Settings(corpus_paths=(str(CORPUS),))
    ingest([str(CORPUS)], tmp_path / "index", local_embedder, settings, log=quiet)
    before = load_index(tmp_path / "index", local_embedder).manifest

    ray_embedder.encoder_class = DiesAfterThePassages
    try:
        with pytest.raises(RayIngestError, match="the Ray cluster failed while encoding"):
            ingest([str(CORPUS)], tmp_path / "index", ray_embedder, settings, force=True, log=quiet)
    finally:
        ray_embedder.encoder_class = _Encoder
    after = load_index(tmp_path / "index", local_embedder)  # intact, and the same build
    assert after.manifest == before
    assert not [p for p in (tmp_path / "index").iterdir() if p.name.startswith(".tmp-build-")]


def test_an_unreachable_ray_address_is_one_clear_message_in_seconds(tmp_path):
    result = run_cli("ingest", str(CORPUS), "--index-dir", str(tmp_path / "index"), "--ray", "127.0.0.1:9", timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("error: cannot reach the Ray cluster at 127.0.0.1:9")
    assert not (tmp_path / "index" / "manifest.json").exists()
