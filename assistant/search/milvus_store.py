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
address of a Milvus standalone or cluster. pymilvus is imported only here.
"""

from __future__ import annotations

import hashlib
import logging
import re
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assistant.errors import IndexIntegrityError, MilvusUnavailableError, first_line
from assistant.index import vector_index
from assistant.index.load import CorpusIndex
from assistant.models import AnswerFilter, title_words
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

KINDS = ("passages", "sentences", "questions")
# Collection properties: what the collection was built from, and "1" once every row is
# in and flushed.
IDENTITY = "pa.identity"
COMPLETE = "pa.complete"
INSERT_BATCH = 2000
# Passages per answer whose mean is its passage_top3 evidence (as vector_store computes it).
TOP_PASSAGES = 3
# Milvus returns at most this many hits per search (its topk limit).
MAX_LIMIT = 16384
# A filtered question search names the kept threads ("id in [...]") up to this many;
# above it, more questions are fetched and the kept ones taken (the list is a source of
# candidates; the filter itself is always applied to the answers).
MAX_NAMED_THREADS = 10_000
QUESTION_OVERFETCH = 20


def connect(uri: str, timeout_s: float):
    """A MilvusClient for uri (a file: Milvus Lite), or MilvusUnavailableError saying what to do."""
    try:
        from pymilvus import MilvusClient
    except ImportError as exc:  # pragma: no cover - pymilvus is a declared dependency
        raise MilvusUnavailableError(f"pymilvus is not installed ({exc}); pip install pymilvus milvus-lite") from None
    with _milvus_lite_log() as lite_errors:
        try:
            if not _is_server(uri):
                Path(uri).parent.mkdir(parents=True, exist_ok=True)
            return MilvusClient(uri=uri, timeout=timeout_s)
        except Exception as exc:
            if any("lock" in e.lower() for e in lite_errors):
                raise MilvusUnavailableError(
                    f"the Milvus Lite file {uri} is open in another process (one process at a time may use it): "
                    "stop that one, or set ASSISTANT_MILVUS_URI to another file"
                ) from None
            raise MilvusUnavailableError(
                f"cannot reach Milvus at {uri}: {first_line(exc)} (start it, fix ASSISTANT_MILVUS_URI, or set "
                "ASSISTANT_INDEX_BACKEND=faiss to search the local index folder)"
            ) from None


@contextmanager
def _milvus_lite_log():
    """Milvus Lite logs a failure to open its file as a 20-line traceback before the
    client raises; that is kept from the user's terminal, and its one-line causes are
    handed to the caller (list of messages) to say what went wrong in our own words."""
    causes: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            exc = record.exc_info[1] if record.exc_info else None
            causes.append(f"{record.getMessage()} {type(exc).__name__}: {first_line(exc)}" if exc else record.getMessage())

    lite = logging.getLogger("milvus_lite")
    handler, propagate = Keep(), lite.propagate
    lite.addHandler(handler)
    lite.propagate = False
    try:
        yield causes
    finally:
        lite.removeHandler(handler)
        lite.propagate = propagate


def collection_prefix(index: CorpusIndex) -> str:
    """pa_<folder>_<build>: two index folders never share collections on one Milvus."""
    folder = hashlib.sha256(str(Path(index.folder).resolve()).encode()).hexdigest()[:10]
    return f"pa_{folder}_{re.sub(r'[^0-9A-Za-z]', '_', index.manifest.build)}"


# Bumped when the collections' layout changes: older collections are then uploaded again.
SCHEMA = 2  # 2: BM25 weights as sparse vectors


def expected_description(index: CorpusIndex) -> str:
    m = index.manifest
    return (
        f"physician-answer-assistant schema {SCHEMA} {m.build} "
        f"corpus {m.corpus.fingerprint} model {m.model.weights_sha256}"
    )


def expected_rows(index: CorpusIndex) -> dict[str, int]:
    counts = index.manifest.counts
    return {"passages": counts.passages, "sentences": counts.sentences, "questions": counts.threads}


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
                own = np.flatnonzero(idx.passage_rows[ids, 0] == a)
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
            raise _failed(self.uri, exc) from None
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
            raise _failed(self.uri, exc) from None

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


# -- writing -----------------------------------------------------------------------------


def open_milvus_vectors(uri: str, timeout_s: float, index: CorpusIndex, *, rebuild: bool, log) -> MilvusVectors:
    """The index build's collections at uri, uploaded from the folder first if they are
    missing, incomplete or of another build (when rebuild is allowed); other builds' of
    the same folder are dropped once these are ready."""
    client = connect(uri, timeout_s)
    prefix = collection_prefix(index)
    store = MilvusVectors(client, uri, index, prefix)
    try:
        problem = _problem(client, index, store.names)
        if problem:
            if not rebuild:
                raise IndexIntegrityError(f"Milvus {uri}", "stale", f"{problem} (ASSISTANT_REBUILD=false)")
            log(f"Milvus {uri}: {problem}; uploading the vectors of {index.manifest.build}")
            _upload(client, uri, index, store.names)
        for name in store.names.values():
            client.load_collection(name)
        _drop_other_builds(client, prefix)
    except IndexIntegrityError:
        raise
    except Exception as exc:  # the server went away, refused a request, ...
        raise _failed(uri, exc) from None
    return store


def _problem(client, index: CorpusIndex, names: dict[str, str]) -> str | None:
    """Why the collections cannot be searched as they are (None: they can)."""
    rows = expected_rows(index)
    for kind, name in names.items():
        if not client.has_collection(name):
            return f"collection {name} is missing"
        properties = client.describe_collection(name).get("properties", {})
        if properties.get(IDENTITY) != expected_description(index):
            return f"collection {name} holds another corpus, build or model"
        if properties.get(COMPLETE) != "1":
            return f"collection {name} was left half-written"
        found = int(client.get_collection_stats(name)["row_count"])
        if found != rows[kind]:
            return f"collection {name} holds {found} rows, the index {rows[kind]}"
    return None


def _upload(client, uri: str, index: CorpusIndex, names: dict[str, str]) -> None:
    from pymilvus import DataType

    dim = index.passage_vectors.d
    answers = index.answers
    thread_of = index.answer_thread
    for kind, name in names.items():
        if client.has_collection(name):
            client.drop_collection(name)
        schema = client.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
        if kind != "sentences":
            schema.add_field("bm25", DataType.SPARSE_FLOAT_VECTOR)
        if kind != "questions":
            schema.add_field("answer", DataType.INT64)
        if kind == "passages":
            schema.add_field("thread", DataType.INT64)
            schema.add_field("rating", DataType.FLOAT, nullable=True)
            schema.add_field("title_words", DataType.VARCHAR, max_length=1024)
        params = client.prepare_index_params()
        params.add_index("vector", **_vector_index(uri))
        if kind != "sentences":
            params.add_index("bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        client.create_collection(name, schema=schema, index_params=params)
        client.alter_collection_properties(name, properties={IDENTITY: expected_description(index)})

    def insert(kind: str, faiss_index, rows_of) -> None:
        for start in range(0, faiss_index.ntotal, INSERT_BATCH):
            ids = np.arange(start, min(start + INSERT_BATCH, faiss_index.ntotal))
            vectors = vector_index.vectors_of(faiss_index, ids)
            client.insert(names[kind], [{"id": int(i), "vector": v.tolist(), **rows_of(int(i))} for i, v in zip(ids, vectors)])

    passage_bm25 = index.passage_lexical.document_rows()
    question_bm25 = index.question_lexical.document_rows()

    def passage_row(i: int) -> dict:
        a = int(index.passage_rows[i, 0])
        author = answers[a].author
        words = "".join(f" {w}" for w in title_words(author.title or ""))[:1023]
        return {"answer": a, "thread": int(thread_of[a]), "rating": author.rating, "title_words": words,
                "bm25": _sparse_row(passage_bm25, i)}

    insert("passages", index.passage_vectors, passage_row)
    insert("sentences", index.sentence_vectors, lambda i: {"answer": int(index.sentence_rows[i, 0])})
    insert("questions", index.question_vectors, lambda i: {"bm25": _sparse_row(question_bm25, i)})
    for name in names.values():
        client.flush(name)
    rows = expected_rows(index)
    for kind, name in names.items():
        found = int(client.get_collection_stats(name)["row_count"])
        if found != rows[kind]:
            raise IndexIntegrityError(name, "corrupt", f"uploaded {found} rows of {rows[kind]}")
        client.alter_collection_properties(name, properties={COMPLETE: "1"})


def _sparse_row(matrix, i: int) -> dict[int, float]:
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    return {int(j): float(v) for j, v in zip(matrix.indices[start:end], matrix.data[start:end]) if v > 0}


def _vector_index(uri: str) -> dict:
    """Exact search on Milvus Lite (as the FAISS folder up to 120,000 vectors); HNSW with
    the FAISS folder's parameters on a Milvus server."""
    if not _is_server(uri):
        return {"index_type": "FLAT", "metric_type": "IP"}
    return {
        "index_type": "HNSW",
        "metric_type": "IP",
        "params": {"M": vector_index.HNSW_M, "efConstruction": vector_index.HNSW_EF_CONSTRUCTION},
    }


def _drop_other_builds(client, prefix: str) -> None:
    folder_prefix = prefix[: prefix.index("_", 3) + 1]  # pa_<folder>_
    for name in client.list_collections():
        if name.startswith(folder_prefix) and not name.startswith(prefix + "_"):
            client.drop_collection(name)


def _is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def _failed(uri: str, exc: Exception) -> MilvusUnavailableError:
    return MilvusUnavailableError(f"Milvus at {uri} failed: {first_line(exc)}")
