"""The assistant as one object: settings, model and index loaded once, conversations answered."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.corpus.reader import CorpusReadResult, corpus_files, corpus_fingerprint, read_corpus
from assistant.encoders import Embedder, create_embedder
from assistant.encoders.bundled import WEIGHTS_SHA256
from assistant.errors import CorpusMismatchError, CorpusUnreachableError, IndexIntegrityError
from assistant.index.build import build_index
from assistant.index.load import CorpusIndex, load_index
from assistant.index.manifest import read_manifest
from assistant.index.reuse import ReusingEmbedder, reusable_vectors
from assistant.models import NO_FILTER, AnswerFilter, Problem, QuestionFocus, SearchQuery, Turn
from assistant.red_flags import RedFlagDetector
from assistant.reply.compose import compose_turn
from assistant.reply.conversation import may_lean, resolve
from assistant.reply.question_focus import asking_words, focus_of
from assistant.reply.quoting import Chooser, QuoteEvidence, choose_span
from assistant.search.answer_types import AnswerType, asked_types
from assistant.search.fusion import FusionMode
from assistant.search.relevance import calibrate
from assistant.search.retrieval import RetrievalResult, Retriever
from assistant.search.topicality import OnTopicModel
from assistant.search.vector_store import FaissVectors, VectorStore
from assistant.settings import DEFAULT_CORPUS, Settings
from assistant.text_gate import clean_text

Log = Callable[[str], None]


def log_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class IngestSummary:
    index_dir: Path
    threads: int
    answers: int
    passages: int
    problems: list[Problem]
    rebuilt: bool  # False when the index was already up to date


def ingest(
    paths: Sequence[str],
    index_dir: Path,
    embedder: Embedder,
    settings: Settings,
    *,
    force: bool = False,
    log: Log = log_to_stderr,
) -> IngestSummary:
    """Build the index for paths into index_dir, unless an intact one for the same corpus is
    there: the one command that may replace a build with a build of another corpus.

    Texts already embedded by the index there (same model), or kept aside by it from
    earlier builds, are not encoded again, unless force is set: then everything is
    rebuilt from scratch.
    """
    result, fingerprint = _read(paths, settings, log)
    if not force:
        try:
            index = load_index(index_dir, embedder, fingerprint, resolved_sources(paths))
            counts = index.manifest.counts
            return IngestSummary(index_dir, counts.threads, counts.answers, counts.passages, result.problems, False)
        except IndexIntegrityError:
            pass
    return _rebuild(result, fingerprint, paths, index_dir, embedder, settings, reuse=not force, log=log)


def _read(paths: Sequence[str], settings: Settings, log: Log) -> tuple[CorpusReadResult, str]:
    """The corpus (its problems logged) and its fingerprint."""
    result = read_corpus(paths, max_page_bytes=settings.max_page_bytes)
    for problem in result.problems:
        log(str(problem))
    return result, corpus_fingerprint(result.files)


# A corpus file below this share of its size at the last build was probably cut short
# (an editor mid-save, a failed copy): ingest says so.
SHRINK_WARNING_SHARE = 0.5


def _rebuild(
    result: CorpusReadResult,
    fingerprint: str,
    paths: Sequence[str],
    index_dir: Path,
    embedder: Embedder,
    settings: Settings,
    *,
    reuse: bool,
    log: Log,
) -> IngestSummary:
    """Build the index from a read corpus, reusing the previous index's vectors if asked."""
    answers = sum(len(t.answers) for t in result.threads)
    sizes = {str(p.resolve()): p.stat().st_size for p in result.files}
    for warning in shrunken_files(index_dir, sizes):
        log(warning)
    log(f"Indexing {len(result.threads)} threads, {answers} answers into {index_dir} ...")
    known = reusable_vectors(index_dir, embedder) if reuse else {}
    encoder = ReusingEmbedder(embedder, known) if known else embedder
    manifest = build_index(
        index_dir,
        result.threads,
        encoder,
        corpus_fingerprint=fingerprint,
        sources=resolved_sources(paths),
        corpus_files=sizes,
        batch_size=settings.batch_size,
        progress=True,
    )
    if known:
        log(f"Reused the vectors of {encoder.reused} texts from the previous index.")
    counts = manifest.counts
    if counts.retired:
        log(f"Kept the vectors of {counts.retired} texts no longer in the corpus, in case they come back.")
    return IngestSummary(index_dir, counts.threads, counts.answers, counts.passages, result.problems, True)


def shrunken_files(index_dir: Path, sizes: dict[str, int]) -> list[str]:
    """A warning for each corpus file under SHRINK_WARNING_SHARE of its size at the last build."""
    try:
        before = read_manifest(index_dir).corpus.files
    except IndexIntegrityError:
        return []
    return [
        f"warning: {path} is {size:,} bytes, {before[path]:,} at the last build: cut short? (an editor mid-save, "
        "a failed copy); its answers leave the index, their vectors are kept and reused if it comes back"
        for path, size in sizes.items()
        if isinstance(before.get(path), int) and size < SHRINK_WARNING_SHARE * before[path]
    ]


def resolved_sources(paths: Sequence[str]) -> list[str]:
    """Corpus paths as the manifest records them: absolute, so another working directory
    cannot make them mean another corpus."""
    return [str(Path(p).resolve()) for p in paths]


def recorded_sources(index_dir: Path) -> list[str] | None:
    """The corpus an index folder's manifest says it was built from; None when there is no
    readable manifest."""
    try:
        return read_manifest(index_dir).corpus.sources
    except IndexIntegrityError:
        return None


def ingest_command(paths: Sequence[str], index_dir: Path) -> str:
    return shlex.join(["python", "-m", "assistant", "ingest", *paths, "--index-dir", str(index_dir)])


def open_index(settings: Settings, embedder: Embedder, log: Log = log_to_stderr) -> CorpusIndex:
    """Load the index to serve (ask, eval, serve: reading commands), never replacing it with
    a build of another corpus (only ingest does that).

    The index is served against the corpus its manifest records and refreshed from that
    same corpus when its files changed or the index is damaged (if settings.rebuild). A
    corpus configured explicitly (ASSISTANT_CORPUS_PATHS) that is not the recorded one is
    refused, with the command that rebuilds the folder from it. A folder with no readable
    manifest is built from the configured corpus, or corpus/. A corpus that cannot be
    reached is refused, never skipped; with check_corpus off the index is served as built
    (its files still checked)."""
    folder = settings.index_dir
    if not settings.check_corpus:
        return load_index(folder, embedder)
    configured = resolved_sources(settings.corpus_paths) if settings.corpus_paths is not None else None
    recorded = recorded_sources(folder)
    if configured is not None and recorded is not None and configured != recorded:
        raise CorpusMismatchError(
            f"the index at {folder} was built from {', '.join(recorded) or 'no corpus'}, not the configured "
            f"{', '.join(configured)}; reading commands never replace it. To rebuild it from the configured corpus: "
            f"{ingest_command(settings.corpus_paths, folder)} (or unset ASSISTANT_CORPUS_PATHS to serve it as built)"
        )
    sources = configured or recorded or resolved_sources(DEFAULT_CORPUS)
    missing = [p for p in sources if not Path(p).exists()]
    if missing or not sources:
        raise CorpusUnreachableError(
            f"the corpus the index at {folder} must match cannot be reached: {', '.join(missing) or 'none recorded'} "
            "(restore it, or set ASSISTANT_CHECK_CORPUS=false to serve the index as built)"
        )
    files, _ = corpus_files(sources)
    fingerprint = corpus_fingerprint(files)
    try:
        return load_index(folder, embedder, fingerprint, sources)
    except IndexIntegrityError as exc:
        if not settings.rebuild:
            raise
        log(f"{exc}; rebuilding it from {', '.join(sources)}")
    # The index was just found unusable: rebuild without checking it again.
    _rebuild(*_read(sources, settings, log), sources, folder, embedder, settings, reuse=True, log=log)
    return load_index(folder, embedder, fingerprint, sources)


def open_vectors(settings: Settings, index: CorpusIndex, log: Log = log_to_stderr) -> VectorStore:
    """Where the index is searched: its own FAISS files and BM25 in memory, or Milvus (whose
    collections are checked against the index build, and uploaded from it if need be;
    the folder's vectors and BM25 weights are then let go)."""
    if settings.index_backend == "faiss":
        return FaissVectors(index)
    from assistant.search.milvus_store import open_milvus_vectors

    store = open_milvus_vectors(
        settings.resolved_milvus_uri, settings.milvus_timeout_s, index, rebuild=settings.rebuild, log=log
    )
    index.release_searched_data()
    return store


class Assistant:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, log: Log = log_to_stderr):
        self.settings = settings
        self.embedder = embedder or create_embedder(settings.precision, settings.threads)
        self.index = open_index(settings, self.embedder, log)
        self.retriever = Retriever(
            self.index, self.embedder, FusionMode.parse(settings.fusion), vectors=open_vectors(settings, self.index, log)
        )
        # How much evidence this corpus needs before an answer is quoted (relevance.py), and
        # whether a message is about it at all (topicality.py, for the bundled encoder).
        self.relevance_floor = calibrate(self.retriever)
        self.retriever.min_relevance = self.relevance_floor.threshold
        self.retriever.probe_best = self.relevance_floor.probe_best
        if self.embedder.weights_sha256 == WEIGHTS_SHA256:
            self.retriever.on_topic = OnTopicModel.load()
        self.red_flags = RedFlagDetector(self.embedder)

    def converse(
        self,
        messages: Sequence[str],
        *,
        k: int | None = None,
        mode: FusionMode | None = None,
        last_only: bool = False,
        chooser: Chooser = choose_span,
        answer_filter: AnswerFilter = NO_FILTER,
    ) -> list[Turn]:
        """One Turn per message (or only the last), each message read in the context of those
        before it, quoting only answers answer_filter keeps. mode and chooser (of the words
        to quote) are for evaluation."""
        messages = [clean_text(m, f"message {n}").strip() for n, m in enumerate(messages, start=1)]
        queries = resolve(messages, self.index.passage_lexical.knows)
        indices = [len(messages) - 1] if last_only else range(len(messages))
        plans = [self._plan(messages[i], queries[i]) for i in indices]
        # One encoder call for the whole request: every text once, however many turns read it
        # (a follow-up searches with the messages before it; a focus can equal its message).
        texts = list(dict.fromkeys(t for plan in plans for t in plan.texts))
        vectors = dict(zip(texts, self.embedder.encode(texts))) if texts else {}
        return [self._answer(plan, vectors, k, mode, chooser, answer_filter) for plan in plans]

    def reply(self, messages: Sequence[str], **kwargs) -> Turn:
        return self.converse(messages, last_only=True, **kwargs)[0]

    def _may_lean(self, message: str, alone: RetrievalResult) -> bool:
        """Whether a message that finds nothing alone may be read with its conversation:
        alone it comes at least as close to the corpus as any everyday message does, or
        the corpus knows most of its words ("what's a good recipe for banana bread?" after
        a question on Botox is a new subject on both counts)."""
        close = alone.topicality is not None and alone.topicality.over_probes >= 0
        return close or may_lean(message, self.index.passage_lexical.knows)

    def _search(self, plan: TurnPlan, vectors: dict[str, np.ndarray], k, mode, answer_filter: AnswerFilter):
        return self.retriever.search(
            plan.query, k or self.settings.top_k, mode, part_vectors=np.stack([vectors[t] for t in plan.searched]),
            focus_vector=vectors[plan.focus.text], answer_filter=answer_filter, asked=plan.asked,
        )

    def candidate_features(self, messages: Sequence[str]):
        """The candidates for the last message of a conversation and their evidence
        (retrieval.Retriever.candidate_features), for training the ranking."""
        messages = [clean_text(m, f"message {n}").strip() for n, m in enumerate(messages, start=1)]
        plan = self._plan(messages[-1], resolve(messages, self.index.passage_lexical.knows)[-1])
        texts = list(dict.fromkeys((*plan.searched, plan.focus.text)))
        vectors = dict(zip(texts, self.embedder.encode(texts)))
        return self.retriever.candidate_features(
            plan.query, np.stack([vectors[t] for t in plan.searched]), vectors[plan.focus.text], plan.asked
        )

    def _plan(self, message: str, query: SearchQuery) -> TurnPlan:
        searched = [text for text, _ in query.parts] if message else []
        # Red flags of the message; a follow-up ("is that normal?") keeps those of the
        # messages it is read with, so the urgent notice does not vanish from the reply.
        triaged = (searched if query.is_followup else [message]) if message else []
        # What the message itself asks (a follow-up's last part), to choose the words to quote.
        focus = focus_of(searched[-1], self.retriever.is_background) if message else None
        asked = asked_types(asking_words(searched[-1])) if message else frozenset()
        clauses = self.red_flags.texts_to_encode(triaged)
        return TurnPlan(message, query, tuple(searched), tuple(triaged), focus, asked, tuple(clauses))

    def _answer(self, plan: TurnPlan, vectors: dict[str, np.ndarray], k, mode, chooser: Chooser,
                answer_filter: AnswerFilter) -> Turn:
        if not plan.message:
            return compose_turn(plan.message, plan.query, [], None)
        keeps_none = not answer_filter.is_empty and not self.retriever.allowed(answer_filter).answers.any()
        result = self._search(plan, vectors, k, mode, answer_filter)
        if not result.hits and plan.query.in_context is not None and self._may_lean(plan.message, result):
            # Alone it finds nothing: read it with the conversation, as a follow-up is.
            in_context = self._plan(plan.message, plan.query.in_context)
            missing = [t for t in in_context.texts if t not in vectors]
            vectors = {**vectors, **dict(zip(missing, self.embedder.encode(missing)))} if missing else vectors
            found = self._search(in_context, vectors, k, mode, answer_filter)
            if found.hits:
                plan, result = in_context, found
        triage = self.red_flags.assess(*plan.triaged, vectors=vectors)
        evidence = QuoteEvidence(plan.focus, result.terms, self.index.passage_lexical.idf)
        return compose_turn(plan.message, plan.query, result.hits, evidence, triage, chooser, answer_filter, keeps_none)


@dataclass(frozen=True)
class TurnPlan:
    """What answering one message needs, before anything is encoded."""

    message: str
    query: SearchQuery
    searched: tuple[str, ...]  # the texts searched: the message, after earlier ones for a follow-up
    triaged: tuple[str, ...]  # the messages whose red flags the reply carries
    focus: QuestionFocus | None  # what the message asks (None for an empty message)
    asked: frozenset[AnswerType]  # the kinds of answer it asks for
    clauses: tuple[str, ...]  # the triage's texts to encode (red_flags.RedFlagDetector.texts_to_encode)

    @property
    def texts(self) -> tuple[str, ...]:
        return (*self.searched, self.focus.text, *self.clauses) if self.focus else ()
