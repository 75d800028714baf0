"""Hybrid retrieval: the answers that address a query, one hit per answer, best first."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache, partial

import faiss
import numpy as np
from threadpoolctl import threadpool_limits

from assistant.encoders import Embedder
from assistant.index.load import CorpusIndex
from assistant.index.terms import content_terms
from assistant.models import NO_FILTER, AnswerFilter, Hit, SearchQuery, SentenceMatch
from assistant.search.answer_types import AnswerType, statement_types
from assistant.search.fusion import FusionMode, fuse
from assistant.search.ranking import CandidateFeatures, LearnedRanker, agreement, reciprocal_ranks
from assistant.search.topicality import OnTopicModel, Topicality
from assistant.search.vector_store import FaissVectors, LexicalList, LexicalQuery, VectorStore
from assistant.search.vocabulary import expansion_terms

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
# on the bundled set (follow-ups 0.867 / 0.866); passage:sentence stays 2:1 (docs/evaluation.md).
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
# evidence is 0.49 or more for every on-topic message and 0.23 or less for every
# off-topic one with the int8 encoder (`python -m assistant eval --devset bench/devset.json`
# prints both as "Relevance margins"); this sits about halfway.
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
        return cls(answers, answers[index.passage_answer], threads)


# Filters whose AllowedAnswers are kept (a chat's users use a handful; one costs about a
# byte per passage and ~0.3 s per 100,000 answers to compute).
ALLOWED_CACHE_SIZE = 32


@dataclass(frozen=True)
class RetrievalResult:
    hits: list[Hit]  # relevant hits only, best first, at most k
    best_relevance: float  # of any candidate, for diagnostics and evaluation
    terms: tuple[str, ...] = ()  # the lexical terms searched: the query's own, then synonyms
    topicality: Topicality | None = None  # how much the message is about this corpus (None: no candidate)


class Retriever:
    def __init__(
        self,
        index: CorpusIndex,
        embedder: Embedder,
        mode: FusionMode = FusionMode.LEARNED,
        min_relevance: float = MIN_RELEVANCE,
        vectors: VectorStore | None = None,
    ):
        """vectors: where the index's vectors are searched (default: its FAISS files)."""
        self.index = index
        self.vectors = vectors or FaissVectors(index)
        self.embedder = embedder
        self.mode = mode
        self.min_relevance = min_relevance
        # Whether a message is about this corpus at all (topicality.py): set by the
        # assistant for the bundled encoder, with the best evidence everyday messages
        # reach in this corpus (relevance.calibrate).
        self.on_topic: OnTopicModel | None = None
        self.probe_best = 0.0
        # One query at a time is searched; FAISS's OpenMP threads only add overhead there
        # (two threads were 2-2.5x slower per query on the reference machine, DESIGN §8).
        faiss.omp_set_num_threads(1)
        # Likewise numpy's BLAS: its threads spin for a while after each small product and
        # take the cores from the encoder runs of the next message (MEDIQA questions, 1,657
        # answers: reply p95 36 -> 27 ms, p50 unchanged).
        threadpool_limits(1, user_api="blas")
        # The kinds of statement each sentence makes, once read (a frozenset from a handful).
        self._sentence_kinds: dict[int, frozenset[AnswerType]] = {}
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
        asked: frozenset[AnswerType] = frozenset(),
    ) -> RetrievalResult:
        """focus_vector: the embedding of what the message asks (question_focus.py), asked:
        the kinds of answer it asks for (answer_types.py); evidence for the learned ranking
        and for choosing the words to quote. answer_filter: only answers it keeps are
        searched and returned."""
        mode = mode or self.mode
        qv = self.query_vector(query, part_vectors)
        focus_vector = qv if focus_vector is None else focus_vector
        lexical_query = LexicalQuery(tuple(content_terms(query.text)), tuple(expansion_terms(query.text, self.is_background)))
        searched_terms = (*lexical_query.terms, *lexical_query.synonyms)
        candidates = self._gather(qv, lexical_query, answer_filter)
        if candidates is None:
            return RetrievalResult([], 0.0, searched_terms)
        features, best_passage = self._evidence(candidates, qv, focus_vector, lexical_query, asked, mode)
        scores = self.score(mode, features)
        topicality = self.topicality(features)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], int(candidates.answers[i])))
        relevant = self._relevant(mode, features, topicality)
        chosen = [i for i in order if relevant[i]][:k]
        hits = self._hits(candidates.answers, chosen, scores, features.semantic, best_passage, qv, focus_vector)
        return RetrievalResult(hits, float(features.semantic.max()), searched_terms, topicality)

    def _relevant(self, mode: FusionMode, features: CandidateFeatures, topicality: Topicality) -> np.ndarray:
        """Which candidates may be quoted. With an on-topic model (the bundled encoder), a
        message it judges off the corpus's subject gets none, and one it judges on it gets
        at least its best answer, then every other above the floor; without one, the floor
        alone decides."""
        if mode is FusionMode.LEXICAL:
            return features.lexical > 0
        if self.on_topic is None:
            return features.semantic >= self.min_relevance
        if not self.on_topic.accepts(topicality):
            return np.zeros(len(features.semantic), dtype=bool)
        return features.semantic >= min(self.min_relevance, float(features.semantic.max()))

    def topicality(self, features: CandidateFeatures) -> Topicality:
        """How much the message is about this corpus (topicality.py)."""
        semantic = float(features.semantic.max())
        return Topicality(semantic, float(np.nanmax(features.question)), semantic - self.probe_best)

    def _gather(self, qv: np.ndarray, lexical_query: LexicalQuery, answer_filter: AnswerFilter) -> Candidates | None:
        """The candidate answers: those of the nearest passages by meaning and by BM25, and
        every answer of the threads whose question matches best (None: no candidate)."""
        idx = self.index
        allowed = None if answer_filter.is_empty else self.allowed(answer_filter)
        kept_passages, kept_threads = (None, None) if allowed is None else (allowed.passages, allowed.threads)
        dense_ids = self.vectors.search_passages(qv, CANDIDATES_PER_LIST, answer_filter, kept_passages)
        q_dense_ids = self.vectors.search_questions(qv, QUESTION_CANDIDATES, answer_filter, kept_threads)
        lex_passages = self.vectors.lexical_passages(lexical_query, CANDIDATES_PER_LIST, answer_filter, kept_passages)
        lex_questions = self.vectors.lexical_questions(lexical_query, QUESTION_CANDIDATES, answer_filter, kept_threads)
        answer_of = idx.passage_answer
        found: set[int] = {*map(int, answer_of[dense_ids]), *map(int, answer_of[lex_passages.ids])}
        for t in {*map(int, q_dense_ids), *map(int, lex_questions.ids)}:
            found.update(range(int(idx.thread_first_answer[t]), int(idx.thread_first_answer[t + 1])))
        if allowed is not None:
            found = {a for a in found if allowed.answers[a]}
        if not found:
            return None
        return Candidates(
            answers=np.array(sorted(found)),
            dense_ranks=_ranks_by_answer(answer_of[dense_ids]),
            lexical_ranks=_ranks_by_answer(answer_of[lex_passages.ids]) if lex_passages.best > 0 else {},
            question_dense_ranks=_ranks_by_thread(q_dense_ids),
            question_lexical_ranks=_ranks_by_thread(lex_questions.ids) if lex_questions.best > 0 else {},
            lexical_passages=lex_passages,
            lexical_questions=lex_questions,
        )

    def _evidence(self, candidates: Candidates, qv, focus_vector, lexical_query, asked, mode):
        """Every candidate's evidence, whichever list brought it in, and the passage to
        quote from: the best by vectors, or by BM25 in lexical mode (the answer's first
        when no query word matches it)."""
        idx, answers = self.index, candidates.answers
        evidence = self.vectors.evidence(answers, qv, focus_vector)
        lex = self.vectors.lexical_evidence(lexical_query, answers, candidates.lexical_passages, candidates.lexical_questions)
        lex_max, q_lex_max = candidates.lexical_passages.best, candidates.lexical_questions.best
        passage, question = evidence.passage.astype(np.float64), evidence.question.astype(np.float64)
        # An answer without sentences (none so far) counts its best passage instead.
        sentence = np.where(np.isnan(evidence.sentence), passage, evidence.sentence.astype(np.float64))
        semantic = PASSAGE_WEIGHT * passage + SENTENCE_WEIGHT * sentence + QUESTION_WEIGHT * question
        p_lex = lex.passage / lex_max if lex_max > 0 else np.zeros(len(answers))
        q_lex = lex.question / q_lex_max if q_lex_max > 0 else np.zeros(len(answers))
        threads = idx.answer_thread[answers]
        type_match, type_match_focus = self._type_matches(asked, evidence)
        features = CandidateFeatures(
            passage=passage,
            passage_top3=evidence.passage_top3.astype(np.float64),
            sentence=sentence,
            question=question,
            focus=np.where(np.isnan(evidence.focus), sentence, evidence.focus.astype(np.float64)),
            semantic=semantic,
            lexical_passage=p_lex,
            lexical_question=q_lex,
            lexical=(1 - LEXICAL_QUESTION_WEIGHT) * p_lex + LEXICAL_QUESTION_WEIGHT * q_lex,
            rank_dense=reciprocal_ranks(candidates.dense_ranks, answers),
            rank_lexical=reciprocal_ranks(candidates.lexical_ranks, answers),
            rank_question_dense=reciprocal_ranks(candidates.question_dense_ranks, threads),
            rank_question_lexical=reciprocal_ranks(candidates.question_lexical_ranks, threads),
            type_asked=np.full(len(answers), float(bool(asked))),
            type_match=type_match,
            type_match_focus=type_match_focus,
            agreement=agreement(evidence.centroid, semantic),
            answer_length=np.log1p([len(idx.answers[a].text) for a in answers.tolist()]),
        )
        if mode is FusionMode.LEXICAL:
            first = idx.answer_first_passage[answers]
            best_passage = np.where(lex.best_passage >= 0, lex.best_passage, first)
        else:
            best_passage = evidence.best_passage
        return features, best_passage

    def _type_matches(self, asked: frozenset[AnswerType], evidence) -> tuple[np.ndarray, np.ndarray]:
        """Whether each candidate's focus sentence (and, for the first, its best sentence)
        makes a statement of a kind the message asks for."""
        n = len(evidence.focus_sentence)
        if not asked:
            return np.zeros(n), np.zeros(n)
        focus = np.array([bool(asked & self._statement_types(s)) for s in evidence.focus_sentence.tolist()], float)
        best = np.array([bool(asked & self._statement_types(s)) for s in evidence.best_sentence.tolist()], float)
        return np.maximum(focus, best), focus

    def _statement_types(self, sentence: int) -> frozenset[AnswerType]:
        """The kinds of statement a sentence makes, read once per sentence and kept."""
        if sentence < 0:
            return frozenset()
        kinds = self._sentence_kinds.get(sentence)
        if kinds is None:
            a, start, end = (int(x) for x in self.index.sentence_rows[sentence])
            kinds = self._sentence_kinds[sentence] = statement_types(self.index.answers[a].text[start:end])
        return kinds

    def candidate_features(
        self, query: SearchQuery, part_vectors: np.ndarray, focus_vector: np.ndarray, asked: frozenset[AnswerType],
    ) -> tuple[np.ndarray, CandidateFeatures] | None:
        """The candidate answers (answer numbers) of a query and their evidence, unranked:
        what bench/train_ranker.py learns from."""
        qv = self.query_vector(query, part_vectors)
        lexical_query = LexicalQuery(tuple(content_terms(query.text)), tuple(expansion_terms(query.text, self.is_background)))
        candidates = self._gather(qv, lexical_query, NO_FILTER)
        if candidates is None:
            return None
        return candidates.answers, self._evidence(candidates, qv, focus_vector, lexical_query, asked, FusionMode.LEARNED)[0]

    def score(self, mode: FusionMode, features: CandidateFeatures) -> np.ndarray:
        """One ranking score per candidate."""
        if mode is FusionMode.LEARNED:
            return self.ranker.scores(features)
        ranks = (features.rank_dense, features.rank_lexical, features.rank_question_dense, features.rank_question_lexical)
        return fuse(mode, features.semantic, features.lexical, ranks)

    @cached_property
    def ranker(self) -> LearnedRanker:
        return LearnedRanker()

    def _hits(self, answers, chosen, scores, semantic, best_passage, qv, focus_vector) -> list[Hit]:
        """Hits for the chosen candidates (positions in answers), with every sentence of
        each compared with the query and the focus (to choose the words to quote): only for
        those shown, not for every candidate."""
        idx = self.index
        first_s = idx.answer_first_sentence
        shown = np.array(sorted(int(answers[i]) for i in chosen), dtype=np.int64)
        cosines = self.vectors.sentence_cosines(shown, qv, focus_vector)
        offsets = np.cumsum(first_s[shown + 1] - first_s[shown]) if len(shown) else np.zeros(0, np.int64)
        start_of = dict(zip(shown.tolist(), (offsets - (first_s[shown + 1] - first_s[shown])).tolist()))
        hits = []
        for i in chosen:
            a = int(answers[i])
            rows_s = idx.sentence_rows[first_s[a] : first_s[a + 1]]
            mine = slice(start_of[a], start_of[a] + len(rows_s))
            # Whole columns to Python numbers at once (per-element int()/float() cost ~3x more).
            sentences = tuple(
                map(SentenceMatch, rows_s[:, 1].tolist(), rows_s[:, 2].tolist(),
                    cosines.query[mine].tolist(), cosines.focus[mine].tolist())
            )
            thread = idx.threads[int(idx.answer_thread[a])]
            hits.append(Hit(idx.answers[a], thread, idx.chunk(int(best_passage[i])), round(float(scores[i]), 6),
                            round(float(semantic[i]), 6), sentences))
        return hits


@dataclass(frozen=True)
class Candidates:
    """The answers worth scoring for one query (sorted answer numbers), and where each
    ranked list placed them (answer or thread number -> 0-based rank)."""

    answers: np.ndarray
    dense_ranks: dict[int, int]
    lexical_ranks: dict[int, int]
    question_dense_ranks: dict[int, int]
    question_lexical_ranks: dict[int, int]
    lexical_passages: LexicalList
    lexical_questions: LexicalList


def _ranks_by_answer(answer_numbers: np.ndarray) -> dict[int, int]:
    ranks: dict[int, int] = {}
    for a in map(int, answer_numbers):
        ranks.setdefault(a, len(ranks))
    return ranks


def _ranks_by_thread(thread_numbers: np.ndarray) -> dict[int, int]:
    return {int(t): r for r, t in enumerate(thread_numbers)}
