"""Where retrieval's vectors are searched: the index folder's FAISS files (the default), or
Milvus (milvus_store.py). Retrieval speaks only to this interface.

Both answer the same three questions for a query vector: the nearest passages, the
nearest patient questions (each under a filter on who answered), and the exact cosines
of every passage, sentence and question of the candidate answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from . import vector_index
from .filters import AnswerFilter
from .index_store import CorpusIndex


@dataclass(frozen=True)
class CandidateEvidence:
    """For each candidate answer (a sorted array of answer numbers): its best passage by
    cosine to the query, that cosine, its best sentence's cosine (NaN: no sentences), and
    its thread question's cosine."""

    best_passage: np.ndarray  # passage id
    passage: np.ndarray
    sentence: np.ndarray
    question: np.ndarray


@dataclass(frozen=True)
class SentenceCosines:
    """Every sentence of some answers (sorted), in index order: cosine to the query, and
    to the focus vector (the query's own when there is none)."""

    query: np.ndarray
    focus: np.ndarray


class VectorStore(Protocol):
    name: str

    def search_passages(self, query: np.ndarray, k: int, answer_filter: AnswerFilter, allowed: np.ndarray | None) -> np.ndarray:
        """Ids of the k nearest passages, best first; allowed: a bool per passage, the
        filter's own answer (None: no filter)."""

    def search_questions(self, query: np.ndarray, k: int, answer_filter: AnswerFilter, allowed: np.ndarray | None) -> np.ndarray:
        """Thread numbers of the k nearest patient questions, best first; allowed: a bool per thread."""

    def evidence(self, answers: np.ndarray, query: np.ndarray) -> CandidateEvidence:
        """Exact evidence for the candidate answers (sorted answer numbers)."""

    def sentence_cosines(self, answers: np.ndarray, query: np.ndarray, focus: np.ndarray | None) -> SentenceCosines:
        """Every sentence of the answers shown (sorted answer numbers)."""


class FaissVectors:
    """The index folder's 8-bit FAISS indexes, in memory."""

    name = "faiss"

    def __init__(self, index: CorpusIndex):
        self.index = index

    def search_passages(self, query, k, answer_filter, allowed):
        return vector_index.search(self.index.passage_vectors, query, k, allowed)[1]

    def search_questions(self, query, k, answer_filter, allowed):
        return vector_index.search(self.index.question_vectors, query, k, allowed)[1]

    def evidence(self, answers, query):
        idx = self.index
        passage_ids = passage_ids_of(idx, answers)
        p_cos = vector_index.vectors_of(idx.passage_vectors, passage_ids) @ query
        p_best = _argmax_per_group(p_cos, idx.answer_first_passage, answers)
        s_cos = vector_index.vectors_of(idx.sentence_vectors, sentence_ids_of(idx, answers)) @ query
        s_best = _argmax_per_group(s_cos, idx.answer_first_sentence, answers)
        s_max = np.array([s_cos[j] if j >= 0 else np.nan for j in s_best], dtype=np.float32)
        q_cos = vector_index.vectors_of(idx.question_vectors, idx.answer_thread[answers]) @ query
        return CandidateEvidence(passage_ids[p_best], p_cos[p_best], s_max, q_cos)

    def sentence_cosines(self, answers, query, focus):
        if len(answers) == 0:
            return SentenceCosines(np.zeros(0, np.float32), np.zeros(0, np.float32))
        vectors = vector_index.vectors_of(self.index.sentence_vectors, sentence_ids_of(self.index, answers))
        s_cos = vectors @ query
        return SentenceCosines(s_cos, s_cos if focus is None else vectors @ focus)


def _argmax_per_group(values: np.ndarray, first: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """Position in values of each answer's largest value (the first on ties; -1 for an
    answer with none), values holding the answers' runs one after another."""
    sizes = first[answers + 1] - first[answers]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    out = np.full(len(answers), -1, dtype=np.int64)
    for i, (start, size) in enumerate(zip(starts.tolist(), sizes.tolist())):
        if size:
            out[i] = start + int(np.argmax(values[start : start + size]))
    return out


def passage_ids_of(index: CorpusIndex, answers: np.ndarray) -> np.ndarray:
    first = index.answer_first_passage
    return np.concatenate([np.arange(first[a], first[a + 1]) for a in answers]).astype(np.int64)


def sentence_ids_of(index: CorpusIndex, answers: np.ndarray) -> np.ndarray:
    first = index.answer_first_sentence
    return np.concatenate([np.arange(first[a], first[a + 1]) for a in answers]).astype(np.int64)
