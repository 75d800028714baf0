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
# A synonym from the patient vocabulary (vocabulary.py) counts as the word itself, as in
# a search engine's synonym filter ("jaw" finds "masseter" as readily as "masseter" does).
SYNONYM_WEIGHT = 1.0


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

    def release_documents(self) -> None:
        """Let go of the per-document weights once Milvus holds them; the vocabulary and
        document frequencies (knows, idf, query_weights) stay."""
        self._bm25 = None

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

    def query_scores(self, terms: list[str], synonyms: list[str]) -> np.ndarray:
        """Every document's score for a query's terms and their synonyms."""
        scores = self.scores(terms)
        return scores + SYNONYM_WEIGHT * self.scores(synonyms) if synonyms else scores

    def query_weights(self, terms: list[str], synonyms: list[str]) -> dict[int, float]:
        """The query as a sparse vector over term ids: its inner product with a document's
        row of document_rows() is that document's query_scores (a term twice counts twice)."""
        weights: dict[int, float] = {}
        for words, weight in ((terms, 1.0), (synonyms, SYNONYM_WEIGHT)):
            for t in words:
                if t in self._vocab:
                    weights[self._vocab[t]] = weights.get(self._vocab[t], 0.0) + weight
        return weights

    def document_rows(self):
        """Each document's BM25 weight per term id (bm25s's own precomputed scores), as a
        scipy CSR matrix of documents x terms."""
        from scipy.sparse import csc_matrix

        s = self._bm25.scores
        return csc_matrix((s["data"], s["indices"], s["indptr"]), shape=(self._num_docs, len(s["indptr"]) - 1)).tocsr()

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every document for the query terms (zeros when none is known)."""
        ids = [self._vocab[t] for t in terms if t in self._vocab]
        if not ids:
            return np.zeros(self._num_docs, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)
