"""Milvus as the place the index is searched (ASSISTANT_INDEX_BACKEND=milvus).

The index folder stays the source of truth: its threads (the texts quoted), sentence and
passage offsets and BM25 vocabulary are read from it as with FAISS. What moves to Milvus
are the vectors, the bulk of an index's memory, BM25's document weights as sparse
vectors, and the searches over both, with the filter on who answered pushed into Milvus
as an expression. Three collections per index build:

    <prefix>_passages   id, vector, bm25, answer, thread, rating (nullable), title_words
    <prefix>_sentences  id, vector, answer
    <prefix>_questions  id (the thread number), vector, bm25

holding the folder's own 8-bit vectors decoded (so cosines equal FAISS's) and bm25s's own
per-document term weights (so a query's inner product is the folder's BM25 score: the
project's stemming, stop words and synonyms, which Milvus's built-in BM25 function,
analysing text its own way, would not reproduce), named after
the folder and its build, and marked complete (a collection property) only once every
row is in and flushed. A collection of another build, corpus or model, or one left
half-written by an upload that died, is never searched: it is rebuilt from the folder
(or refused with ASSISTANT_REBUILD=false).

ASSISTANT_MILVUS_URI is a file path (Milvus Lite, embedded: no server) or an http(s)://
address of a Milvus standalone or cluster. pymilvus is imported only here and in milvus_collections.py.
"""

from __future__ import annotations

import numpy as np

from assistant.errors import IndexIntegrityError
from assistant.index import vector_index
from assistant.index.load import CorpusIndex
from assistant.models import AnswerFilter, title_words
from assistant.search.milvus_collections import (
    KINDS,
    collection_prefix,
    connect,
    drop_other_builds,
    failed,
    problem_with,
    upload,
)
from assistant.search.vector_store import (
    SCORE_DECIMALS,
    TIE_MARGIN,
    CandidateEvidence,
    LexicalEvidence,
    LexicalList,
    SentenceCosines,
    best_first,
    mean_per_group,
    passage_ids_of,
    sentence_ids_of,
)

# Passages per answer whose mean is its passage_top3 evidence (as vector_store computes it).
TOP_PASSAGES = 3
# Milvus returns at most this many hits per search (its topk limit).
MAX_LIMIT = 16384
# A filtered question search names the kept threads ("id in [...]") up to this many;
# above it, more questions are fetched and the kept ones taken (the list is a source of
# candidates; the filter itself is always applied to the answers).
MAX_NAMED_THREADS = 10_000
QUESTION_OVERFETCH = 20


class MilvusVectors:
    """The VectorStore over an index build's collections in Milvus."""

    name = "milvus"

    def __init__(self, client, uri: str, index: CorpusIndex, prefix: str):
        self.client = client
        self.uri = uri
        self.index = index
        self.dimension = index.passage_vectors.d
        self.names = {kind: f"{prefix}_{kind}" for kind in KINDS}

    # -- searching -------------------------------------------------------------------

    def search_passages(self, query, k, answer_filter, allowed):
        return _best_first(self._search("passages", [query], k + TIE_MARGIN, milvus_filter(answer_filter))[0], k)

    def search_questions(self, query, k, answer_filter, allowed):
        return _best_first(self._question_hits(query, k, allowed, "vector"), k)

    def _question_hits(self, query, k: int, allowed: np.ndarray | None, field: str) -> list[dict]:
        """Hits of one query (dense or sparse) among the questions, ties at the k-th
        included; under a filter, only threads with a kept answer (allowed)."""
        if allowed is None:
            return self._search("questions", [query], k + TIE_MARGIN, "", field=field)[0]
        kept = np.flatnonzero(allowed)
        if len(kept) <= MAX_NAMED_THREADS:
            return self._search("questions", [query], k + TIE_MARGIN, f"id in {kept.tolist()}", field=field)[0]
        hits = self._search("questions", [query], min(k * QUESTION_OVERFETCH, MAX_LIMIT), "", field=field)[0]
        return [h for h in hits if allowed[h["id"]]]

    def evidence(self, answers, query, focus):
        """Best passage and best sentence per answer by Milvus's grouping search (one hit per
        answer), so a search returns ~100 hits rather than every passage of every candidate."""
        idx = self.index
        expression = f"answer in {answers.tolist()}"
        best_passage = np.full(len(answers), -1, dtype=np.int64)
        passage = np.full(len(answers), np.nan, dtype=np.float32)
        top: list[list[float]] = [[] for _ in answers]  # each answer's best passages' cosines, up to TOP_PASSAGES
        hits = self._search("passages", [query], len(answers), expression, group_by="answer", group_size=TOP_PASSAGES)[0]
        for hit in hits:
            i = int(np.searchsorted(answers, hit["entity"]["answer"]))
            top[i].append(hit["distance"])
            key = (round(hit["distance"], SCORE_DECIMALS), -hit["id"])
            if best_passage[i] < 0 or key > (round(float(passage[i]), SCORE_DECIMALS), -best_passage[i]):
                best_passage[i], passage[i] = hit["id"], hit["distance"]
        sentence = np.full(len(answers), np.nan, dtype=np.float32)
        focus_cos = np.full(len(answers), np.nan, dtype=np.float32)
        best_sentence = np.full(len(answers), -1, dtype=np.int64)
        focus_sentence = np.full(len(answers), -1, dtype=np.int64)
        by_query, by_focus = self._search("sentences", [query, focus], len(answers), expression, group_by="answer")
        for hits, ids, cosines in ((by_query, best_sentence, sentence), (by_focus, focus_sentence, focus_cos)):
            for hit in hits:
                i = int(np.searchsorted(answers, hit["entity"]["answer"]))
                ids[i], cosines[i] = hit["id"], hit["distance"]
        missing = np.flatnonzero(best_passage < 0)
        if len(missing):  # an approximate index (a server's HNSW) may leave a group out
            ids = passage_ids_of(idx, answers[missing])
            cos = self._cosines("passages", ids, [query], f"answer in {answers[missing].tolist()}")[0]
            for j, a in zip(missing, answers[missing]):
                own = np.flatnonzero(idx.passage_answer[ids] == a)
                best_passage[j], passage[j] = ids[own[np.argmax(cos[own])]], cos[own].max()
                top[j] = sorted(cos[own].tolist())[-TOP_PASSAGES:]
        threads = np.unique(idx.answer_thread[answers])
        q_cos = self._cosines("questions", threads, [query], f"id in {threads.tolist()}")[0]
        question = q_cos[np.searchsorted(threads, idx.answer_thread[answers])]
        top3 = np.array([np.mean(t) if t else np.nan for t in top], dtype=np.float32)
        # Every candidate's sentence vectors, fetched by id (a few hundred), for their means.
        sentence_ids = sentence_ids_of(idx, answers)
        centroid = mean_per_group(self._vectors("sentences", sentence_ids), idx.answer_first_sentence, answers)
        return CandidateEvidence(best_passage, passage, sentence, question, best_sentence, focus_sentence, focus_cos,
                                 top3, centroid)

    def sentence_cosines(self, answers, query, focus):
        """The shown answers' sentence vectors fetched by id (a few hundred at most) and
        compared here: faster than a search that must return all of them."""
        ids = sentence_ids_of(self.index, answers) if len(answers) else np.zeros(0, np.int64)
        vectors = self._vectors("sentences", ids)
        s_cos = vectors @ query
        return SentenceCosines(s_cos, s_cos if focus is None else vectors @ focus)

    def lexical_passages(self, query, k, answer_filter, allowed):
        weights = self.index.passage_lexical.query_weights(list(query.terms), list(query.synonyms))
        if not weights:
            return LexicalList(np.zeros(0, np.int64), 0.0)
        hits = self._search("passages", [weights], k + TIE_MARGIN, milvus_filter(answer_filter), field="bm25")[0]
        return _lexical_list(hits, k)

    def lexical_questions(self, query, k, answer_filter, allowed):
        weights = self.index.question_lexical.query_weights(list(query.terms), list(query.synonyms))
        if not weights:
            return LexicalList(np.zeros(0, np.int64), 0.0)
        return _lexical_list(self._question_hits(weights, k, allowed, "bm25"), k)

    def lexical_evidence(self, query, answers, passages, questions):
        idx = self.index
        best_passage = np.full(len(answers), -1, dtype=np.int64)
        passage = np.zeros(len(answers), dtype=np.float32)
        question = np.zeros(len(answers), dtype=np.float32)
        weights = idx.passage_lexical.query_weights(list(query.terms), list(query.synonyms))
        if weights:  # answers no query word matches are not returned: they keep -1 and 0
            expression = f"answer in {answers.tolist()}"
            for hit in self._search("passages", [weights], len(answers), expression, "answer", "bm25")[0]:
                i = int(np.searchsorted(answers, hit["entity"]["answer"]))
                best_passage[i], passage[i] = hit["id"], hit["distance"]
        weights = idx.question_lexical.query_weights(list(query.terms), list(query.synonyms))
        if weights:
            threads = np.unique(idx.answer_thread[answers])
            hits = self._search("questions", [weights], len(threads), f"id in {threads.tolist()}", field="bm25")[0]
            score = dict((h["id"], h["distance"]) for h in hits)
            question = np.array([score.get(int(t), 0.0) for t in idx.answer_thread[answers]], dtype=np.float32)
        return LexicalEvidence(best_passage, passage, question)

    def _vectors(self, kind: str, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of rows ids, in that order."""
        if len(ids) == 0:
            return np.zeros((0, self.dimension), np.float32)
        try:
            found = self.client.get(self.names[kind], ids=ids.tolist(), output_fields=["vector"])
        except Exception as exc:
            raise failed(self.uri, exc) from None
        rows = {r["id"]: r["vector"] for r in found}
        lacking = [int(i) for i in ids if int(i) not in rows]
        if lacking:
            raise IndexIntegrityError(f"Milvus {self.uri}", "corrupt", f"{self.names[kind]} lacks rows {lacking[:5]}")
        return np.asarray([rows[int(i)] for i in ids], dtype=np.float32)

    def _search(
        self, kind: str, queries, limit: int, expression: str, group_by: str | None = None, field: str = "vector",
        group_size: int = 1,
    ) -> list[list[dict]]:
        """queries: dense vectors, or (field "bm25") sparse ones as {term id: weight}; with
        group_by, up to group_size hits per group. A failure (the server gone, a timeout)
        is MilvusUnavailableError, one line."""
        grouping = {"group_by_field": group_by, "output_fields": [group_by]} if group_by else {}
        if group_by and group_size > 1:
            grouping |= {"group_size": group_size, "strict_group_size": False}
        if field == "vector":
            data = [np.asarray(v, dtype=np.float32).tolist() for v in queries]
            # HNSW (a server) must look at least as far as it returns; FLAT ignores it.
            params = {"metric_type": "IP", "params": {"ef": max(limit, vector_index.HNSW_EF_SEARCH)}}
        else:
            data = list(queries)
            params = {"metric_type": "IP", "params": {"drop_ratio_search": 0.0}}  # every query term counts
        try:
            return self.client.search(
                self.names[kind],
                data=data,
                anns_field=field,
                limit=limit,
                filter=expression,
                **grouping,
                search_params=params,
                consistency_level="Bounded",  # the collections are written once, before any search
            )
        except Exception as exc:
            raise failed(self.uri, exc) from None

    def _cosines(self, kind: str, ids: np.ndarray, vectors, expression: str) -> np.ndarray:
        """(len(vectors), len(ids)) cosines of the rows ids (sorted), by one filtered search
        that returns them all; any row an approximate index leaves out is fetched and
        computed here."""
        out = np.full((len(vectors), len(ids)), np.nan, dtype=np.float32)
        if len(ids) == 0:
            return out
        if len(ids) <= MAX_LIMIT:
            for row, hits in enumerate(self._search(kind, vectors, len(ids), expression)):
                got = np.array([h["id"] for h in hits], dtype=np.int64)
                at = np.searchsorted(ids, got)
                inside = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == got)
                out[row, at[inside]] = np.array([h["distance"] for h in hits], dtype=np.float32)[inside]
        missing = np.flatnonzero(np.isnan(out).any(axis=0))
        if len(missing):
            out[:, missing] = np.asarray(vectors, dtype=np.float32) @ self._vectors(kind, ids[missing]).T
        return out


def _lexical_list(hits: list[dict], k: int) -> LexicalList:
    """The first k of hits (Milvus returns only documents with a positive score), ties
    broken as every store breaks them (BM25 ties often: the same words in passages of the
    same length)."""
    return LexicalList(_best_first(hits, k), float(hits[0]["distance"]) if hits else 0.0)


def _best_first(hits: list[dict], k: int) -> np.ndarray:
    return best_first([h["distance"] for h in hits], [h["id"] for h in hits], k)


def milvus_filter(answer_filter: AnswerFilter) -> str:
    """The filter as a Milvus expression on the passage rows: the same answers as
    AnswerFilter.accepts (a null rating fails any comparison; title_words is the title's
    words, casefolded, each preceded by a space, so " derm" marks a word that begins so)."""
    parts = []
    if answer_filter.min_rating is not None:
        parts.append(f"rating >= {answer_filter.min_rating!r}")
    if answer_filter.specialty:
        # The words are letters and digits only (AnswerFilter.of): nothing to escape.
        parts += [f'title_words like "% {word}%"' for word in title_words(answer_filter.specialty)]
    return " and ".join(parts)


def open_milvus_vectors(uri: str, timeout_s: float, index: CorpusIndex, *, rebuild: bool, log) -> MilvusVectors:
    """The index build's collections at uri, uploaded from the folder first if they are
    missing, incomplete or of another build (when rebuild is allowed); other builds' of
    the same folder are dropped once these are ready."""
    client = connect(uri, timeout_s)
    prefix = collection_prefix(index)
    store = MilvusVectors(client, uri, index, prefix)
    try:
        problem = problem_with(client, index, store.names)
        if problem:
            if not rebuild:
                raise IndexIntegrityError(f"Milvus {uri}", "stale", f"{problem} (ASSISTANT_REBUILD=false)")
            log(f"Milvus {uri}: {problem}; uploading the vectors of {index.manifest.build}")
            upload(client, uri, index, store.names)
        for name in store.names.values():
            client.load_collection(name)
        drop_other_builds(client, prefix)
    except IndexIntegrityError:
        raise
    except Exception as exc:  # the server went away, refused a request, ...
        raise failed(uri, exc) from None
    return store
