"""The manifest of an index folder: the commit point of a build, as a typed record.

manifest.json says which build is current, what made it (model, encoder precision,
chunking, vector index) and from what (the corpus's fingerprint, its paths and each
file's size), and every file's size and SHA-256. It is read with its whole shape checked
(pydantic): anything unreadable or malformed is a damaged index, never a traceback, and
no file name in it may lead outside its build.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, ValidationError, field_validator

from assistant.errors import IndexIntegrityError

# 2: sources recorded resolved; pages named within their corpus. 3: every vector stored as
# 8-bit codes (vector_index.py), sentence vectors in sentences.faiss; rows as int32.
FORMAT_VERSION = 3
MANIFEST = "manifest.json"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$")


class _Record(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, strict=True, protected_namespaces=())


class ModelRecord(_Record):
    name: str | None = None
    weights_sha256: str
    dimension: NonNegativeInt
    precision: str | None = None


class CorpusRecord(_Record):
    fingerprint: str
    sources: list[str]
    files: dict[str, int] = Field(default_factory=dict)  # resolved path -> bytes at the build


class Counts(_Record):
    threads: NonNegativeInt
    answers: NonNegativeInt
    passages: NonNegativeInt
    sentences: NonNegativeInt
    retired: NonNegativeInt = 0  # vectors kept of texts no longer in the corpus


class FileRecord(_Record):
    sha256: str
    bytes: NonNegativeInt


class Manifest(_Record):
    format_version: int | None = None
    model: ModelRecord
    corpus: CorpusRecord
    counts: Counts
    chunking: dict | None = None
    vector_index: dict | None = None
    build: str = Field(pattern=r"^build-[A-Za-z0-9_-]+$")
    files: dict[str, FileRecord]
    created_at: str | None = None

    @field_validator("files")
    @classmethod
    def _inside_the_build(cls, files: dict[str, FileRecord]) -> dict[str, FileRecord]:
        if not files:
            raise ValueError("lists no file")
        for name in files:
            if not _SAFE_NAME.match(name) or ".." in name.split("/"):
                raise ValueError(f"file name {name!r} is not inside the build")
        return files


def parse_manifest(folder, text: str) -> Manifest:
    """The manifest in text, or IndexIntegrityError "corrupt" naming what is wrong."""
    try:
        return Manifest.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the whole"
        raise IndexIntegrityError(str(folder), "corrupt", f"{MANIFEST} is malformed: {where}: {first['msg']}") from None


def read_manifest(folder) -> Manifest:
    path = folder / MANIFEST
    if not path.exists():
        raise IndexIntegrityError(str(folder), "missing", "no index has been built there yet")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise IndexIntegrityError(str(folder), "corrupt", f"{MANIFEST} cannot be read ({exc.__class__.__name__})") from None
    return parse_manifest(folder, text)


def check_manifest(folder, manifest: Manifest, embedder, corpus_fingerprint: str | None, sources: list[str] | None = None) -> None:
    """Raise IndexIntegrityError unless the manifest matches this code, model and corpus
    (its fingerprint, and the resolved paths it was read from, when given)."""
    if manifest.format_version != FORMAT_VERSION:
        raise IndexIntegrityError(
            str(folder), "stale", f"index format {manifest.format_version}, this version reads {FORMAT_VERSION}"
        )
    model = manifest.model
    if model.weights_sha256 != embedder.weights_sha256 or model.dimension != embedder.dimension:
        raise IndexIntegrityError(
            str(folder), "mismatch", f"built with model {model.name} ({model.weights_sha256}), "
            f"not the loaded {embedder.name} ({embedder.weights_sha256})"
        )
    built_from = manifest.corpus.sources
    if sources is not None and built_from != sources:
        raise IndexIntegrityError(
            str(folder), "mismatch", f"built from {', '.join(built_from) or 'no corpus'}, not the configured {', '.join(sources)}"
        )
    if corpus_fingerprint is not None and manifest.corpus.fingerprint != corpus_fingerprint:
        raise IndexIntegrityError(str(folder), "stale", "the corpus has changed since the index was built")
