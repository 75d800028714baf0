"""Exceptions whose messages tell the user what went wrong and what to do."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: every error this package raises on purpose."""


def first_line(exc: Exception) -> str:
    """An underlying library's error in one line for ours (its type when it says nothing)."""
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


class CorpusError(AssistantError):
    """A corpus file (page or JSONL) that cannot be read; names the file and line."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class ModelError(AssistantError):
    """The bundled embedding model is missing or its weights are not the expected ones."""


class IndexIntegrityError(AssistantError):
    """An index folder that is missing, partial, corrupt, stale or built for another model.

    kind is one of: "missing", "stale" (corpus or format changed), "mismatch" (another
    model), "corrupt" (damaged or partial files).
    """

    def __init__(self, index_dir: str, kind: str, reason: str):
        self.index_dir = str(index_dir)
        self.kind = kind
        self.reason = reason
        super().__init__(f"index at {index_dir} is {kind}: {reason}")


class CorpusMismatchError(AssistantError):
    """The index was built from another corpus than the one configured; only `ingest`
    replaces a build with one of another corpus, so reading commands refuse."""


class CorpusUnreachableError(AssistantError):
    """The configured corpus, which the index must match, cannot be read."""


class MilvusUnavailableError(AssistantError):
    """The Milvus backend is configured but cannot be reached or used."""


class RayIngestError(AssistantError):
    """ingest --ray could not reach its Ray cluster, or the cluster failed mid-ingest."""


class IndexLockedError(AssistantError):
    """Another process is writing the index folder."""


class ServeError(AssistantError):
    """The browser app cannot start (its port is taken, say)."""


class SettingsError(AssistantError):
    """An ASSISTANT_* environment variable or option with a value that makes no sense."""
