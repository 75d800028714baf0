"""The Milvus collections of an index build: connecting, naming, checking and uploading.

Three collections per index build (see milvus_store.py for what each holds), named
pa_<folder>_<build>, carrying their identity (schema, build, corpus, model) and a
"complete" mark set only once every row is in and flushed. pymilvus is imported only
here and in milvus_store.py.
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
from assistant.models import title_words

KINDS = ("passages", "sentences", "questions")
# Collection properties: what the collection was built from, and "1" once every row is
# in and flushed.
IDENTITY = "pa.identity"
COMPLETE = "pa.complete"
INSERT_BATCH = 2000


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


def problem_with(client, index: CorpusIndex, names: dict[str, str]) -> str | None:
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


def upload(client, uri: str, index: CorpusIndex, names: dict[str, str]) -> None:
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
        a = int(index.passage_answer[i])
        author = answers[a].author
        words = "".join(f" {w}" for w in title_words(author.title or ""))[:1023]
        return {"answer": a, "thread": int(thread_of[a]), "rating": author.rating, "title_words": words,
                "bm25": _sparse_row(passage_bm25, i)}

    insert("passages", index.passage_vectors, passage_row)
    insert("sentences", index.sentence_vectors, lambda i: {"answer": int(index.sentence_answer[i])})
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


def drop_other_builds(client, prefix: str) -> None:
    folder_prefix = prefix[: prefix.index("_", 3) + 1]  # pa_<folder>_
    for name in client.list_collections():
        if name.startswith(folder_prefix) and not name.startswith(prefix + "_"):
            client.drop_collection(name)


def _is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def failed(uri: str, exc: Exception) -> MilvusUnavailableError:
    return MilvusUnavailableError(f"Milvus at {uri} failed: {first_line(exc)}")
