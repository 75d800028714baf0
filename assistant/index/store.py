"""The index folder: building it atomically, and loading it only when it is intact and current.

Layout of an index folder (default embeddings/):

    manifest.json            the commit point: which build is current, and every file's hash
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
        retired_keys.npy     lacks, by a hash of their text: a page cut short and restored
                             is not encoded again (RETIRED_MAX_VECTORS at most)

A build is written under a temporary name, renamed into place, and only then does a
new manifest.json replace the old one (os.replace is atomic), so a failure at any
point leaves the previous index usable.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.corpus.jsonl import read_jsonl, write_threads
from assistant.encoders import Embedder
from assistant.errors import IndexIntegrityError, IndexLockedError
from assistant.index import vector_index
from assistant.index.chunking import PASSAGE_MAX_CHARS, PASSAGE_OVERLAP_SENTENCES, chunk_answer, sentence_spans
from assistant.index.lexical_index import LexicalIndex
from assistant.index.terms import content_terms
from assistant.models import Answer, Chunk, Thread

# 2: sources recorded resolved; pages named within their corpus. 3: every vector stored as
# 8-bit codes (vector_index.py), sentence vectors in sentences.faiss; rows as int32.
FORMAT_VERSION = 3
MANIFEST = "manifest.json"
LOCK = ".lock"
FILES = ("threads.jsonl", "passages.npy", "sentences.npy", "passages.faiss", "sentences.faiss", "questions.faiss")
BM25_DIRS = ("passages.bm25", "questions.bm25")
RETIRED_VECTORS, RETIRED_KEYS = "retired.faiss", "retired_keys.npy"
# Vectors of texts no longer in the corpus kept in a build, the most recently retired
# first: 100,000 texts (a few thousand answers) as 8-bit codes are 37 MiB, plus 1.6 MB of
# keys. A larger loss is re-encoded when it comes back.
RETIRED_MAX_VECTORS = 100_000


def text_key(text: str) -> bytes:
    """How a vector is found again by its text: a 128-bit hash (collisions: never in practice)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


@dataclass(frozen=True)
class RetiredVectors:
    """Vectors of texts a build no longer holds, by text_key, most recently retired first."""

    keys: list[bytes]
    vectors: np.ndarray  # (len(keys), dim) float32


def passage_context_text(thread: Thread, answer: Answer, chunk_text: str) -> str:
    """What is embedded for a passage: its topic first, so a short passage keeps it."""
    parts = [thread.title]
    if answer.headline and answer.headline.strip().lower() != thread.title.strip().lower():
        parts.append(answer.headline)
    parts.append(chunk_text)
    return "\n".join(parts)


def question_text(thread: Thread) -> str:
    return "\n".join(p for p in (thread.title, thread.question) if p)


@dataclass
class CorpusIndex:
    """A loaded index: every structure retrieval needs, in memory."""

    folder: Path
    manifest: dict
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
        return np.searchsorted(self.passage_rows[:, 0], np.arange(len(self.answers) + 1))

    @cached_property
    def answer_first_sentence(self) -> np.ndarray:
        return np.searchsorted(self.sentence_rows[:, 0], np.arange(len(self.answers) + 1))

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
) -> dict:
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
) -> dict:
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

    manifest = {
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
    }
    _fsync_tree(tmp)
    os.rename(tmp, folder / build)
    manifest_tmp = folder / f".{MANIFEST}.{uuid.uuid4().hex[:8]}"
    with manifest_tmp.open("w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.flush()
        os.fsync(f.fileno())
    if (folder / MANIFEST).is_dir():  # a damaged index can have anything under that name
        shutil.rmtree(folder / MANIFEST)
    os.replace(manifest_tmp, folder / MANIFEST)
    _remove_other_builds(folder, keep=build)
    return manifest


class ReusingEmbedder:
    """An embedder that takes vectors of texts it has seen from an earlier build of the
    same model (known: text_key -> vector) and encodes only the rest: adding pages
    re-encodes only the new text, and a page that comes back is not encoded again."""

    def __init__(self, embedder: Embedder, known: dict[bytes, np.ndarray]):
        self._embedder = embedder
        self._known = known
        self._used: set[bytes] = set()
        self.name, self.weights_sha256, self.dimension = embedder.name, embedder.weights_sha256, embedder.dimension
        self.precision = getattr(embedder, "precision", None)
        self.reused = 0

    def encode(self, texts: list[str], **kwargs) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = [t for t, k in zip(texts, keys) if k not in self._known]
        fresh = dict(zip(missing, self._embedder.encode(missing, **kwargs))) if missing else {}
        self.reused += len(texts) - len(missing)
        self._used.update(keys)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, (text, key) in enumerate(zip(texts, keys)):
            out[i] = fresh[text] if text in fresh else self._known[key]
        return out

    def unused(self, limit: int) -> RetiredVectors:
        """The known vectors no text encoded so far asked for, in the order they were known
        (the last build's own first, then what it had retired), at most limit."""
        keys = [k for k in self._known if k not in self._used][:limit]
        vectors = np.stack([self._known[k] for k in keys]) if keys else np.zeros((0, self.dimension), np.float32)
        return RetiredVectors(keys, vectors)


def reusable_vectors(folder: Path, embedder: Embedder) -> dict[bytes, np.ndarray]:
    """text_key -> vector for every passage, sentence and question of an intact index built
    by the same model (whatever corpus it was built from), then for the texts it keeps
    retired; empty when there is none."""
    try:
        index = load_index(folder, embedder)
    except IndexIntegrityError:
        return {}
    known: dict[bytes, np.ndarray] = {}
    passage_vectors = vector_index.vectors_of(index.passage_vectors, np.arange(index.passage_vectors.ntotal))
    for (a, start, end), vector in zip(index.passage_rows, passage_vectors):
        answer = index.answers[int(a)]
        thread = index.threads[int(index.answer_thread[int(a)])]
        known[text_key(passage_context_text(thread, answer, answer.text[start:end]))] = vector
    sentence_vectors = vector_index.vectors_of(index.sentence_vectors, np.arange(index.sentence_vectors.ntotal))
    for (a, start, end), vector in zip(index.sentence_rows, sentence_vectors):
        known.setdefault(text_key(index.answers[int(a)].text[start:end]), vector)
    question_vectors = vector_index.vectors_of(index.question_vectors, np.arange(len(index.threads)))
    for thread, vector in zip(index.threads, question_vectors):
        known[text_key(question_text(thread))] = vector
    build = folder / index.manifest["build"]
    if (build / RETIRED_KEYS).is_file():  # checksummed with the rest by load_index
        keys = np.load(build / RETIRED_KEYS, allow_pickle=False)
        codes = vector_index.load_vector_index(build / RETIRED_VECTORS)
        vectors = vector_index.vectors_of(codes, np.arange(codes.ntotal))
        for key, vector in zip(keys, vectors):
            known.setdefault(key.tobytes(), vector)
    return known


def read_manifest(folder: Path) -> dict:
    """The manifest, after checking its whole shape: anything unreadable or malformed is a
    damaged index (IndexIntegrityError "corrupt"), never a traceback."""
    path = folder / MANIFEST
    if not path.exists():
        raise IndexIntegrityError(str(folder), "missing", "no index has been built there yet")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexIntegrityError(str(folder), "corrupt", f"{MANIFEST} cannot be read ({exc.__class__.__name__})") from None
    problem = _manifest_problem(manifest)
    if problem:
        raise IndexIntegrityError(str(folder), "corrupt", f"{MANIFEST} is malformed: {problem}")
    return manifest


_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$")


def _manifest_problem(manifest) -> str | None:
    """What is wrong with a manifest's shape, or None. File names must stay inside the build."""
    if not isinstance(manifest, dict):
        return "not a JSON object"
    if not isinstance(manifest.get("build"), str) or not re.fullmatch(r"build-[A-Za-z0-9_-]+", manifest["build"]):
        return "'build' is not a build folder name"
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return "'files' is not an object of files"
    for name, meta in files.items():
        if not _SAFE_NAME.match(name) or ".." in name.split("/"):
            return f"file name {name!r} is not inside the build"
        if (not isinstance(meta, dict) or not isinstance(meta.get("sha256"), str)
                or not _is_count(meta.get("bytes"))):
            return f"'files.{name}' needs a sha256 and a byte count"
    counts = manifest.get("counts")
    if not isinstance(counts, dict) or not all(_is_count(counts.get(k)) for k in ("threads", "answers", "passages", "sentences")):
        return "'counts' needs whole numbers of threads, answers, passages and sentences"
    model = manifest.get("model")
    if not isinstance(model, dict) or not isinstance(model.get("weights_sha256"), str) or not _is_count(model.get("dimension")):
        return "'model' needs weights_sha256 and dimension"
    corpus = manifest.get("corpus")
    if not isinstance(corpus, dict) or not isinstance(corpus.get("fingerprint"), str):
        return "'corpus' needs a fingerprint"
    sources = corpus.get("sources")
    if not isinstance(sources, list) or not all(isinstance(x, str) for x in sources):
        return "'corpus.sources' is not a list of paths"
    return None


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_manifest(
    folder: Path, manifest: dict, embedder: Embedder, corpus_fingerprint: str | None, sources: list[str] | None = None
) -> None:
    """Raise IndexIntegrityError unless the manifest matches this code, model and corpus
    (its fingerprint, and the resolved paths it was read from, when given)."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexIntegrityError(
            str(folder), "stale", f"index format {manifest.get('format_version')}, this version reads {FORMAT_VERSION}"
        )
    model = manifest["model"]
    if model.get("weights_sha256") != embedder.weights_sha256 or model.get("dimension") != embedder.dimension:
        raise IndexIntegrityError(
            str(folder), "mismatch", f"built with model {model.get('name')} ({model.get('weights_sha256')}), "
            f"not the loaded {embedder.name} ({embedder.weights_sha256})"
        )
    built_from = manifest["corpus"]["sources"]
    if sources is not None and built_from != sources:
        raise IndexIntegrityError(
            str(folder), "mismatch", f"built from {', '.join(built_from) or 'no corpus'}, not the configured {', '.join(sources)}"
        )
    if corpus_fingerprint is not None and manifest["corpus"]["fingerprint"] != corpus_fingerprint:
        raise IndexIntegrityError(str(folder), "stale", "the corpus has changed since the index was built")


def load_index(
    folder: Path, embedder: Embedder, corpus_fingerprint: str | None = None, sources: list[str] | None = None
) -> CorpusIndex:
    """Load an index after checking the manifest (against the corpus, when given) and
    every file's size and SHA-256."""
    manifest = read_manifest(folder)
    check_manifest(folder, manifest, embedder, corpus_fingerprint, sources)
    build = folder / manifest["build"]
    expected = manifest["files"]
    for name in [*FILES, *BM25_DIRS]:
        if not any(key == name or key.startswith(name + "/") for key in expected):
            raise IndexIntegrityError(str(folder), "corrupt", f"{MANIFEST} does not list {name}")
    for name, meta in expected.items():
        path = build / name
        if not path.is_file():
            raise IndexIntegrityError(str(folder), "corrupt", f"{manifest['build']}/{name} is missing")
        if path.stat().st_size != meta["bytes"] or _sha256(path) != meta["sha256"]:
            raise IndexIntegrityError(str(folder), "corrupt", f"{manifest['build']}/{name} does not match its checksum")
    try:
        index = _load_files(folder, build, manifest)
    except IndexIntegrityError:
        raise
    except Exception as exc:  # checksums matched but a library still refused the file
        raise IndexIntegrityError(str(folder), "corrupt", f"cannot load {build.name}: {exc}") from exc
    return index


def _load_files(folder: Path, build: Path, manifest: dict) -> CorpusIndex:
    counts = manifest["counts"]
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
        "threads": counts["threads"],
        "answers": counts["answers"],
        "passages": counts["passages"],
        "sentences": counts["sentences"],
        "sentence vectors": counts["sentences"],
        "passage vectors": counts["passages"],
        "question vectors": counts["threads"],
        "lexical passages": counts["passages"],
        "lexical questions": counts["threads"],
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


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _file_hashes(root: Path) -> dict:
    return {
        p.relative_to(root).as_posix(): {"sha256": _sha256(p), "bytes": p.stat().st_size}
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
