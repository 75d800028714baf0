"""ASSISTANT_PRECISION=int8: the bundled model exported to ONNX and quantized on this machine."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

from assistant.encoders.onnx_encoder import OnnxInt8Embedder  # noqa: E402
from assistant.encoders.torch_encoder import SentenceTransformerEmbedder  # noqa: E402

pytestmark = pytest.mark.real_model

TEXTS = [
    "Will my lip paralysis from Botox go away?",
    "Unfortunately, there is nothing you can do to speed up the process.",
    "The injection to the masseter probably affected the risorius. This muscle pulls back on the corner of the mouth.",
    "How do I change the oil in my car engine?",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("encoder-cache")


def test_int8_vectors_stay_close_to_the_fp32_models(cache):
    int8 = OnnxInt8Embedder(threads=1, cache=cache).encode(TEXTS)
    fp32 = SentenceTransformerEmbedder("fp32", 1).encode(TEXTS)
    assert int8.shape == fp32.shape and np.allclose(np.linalg.norm(int8, axis=1), 1, atol=1e-5)
    assert float((int8 * fp32).sum(axis=1).min()) >= 0.98
    # What the search relies on: the order of similarities is kept.
    assert np.argsort(int8 @ int8[0]).tolist() == np.argsort(fp32 @ fp32[0]).tolist()


def test_the_exported_model_is_reused_and_a_damaged_one_made_again(cache):
    OnnxInt8Embedder(threads=1, cache=cache)
    [model] = cache.glob("*/model-int8.onnx")
    made = model.stat().st_mtime_ns
    OnnxInt8Embedder(threads=1, cache=cache)
    assert model.stat().st_mtime_ns == made  # reused, not exported again

    model.write_bytes(model.read_bytes()[:1000])  # damaged
    again = OnnxInt8Embedder(threads=1, cache=cache).encode(TEXTS[:1])
    assert model.stat().st_size > 1_000_000 and np.isfinite(again).all()


def test_a_long_message_is_encoded_apart_from_its_short_clauses(cache):
    from assistant.encoders.onnx_encoder import _batches

    assert _batches([120, 9, 11, 10, 118], batch_size=8) == [[1, 3, 2], [4, 0]]
    encoder = OnnxInt8Embedder(threads=1, cache=cache)
    texts = [" ".join(TEXTS * 3), *TEXTS]
    together = encoder.encode(texts)
    assert np.array_equal(together, encoder.encode(texts))  # the same texts, the same vectors
    # Dynamic int8 quantization scales activations per batch, so a text's batch mates move
    # its vector a little (as much as int8 itself does against fp32), never more.
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    assert float((together * alone).sum(axis=1).min()) >= 0.99


def test_concurrent_requests_get_the_vectors_they_would_get_alone(cache):
    """The chat answers several people at once; the shared tokenizer and pool must not mix them up."""
    from concurrent.futures import ThreadPoolExecutor

    encoder = OnnxInt8Embedder(threads=2, cache=cache)
    many = [f"{t} ({n})" for n in range(300) for t in TEXTS]  # more than one slice: the ingest path
    requests = [[t] for t in TEXTS] * 5 + [many]
    expected = [encoder.encode(r) for r in requests]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(encoder.encode, requests))
    assert all(np.array_equal(a, b) for a, b in zip(expected, got))
