"""BM25 over stemmed content terms, with bm25s doing the indexing and scoring."""

from __future__ import annotations

import math
from pathlib import Path

import bm25s
import numpy as np

# Okapi BM25's usual parameters: k1 1.2 saturates repeated terms early (answers are
# short), b 0.75 normalises for passage length.
BM25_K1 = 1.2
BM25_B = 0.75


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25):
        self._bm25 = retriever
        self._vocab: dict[str, int] = retriever.vocab_dict
        indptr = retriever.scores["indptr"]
        self._doc_freq = np.diff(indptr)
        self._num_docs = int(retriever.scores["num_docs"])

    @classmethod
    def build(cls, documents: list[list[str]]) -> "LexicalIndex":
        retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        # bm25s cannot index a document without tokens; a placeholder term keeps ids aligned.
        retriever.index([doc or ["\x00empty"] for doc in documents], show_progress=False)
        return cls(retriever)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        return cls(bm25s.BM25.load(str(folder), show_progress=False))

    @property
    def num_docs(self) -> int:
        return self._num_docs

    def knows(self, term: str) -> bool:
        return term in self._vocab

    def document_share(self, term: str) -> float:
        """Share of the documents that contain term (0 for unseen terms)."""
        tid = self._vocab.get(term)
        return int(self._doc_freq[tid]) / self._num_docs if tid is not None and self._num_docs else 0.0

    def idf(self, term: str) -> float:
        """Inverse document frequency; unseen terms get the highest (they are the rarest)."""
        tid = self._vocab.get(term)
        df = int(self._doc_freq[tid]) if tid is not None else 0
        return math.log(1 + (self._num_docs - df + 0.5) / (df + 0.5))

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every document for the query terms (zeros when none is known)."""
        ids = [self._vocab[t] for t in terms if t in self._vocab]
        if not ids:
            return np.zeros(self._num_docs, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)
