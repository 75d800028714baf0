"""Where retrieval's searches run: the index folder in memory (FAISS files and bm25s, the
default), or Milvus (milvus_store.py). Retrieval speaks only to this interface.

Both answer the same questions, by meaning (dense vectors) and by words (BM25, whose
document weights are sparse vectors): the nearest passages and patient questions under a
filter on who answered, and for the candidate answers their best passage, sentence and
question; then every sentence of the answers shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.index import vector_index
from assistant.index.load import CorpusIndex
from assistant.models import AnswerFilter

# Extra hits asked of a search, so that hits tied with the k-th are all seen and the tie
# broken alike by every store (best_first).
TIE_MARGIN = 16
SCORE_DECIMALS = 5


@dataclass(frozen=True)
class CandidateEvidence:
    """For each candidate answer (a sorted array of answer numbers): its best passage by
    cosine to the query, that cosine, its best sentence's cosine (NaN: no sentences), and
    its thread question's cosine; and its sentence closest to what the message asks (the
    focus vector) with that cosine (-1 / NaN: no sentences)."""

    best_passage: np.ndarray  # passage id
    passage: np.ndarray
    sentence: np.ndarray
    question: np.ndarray
    best_sentence: np.ndarray  # sentence id, -1: none
    focus_sentence: np.ndarray  # sentence id, -1: none
    focus: np.ndarray
    passage_top3: np.ndarray  # mean cosine of its 3 best passages (of all it has, when fewer)
    centroid: np.ndarray  # (candidates, dim): the mean of its sentence vectors (NaN: no sentences)


@dataclass(frozen=True)
class LexicalQuery:
    """What BM25 searches: the query's content terms and their vocabulary synonyms."""

    terms: tuple[str, ...]
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class LexicalList:
    """The documents BM25 ranks first (positive scores only, best first) and the best score
    (0: nothing matched); scores: every document's, where the store has them at hand."""

    ids: np.ndarray
    best: float
    scores: np.ndarray | None = None


@dataclass(frozen=True)
class LexicalEvidence:
    """For each candidate answer: its best passage by BM25 (-1: none matched), that score,
    and its thread question's score (0: no match)."""

    best_passage: np.ndarray
    passage: np.ndarray
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

    def evidence(self, answers: np.ndarray, query: np.ndarray, focus: np.ndarray) -> CandidateEvidence:
        """Exact evidence for the candidate answers (sorted answer numbers)."""

    def sentence_cosines(self, answers: np.ndarray, query: np.ndarray, focus: np.ndarray | None) -> SentenceCosines:
        """Every sentence of the answers shown (sorted answer numbers)."""



    def lexical_passages(self, query: LexicalQuery, k: int, answer_filter: AnswerFilter, allowed: np.ndarray | None) -> LexicalList:
        """The k passages BM25 ranks first; allowed as for search_passages."""

    def lexical_questions(self, query: LexicalQuery, k: int, answer_filter: AnswerFilter, allowed: np.ndarray | None) -> LexicalList:
        """The k patient questions BM25 ranks first; allowed as for search_questions."""

    def lexical_evidence(
        self, query: LexicalQuery, answers: np.ndarray, passages: LexicalList, questions: LexicalList
    ) -> LexicalEvidence:
        """BM25 evidence for the candidate answers (sorted), given the two lists above."""


class FaissVectors:
    """The index folder in memory: its 8-bit FAISS indexes and bm25s."""

    name = "faiss"

    def __init__(self, index: CorpusIndex):
        self.index = index

    def search_passages(self, query, k, answer_filter, allowed):
        scores, ids = vector_index.search(self.index.passage_vectors, query, k + TIE_MARGIN, allowed)
        return best_first(scores, ids, k)

    def search_questions(self, query, k, answer_filter, allowed):
        scores, ids = vector_index.search(self.index.question_vectors, query, k + TIE_MARGIN, allowed)
        return best_first(scores, ids, k)

    def evidence(self, answers, query, focus):
        idx = self.index
        passage_ids = passage_ids_of(idx, answers)
        p_cos = vector_index.vectors_of(idx.passage_vectors, passage_ids) @ query
        p_best = _argmax_per_group(p_cos, idx.answer_first_passage, answers)
        sentence_ids = sentence_ids_of(idx, answers)
        s_vectors = vector_index.vectors_of(idx.sentence_vectors, sentence_ids)
        s_cos, f_cos = s_vectors @ query, s_vectors @ focus
        s_best = _argmax_per_group(s_cos, idx.answer_first_sentence, answers)
        f_best = _argmax_per_group(f_cos, idx.answer_first_sentence, answers)
        q_cos = vector_index.vectors_of(idx.question_vectors, idx.answer_thread[answers]) @ query
        return CandidateEvidence(
            passage_ids[p_best], p_cos[p_best], _at(s_cos, s_best), q_cos,
            _ids_at(sentence_ids, s_best), _ids_at(sentence_ids, f_best), _at(f_cos, f_best),
            _top_mean_per_group(p_cos, idx.answer_first_passage, answers, 3),
            mean_per_group(s_vectors, idx.answer_first_sentence, answers),
        )

    def sentence_cosines(self, answers, query, focus):
        if len(answers) == 0:
            return SentenceCosines(np.zeros(0, np.float32), np.zeros(0, np.float32))
        vectors = vector_index.vectors_of(self.index.sentence_vectors, sentence_ids_of(self.index, answers))
        s_cos = vectors @ query
        return SentenceCosines(s_cos, s_cos if focus is None else vectors @ focus)

    def lexical_passages(self, query, k, answer_filter, allowed):
        scores = self.index.passage_lexical.query_scores(list(query.terms), list(query.synonyms))
        return _lexical_list(scores, k, allowed)

    def lexical_questions(self, query, k, answer_filter, allowed):
        scores = self.index.question_lexical.query_scores(list(query.terms), list(query.synonyms))
        return _lexical_list(scores, k, allowed)

    def lexical_evidence(self, query, answers, passages, questions):
        idx = self.index
        ids = passage_ids_of(idx, answers)
        best = _argmax_per_group(passages.scores[ids], idx.answer_first_passage, answers)
        score = passages.scores[ids[best]]
        # An answer no query word matches has no best passage by BM25.
        return LexicalEvidence(np.where(score > 0, ids[best], -1), score, questions.scores[idx.answer_thread[answers]])


def _at(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """values at positions, NaN where a position is -1 (an answer without sentences)."""
    return np.where(positions >= 0, values[np.maximum(positions, 0)] if len(values) else np.nan, np.nan).astype(np.float32)


def _ids_at(ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
    return np.where(positions >= 0, ids[np.maximum(positions, 0)] if len(ids) else -1, -1).astype(np.int64)


def _lexical_list(scores: np.ndarray, k: int, allowed: np.ndarray | None) -> LexicalList:
    if allowed is not None:
        scores = np.where(allowed, scores, 0.0).astype(np.float32)
    return LexicalList(top_positive(scores, k), float(scores.max()) if len(scores) else 0.0, scores)


def top_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """Ids of the n highest positive scores, best first."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > n + TIE_MARGIN:
        positive = positive[np.argpartition(-scores[positive], n + TIE_MARGIN - 1)[: n + TIE_MARGIN]]
    return best_first(scores[positive], positive, n)


def best_first(scores, ids, k: int) -> np.ndarray:
    """The k best ids; scores equal to SCORE_DECIMALS in id order, so every store ranks a
    tie alike (FAISS's heap and Milvus return tied hits in any order, and their float
    sums differ in the last bits)."""
    scores = np.round(np.asarray(scores, dtype=np.float64), SCORE_DECIMALS)
    ids = np.asarray(ids, dtype=np.int64)
    return ids[np.lexsort((ids, -scores))][:k]


def _argmax_per_group(values: np.ndarray, first: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """Position in values of each answer's largest value (equal to SCORE_DECIMALS: the
    first, as every store breaks ties; -1 for an answer with none), values holding the
    answers' runs one after another."""
    sizes = first[answers + 1] - first[answers]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    rounded = np.round(values.astype(np.float64), SCORE_DECIMALS)
    out = np.full(len(answers), -1, dtype=np.int64)
    for i, (start, size) in enumerate(zip(starts.tolist(), sizes.tolist())):
        if size:
            out[i] = start + int(np.argmax(rounded[start : start + size]))
    return out


def _top_mean_per_group(values: np.ndarray, first: np.ndarray, answers: np.ndarray, n: int) -> np.ndarray:
    """The mean of each answer's n largest values (of all, when it has fewer), values
    holding the answers' runs one after another."""
    sizes = (first[answers + 1] - first[answers]).tolist()
    out, start = np.zeros(len(answers), dtype=np.float32), 0
    for i, size in enumerate(sizes):
        run = values[start : start + size]
        out[i] = np.sort(run)[-n:].mean() if size else np.nan
        start += size
    return out


def mean_per_group(vectors: np.ndarray, first: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """Each answer's mean row of vectors (NaN for an answer with none), vectors holding the
    answers' runs one after another."""
    sizes = (first[answers + 1] - first[answers]).tolist()
    out = np.full((len(answers), vectors.shape[1] if vectors.ndim == 2 else 0), np.nan, dtype=np.float32)
    start = 0
    for i, size in enumerate(sizes):
        if size:
            out[i] = vectors[start : start + size].mean(axis=0)
        start += size
    return out


def passage_ids_of(index: CorpusIndex, answers: np.ndarray) -> np.ndarray:
    first = index.answer_first_passage
    return np.concatenate([np.arange(first[a], first[a + 1]) for a in answers]).astype(np.int64)


def sentence_ids_of(index: CorpusIndex, answers: np.ndarray) -> np.ndarray:
    first = index.answer_first_sentence
    return np.concatenate([np.arange(first[a], first[a + 1]) for a in answers]).astype(np.int64)
