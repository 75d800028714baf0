"""One Settings object, built from the environment (ASSISTANT_*) and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from assistant.errors import SettingsError

ENV_PREFIX = "ASSISTANT_"
DEFAULT_CORPUS = ("corpus",)  # what `make run` builds its first index from


@dataclass(frozen=True)
class Settings:
    index_dir: Path = Path("embeddings")
    # The corpus the index must match, when configured (ASSISTANT_CORPUS_PATHS). Unset, an
    # index is served against the corpus its manifest records, and a new one is built
    # from DEFAULT_CORPUS (service.open_index).
    corpus_paths: tuple[str, ...] | None = None
    top_k: int = 5
    fusion: str = "learned"  # see fusion.FusionMode
    precision: str = "auto"  # encoders.resolve_precision
    batch_size: int = 8  # batch 8 beat 32 on these 2-core machines (DESIGN §8)
    threads: int = 0  # torch compute threads; 0 keeps torch's default
    rebuild: bool = True  # rebuild a missing or stale default index instead of refusing
    # Check the index against corpus_paths (staleness); false serves an index as built, its
    # files still checked (replicas sharing a read-only index without the corpus).
    check_corpus: bool = True
    max_page_bytes: int = 5 * 1024 * 1024
    # Where the vectors are searched: "faiss" (the index folder, in memory) or "milvus"
    # (milvus_store.py) at milvus_uri: a file path runs Milvus Lite, embedded; an
    # http:// address a Milvus server. Empty: <index_dir>/milvus.db.
    index_backend: str = "faiss"
    milvus_uri: str = ""
    milvus_timeout_s: int = 10  # for connecting and for each request
    host: str = "127.0.0.1"
    port: int = 7860
    feedback_path: Path = Path("feedback.sqlite3")  # a .jsonl of an earlier version is imported once
    queue_size: int = 64  # requests waiting beyond this get a "busy" message
    concurrency: int = 2  # replies computed at once: one per core on the reference machine
    # Bounds on what one request or session may ask of the server (web/limits.py).
    max_message_chars: int = 2000  # one message, in the chat and in /ask
    max_turns: int = 50  # messages in one conversation
    # Characters in all the messages of one /ask request (every turn of which is answered):
    # what bounds its work, as the 2,000 of a message bound one reply's (bench_request_cost).
    max_request_chars: int = 16_000
    max_request_bytes: int = 1024 * 1024  # any request body (50 messages of 2,000 characters fit)
    feedback_per_minute: int = 20  # votes one browser session may record per minute
    feedback_global_per_minute: int = 120  # votes all sessions together may record per minute
    max_sessions: int = 1000  # browser sessions whose conversation is kept; the oldest go first
    session_ttl_s: int = 6 * 3600  # a conversation left alone this long is dropped

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "Settings":
        """Defaults, then ASSISTANT_<FIELD> variables, then explicit overrides (CLI flags)."""
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, raw, f.default)
        from_env = {name: env[ENV_PREFIX + name.upper()] for name in values if name not in overrides}
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        try:
            settings.validate()
        except SettingsError as exc:  # name the variable the user set, not only the setting
            named = [n for n in from_env if n in str(exc) or n.replace("_", " ") in str(exc)]
            if not named:
                raise
            raise SettingsError(f"{ENV_PREFIX}{named[0].upper()}={from_env[named[0]]!r}: {exc}") from None
        return settings

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    def validate(self) -> None:
        if self.precision not in ("auto", "fp32", "bf16", "int8"):
            raise SettingsError(f"precision must be 'auto', 'fp32', 'bf16' or 'int8', not {self.precision!r}")
        if self.top_k < 1 or self.top_k > 50:
            raise SettingsError(f"top_k must be between 1 and 50, not {self.top_k}")
        for name in ("batch_size", "queue_size", "concurrency", "max_message_chars", "max_turns", "max_request_chars", "max_request_bytes",
                     "feedback_per_minute", "feedback_global_per_minute", "max_sessions", "session_ttl_s"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1")
        if self.index_backend not in ("faiss", "milvus"):
            raise SettingsError(f"index_backend must be 'faiss' or 'milvus', not {self.index_backend!r}")
        if self.milvus_timeout_s < 1:
            raise SettingsError("milvus_timeout_s must be at least 1")
        from assistant.search.fusion import FusionMode

        FusionMode.parse(self.fusion)

    @property
    def resolved_milvus_uri(self) -> str:
        return self.milvus_uri or str(self.index_dir / "milvus.db")


# What each setting does, for the README's settings table (settings_table(); a test checks
# the README holds exactly that table, so a default changed here cannot drift there).
HELP: dict[str, str] = {
    "index_dir": "the index folder",
    "corpus_paths": "the corpus (files or folders, `:`-separated) an index must match; unset: the one its "
                    "manifest records (a new index is built from `corpus/`)",
    "top_k": "quotes in a reply (1 to 50)",
    "fusion": "how evidence is combined: `learned`, `weighted`, `rrf`, `dense` or `lexical`",
    "precision": "encoder arithmetic: `auto` (int8 through ONNX Runtime when it is installed, else bf16 where "
                 "the CPU has it natively, else fp32), `int8`, `bf16` or `fp32`",
    "batch_size": "texts encoded at once while building an index",
    "threads": "PyTorch compute threads (0: PyTorch's default)",
    "rebuild": "rebuild a missing, stale or damaged index (`false`: refuse it)",
    "check_corpus": "check the index against its corpus (`false`: serve it as built; its files are still checked)",
    "max_page_bytes": "largest page or JSONL file read",
    "index_backend": "where vectors are searched: `faiss` (the index folder) or `milvus`",
    "milvus_uri": "a file (Milvus Lite, embedded) or an http(s) address of a Milvus server; empty: "
                  "`<index dir>/milvus.db`",
    "milvus_timeout_s": "seconds for connecting to Milvus and for each request",
    "host": "address the chat listens on",
    "port": "port the chat listens on",
    "feedback_path": "SQLite file of votes and comments",
    "queue_size": "requests waiting for a reply before others are told the server is busy",
    "concurrency": "replies computed at once",
    "max_message_chars": "characters in one message",
    "max_turns": "messages in one conversation",
    "max_request_chars": "characters in all the messages of one `/ask` request",
    "max_request_bytes": "bytes in any request body",
    "feedback_per_minute": "votes one browser session may record per minute",
    "feedback_global_per_minute": "votes all sessions together may record per minute",
    "max_sessions": "browser sessions whose conversation is kept (the oldest go first)",
    "session_ttl_s": "seconds a conversation left alone is kept",
}


def settings_table() -> str:
    """The README's settings table, from the fields' defaults and HELP."""
    rows = ["| variable | default | what it sets |", "|---|---|---|"]
    for f in fields(Settings):
        default = f.default
        shown = "unset" if default is None else f"`{default}`" if str(default) != "" else "empty"
        if isinstance(default, bool):
            shown = f"`{str(default).lower()}`"
        rows.append(f"| `{ENV_PREFIX}{f.name.upper()}` | {shown} | {HELP[f.name]} |")
    return "\n".join(rows)


def _convert(name: str, raw: str, default):
    try:
        if isinstance(default, bool):
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError(raw)
            return raw.lower() in ("1", "true", "yes")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, Path):
            return Path(raw)
        if isinstance(default, tuple) or name == "corpus_paths":
            return tuple(p for p in raw.split(os.pathsep) if p)
        return raw
    except ValueError:
        raise SettingsError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid value") from None


if __name__ == "__main__":  # python -m assistant.settings: the README's settings table
    print(settings_table())
