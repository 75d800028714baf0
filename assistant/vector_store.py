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
    """Cosines for a sorted array of candidate answers, in index order: the passages of
    answer a (then of the next), likewise the sentences; one question per answer."""

    passages: np.ndarray  # cosine of each passage to the query
    sentences: np.ndarray  # cosine of each sentence to the query
    focus: np.ndarray  # cosine of each sentence to the focus vector (= sentences without one)
    questions: np.ndarray  # cosine of each answer's thread question to the query


class VectorStore(Protocol):
    name: str

    def search_passages(self, query: np.ndarray, k: int, answer_filter: AnswerFilter, allowed: np.ndarray | None) -> np.ndarray:
        """Ids of the k nearest passages, best first; allowed: a bool per passage, the
        filter's own answer (None: no filter)."""

    def search_questions(self, query: np.ndarray, k: int, answer_filter: AnswerFilter, allowed: np.ndarray | None) -> np.ndarray:
        """Thread numbers of the k nearest patient questions, best first; allowed: a bool per thread."""

    def evidence(self, answers: np.ndarray, query: np.ndarray, focus: np.ndarray | None) -> CandidateEvidence:
        """Exact cosines for the candidate answers (sorted answer numbers)."""


class FaissVectors:
    """The index folder's 8-bit FAISS indexes, in memory."""

    name = "faiss"

    def __init__(self, index: CorpusIndex):
        self.index = index

    def search_passages(self, query, k, answer_filter, allowed):
        return vector_index.search(self.index.passage_vectors, query, k, allowed)[1]

    def search_questions(self, query, k, answer_filter, allowed):
        return vector_index.search(self.index.question_vectors, query, k, allowed)[1]

    def evidence(self, answers, query, focus):
        idx = self.index
        p_cos = vector_index.vectors_of(idx.passage_vectors, passage_ids_of(idx, answers)) @ query
        s_vectors = vector_index.vectors_of(idx.sentence_vectors, sentence_ids_of(idx, answers))
        s_cos = s_vectors @ query
        f_cos = s_cos if focus is None else s_vectors @ focus
        q_cos = vector_index.vectors_of(idx.question_vectors, idx.answer_thread[answers]) @ query
        return CandidateEvidence(p_cos, s_cos, f_cos, q_cos)


def passage_ids_of(index: CorpusIndex, answers: np.ndarray) -> np.ndarray:
    first = index.answer_first_passage
    return np.concatenate([np.arange(first[a], first[a + 1]) for a in answers])


def sentence_ids_of(index: CorpusIndex, answers: np.ndarray) -> np.ndarray:
    first = index.answer_first_sentence
    return np.concatenate([np.arange(first[a], first[a + 1]) for a in answers])
