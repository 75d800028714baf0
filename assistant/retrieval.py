"""Hybrid retrieval: the answers that address a query, one hit per answer, best first."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial

import faiss
import numpy as np
from threadpoolctl import threadpool_limits

from .embedding import Embedder
from .filters import NO_FILTER, AnswerFilter
from .fusion import FusionMode, fuse
from .index_store import CorpusIndex
from .models import Hit, SearchQuery, SentenceMatch
from .terms import content_terms
from .vector_store import FaissVectors, LexicalQuery, VectorStore
from .vocabulary import expansion_terms

# Candidates taken from each ranked list (passages by vectors, passages by BM25). Far more
# than the k shown, so fusion can promote an answer that only one list ranks highly.
CANDIDATES_PER_LIST = 50
# Threads whose patient question matches best; their answers join the candidates.
QUESTION_CANDIDATES = 5

# Semantic evidence for an answer: its best passage (embedded with the thread title and
# headline, so it knows its topic), its best single sentence (one point, undiluted), and
# the patient question it was written for ("a thread whose question matches is strong
# evidence for its answers"; on a health site, the page's title). Weights set on the
# development sets: the bundled one and MEDIQA's alexa + validation questions, where the
# question's share 1/4 (was 1/7) gave 0.773 nDCG@10 against 0.766, and 0.821 against 0.811
# on the bundled set (follow-ups 0.867 / 0.866); passage:sentence stays 2:1 (README).
PASSAGE_WEIGHT = 1 / 2
SENTENCE_WEIGHT = 1 / 4
QUESTION_WEIGHT = 1 / 4
# Lexical evidence: the answer's best passage, and its thread's question.
LEXICAL_QUESTION_WEIGHT = 0.25
# A word in more than this share of the passages is the corpus's background ("Botox" in a
# corpus of Botox questions); it is not expanded with synonyms.
BACKGROUND_SHARE = 0.6

# Semantic evidence below which an answer is not about the query at all (it is then not
# quoted; with no answer left, the reply abstains). On the development set the best
# evidence is 0.51 or more for every on-topic message and 0.25 or less for every
# off-topic one (`python -m assistant eval` prints both); this sits halfway.
MIN_RELEVANCE = 0.38


@dataclass(frozen=True)
class AllowedAnswers:
    """What a filter keeps, per answer, per passage and per thread (one answer kept or more)."""

    answers: np.ndarray  # bool per answer number
    passages: np.ndarray  # bool per passage
    threads: np.ndarray  # bool per thread number

    @classmethod
    def of(cls, index: CorpusIndex, answer_filter: AnswerFilter) -> "AllowedAnswers":
        answers = answer_filter.mask(index.answers)
        threads = np.bincount(index.answer_thread[answers], minlength=len(index.threads)) > 0
        return cls(answers, answers[index.passage_rows[:, 0]], threads)


# Filters whose AllowedAnswers are kept (a chat's users use a handful; one costs about a
# byte per passage and ~0.3 s per 100,000 answers to compute).
ALLOWED_CACHE_SIZE = 32


@dataclass(frozen=True)
class ScoredAnswer:
    score: float  # fused, for ranking
    semantic: float  # absolute evidence, for the relevance floor
    answer: int  # answer number
    passage: int  # the passage to quote from
    relevant: bool


@dataclass(frozen=True)
class RetrievalResult:
    hits: list[Hit]  # relevant hits only, best first, at most k
    best_relevance: float  # of any candidate, for diagnostics and evaluation
    terms: tuple[str, ...] = ()  # the lexical terms searched: the query's own, then synonyms


class Retriever:
    def __init__(
        self,
        index: CorpusIndex,
        embedder: Embedder,
        mode: FusionMode = FusionMode.WEIGHTED,
        min_relevance: float = MIN_RELEVANCE,
        vectors: VectorStore | None = None,
    ):
        """vectors: where the index's vectors are searched (default: its FAISS files)."""
        self.index = index
        self.vectors = vectors or FaissVectors(index)
        self.embedder = embedder
        self.mode = mode
        self.min_relevance = min_relevance
        # One query at a time is searched; FAISS's OpenMP threads only add overhead there
        # (two threads were 2-2.5x slower per query on the reference machine, DESIGN §8).
        faiss.omp_set_num_threads(1)
        # Likewise numpy's BLAS: its threads spin for a while after each small product and
        # take the cores from the encoder runs of the next message (MEDIQA questions, 1,657
        # answers: reply p95 36 -> 27 ms, p50 unchanged).
        threadpool_limits(1, user_api="blas")
        # What each recent filter keeps: allowed(answer_filter) -> AllowedAnswers.
        self.allowed = lru_cache(ALLOWED_CACHE_SIZE)(partial(AllowedAnswers.of, index))

    def query_vector(self, query: SearchQuery, part_vectors: np.ndarray | None = None) -> np.ndarray:
        """Weighted sum of the parts' embeddings (recency-weighted for follow-ups), unit length.
        part_vectors: the parts already encoded (by a caller that batched them with other texts)."""
        if part_vectors is None:
            part_vectors = self.embedder.encode([t for t, _ in query.parts])
        weights = np.array([w for _, w in query.parts], dtype=np.float32)
        v = (weights[:, None] * part_vectors).sum(axis=0)
        return v / max(float(np.linalg.norm(v)), 1e-12)

    def is_background(self, term: str) -> bool:
        """A word in most passages ("Botox" in a corpus of Botox questions): it tells them apart from nothing."""
        return self.index.passage_lexical.document_share(term) > BACKGROUND_SHARE

    def search(
        self,
        query: SearchQuery,
        k: int,
        mode: FusionMode | None = None,
        part_vectors: np.ndarray | None = None,
        focus_vector: np.ndarray | None = None,
        answer_filter: AnswerFilter = NO_FILTER,
    ) -> RetrievalResult:
        """focus_vector: the embedding of what the message asks (question_focus.py); each hit's
        sentences are compared with it for choosing the words to quote. It does not rank.
        answer_filter: only answers it keeps are searched and returned."""
        mode = mode or self.mode
        idx = self.index
        qv = self.query_vector(query, part_vectors)
        terms = content_terms(query.text)
        synonyms = expansion_terms(query.text, self.is_background)
        allowed = None if answer_filter.is_empty else self.allowed(answer_filter)

        # Ranked lists of passages, and of threads by their patient question.
        kept_passages, kept_threads = (None, None) if allowed is None else (allowed.passages, allowed.threads)
        dense_ids = self.vectors.search_passages(qv, CANDIDATES_PER_LIST, answer_filter, kept_passages)
        q_dense_ids = self.vectors.search_questions(qv, QUESTION_CANDIDATES, answer_filter, kept_threads)
        lexical_query = LexicalQuery(tuple(terms), tuple(synonyms))
        lex_passages = self.vectors.lexical_passages(lexical_query, CANDIDATES_PER_LIST, answer_filter, kept_passages)
        lex_questions = self.vectors.lexical_questions(lexical_query, QUESTION_CANDIDATES, answer_filter, kept_threads)
        lex_ids, q_lex_ids = lex_passages.ids, lex_questions.ids

        rows = idx.passage_rows
        candidates: set[int] = {int(rows[p, 0]) for p in dense_ids} | {int(rows[p, 0]) for p in lex_ids}
        for t in {*map(int, q_dense_ids), *map(int, q_lex_ids)}:
            candidates.update(range(int(idx.thread_first_answer[t]), int(idx.thread_first_answer[t + 1])))
        if allowed is not None:
            candidates = {a for a in candidates if allowed.answers[a]}
        searched_terms = (*terms, *synonyms)
        if not candidates:
            return RetrievalResult([], 0.0, searched_terms)
        answers = np.array(sorted(candidates))

        # Exact evidence for every candidate, whichever list brought it in.
        first_p, first_s = idx.answer_first_passage, idx.answer_first_sentence
        evidence = self.vectors.evidence(answers, qv)
        lex_evidence = self.vectors.lexical_evidence(lexical_query, answers, lex_passages, lex_questions)
        thread_of = idx.answer_thread[answers]
        lex_max, q_lex_max = lex_passages.best, lex_questions.best

        rank_lists = [
            _ranks_by_answer(rows[dense_ids, 0]),
            _ranks_by_answer(rows[lex_ids, 0]) if lex_max > 0 else {},
            _ranks_by_thread(q_dense_ids),
            _ranks_by_thread(q_lex_ids) if q_lex_max > 0 else {},
        ]

        scored = []
        for i, a in enumerate(answers):
            passage_cos = float(evidence.passage[i])
            # An answer without sentences (none so far) counts its best passage instead.
            best_sentence = passage_cos if np.isnan(evidence.sentence[i]) else float(evidence.sentence[i])
            semantic = (
                PASSAGE_WEIGHT * passage_cos + SENTENCE_WEIGHT * best_sentence + QUESTION_WEIGHT * float(evidence.question[i])
            )
            p_lex = float(lex_evidence.passage[i]) / lex_max if lex_max > 0 else 0.0
            q_lex = float(lex_evidence.question[i]) / q_lex_max if q_lex_max > 0 else 0.0
            lexical = (1 - LEXICAL_QUESTION_WEIGHT) * p_lex + LEXICAL_QUESTION_WEIGHT * q_lex
            ranks = [
                rank_lists[0].get(int(a)),
                rank_lists[1].get(int(a)),
                rank_lists[2].get(int(thread_of[i])),
                rank_lists[3].get(int(thread_of[i])),
            ]
            # The passage to quote from: the best by vectors, or by BM25 in lexical mode (the
            # answer's first when no query word matches it).
            if mode is FusionMode.LEXICAL:
                passage = int(lex_evidence.best_passage[i]) if lex_evidence.best_passage[i] >= 0 else int(first_p[a])
            else:
                passage = int(evidence.best_passage[i])
            relevant = lexical > 0 if mode is FusionMode.LEXICAL else semantic >= self.min_relevance
            scored.append(ScoredAnswer(fuse(mode, semantic, lexical, ranks), semantic, int(a), passage, relevant))

        scored.sort(key=lambda s: (-s.score, s.answer))
        best_relevance = max(s.semantic for s in scored)
        chosen = [s for s in scored if s.relevant][:k]
        # Every sentence of the answers shown, compared with the query and the focus (to
        # choose the words to quote): only for those, not for every candidate.
        shown = np.array(sorted(s.answer for s in chosen), dtype=np.int64)
        cosines = self.vectors.sentence_cosines(shown, qv, focus_vector)
        offsets = np.cumsum(first_s[shown + 1] - first_s[shown]) if len(shown) else np.zeros(0, np.int64)
        start_of = dict(zip(shown.tolist(), (offsets - (first_s[shown + 1] - first_s[shown])).tolist()))
        hits = []
        for s in chosen:
            a = s.answer
            rows_s = idx.sentence_rows[first_s[a] : first_s[a + 1]]
            mine = slice(start_of[a], start_of[a] + len(rows_s))
            # Whole columns to Python numbers at once (per-element int()/float() cost ~3x more).
            sentences = tuple(
                map(SentenceMatch, rows_s[:, 1].tolist(), rows_s[:, 2].tolist(),
                    cosines.query[mine].tolist(), cosines.focus[mine].tolist())
            )
            thread = idx.threads[int(idx.answer_thread[a])]
            hits.append(Hit(idx.answers[a], thread, idx.chunk(s.passage), round(s.score, 6), round(s.semantic, 6), sentences))
        return RetrievalResult(hits, best_relevance, searched_terms)


def _ranks_by_answer(answer_numbers: np.ndarray) -> dict[int, int]:
    ranks: dict[int, int] = {}
    for a in map(int, answer_numbers):
        ranks.setdefault(a, len(ranks))
    return ranks


def _ranks_by_thread(thread_numbers: np.ndarray) -> dict[int, int]:
    return {int(t): r for r, t in enumerate(thread_numbers)}
