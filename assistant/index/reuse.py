"""Vectors an index folder already holds, reused by the next build: adding pages encodes
only the new text, and a page cut short and later restored is not encoded again (a build
keeps aside the vectors of texts it no longer has, RETIRED_MAX_VECTORS at most)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.encoders import Embedder
from assistant.errors import IndexIntegrityError
from assistant.index import vector_index
from assistant.index.load import load_index
from assistant.index.texts import passage_context_text, question_text

RETIRED_VECTORS, RETIRED_KEYS = "retired.faiss", "retired_keys.npy"
# Vectors of texts no longer in the corpus kept in a build, the most recently retired
# first: 100,000 texts (a few thousand answers) as 8-bit codes are 37 MiB, plus 1.6 MB of
# keys. A larger loss is re-encoded when it comes back.
RETIRED_MAX_VECTORS = 100_000


def text_key(text: str) -> bytes:
    """How a vector is found again by its text: a 128-bit hash (collisions: never in practice)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


@dataclass(frozen=True)
class RetiredVectors:
    """Vectors of texts a build no longer holds, by text_key, most recently retired first."""

    keys: list[bytes]
    vectors: np.ndarray  # (len(keys), dim) float32


class ReusingEmbedder:
    """An embedder that takes vectors of texts it has seen from an earlier build of the
    same model (known: text_key -> vector) and encodes only the rest: adding pages
    re-encodes only the new text, and a page that comes back is not encoded again."""

    def __init__(self, embedder: Embedder, known: dict[bytes, np.ndarray]):
        self._embedder = embedder
        self._known = known
        self._used: set[bytes] = set()
        self.name, self.weights_sha256, self.dimension = embedder.name, embedder.weights_sha256, embedder.dimension
        self.precision = getattr(embedder, "precision", None)
        self.reused = 0

    def encode(self, texts: list[str], **kwargs) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = [t for t, k in zip(texts, keys) if k not in self._known]
        fresh = dict(zip(missing, self._embedder.encode(missing, **kwargs))) if missing else {}
        self.reused += len(texts) - len(missing)
        self._used.update(keys)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, (text, key) in enumerate(zip(texts, keys)):
            out[i] = fresh[text] if text in fresh else self._known[key]
        return out

    def unused(self, limit: int) -> RetiredVectors:
        """The known vectors no text encoded so far asked for, in the order they were known
        (the last build's own first, then what it had retired), at most limit."""
        keys = [k for k in self._known if k not in self._used][:limit]
        vectors = np.stack([self._known[k] for k in keys]) if keys else np.zeros((0, self.dimension), np.float32)
        return RetiredVectors(keys, vectors)


def reusable_vectors(folder: Path, embedder: Embedder) -> dict[bytes, np.ndarray]:
    """text_key -> vector for every passage, sentence and question of an intact index built
    by the same model (whatever corpus it was built from), then for the texts it keeps
    retired; empty when there is none."""
    try:
        index = load_index(folder, embedder)
    except IndexIntegrityError:
        return {}
    known: dict[bytes, np.ndarray] = {}
    passage_vectors = vector_index.vectors_of(index.passage_vectors, np.arange(index.passage_vectors.ntotal))
    for (a, start, end), vector in zip(index.passage_rows, passage_vectors):
        answer = index.answers[int(a)]
        thread = index.threads[int(index.answer_thread[int(a)])]
        known[text_key(passage_context_text(thread, answer, answer.text[start:end]))] = vector
    sentence_vectors = vector_index.vectors_of(index.sentence_vectors, np.arange(index.sentence_vectors.ntotal))
    for (a, start, end), vector in zip(index.sentence_rows, sentence_vectors):
        known.setdefault(text_key(index.answers[int(a)].text[start:end]), vector)
    question_vectors = vector_index.vectors_of(index.question_vectors, np.arange(len(index.threads)))
    for thread, vector in zip(index.threads, question_vectors):
        known[text_key(question_text(thread))] = vector
    build = folder / index.manifest.build
    if (build / RETIRED_KEYS).is_file():  # checksummed with the rest by load_index
        keys = np.load(build / RETIRED_KEYS, allow_pickle=False)
        codes = vector_index.load_vector_index(build / RETIRED_VECTORS)
        vectors = vector_index.vectors_of(codes, np.arange(codes.ntotal))
        for key, vector in zip(keys, vectors):
            known.setdefault(key.tobytes(), vector)
    return known
