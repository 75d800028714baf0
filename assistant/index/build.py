"""Building an index folder: chunk and embed a corpus, write the build under a temporary
name, switch the manifest to it atomically, and only then remove older builds.

Layout of an index folder (default embeddings/):

    manifest.json            the commit point: which build is current, and every file's hash (manifest.py)
    .lock                    held (flock) by the one process writing a build
    build-<id>/              one complete build
        threads.jsonl        the corpus as parsed (sources panel, quoting)
        passages.npy         int32 rows (answer number, start, end) per passage
        sentences.npy        int32 rows (answer number, start, end) per sentence
        passages.faiss       passage vectors (title + headline + passage text)
        sentences.faiss      one vector per sentence (scoring candidates, choosing quotes; never searched)
        questions.faiss      one vector per thread (title + patient's question)
        passages.bm25/       BM25 over each passage's headline and text
        questions.bm25/      BM25 over each thread's title and question
        retired.faiss        (optional) vectors of texts earlier builds had and this one
        retired_keys.npy     lacks, by a hash of their text (reuse.py)

A build is written under a temporary name, renamed into place, and only then does a
new manifest.json replace the old one (os.replace is atomic), so a failure at any
point leaves the previous index usable.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.corpus.jsonl import write_threads
from assistant.encoders import Embedder
from assistant.errors import IndexIntegrityError, IndexLockedError
from assistant.index import vector_index
from assistant.index.chunking import PASSAGE_MAX_CHARS, PASSAGE_OVERLAP_SENTENCES, chunk_answer, sentence_spans
from assistant.index.lexical_index import LexicalIndex
from assistant.index.load import sha256_of
from assistant.index.manifest import FORMAT_VERSION, MANIFEST, Manifest
from assistant.index.reuse import RETIRED_KEYS, RETIRED_MAX_VECTORS, RETIRED_VECTORS, RetiredVectors, ReusingEmbedder
from assistant.index.terms import content_terms
from assistant.index.texts import passage_context_text, question_text
from assistant.models import Thread

LOCK = ".lock"


@dataclass
class IndexContent:
    """Everything an index folder holds, in memory, before it is written."""

    threads: list[Thread]
    passage_rows: np.ndarray  # (n, 3) int64
    passage_vectors: np.ndarray  # (n, dim) float32, unit length
    passage_terms: list[list[str]]
    sentence_rows: np.ndarray  # (m, 3) int64
    sentence_vectors: np.ndarray  # (m, dim)
    question_vectors: np.ndarray  # (threads, dim)


def embed_corpus(threads: list[Thread], embedder: Embedder, *, batch_size: int = 8, progress: bool = False) -> IndexContent:
    """Chunk every answer and embed passages, sentences and questions."""
    rows, dense_texts, passage_terms, sentence_rows, sentence_texts = [], [], [], [], []
    number = 0
    for thread in threads:
        for answer in thread.answers:
            for chunk in chunk_answer(answer):
                rows.append((number, chunk.start, chunk.end))
                dense_texts.append(passage_context_text(thread, answer, chunk.text))
                passage_terms.append(content_terms(f"{answer.headline or ''}\n{chunk.text}"))
            for start, end in sentence_spans(answer.text):
                sentence_rows.append((number, start, end))
                sentence_texts.append(answer.text[start:end])
            number += 1
    encode = lambda texts: encode_unique(embedder, texts, batch_size=batch_size, progress=progress)  # noqa: E731
    return IndexContent(
        threads=threads,
        passage_rows=np.asarray(rows, dtype=np.int64).reshape(-1, 3),
        passage_vectors=encode(dense_texts),
        passage_terms=passage_terms,
        sentence_rows=np.asarray(sentence_rows, dtype=np.int64).reshape(-1, 3),
        sentence_vectors=encode(sentence_texts),
        question_vectors=encode([question_text(t) for t in threads]),
    )


def encode_unique(embedder: Embedder, texts: list[str], **kwargs) -> np.ndarray:
    """Encode each distinct text once ("Hope this helps." recurs across thousands of answers)."""
    unique = list(dict.fromkeys(texts))
    vectors = embedder.encode(unique, **kwargs)
    if len(unique) == len(texts):
        return vectors
    position = {text: i for i, text in enumerate(unique)}
    return vectors[[position[t] for t in texts]]


def build_index(
    folder: Path,
    threads: list[Thread],
    embedder: Embedder,
    *,
    corpus_fingerprint: str,
    sources: list[str],
    corpus_files: dict[str, int] | None = None,
    batch_size: int = 8,
    progress: bool = False,
) -> Manifest:
    """Embed and index threads into folder; returns the new manifest. One writer at a
    time: a second one is refused at once (IndexLockedError), before any work. An embedder
    that reuses an earlier build's vectors (ReusingEmbedder) hands on those this build
    does not use, which the build keeps aside (retired.faiss). corpus_files: each corpus
    file's size in bytes, recorded to tell a file cut short next time."""
    if not any(a.text for t in threads for a in t.answers):
        raise IndexIntegrityError(str(folder), "missing", "the corpus holds no answer text to index")
    with writer_lock(folder):
        content = embed_corpus(threads, embedder, batch_size=batch_size, progress=progress)
        retired = embedder.unused(RETIRED_MAX_VECTORS) if isinstance(embedder, ReusingEmbedder) else None
        return write_index(folder, content, embedder, corpus_fingerprint=corpus_fingerprint, sources=sources,
                           corpus_files=corpus_files, retired=retired)


@contextmanager
def writer_lock(folder: Path):
    """An exclusive lock on the index folder (flock on its .lock file, released when the
    process ends, however it ends), so builds never overwrite or delete each other's files."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise IndexLockedError(
                f"index at {folder} is being written by {holder}; wait for it to finish, then run again"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"process {os.getpid()}")
        f.flush()
        try:
            yield
        finally:
            f.truncate(0)
            fcntl.flock(f, fcntl.LOCK_UN)


def write_index(
    folder: Path,
    content: IndexContent,
    embedder: Embedder,
    *,
    corpus_fingerprint: str,
    sources: list[str],
    corpus_files: dict[str, int] | None = None,
    retired: RetiredVectors | None = None,
) -> Manifest:
    """Write content as a new build and switch the manifest to it; returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    build = f"build-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = folder / f".tmp-{build}"
    tmp.mkdir()
    threads = content.threads
    with (tmp / "threads.jsonl").open("w", encoding="utf-8") as f:
        write_threads(threads, f)
    np.save(tmp / "passages.npy", content.passage_rows.astype(np.int32))
    np.save(tmp / "sentences.npy", content.sentence_rows.astype(np.int32))
    p_index = vector_index.build_vector_index(content.passage_vectors)
    vector_index.save_vector_index(p_index, tmp / "passages.faiss")
    sentence_index = vector_index.build_vector_index(content.sentence_vectors, exact_max=len(content.sentence_vectors))
    vector_index.save_vector_index(sentence_index, tmp / "sentences.faiss")
    vector_index.save_vector_index(vector_index.build_vector_index(content.question_vectors), tmp / "questions.faiss")
    LexicalIndex.build(content.passage_terms).save(tmp / "passages.bm25")
    LexicalIndex.build([content_terms(question_text(t)) for t in threads]).save(tmp / "questions.bm25")
    if retired is not None and retired.keys:
        codes = vector_index.build_vector_index(retired.vectors, exact_max=len(retired.keys))
        vector_index.save_vector_index(codes, tmp / RETIRED_VECTORS)
        np.save(tmp / RETIRED_KEYS, np.frombuffer(b"".join(retired.keys), dtype=np.uint8).reshape(-1, 16))

    manifest = Manifest.model_validate({
        "format_version": FORMAT_VERSION,
        "model": {
            "name": embedder.name,
            "weights_sha256": embedder.weights_sha256,
            "dimension": embedder.dimension,
            "precision": getattr(embedder, "precision", None),
        },
        "corpus": {"fingerprint": corpus_fingerprint, "sources": sources, "files": corpus_files or {}},
        "counts": {
            "threads": len(threads),
            "answers": sum(len(t.answers) for t in threads),
            "passages": len(content.passage_rows),
            "sentences": len(content.sentence_rows),
            "retired": len(retired.keys) if retired is not None else 0,
        },
        "chunking": {"max_chars": PASSAGE_MAX_CHARS, "overlap_sentences": PASSAGE_OVERLAP_SENTENCES},
        "vector_index": vector_index.describe(p_index),
        "build": build,
        "files": _file_hashes(tmp),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    })
    _fsync_tree(tmp)
    os.rename(tmp, folder / build)
    manifest_tmp = folder / f".{MANIFEST}.{uuid.uuid4().hex[:8]}"
    with manifest_tmp.open("w", encoding="utf-8") as f:
        f.write(manifest.model_dump_json(indent=2))
        f.flush()
        os.fsync(f.fileno())
    if (folder / MANIFEST).is_dir():  # a damaged index can have anything under that name
        shutil.rmtree(folder / MANIFEST)
    os.replace(manifest_tmp, folder / MANIFEST)
    _remove_other_builds(folder, keep=build)
    return manifest


def _file_hashes(root: Path) -> dict:
    return {
        p.relative_to(root).as_posix(): {"sha256": sha256_of(p), "bytes": p.stat().st_size}
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _fsync_tree(root: Path) -> None:
    for p in root.rglob("*"):
        if p.is_file():
            with p.open("rb") as f:
                os.fsync(f.fileno())


def _remove_other_builds(folder: Path, keep: str) -> None:
    """Called under the writer lock: any other temporary build is an orphan of a writer that
    died (a live one would hold the lock), and older builds are no longer current."""
    for p in folder.iterdir():
        if p.is_dir() and p.name != keep and (p.name.startswith("build-") or p.name.startswith(".tmp-build-")):
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(f".{MANIFEST}."):
            p.unlink(missing_ok=True)
