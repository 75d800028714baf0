"""A deterministic stand-in for the sentence encoder: hashed bags of stemmed words.

Cosine between two texts is then exactly their (hashed) word overlap, so tests can
predict rankings without the real model.
"""

from __future__ import annotations

import hashlib

import numpy as np

from assistant.index.terms import content_terms

FAKE_DIM = 256


class FakeEmbedder:
    name = "fake/hashed-bag-of-words"
    weights_sha256 = "0" * 64
    dimension = FAKE_DIM

    def __init__(self):
        self.calls = 0

    def encode(self, texts, *, batch_size=8, progress=False):
        self.calls += 1
        out = np.zeros((len(texts), FAKE_DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for term in content_terms(text):
                out[i, int(hashlib.sha1(term.encode()).hexdigest(), 16) % FAKE_DIM] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


class OtherModelEmbedder(FakeEmbedder):
    weights_sha256 = "1" * 64
