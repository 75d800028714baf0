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

from . import vector_index
from .chunking import PASSAGE_MAX_CHARS, PASSAGE_OVERLAP_SENTENCES, chunk_answer, sentence_spans
from .embedding import Embedder
from .errors import IndexIntegrityError, IndexLockedError
from .jsonl import read_jsonl, write_threads
from .lexical_index import LexicalIndex
from .models import Answer, Chunk, Thread
from .terms import content_terms

# 2: sources recorded resolved; pages named within their corpus. 3: every vector stored as
# 8-bit codes (vector_index.py), sentence vectors in sentences.faiss; rows as int32.
FORMAT_VERSION = 3
MANIFEST = "manifest.json"
LOCK = ".lock"
# How sentence vectors were made, as the manifest says it (Settings.sentence_vectors -> words).
SENTENCES_POOLED = "pooled from passages"
SENTENCES_ALONE = "encoded alone"
SENTENCE_VECTORS = {"alone": SENTENCES_ALONE, "pooled": SENTENCES_POOLED}
FILES = ("threads.jsonl", "passages.npy", "sentences.npy", "passages.faiss", "sentences.faiss", "questions.faiss")
BM25_DIRS = ("passages.bm25", "questions.bm25")


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
    sentences_pooled: bool = False  # sentence vectors pooled from their passages' encodings (embed_corpus)


def embed_corpus(
    threads: list[Thread], embedder: Embedder, *, pool_sentences: bool = False, batch_size: int = 8, progress: bool = False
) -> IndexContent:
    """Chunk every answer and embed passages, sentences and questions.

    pool_sentences, with an encoder that can (encode_with_spans: the int8 one): each
    sentence's vector is pooled from the encoding of the first passage that holds it
    whole, so sentences cost no encoder run of their own (~a third of the tokens a MEDIQA
    ingest encodes; README "Performance"); otherwise each sentence is encoded alone."""
    rows, dense_texts, passage_terms, sentence_rows, sentence_texts = [], [], [], [], []
    held: list[list[int]] = []  # per passage: the sentences whose vectors its encoding gives
    for number, (thread, answer) in enumerate((t, a) for t in threads for a in t.answers):
        sentences = sentence_spans(answer.text)
        first_sentence = len(sentence_rows)
        sentence_rows += [(number, start, end) for start, end in sentences]
        sentence_texts += [answer.text[start:end] for start, end in sentences]
        chunks = chunk_answer(answer)
        for chunk, mine in zip(chunks, first_holders(sentences, chunks)):
            rows.append((number, chunk.start, chunk.end))
            dense_texts.append(passage_context_text(thread, answer, chunk.text))
            passage_terms.append(content_terms(f"{answer.headline or ''}\n{chunk.text}"))
            held.append([first_sentence + k for k in mine])
    encode = lambda texts: encode_unique(embedder, texts, batch_size=batch_size, progress=progress)  # noqa: E731
    pooled = pool_sentences and hasattr(embedder, "encode_with_spans")
    if pooled:
        spans = [
            [_span_in_passage(text, rows[p], sentence_rows[k]) for k in held[p]] for p, text in enumerate(dense_texts)
        ]
        passage_vectors, span_vectors = embedder.encode_with_spans(dense_texts, spans, batch_size=batch_size, progress=progress)
        sentence_vectors = np.full((len(sentence_rows), embedder.dimension), np.nan, dtype=np.float32)
        for p, sentences in enumerate(held):
            if sentences:
                sentence_vectors[sentences] = span_vectors[p]
        alone = np.flatnonzero(~np.isfinite(sentence_vectors).all(axis=1))  # cut off by the model's window
        if len(alone):
            sentence_vectors[alone] = encode([sentence_texts[k] for k in alone])
    else:
        passage_vectors, sentence_vectors = encode(dense_texts), encode(sentence_texts)
    return IndexContent(
        sentences_pooled=pooled,
        threads=threads,
        passage_rows=np.asarray(rows, dtype=np.int64).reshape(-1, 3),
        passage_vectors=passage_vectors,
        passage_terms=passage_terms,
        sentence_rows=np.asarray(sentence_rows, dtype=np.int64).reshape(-1, 3),
        sentence_vectors=sentence_vectors,
        question_vectors=encode([question_text(t) for t in threads]),
    )


def first_holders(sentences: list[tuple[int, int]], chunks: list[Chunk]) -> list[list[int]]:
    """For each passage of an answer, the numbers of the sentences it is the first to hold
    whole (passages overlap by a sentence, which the earlier one gives its vector)."""
    out, k = [], 0
    for chunk in chunks:
        mine = []
        while k < len(sentences) and sentences[k][1] <= chunk.end:
            if sentences[k][0] >= chunk.start:
                mine.append(k)
            k += 1
        out.append(mine)
    return out


def _span_in_passage(passage_text: str, passage_row: tuple[int, int, int], sentence_row: tuple[int, int, int]) -> tuple[int, int]:
    """A sentence's characters within its passage's embedded text (topic lines, then the passage)."""
    chunk_start, chunk_end = int(passage_row[1]), int(passage_row[2])
    offset = len(passage_text) - (chunk_end - chunk_start)
    return offset + int(sentence_row[1]) - chunk_start, offset + int(sentence_row[2]) - chunk_start


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
    pool_sentences: bool = False,
    batch_size: int = 8,
    progress: bool = False,
) -> dict:
    """Embed and index threads into folder; returns the new manifest. One writer at a
    time: a second one is refused at once (IndexLockedError), before any work."""
    if not any(a.text for t in threads for a in t.answers):
        raise IndexIntegrityError(str(folder), "missing", "the corpus holds no answer text to index")
    with writer_lock(folder):
        content = embed_corpus(threads, embedder, pool_sentences=pool_sentences, batch_size=batch_size, progress=progress)
        return write_index(folder, content, embedder, corpus_fingerprint=corpus_fingerprint, sources=sources)


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


def write_index(folder: Path, content: IndexContent, embedder: Embedder, *, corpus_fingerprint: str, sources: list[str]) -> dict:
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

    manifest = {
        "format_version": FORMAT_VERSION,
        "model": {
            "name": embedder.name,
            "weights_sha256": embedder.weights_sha256,
            "dimension": embedder.dimension,
            "precision": getattr(embedder, "precision", None),
        },
        "corpus": {"fingerprint": corpus_fingerprint, "sources": sources},
        "counts": {
            "threads": len(threads),
            "answers": sum(len(t.answers) for t in threads),
            "passages": len(content.passage_rows),
            "sentences": len(content.sentence_rows),
        },
        "chunking": {"max_chars": PASSAGE_MAX_CHARS, "overlap_sentences": PASSAGE_OVERLAP_SENTENCES},
        "sentence_vectors": SENTENCES_POOLED if content.sentences_pooled else SENTENCES_ALONE,
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


@dataclass
class KnownVectors:
    """Vectors of an earlier build, for reuse: by text (passages, sentences encoded alone,
    questions), and the sentence vectors pooled from a passage, by (passage text, start, end)."""

    texts: dict[str, np.ndarray]
    spans: dict[tuple[str, int, int], np.ndarray]

    def __bool__(self) -> bool:
        return bool(self.texts)


class ReusingEmbedder:
    """An embedder that takes vectors of texts it has seen from an earlier build of the
    same model and encodes only the rest: adding pages re-encodes only the new text."""

    def __init__(self, embedder: Embedder, known: KnownVectors):
        self._embedder = embedder
        self._known = known
        self.name, self.weights_sha256, self.dimension = embedder.name, embedder.weights_sha256, embedder.dimension
        self.precision = getattr(embedder, "precision", None)
        self.reused = 0
        if hasattr(embedder, "encode_with_spans"):
            self.encode_with_spans = self._encode_with_spans

    def encode(self, texts: list[str], **kwargs) -> np.ndarray:
        missing = [t for t in texts if t not in self._known.texts]
        fresh = dict(zip(missing, self._embedder.encode(missing, **kwargs))) if missing else {}
        self.reused += len(texts) - len(missing)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = fresh[text] if text in fresh else self._known.texts[text]
        return out

    def _encode_with_spans(self, texts: list[str], spans: list[list[tuple[int, int]]], **kwargs):
        """A passage is reused when it and every span asked of it were in the earlier build."""
        known = self._known

        def reusable(i: int) -> bool:
            return texts[i] in known.texts and all((texts[i], *span) in known.spans for span in spans[i])

        missing = [i for i in range(len(texts)) if not reusable(i)]
        fresh_vectors, fresh_spans = (
            self._embedder.encode_with_spans([texts[i] for i in missing], [spans[i] for i in missing], **kwargs)
            if missing else (None, [])
        )
        fresh = {i: j for j, i in enumerate(missing)}
        self.reused += len(texts) - len(missing)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        out_spans = []
        for i, text in enumerate(texts):
            if i in fresh:
                out[i] = fresh_vectors[fresh[i]]
                out_spans.append(fresh_spans[fresh[i]])
            else:
                out[i] = known.texts[text]
                mine = [known.spans[(text, *span)] for span in spans[i]]
                out_spans.append(np.asarray(mine, dtype=np.float32).reshape(len(mine), self.dimension))
        return out, out_spans


def reusable_vectors(folder: Path, embedder: Embedder) -> KnownVectors:
    """The vectors of every passage, sentence and question of an intact index built by the
    same model (whatever corpus it was built from); empty when there is none."""
    known = KnownVectors({}, {})
    try:
        index = load_index(folder, embedder)
    except IndexIntegrityError:
        return known
    pooled = index.manifest.get("sentence_vectors") == SENTENCES_POOLED
    passage_vectors = vector_index.vectors_of(index.passage_vectors, np.arange(index.passage_vectors.ntotal))
    sentence_vectors = vector_index.vectors_of(index.sentence_vectors, np.arange(index.sentence_vectors.ntotal))
    first_p, first_s = index.answer_first_passage, index.answer_first_sentence
    for a, answer in enumerate(index.answers):
        thread = index.threads[int(index.answer_thread[a])]
        passages = index.passage_rows[first_p[a] : first_p[a + 1]]
        texts = [passage_context_text(thread, answer, answer.text[start:end]) for _, start, end in passages]
        for text, vector in zip(texts, passage_vectors[first_p[a] : first_p[a + 1]]):
            known.texts[text] = vector
        sentences = index.sentence_rows[first_s[a] : first_s[a + 1]]
        if not pooled:
            for (_, start, end), vector in zip(sentences, sentence_vectors[first_s[a] : first_s[a + 1]]):
                known.texts.setdefault(answer.text[start:end], vector)
            continue
        chunks = [Chunk(answer.id, int(start), int(end), "") for _, start, end in passages]
        spans = [(int(start), int(end)) for _, start, end in sentences]
        for p, mine in enumerate(first_holders(spans, chunks)):
            for k in mine:
                span = _span_in_passage(texts[p], passages[p], sentences[k])
                known.spans[(texts[p], *span)] = sentence_vectors[first_s[a] + k]
    question_vectors = vector_index.vectors_of(index.question_vectors, np.arange(len(index.threads)))
    for thread, vector in zip(index.threads, question_vectors):
        known.texts[question_text(thread)] = vector
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
    folder: Path,
    manifest: dict,
    embedder: Embedder,
    corpus_fingerprint: str | None,
    sources: list[str] | None = None,
    sentence_vectors: str | None = None,
) -> None:
    """Raise IndexIntegrityError unless the manifest matches this code, model and corpus
    (its fingerprint, and the resolved paths it was read from, when given), and the way
    of making sentence vectors asked for (Settings.sentence_vectors, when given)."""
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
    built = manifest.get("sentence_vectors", SENTENCES_ALONE)
    if sentence_vectors is not None and built != SENTENCE_VECTORS[sentence_vectors]:
        raise IndexIntegrityError(
            str(folder), "stale",
            f"its sentence vectors were {built}; ASSISTANT_SENTENCE_VECTORS={sentence_vectors} asks for {SENTENCE_VECTORS[sentence_vectors]}",
        )


def load_index(
    folder: Path,
    embedder: Embedder,
    corpus_fingerprint: str | None = None,
    sources: list[str] | None = None,
    sentence_vectors: str | None = None,
) -> CorpusIndex:
    """Load an index after checking the manifest (against the corpus and settings, when
    given) and every file's size and SHA-256."""
    manifest = read_manifest(folder)
    check_manifest(folder, manifest, embedder, corpus_fingerprint, sources, sentence_vectors)
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
