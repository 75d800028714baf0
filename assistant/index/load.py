"""A loaded index: every structure retrieval needs, in memory, read only from a build whose
manifest matches this code, model and corpus and whose files all match their checksums."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.corpus.jsonl import read_jsonl
from assistant.errors import IndexIntegrityError
from assistant.index import vector_index
from assistant.index.lexical_index import LexicalIndex
from assistant.index.manifest import MANIFEST, Manifest, check_manifest, read_manifest
from assistant.models import Answer, Chunk, Thread

if TYPE_CHECKING:
    from assistant.encoders import Embedder

FILES = ("threads.jsonl", "passages.npy", "sentences.npy", "passages.faiss", "sentences.faiss", "questions.faiss")
BM25_DIRS = ("passages.bm25", "questions.bm25")


@dataclass
class CorpusIndex:
    """A loaded index: every structure retrieval needs, in memory."""

    folder: Path
    manifest: Manifest
    threads: list[Thread]
    passage_rows: np.ndarray  # (n, 3) int32 on disk: answer number, start, end
    sentence_rows: np.ndarray  # (m, 3) int32 on disk: answer number, start, end
    # faiss.Index each (None once released to Milvus); sentences are never searched,
    # vector_index.vectors_of reads them.
    sentence_vectors: object
    passage_vectors: object
    question_vectors: object
    passage_lexical: LexicalIndex
    question_lexical: LexicalIndex

    @cached_property
    def answers(self) -> list[Answer]:
        return [a for t in self.threads for a in t.answers]

    @property
    def passage_answer(self) -> np.ndarray:
        """Answer number of each passage (a view of passage_rows' first column)."""
        return self.passage_rows[:, 0]

    @property
    def sentence_answer(self) -> np.ndarray:
        """Answer number of each sentence."""
        return self.sentence_rows[:, 0]

    @cached_property
    def answer_thread(self) -> np.ndarray:
        """Thread number of each answer number."""
        return np.repeat(np.arange(len(self.threads)), [len(t.answers) for t in self.threads])

    @cached_property
    def thread_first_answer(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum([len(t.answers) for t in self.threads])])

    @cached_property
    def answer_first_passage(self) -> np.ndarray:
        """Passages are stored in answer order: answer a owns [first[a], first[a+1])."""
        return np.searchsorted(self.passage_answer, np.arange(len(self.answers) + 1))

    @cached_property
    def answer_first_sentence(self) -> np.ndarray:
        return np.searchsorted(self.sentence_answer, np.arange(len(self.answers) + 1))

    @cached_property
    def thread_by_id(self) -> dict[str, Thread]:
        return {t.id: t for t in self.threads}

    def release_searched_data(self) -> None:
        """Let go of the FAISS vectors and BM25's document weights once another store
        (Milvus) searches them; texts, offsets and the BM25 vocabulary stay."""
        self.sentence_vectors = self.passage_vectors = self.question_vectors = None
        self.passage_lexical.release_documents()
        self.question_lexical.release_documents()

    def chunk(self, passage: int) -> Chunk:
        a, start, end = (int(x) for x in self.passage_rows[passage])
        answer = self.answers[a]
        return Chunk(answer.id, start, end, answer.text[start:end])


def load_index(
    folder: Path, embedder: Embedder, corpus_fingerprint: str | None = None, sources: list[str] | None = None
) -> CorpusIndex:
    """Load an index after checking the manifest (against the corpus, when given) and
    every file's size and SHA-256."""
    manifest = read_manifest(folder)
    check_manifest(folder, manifest, embedder, corpus_fingerprint, sources)
    build = folder / manifest.build
    expected = manifest.files
    for name in [*FILES, *BM25_DIRS]:
        if not any(key == name or key.startswith(name + "/") for key in expected):
            raise IndexIntegrityError(str(folder), "corrupt", f"{MANIFEST} does not list {name}")
    for name, meta in expected.items():
        path = build / name
        if not path.is_file():
            raise IndexIntegrityError(str(folder), "corrupt", f"{manifest.build}/{name} is missing")
        if path.stat().st_size != meta.bytes or sha256_of(path) != meta.sha256:
            raise IndexIntegrityError(str(folder), "corrupt", f"{manifest.build}/{name} does not match its checksum")
    try:
        index = _load_files(folder, build, manifest)
    except IndexIntegrityError:
        raise
    except Exception as exc:  # checksums matched but a library still refused the file
        raise IndexIntegrityError(str(folder), "corrupt", f"cannot load {build.name}: {exc}") from exc
    return index


def _load_files(folder: Path, build: Path, manifest: Manifest) -> CorpusIndex:
    counts = manifest.counts
    with (build / "threads.jsonl").open("rb") as f:
        items = list(read_jsonl(f, str(build / "threads.jsonl"), 1 << 30))
    threads = [t for t in items if isinstance(t, Thread)]
    rows = np.load(build / "passages.npy", allow_pickle=False)
    sentence_rows = np.load(build / "sentences.npy", allow_pickle=False)
    index = CorpusIndex(
        folder=folder,
        manifest=manifest,
        threads=threads,
        passage_rows=rows,
        sentence_rows=sentence_rows,
        sentence_vectors=vector_index.load_vector_index(build / "sentences.faiss"),
        passage_vectors=vector_index.load_vector_index(build / "passages.faiss"),
        question_vectors=vector_index.load_vector_index(build / "questions.faiss"),
        passage_lexical=LexicalIndex.load(build / "passages.bm25"),
        question_lexical=LexicalIndex.load(build / "questions.bm25"),
    )
    found = {
        "threads": len(threads),
        "answers": len(index.answers),
        "passages": len(rows),
        "sentences": len(sentence_rows),
        "sentence vectors": index.sentence_vectors.ntotal,
        "passage vectors": index.passage_vectors.ntotal,
        "question vectors": index.question_vectors.ntotal,
        "lexical passages": index.passage_lexical.num_docs,
        "lexical questions": index.question_lexical.num_docs,
    }
    want = {
        "threads": counts.threads,
        "answers": counts.answers,
        "passages": counts.passages,
        "sentences": counts.sentences,
        "sentence vectors": counts.sentences,
        "passage vectors": counts.passages,
        "question vectors": counts.threads,
        "lexical passages": counts.passages,
        "lexical questions": counts.threads,
    }
    for key, value in found.items():
        if value != want[key]:
            raise IndexIntegrityError(str(folder), "corrupt", f"{key}: found {value}, the manifest says {want[key]}")
    for name, table in (("passages.npy", rows), ("sentences.npy", sentence_rows)):
        if table.ndim != 2 or table.shape[1] != 3 or (len(table) and table[:, 0].max() >= len(index.answers)):
            raise IndexIntegrityError(str(folder), "corrupt", f"{name} does not fit the threads")
    for name, vectors in (("sentences.faiss", index.sentence_vectors), ("questions.faiss", index.question_vectors)):
        if vectors.d != index.passage_vectors.d:
            raise IndexIntegrityError(str(folder), "corrupt", f"{name} holds vectors of another dimension")
    return index


def sha256_of(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
